"""Evaluation records: what was said and agreed at a trajectory's evaluation moment, with the
evidence from notes and 360° rounds, kept as closed versions that a correction never overwrites."""
