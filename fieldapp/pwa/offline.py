"""Pages a device keeps so that a counsellor can work at a worksite without a network.

The page script asks which pages to keep (``pages_for``), fetches each with the
``X-Fieldapp-Copy: offline`` header (``fieldapp.common.requests.is_offline_copy``) and stores the
answers in the device's page cache; the service worker serves them only when the network fails. A
copy holds what a visit needs and no more: no notes already written, no flash messages, no forms
that only work online. Logging out wipes them.
"""

from __future__ import annotations

from datetime import date

from flask import url_for

from fieldapp.auth.models import User
from fieldapp.visits.services import agenda

DAYS_AHEAD = 7


def pages_for(user: User, today: date) -> list[str]:
    """The agenda, the outbox, the pages of ``user``'s visits today and in the coming days, and
    the two pages for working with any of their own clients without signal: a note for an
    unplanned visit (which lists them with their worksite, open goals and agreed actions), and a
    contact."""
    visits = [visit for day in agenda(user, today, DAYS_AHEAD).values() for visit in day]
    return [
        url_for("visits.agenda"),
        url_for("visits.outbox"),
        url_for("visits.unplanned"),
        url_for("contact_moments.from_home"),
        *(url_for("visits.show", visit_id=visit.id) for visit in visits),
    ]
