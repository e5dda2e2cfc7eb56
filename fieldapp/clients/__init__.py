"""Clients, who may see them, hand-overs and the timeline of everything that happened."""
