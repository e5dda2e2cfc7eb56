"""Trajectories: scheme, phase, checklist answers (the method: fieldapp/method), dates, outcome."""
