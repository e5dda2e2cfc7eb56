"""Clients, who may see them and open their file (file_access.py), hand-overs and the timeline of
everything that happened. The pages that show a client's file are in fieldapp/caseload."""
