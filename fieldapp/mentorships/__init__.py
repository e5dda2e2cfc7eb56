"""Mentorships (peter/meter): a buddy for a client on the work floor, or for a new counsellor."""
