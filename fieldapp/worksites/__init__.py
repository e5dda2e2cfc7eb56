"""Worksites (werkplekken) and their contacts: supervisors and colleagues on the work floor."""
