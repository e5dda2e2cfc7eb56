"""Users and roles, sign-in and signed-in devices, password reset and invitations (organisations
and teams are in fieldapp/organisation)."""
