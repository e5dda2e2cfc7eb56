"""Workplace visits: planning, the agenda, and a personal calendar feed."""
