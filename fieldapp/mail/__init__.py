"""Outgoing e-mail, sent only after the transaction that caused it has committed. Below the
accounts, which queue invitations and reset links; the administrator's page is in fieldapp/admin."""
