"""Organisations, users and roles, sign-in, password reset and invitations."""
