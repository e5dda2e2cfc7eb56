"""The rules of the floor supervisor's link: making, stopping and checking it, what the
supervisor gives there (a monthly pulse, absences, incidents, questions, visit times), and what the
counsellor and the evaluation read of it.

A link belongs to a placement: a trajectory with a worksite and a floor supervisor. It works while
the placement runs: until the end of its last day (the day it ended, else its planned end), and
until the counsellor stops or renews it. The secret goes into the link once; only its hash is kept
(``fieldapp.common.secret_links``), so a monthly reminder can only ask the supervisor to open the
link they were given, never carry it.

Everything the supervisor sends lands on the client's timeline; a report (absence, incident,
question, proposed visit) also tells the client's counsellor at once through a notice
(``fieldapp.reminders.notices``), an incident marked urgent even in their quiet hours.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.common import secret_links
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import local_zone, now_utc
from fieldapp.common.urls import MAX_ID, public_url
from fieldapp.development_plan import services as development_plan
from fieldapp.development_plan.models import Goal, GoalActor
from fieldapp.extensions import db
from fieldapp.i18n import LANGUAGES
from fieldapp.mail.models import OutgoingMail
from fieldapp.mail.services import mails_about, queue_mail, render_message
from fieldapp.organisation.models import Organisation
from fieldapp.reminders import notices
from fieldapp.supervisor_link.models import (
    Pulse,
    PulseQuestion,
    Rating,
    ReportKind,
    SupervisorLink,
    SupervisorReport,
)
from fieldapp.trajectories.models import Trajectory, TrajectoryRef
from fieldapp.visits import services as visits
from fieldapp.visits.models import Visit, VisitStatus

LINK_MAIL = "supervisor_link"  # what a link's e-mail is about, in the mail queue
PULSE_MAIL = "supervisor_pulse"  # the monthly reminder of the pulse
MAIL_AGAIN_AFTER = timedelta(minutes=15)  # the link is e-mailed again only after this
REMIND_FROM_DAY = 20  # the day of the month from which a missing pulse is asked for by e-mail
TOLD_NOW = frozenset({ReportKind.ABSENCE, ReportKind.INCIDENT, ReportKind.QUESTION})


# --- the link ------------------------------------------------------------------------------


def link_of(trajectory: Trajectory) -> SupervisorLink | None:
    return db.session.scalars(_link_of(), {"trajectory_id": trajectory.id}).first()


@cache
def _link_of() -> Select:
    return select(SupervisorLink).where(SupervisorLink.trajectory_id == bindparam("trajectory_id"))


def ends_at(trajectory: Trajectory) -> datetime | None:
    """When the placement's link stops: the end of its last day (ended, else planned)."""
    last_day = trajectory.ended_on or trajectory.planned_end_on
    if last_day is None:
        return None
    midnight = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=local_zone())
    return midnight.astimezone(UTC)


def is_running(trajectory: Trajectory) -> bool:
    end = ends_at(trajectory)
    return trajectory.is_open and (end is None or now_utc() < end)


def check_placement(trajectory: Trajectory) -> None:
    """A link is made only for a running placement with a floor supervisor at a worksite."""
    if not is_running(trajectory):
        raise RuleBroken(_("This placement has ended: its floor supervisor no longer gets a link."))
    if trajectory.worksite_id is None or trajectory.supervisor_id is None:
        raise RuleBroken(
            _("Choose the worksite and the floor supervisor of this placement first (Edit).")
        )


def renew(actor: User, trajectory: Trajectory) -> str:
    """A new secret for the placement's link (the first one too); the previous link stops and
    says it was replaced. Returns the raw secret, to be shown or e-mailed once."""
    check_placement(trajectory)
    secret = secret_links.new()
    link = link_of(trajectory)
    if link is None:
        link = SupervisorLink(
            organisation_id=trajectory.organisation_id,
            trajectory_id=trajectory.id,
            token_hash=secret.token_hash,
        )
        db.session.add(link)
    else:
        link.replaced_hash = link.token_hash
        link.token_hash = secret.token_hash
    link.contact_id = trajectory.supervisor_id
    link.revoked_at = None
    link.made_at = now_utc()
    link.opened_at = None
    audit.record(
        "supervisor_link.renewed",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory.client,
    )
    db.session.flush()
    return secret.raw


def revoke(actor: User, link: SupervisorLink) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = now_utc()
    audit.record(
        "supervisor_link.revoked",
        organisation_id=link.organisation_id,
        actor=actor,
        target=link.trajectory.client,
    )
    db.session.flush()


def language_of(trajectory: Trajectory) -> str:
    """The supervisor's language: their own if the page speaks it (staff languages, not the
    raters' wider set), else the organisation's."""
    supervisor = trajectory.supervisor
    if supervisor is not None and supervisor.language in LANGUAGES:
        return supervisor.language
    organisation = db.session.get(Organisation, trajectory.organisation_id)
    return organisation.default_language if organisation else "nl"


def mail_new_link(actor: User, trajectory: Trajectory) -> str:
    """Renew the link and e-mail it to the floor supervisor (sent after the commit); returns
    the address it goes to."""
    supervisor = trajectory.supervisor
    if supervisor is None or not supervisor.email:
        raise RuleBroken(_("The floor supervisor has no e-mail address: show the link instead."))
    _check_not_mailed_just_now(trajectory)
    raw = renew(actor, trajectory)
    link = link_of(trajectory)
    assert link is not None
    language = language_of(trajectory)
    message = render_message(
        supervisor.email,
        language,
        "supervisor_link",
        name=supervisor.name,
        first_name=trajectory.client.first_name,
        worksite=trajectory.worksite.name if trajectory.worksite else "",
        counsellor=actor.name,
        link=public_url("supervisor_page.page", token=raw, lang=language),
    )
    queue_mail(
        db.session(), message, organisation_id=link.organisation_id, about=(LINK_MAIL, link.id)
    )
    return supervisor.email


def _check_not_mailed_just_now(trajectory: Trajectory) -> None:
    """Each press mails the address the counsellor typed: not again within a quarter of an hour,
    so that no mailbox can be flooded from the organisation's address. The link mailed then
    keeps working."""
    link = link_of(trajectory)
    mails = mails_about(LINK_MAIL, [link.id]).get(link.id, []) if link is not None else []
    if mails and mails[-1].created_at > now_utc() - MAIL_AGAIN_AFTER:
        raise RuleBroken(
            _(
                "The link was e-mailed less than a quarter of an hour ago. Wait a moment, or "
                "show the link instead."
            )
        )


def link_mail(link: SupervisorLink) -> OutgoingMail | None:
    """The e-mail that handed over the link as it is now, if it went by e-mail (a link shown on
    screen since has none)."""
    mails = mails_about(LINK_MAIL, [link.id]).get(link.id, [])
    latest = mails[-1] if mails else None
    return latest if latest is not None and latest.created_at >= link.made_at else None


def placement_of(raw: str) -> SupervisorLink:
    """The link whose secret is ``raw``, if it still opens its placement; else
    :class:`LinkRefused` (replaced, stopped, ended, or unknown), with the link as its holder
    except for an unknown one. Found whatever organisation is signed in on the browser (the
    supervisor may work for another OCMW that uses fieldapp); the caller activates the link's."""
    try:
        link = secret_links.find(SupervisorLink, raw, all_tenants=True)
    except LinkRefused:
        if not raw or len(raw) > secret_links.MAX_TOKEN_LENGTH:
            raise
        hashed = secret_links.hash_token(raw)
        old = db.session.scalars(
            select(SupervisorLink)
            .where(SupervisorLink.replaced_hash == hashed)
            .execution_options(all_tenants=True)
        ).first()
        if old is None:
            raise
        raise LinkRefused(Refusal.REPLACED, old) from None
    secret_links.check(revoked_at=link.revoked_at, expires_at=ends_at(link.trajectory), holder=link)
    if not link.trajectory.is_open:
        raise LinkRefused(Refusal.EXPIRED, link)
    if not is_current(link):
        raise LinkRefused(Refusal.REVOKED, link)
    return link


def is_current(link: SupervisorLink) -> bool:
    """Whether the link's supervisor is still the placement's: one who was replaced on the
    placement keeps no access through it."""
    return link.contact_id is not None and link.contact_id == link.trajectory.supervisor_id


def note_opened(link: SupervisorLink) -> None:
    if link.opened_at is None:
        link.opened_at = now_utc()


# --- what the supervisor sees ----------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorView:
    """What the page at the link shows: the client's first name only, the worksite, the next
    visit there, the goals in which the supervisor acts, and this month's pulse if given."""

    first_name: str
    worksite: str
    counsellor: str
    next_visit: Visit | None
    visit_confirmed: bool
    proposed_at: datetime | None  # the supervisor's latest proposal still to come
    goals: list[Goal]
    pulse: Pulse | None


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def view_of(link: SupervisorLink) -> SupervisorView:
    trajectory = link.trajectory
    client = trajectory.client
    upcoming = [
        v
        for v in visits.of_client(client)
        if v.starts_at > now_utc() and v.worksite_id == trajectory.worksite_id
    ]
    next_visit = upcoming[0] if upcoming else None
    confirmed = next_visit is not None and _confirmed(trajectory, next_visit)
    return SupervisorView(
        first_name=client.first_name,
        worksite=trajectory.worksite.name if trajectory.worksite else "",
        counsellor=client.counsellor.name,
        next_visit=next_visit,
        visit_confirmed=confirmed,
        proposed_at=_proposed_at(trajectory),
        goals=[
            goal
            for goal in development_plan.goals_of(trajectory)
            if goal.is_open and goal.actor == GoalActor.SUPERVISOR.value
        ],
        pulse=_pulse_of(trajectory, month_of(today())),
    )


def _confirmed(trajectory: Trajectory, visit: Visit) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(SupervisorReport)
            .where(
                SupervisorReport.trajectory_id == trajectory.id,
                SupervisorReport.kind == ReportKind.VISIT_CONFIRMED.value,
                SupervisorReport.visit_id == visit.id,
                SupervisorReport.made_at >= visit.updated_at,
            )
        )
        or 0
    ) > 0


def _proposed_at(trajectory: Trajectory) -> datetime | None:
    """The moment the supervisor last proposed for a visit, while it is still to come: what
    they see they asked for until the counsellor plans it."""
    return db.session.scalar(
        select(SupervisorReport.proposed_at)
        .where(
            SupervisorReport.trajectory_id == trajectory.id,
            SupervisorReport.kind == ReportKind.VISIT_PROPOSED.value,
            SupervisorReport.proposed_at > now_utc(),
        )
        .order_by(SupervisorReport.made_at.desc(), SupervisorReport.id.desc())
        .limit(1)
    )


def _pulse_of(trajectory: Trajectory, month: str) -> Pulse | None:
    return db.session.scalars(
        select(Pulse).where(Pulse.trajectory_id == trajectory.id, Pulse.month == month)
    ).first()


# --- what the supervisor gives -----------------------------------------------------------------


@dataclass(frozen=True)
class PulseAnswers:
    going: Rating
    attendance: Rating
    attitude: Rating
    line: str = ""


def give_pulse(link: SupervisorLink, answers: PulseAnswers) -> Pulse:
    """This month's pulse; a second one in the same month replaces the first (one statement, so
    two sent at once leave one row)."""
    trajectory = link.trajectory
    month = month_of(today())
    values = {
        "going": int(answers.going),
        "attendance": int(answers.attendance),
        "attitude": int(answers.attitude),
        "line": answers.line.strip(),
        "given_at": now_utc(),
    }
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Pulse).values(
        organisation_id=link.organisation_id,
        trajectory_id=trajectory.id,
        client_id=trajectory.client_id,
        month=month,
        **values,
    )
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["trajectory_id", "month"], set_=values)
    )
    pulse = _pulse_of(trajectory, month)
    assert pulse is not None
    db.session.refresh(pulse)
    timeline.add(
        trajectory.client,
        "supervisor_pulse",
        None,
        supervisor=_supervisor_name(trajectory),
        going=pulse.going,
        attendance=pulse.attendance,
        attitude=pulse.attitude,
    )
    db.session.flush()
    return pulse


def _supervisor_name(trajectory: Trajectory) -> str:
    return trajectory.supervisor.name if trajectory.supervisor else ""


@dataclass(frozen=True)
class ReportDraft:
    kind: ReportKind
    text: str = ""
    urgent: bool = False
    on_day: date | None = None
    proposed_at: datetime | None = None
    visit_id: int | None = None
    once: str = ""


def report(link: SupervisorLink, draft: ReportDraft) -> SupervisorReport:
    """Keep what the supervisor reports, put it on the timeline and tell the counsellor. The
    same form sent twice (its ``once``) is kept once and told once."""
    trajectory = link.trajectory
    once = draft.once or secrets.token_hex(16)
    existing = _sent_before(trajectory, once)
    if existing is not None:
        return existing
    _check(trajectory, draft)
    row = SupervisorReport(
        organisation_id=link.organisation_id,
        trajectory_id=trajectory.id,
        client_id=trajectory.client_id,
        kind=draft.kind.value,
        urgent=draft.urgent and draft.kind is ReportKind.INCIDENT,
        text=draft.text.strip(),
        on_day=draft.on_day,
        proposed_at=draft.proposed_at,
        visit_id=draft.visit_id,
        once=once,
    )
    try:
        with db.session.begin_nested():  # the same form, sent at the same moment, won the race
            db.session.add(row)
    except IntegrityError:
        earlier = _sent_before(trajectory, once)
        assert earlier is not None
        return earlier
    timeline.add(
        trajectory.client,
        "supervisor_report",
        None,
        supervisor=_supervisor_name(trajectory),
        report=row.kind,
        urgent=row.urgent,
    )
    if draft.kind is not ReportKind.VISIT_CONFIRMED:
        counsellor_id = trajectory.client.counsellor_id
        notices.tell(
            organisation_id=link.organisation_id,
            user_id=counsellor_id,
            client_id=trajectory.client_id,
            kind=notices.SUPERVISOR_URGENT if row.urgent else notices.SUPERVISOR,
            subject_id=trajectory.id,
            about=f"report-{row.id}",
            # One urgent notice wakes the counsellor; the next waits until that one was read.
            urgent=row.urgent and not notices.urgent_unread(counsellor_id, trajectory.id),
        )
    return row


def _sent_before(trajectory: Trajectory, once: str) -> SupervisorReport | None:
    return db.session.scalars(
        select(SupervisorReport).where(
            SupervisorReport.trajectory_id == trajectory.id, SupervisorReport.once == once
        )
    ).first()


WORKING_HOURS = (time(7, 0), time(20, 0))  # when a counsellor can visit a worksite


def _check(trajectory: Trajectory, draft: ReportDraft) -> None:
    if draft.kind in (ReportKind.INCIDENT, ReportKind.QUESTION) and not draft.text.strip():
        raise RuleBroken(_("Say in a few words what happened or what you ask."), "text")
    far = draft.on_day is not None and abs((draft.on_day - today()).days) > 62
    if draft.kind is ReportKind.ABSENCE and far:
        raise RuleBroken(_("Choose a day within two months of today."), "on_day")
    if draft.kind is ReportKind.VISIT_PROPOSED:
        if draft.proposed_at is None or draft.proposed_at <= now_utc():
            raise RuleBroken(_("Propose a moment that is still to come."), "day")
        if draft.proposed_at > now_utc() + timedelta(days=180):
            raise RuleBroken(_("Propose a moment within six months."), "day")
        at = draft.proposed_at.astimezone(local_zone()).time()
        if not WORKING_HOURS[0] <= at <= WORKING_HOURS[1]:
            raise RuleBroken(_("Propose a moment between 7:00 and 20:00."), "at")
    if draft.kind is ReportKind.VISIT_CONFIRMED:
        known = draft.visit_id is not None and 0 < draft.visit_id <= MAX_ID  # else none can be
        visit = db.session.get(Visit, draft.visit_id) if known else None
        if (
            visit is None
            or visit.client_id != trajectory.client_id
            or visit.worksite_id != trajectory.worksite_id  # a visit elsewhere is not theirs
            or visit.status != VisitStatus.PLANNED.value
            or visit.starts_at <= now_utc()
        ):
            raise RuleBroken(_("This visit is no longer planned; the page shows the next one."))


# --- what the counsellor and the evaluation read -------------------------------------------------


def pulses_of(trajectory: Trajectory) -> list[Pulse]:
    """The placement's pulses, oldest month first."""
    return list(
        db.session.scalars(
            select(Pulse).where(Pulse.trajectory_id == trajectory.id).order_by(Pulse.month)
        )
    )


def reports_of(trajectory: Trajectory, limit: int = 20) -> list[SupervisorReport]:
    """The latest reports, newest first."""
    return list(
        db.session.scalars(
            select(SupervisorReport)
            .where(SupervisorReport.trajectory_id == trajectory.id)
            .order_by(SupervisorReport.made_at.desc(), SupervisorReport.id.desc())
            .limit(limit)
        )
    )


def latest_pulses(trajectory: TrajectoryRef, months: int = 6) -> list[Row[Any]]:
    """The latest ``months`` pulses, oldest first (only those are read: a long placement does not
    make the client's page slower). Rows of the columns a pulse table shows, not records (see
    ``tenancy.tenant_rows``): the client's page reads them on every opening."""
    values = {"trajectory_id": trajectory.id}
    return list(reversed(tenant_rows(_latest_pulses(months), trajectory.organisation_id, values)))


@cache
def _latest_pulses(months: int) -> Select:
    return (
        select(Pulse.given_at, Pulse.going, Pulse.attendance, Pulse.attitude, Pulse.line)
        .where(Pulse.trajectory_id == bindparam("trajectory_id"), of_tenant(Pulse))
        .order_by(Pulse.month.desc())
        .limit(months)
    )


@dataclass(frozen=True)
class Evidence:
    """What the floor supervisor said in an evaluation's period (pulses and reports)."""

    pulses: tuple[Pulse, ...]
    reports: tuple[SupervisorReport, ...]

    @property
    def empty(self) -> bool:
        return not self.pulses and not self.reports

    @property
    def questions(self) -> tuple[PulseQuestion, ...]:
        return tuple(PulseQuestion)


def evidence_of(trajectory: Trajectory, after: date, until: date) -> Evidence:
    """Pulses and reports after the day ``after`` up to and including ``until`` (local days)."""
    zone = local_zone()
    start = datetime.combine(after + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    pulses = db.session.scalars(
        select(Pulse)
        .where(Pulse.trajectory_id == trajectory.id)
        .where(Pulse.given_at >= start, Pulse.given_at < end)
        .order_by(Pulse.month)
    ).all()
    reports = db.session.scalars(
        select(SupervisorReport)
        .where(SupervisorReport.trajectory_id == trajectory.id)
        .where(SupervisorReport.made_at >= start, SupervisorReport.made_at < end)
        .order_by(SupervisorReport.made_at)
    ).all()
    return Evidence(tuple(pulses), tuple(reports))


# --- the monthly reminder ------------------------------------------------------------------------


def remind_pulses() -> int:
    """Queue this month's e-mail to each supervisor whose running placement has no pulse yet,
    from the ``REMIND_FROM_DAY``th on. Idempotent: a link is claimed for the month with one
    conditional update before its e-mail is queued, so a second pass (or scheduler) sends none
    again. Runs across organisations (the scheduler); the caller commits."""
    day = today()
    if day.day < REMIND_FROM_DAY:
        return 0
    month = month_of(day)
    given = select(Pulse.trajectory_id).where(Pulse.month == month)
    due = db.session.scalars(
        select(SupervisorLink)
        .join(Trajectory, Trajectory.id == SupervisorLink.trajectory_id)
        .where(
            SupervisorLink.revoked_at.is_(None),
            SupervisorLink.contact_id == Trajectory.supervisor_id,
            SupervisorLink.reminded_month != month,
            Trajectory.ended_on.is_(None),
            or_(Trajectory.planned_end_on.is_(None), Trajectory.planned_end_on >= day),
            SupervisorLink.trajectory_id.not_in(given),
        )
        .execution_options(all_tenants=True)
    ).all()
    queued = 0
    for link in due:
        trajectory = link.trajectory
        supervisor = trajectory.supervisor
        if supervisor is None or not supervisor.email:
            continue
        claimed = db.session.execute(
            update(SupervisorLink)
            .where(SupervisorLink.id == link.id, SupervisorLink.reminded_month != month)
            .values(reminded_month=month)
            .execution_options(synchronize_session=False, all_tenants=True)
        )
        if claimed.rowcount != 1:
            continue
        client = trajectory.client
        message = render_message(
            supervisor.email,
            language_of(trajectory),
            "supervisor_pulse",
            name=supervisor.name,
            first_name=client.first_name,
            worksite=trajectory.worksite.name if trajectory.worksite else "",
            counsellor=client.counsellor.name,
            counsellor_email=client.counsellor.email,
        )
        queue_mail(
            db.session(), message, organisation_id=link.organisation_id, about=(PULSE_MAIL, link.id)
        )
        queued += 1
    return queued
