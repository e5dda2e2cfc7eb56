"""Reminders that arrive: push subscriptions, VAPID keys, sending (the agenda builds on them, from
the rules of fieldapp/method/rules.py; fieldapp/jobs.py runs the sending)."""
