"""Organisations (the tenants) and their teams: the records, an organisation's own settings
(retention, default language) and its teams page."""
