"""The administrator's pages (the "Admin" menu) that combine the accounts with what lies below
them: the organisation's settings and teams, the e-mail that did not arrive, and the audit log.
The people themselves are in fieldapp/users. The records and the services that write them (the
organisation, the mail queue, the audit trail) stay in their own packages below the accounts."""
