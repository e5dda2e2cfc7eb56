"""Administering the people of an organisation: invitations, roles, deactivation."""
