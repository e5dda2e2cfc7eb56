"""Reminders that arrive: push subscriptions, VAPID keys, sending (rules and the scheduler build on
them)."""
