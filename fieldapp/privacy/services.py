"""Subject-access export, anonymisation and the retention sweep.

Anonymising keeps what the yearly report counts (trajectories: scheme, dates, worksite, outcome)
and removes everything that says who the client is or what their life is like.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from fieldapp.aftercare.models import AftercareRecord
from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients.models import Client, ClientShare, Handover, TimelineEvent
from fieldapp.common import events, spreadsheet
from fieldapp.common.dates import add_months
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.contact_moments.models import ClientContactRhythm, ContactMoment
from fieldapp.development_plan.models import Goal
from fieldapp.evaluations.models import EvaluationJudgement, EvaluationRecord
from fieldapp.extensions import db
from fieldapp.feedback import rounds, subject_access
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation
from fieldapp.mail.models import OutgoingMail
from fieldapp.mentorships.models import Mentorship
from fieldapp.organisation.models import Organisation
from fieldapp.referrals.models import Referral
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder
from fieldapp.reminders.notices import notice_scope
from fieldapp.supervisor_link import services as supervisor_link
from fieldapp.supervisor_link.models import Pulse, SupervisorLink, SupervisorReport
from fieldapp.trajectories.models import ChecklistAnswer, Evaluation, RegimePeriod, Trajectory
from fieldapp.visits.models import FollowUp, NoteRevision, Visit


def _rows(model: type, *criteria: Any) -> list[dict[str, Any]]:
    columns = [column.key for column in model.__table__.columns]  # type: ignore[attr-defined]
    records = db.session.scalars(select(model).where(*criteria).order_by(model.id))  # type: ignore[attr-defined]
    return [{key: _plain(getattr(record, key)) for key in columns} for record in records]


def _plain(value: Any) -> Any:
    """A value as JSON and a spreadsheet take it; dates stay dates (ISO in the JSON)."""
    if isinstance(value, date):
        return value
    if value is not None and not isinstance(value, (str, int, float, bool, dict, list)):
        return str(value)
    return value


def export(actor: User, client: Client) -> bytes:
    """Everything held about ``client``: one JSON document, a CSV per kind of record and one
    workbook with a sheet per kind of record."""
    trajectory_ids = select(Trajectory.id).where(Trajectory.client_id == client.id)
    visit_ids = select(Visit.id).where(Visit.client_id == client.id)
    data = {
        "exported_at": now_utc().isoformat(),
        "client": _rows(Client, Client.id == client.id)[0],
        "counsellor": client.counsellor.name,
        "trajectories": _rows(Trajectory, Trajectory.client_id == client.id),
        "working_time": _rows(RegimePeriod, RegimePeriod.trajectory_id.in_(trajectory_ids)),
        "evaluations": _rows(Evaluation, Evaluation.trajectory_id.in_(trajectory_ids)),
        "evaluation_records": _rows(EvaluationRecord, EvaluationRecord.client_id == client.id),
        "evaluation_judgements": _rows(
            EvaluationJudgement,
            EvaluationJudgement.record_id.in_(
                select(EvaluationRecord.id).where(EvaluationRecord.client_id == client.id)
            ),
        ),
        "checklist": _rows(ChecklistAnswer, ChecklistAnswer.trajectory_id.in_(trajectory_ids)),
        "referrals": _rows(Referral, Referral.client_id == client.id),
        "mentorships": _rows(Mentorship, Mentorship.mentee_client_id == client.id),
        "handovers": _rows(Handover, Handover.client_id == client.id),
        "shares": _rows(ClientShare, ClientShare.client_id == client.id),
        "timeline": _rows(TimelineEvent, TimelineEvent.client_id == client.id),
        "visits": _rows(Visit, Visit.client_id == client.id),
        "visit_notes": _rows(NoteRevision, NoteRevision.visit_id.in_(visit_ids)),
        "follow_ups": _rows(FollowUp, FollowUp.client_id == client.id),
        "contacts": _rows(ContactMoment, ContactMoment.client_id == client.id),
        "contact_rhythm": _rows(ClientContactRhythm, ClientContactRhythm.client_id == client.id),
        "goals": _rows(Goal, Goal.client_id == client.id),
        "aftercare": _rows(AftercareRecord, AftercareRecord.client_id == client.id),
        "reminders": _rows(
            Reminder,
            Reminder.scope.in_([agenda.client_scope(client.id), notice_scope(client.id)]),
        ),
        "supervisor_pulses": _rows(Pulse, Pulse.client_id == client.id),
        "supervisor_reports": _rows(SupervisorReport, SupervisorReport.client_id == client.id),
        **subject_access.held_about(client, client.language),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "client.json", json.dumps(data, ensure_ascii=False, indent=2, default=_iso)
        )
        tables = [
            _table(name, [rows] if isinstance(rows, dict) else rows)
            for name, rows in data.items()
            if isinstance(rows, (dict, list)) and rows
        ]
        for table in tables:
            archive.writestr(f"{table.title}.csv", spreadsheet.to_csv(table))
        archive.writestr("client.xlsx", spreadsheet.to_xlsx(tables))
    audit.record(
        "client.exported", organisation_id=client.organisation_id, actor=actor, target=client
    )
    return buffer.getvalue()


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _table(name: str, rows: list[dict[str, Any]]) -> spreadsheet.Table:
    """One kind of record, its columns named as in the JSON document."""
    return spreadsheet.Table(
        headers=list(rows[0]),
        rows=[
            [json.dumps(v) if isinstance(v, (dict, list)) else v for v in row.values()]
            for row in rows
        ],
        title=name,
    )


def anonymise(actor: User | None, client: Client) -> None:
    """Erase who the client is; keep the anonymous figures. Only once every trajectory ended."""
    if client.anonymised_at is not None:
        return
    still_open = db.session.scalar(
        select(func.count())
        .select_from(Trajectory)
        .where(Trajectory.client_id == client.id, Trajectory.ended_on.is_(None))
    )
    if still_open:
        raise RuleBroken(_("End the trajectory before erasing the file."))
    trajectory_ids = select(Trajectory.id).where(Trajectory.client_id == client.id)
    visit_ids = select(Visit.id).where(Visit.client_id == client.id)
    round_ids = select(FeedbackRound.id).where(FeedbackRound.client_id == client.id)
    for statement in (
        # 360°: who was asked (the client among them) and what anyone wrote; the scores stay, as
        # figures without a person.
        update(Invitation)
        .where(Invitation.round_id.in_(round_ids))
        .values(name="—", email="", draft={}),
        update(FeedbackResponse)
        .where(FeedbackResponse.round_id.in_(round_ids))
        .values(comments={}, overall_comment=""),
        # The raters' e-mails (address, name, the client's first name), sent or not: gone.
        delete(OutgoingMail).where(
            OutgoingMail.about_kind == rounds.INVITATION_MAIL,
            OutgoingMail.about_id.in_(
                select(Invitation.id).where(Invitation.round_id.in_(round_ids))
            ),
        ),
        # The floor supervisor's link and its e-mails (the client's first name) go; what the
        # supervisor wrote goes, the pulses' choices stay as figures.
        delete(OutgoingMail).where(
            OutgoingMail.about_kind.in_([supervisor_link.LINK_MAIL, supervisor_link.PULSE_MAIL]),
            OutgoingMail.about_id.in_(
                select(SupervisorLink.id).where(SupervisorLink.trajectory_id.in_(trajectory_ids))
            ),
        ),
        delete(SupervisorLink).where(SupervisorLink.trajectory_id.in_(trajectory_ids)),
        update(Pulse).where(Pulse.client_id == client.id).values(line=""),
        update(SupervisorReport).where(SupervisorReport.client_id == client.id).values(text=""),
        delete(NoteRevision).where(NoteRevision.visit_id.in_(visit_ids)),
        delete(FollowUp).where(FollowUp.client_id == client.id),
        # A contact's note goes; that a contact took place stays, as a figure.
        update(ContactMoment).where(ContactMoment.client_id == client.id).values(note=""),
        # Goals are words about the person; aftercare records stay, as the yearly figures.
        delete(Goal).where(Goal.client_id == client.id),
        update(Visit).where(Visit.client_id == client.id).values(purpose=""),
        delete(ChecklistAnswer).where(ChecklistAnswer.trajectory_id.in_(trajectory_ids)),
        delete(TimelineEvent).where(TimelineEvent.client_id == client.id),
        delete(ClientShare).where(ClientShare.client_id == client.id),
        update(Evaluation).where(Evaluation.trajectory_id.in_(trajectory_ids)).values(note=""),
        update(RegimePeriod).where(RegimePeriod.trajectory_id.in_(trajectory_ids)).values(note=""),
        update(Referral).where(Referral.client_id == client.id).values(partner="—", reason=""),
        update(Handover).where(Handover.client_id == client.id).values(note=""),
        update(Mentorship).where(Mentorship.mentee_client_id == client.id).values(note=""),
        # Evaluation records: who took part and what was said; the agreed scores stay as figures.
        update(EvaluationRecord)
        .where(EvaluationRecord.client_id == client.id)
        .values(participants=[], strengths="", growth_points=[], agreements=""),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    client.first_name = "—"
    client.last_name = f"#{client.id}"
    client.name_key = ""
    client.birth_date = None
    client.phone = client.email = client.city = client.consent_note = ""
    client.anonymised_at = now_utc()
    audit.record(
        "client.anonymised", organisation_id=client.organisation_id, actor=actor, target=client
    )
    db.session.flush()
    events.client_file_changed.send(client)


def expired_clients(organisation: Organisation, today: date) -> list[Client]:
    """Files whose last trajectory ended more than the retention period ago."""
    cutoff = add_months(today, -organisation.retention_months)
    last_end = (
        select(Trajectory.client_id, func.max(Trajectory.ended_on).label("last_end"))
        .group_by(Trajectory.client_id)
        .subquery()
    )
    open_ones = select(Trajectory.client_id).where(Trajectory.ended_on.is_(None))
    return list(
        db.session.scalars(
            select(Client)
            .join(last_end, last_end.c.client_id == Client.id)
            .where(Client.organisation_id == organisation.id, Client.anonymised_at.is_(None))
            .where(last_end.c.last_end < cutoff, Client.id.not_in(open_ones))
        )
    )


def anonymise_expired(today: date) -> int:
    """The retention sweep over every organisation (nightly in the scheduler, or the command)."""
    count = 0
    for organisation in db.session.scalars(select(Organisation)):
        for client in expired_clients(organisation, today):
            anonymise(None, client)
            count += 1
    return count
