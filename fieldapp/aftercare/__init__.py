"""Aftercare: where a client is some months after a trajectory ended (the yearly report's
transitions to regular work come from these records)."""
