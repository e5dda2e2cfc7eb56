"""Contacts with or about a client (calls, office talks, visits, messages); the contact rhythm."""
