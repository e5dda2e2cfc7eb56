"""The audit log: who did what to which record, when and from where. Written here, below the
accounts that write to it; the administrator reads it in fieldapp/admin."""
