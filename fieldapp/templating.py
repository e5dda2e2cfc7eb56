"""Jinja filters that turn stored codes into labels, and numbers into text, in the reader's
language."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_decimal

from fieldapp.mail.services import one_line
from fieldapp.referrals.models import ReferralStatus
from fieldapp.trajectories.method import PHASES, Outcome, Scheme
from fieldapp.worksites.models import ContactRole, WorksiteKind


def init_app(app: Flask) -> None:
    filters = {
        "scheme_label": lambda code: Scheme(code).label,
        "outcome_label": lambda code: Outcome(code).label if code else "—",
        "phase_label": lambda number: str(PHASES[int(number)]),
        "worksite_kind_label": lambda code: WorksiteKind(code).label,
        "contact_role_label": lambda code: ContactRole(code).label,
        "referral_status_label": lambda code: ReferralStatus(code).label,
        # One decimal, with the reader's decimal sign: 3,5 in Dutch and French, 3.5 in English.
        "one_decimal": lambda number: format_decimal(number, format="0.0"),
        "signed_decimal": lambda number: format_decimal(number, format="+0.0;-0.0"),
        "one_line": one_line,
    }
    app.jinja_env.filters.update(filters)
