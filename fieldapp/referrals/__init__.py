"""Referrals to partner services; the counsellor stays the contact and follows up."""
