"""Worksites (werkplekken) and their contacts: supervisors and colleagues on the work floor. The
pages, which also show the clients placed there, are in fieldapp/caseload."""
