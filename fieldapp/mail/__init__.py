"""Outgoing e-mail, sent only after the transaction that caused it has committed."""
