"""The client's timeline: phase changes, visits, feedback rounds, referrals, hand-overs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Row, Select, and_, bindparam, select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client, TimelineEvent
from fieldapp.common.paging import Page, paged, paginate_tenant
from fieldapp.common.tenancy import of_tenant
from fieldapp.extensions import db

KINDS: dict[str, Any] = {
    "client_created": _l("File opened"),
    "consent_recorded": _l("Consent recorded"),
    "trajectory_started": _l("Trajectory started"),
    "trajectory_updated": _l("Trajectory changed"),
    "phase_changed": _l("Phase changed"),
    "regime_changed": _l("Working time changed"),
    "evaluation_done": _l("Evaluation held"),
    "trajectory_ended": _l("Trajectory ended"),
    "referral_added": _l("Referral"),
    "referral_updated": _l("Referral updated"),
    "mentorship_started": _l("Mentor paired"),
    "handed_over": _l("Handed over"),
    "visit_planned": _l("Visit planned"),
    "visit_done": _l("Visit done"),
    "visit_cancelled": _l("Visit cancelled"),
    "feedback_round_started": _l("360° feedback round started"),
    "contact_recorded": _l("Contact"),
    "supervisor_pulse": _l("Pulse from the floor supervisor"),
    "supervisor_report": _l("Message from the floor supervisor"),
}


def kinds_of(events: Sequence[Row[Any]]) -> dict[str, Markup]:
    """The labels of the kinds of ``events``, each worded once for a page (its events are
    mostly of one or two kinds) and written as the template writes a lazy label: unescaped, as
    its ``__html__`` gives it."""
    kinds = {event.kind for event in events}
    return {kind: Markup(KINDS[kind].__html__()) for kind in kinds if kind in KINDS}  # noqa: S704 (our catalog)


def add(client: Client, kind: str, actor: User | None, **data: Any) -> TimelineEvent:
    """Add an event to ``client``'s timeline; ``data`` must hold nothing sensitive."""
    if kind not in KINDS:
        raise ValueError(f"unknown timeline kind {kind!r}")
    event = TimelineEvent(
        organisation_id=client.organisation_id,
        client_id=client.id,
        kind=kind,
        actor_id=actor.id if actor else None,
        data=data,
    )
    db.session.add(event)
    return event


# The latest events the client's file shows, below everything else on it: what a counsellor looks
# for there. The timeline's own page shows them all, a page of ``PER_PAGE`` at a time. Each event
# drawn costs a page some 35 µs of server time, about 1% of the file's.
ON_FILE = 5
PER_PAGE = 20


def page_of(client: Client, number: int, per_page: int = PER_PAGE) -> Page[Row[Any]]:
    """Newest first: each event's ``kind``, ``data``, ``at`` and ``actor_name`` (None without an
    actor), only the columns the file shows."""
    return paginate_tenant(
        _events(), client.organisation_id, {"client_id": client.id}, number, per_page
    )


@cache
def _events() -> Select:
    """The statement of :func:`page_of`, built once with its tenant's criteria (the client's file
    reads it on every opening, see ``tenancy.tenant_rows``)."""
    return paged(
        select(
            TimelineEvent.kind,
            TimelineEvent.data,
            TimelineEvent.at,
            User.name.label("actor_name"),
        )
        .outerjoin(User, and_(User.id == TimelineEvent.actor_id, of_tenant(User)))
        .where(
            TimelineEvent.client_id == bindparam("client_id"),
            of_tenant(TimelineEvent),
        )
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
    )
