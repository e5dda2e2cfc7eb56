"""Trajectories: scheme, the five phases of the method with their checklists, dates and outcome."""
