"""What a reminder says and where it leads.

A push or an e-mail says only what kind of moment it is: no name, no place, no reason. The page
it opens, behind login, shows the detail.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from fieldapp.common.urls import IdUrls
from fieldapp.development_plan.models import AGENDA_KIND as GOAL
from fieldapp.method.rules import RuleKind
from fieldapp.reminders.agenda import CONTACT, DIGEST, RATERS, client_of
from fieldapp.reminders.models import Reminder
from fieldapp.reminders.notices import SUPERVISOR, SUPERVISOR_URGENT

TITLES: dict[str, Any] = {
    RuleKind.EVALUATION: _l("Evaluation moment"),
    RuleKind.CONTRACT_END: _l("End of contract"),
    RuleKind.AFTERCARE: _l("Aftercare"),
    RuleKind.CHECK_IN: _l("Mentor check-in"),
    RuleKind.VISIT: _l("Workplace visit"),
    RuleKind.FEEDBACK_DEADLINE: _l("360° feedback"),
    RuleKind.REFERRAL: _l("Referral"),
    GOAL: _l("Development goal"),
    DIGEST: _l("Your reminders"),
    RATERS: _l("Reminder to raters"),
    CONTACT: _l("No recent contact"),
    SUPERVISOR: _l("Message from a floor supervisor"),
    SUPERVISOR_URGENT: _l("Urgent: a floor supervisor reports an incident"),
}
TEXTS: dict[str, Any] = {
    RuleKind.EVALUATION: _l("An evaluation moment is due."),
    RuleKind.CONTRACT_END: _l("A contract ends soon: prepare the hand-over."),
    RuleKind.AFTERCARE: _l("An aftercare follow-up is due."),
    RuleKind.CHECK_IN: _l("A mentor check-in is due."),
    RuleKind.VISIT: _l("A workplace visit is coming up."),
    RuleKind.FEEDBACK_DEADLINE: _l("A 360° feedback round closes soon."),
    RuleKind.REFERRAL: _l("A referral needs a follow-up."),
    GOAL: _l("A development goal is due: check it."),
    DIGEST: _l("Your reminders for today are waiting in fieldapp."),
    RATERS: _l("Raters who have not answered got a reminder by e-mail."),
    CONTACT: _l("A client has had no contact for longer than their contact rhythm."),
    SUPERVISOR: _l("A floor supervisor sent a message at their link."),
    SUPERVISOR_URGENT: _l("A floor supervisor marked an incident urgent: read it now."),
}


def title_of(reminder: Reminder) -> str:
    return str(TITLES[reminder.kind])


def text_of(reminder: Reminder) -> str:
    return str(TEXTS[reminder.kind])


# The page that holds a kind's detail: its route, and the argument the reminder's subject fills.
# Any other kind leads to the client's file, or without one to the reminders page.
PAGES: dict[str, tuple[str, str]] = {
    RuleKind.EVALUATION: ("trajectories.evaluation", "evaluation_id"),
    RuleKind.VISIT: ("visits.show", "visit_id"),
    RuleKind.FEEDBACK_DEADLINE: ("feedback_rounds.show", "round_id"),
    RuleKind.REFERRAL: ("referrals.edit", "referral_id"),
    SUPERVISOR: ("supervisor_link.placement", "trajectory_id"),
    SUPERVISOR_URGENT: ("supervisor_link.placement", "trajectory_id"),
    RuleKind.AFTERCARE: ("aftercare.record", "trajectory_id"),
}


def _page_of(reminder: Reminder) -> tuple[str, str, int] | None:
    """The route, argument and id of the page that holds the detail (None: the reminders page)."""
    page = PAGES.get(reminder.kind)
    if page is not None:
        return *page, reminder.subject_id
    client_id = client_of(reminder.scope)
    return None if client_id is None else ("clients.show", "client_id", client_id)


def url_of(reminder: Reminder, urls: IdUrls | None = None, **options: Any) -> str:
    """The page that holds the detail (needs a request context, as in the scheduler's jobs);
    ``urls`` makes the links of a page of reminders."""
    page = _page_of(reminder)
    if page is None:
        return url_for("reminders.centre_page", **options)
    endpoint, argument, ident = page
    if urls is not None and not options:
        return urls(endpoint, argument, ident)
    return url_for(endpoint, **{argument: ident}, **options)
