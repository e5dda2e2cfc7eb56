"""Organisations (the tenants) and their teams: the records, below the accounts. The
administrator's settings and teams page is in fieldapp/admin."""
