"""Contacts with or about a client (calls, office talks, visits, messages) and the contact rhythm."""
