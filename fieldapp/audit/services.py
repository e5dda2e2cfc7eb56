"""Writing the audit log (the administrator reads it in fieldapp/admin/audit_log.py).

An event is added to the same transaction as the change it describes, so that a change and its
record are committed, or rolled back, together.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import Insert, insert

from fieldapp.audit.models import AuditEvent
from fieldapp.common.requests import client_ip, user_agent
from fieldapp.common.tenancy import CrossTenantWrite, current_tenant
from fieldapp.extensions import db


class Actor(Protocol):
    """Who acted: a user of fieldapp.auth, which sits above the audit trail and writes to it, so
    the trail knows its users by id only."""

    @property
    def id(self) -> int: ...


ACTIONS: dict[str, Any] = {
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.locked": _l("Sign-ins held back after failed attempts"),
    "auth.logout": _l("Signed out"),
    "auth.session_ended": _l("Signed out a device"),
    "auth.other_sessions_ended": _l("Signed out everywhere else"),
    "auth.password_reset_requested": _l("Password reset requested"),
    "auth.password_reset": _l("Password reset by link"),
    "auth.password_changed": _l("Password changed"),
    "auth.invitation_accepted": _l("Invitation accepted"),
    "user.created": _l("User created"),
    "user.invited": _l("User invited"),
    "user.invitation_resent": _l("Invitation sent again"),
    "user.role_changed": _l("Role changed"),
    "user.deactivated": _l("User deactivated"),
    "user.reactivated": _l("User reactivated"),
    "user.sessions_ended": _l("All sessions ended"),
    "user.settings_changed": _l("Settings changed"),
    "team.created": _l("Team created"),
    "organisation.updated": _l("Organisation settings changed"),
    "import.completed": _l("Spreadsheet imported"),
    "client.created": _l("Client file created"),
    "client.viewed": _l("Client file opened"),
    "client.updated": _l("Client file changed"),
    "client.consent_recorded": _l("Consent recorded"),
    "client.handed_over": _l("Client handed over"),
    "client.shared": _l("Client file shared"),
    "client.unshared": _l("Client file no longer shared"),
    "client.exported": _l("Client file exported"),
    "client.anonymised": _l("Client file anonymised"),
    "trajectory.started": _l("Trajectory started"),
    "trajectory.updated": _l("Trajectory changed"),
    "trajectory.phase_changed": _l("Phase changed"),
    "trajectory.ended": _l("Trajectory ended"),
    "trajectory.checklist_saved": _l("Checklist saved"),
    "trajectory.regime_changed": _l("Working time changed"),
    "trajectory.evaluation_done": _l("Evaluation held"),
    "goal.added": _l("Goal added"),
    "goal.status_changed": _l("Goal status changed"),
    "aftercare.recorded": _l("Aftercare recorded"),
    "trajectory.evaluation_planned": _l("Next evaluation planned"),
    "evaluation.record_closed": _l("Evaluation record closed"),
    "evaluation.record_corrected": _l("Evaluation record correction started"),
    "referral.created": _l("Referral added"),
    "referral.updated": _l("Referral changed"),
    "mentorship.created": _l("Mentor paired"),
    "mentorship.check_in_done": _l("Mentor check-in held"),
    "worksite.created": _l("Worksite added"),
    "worksite.updated": _l("Worksite changed"),
    "contact.created": _l("Contact added"),
    "contact.updated": _l("Contact changed"),
    "visit.planned": _l("Visit planned"),
    "visit.moved": _l("Visit moved"),
    "visit.done": _l("Visit done"),
    "visit.cancelled": _l("Visit cancelled"),
    "visit.note_saved": _l("Visit note saved"),
    "visit.follow_up_done": _l("Follow-up done"),
    "contact.recorded": _l("Contact recorded"),
    "contact.rhythm_set": _l("Client's contact rhythm set"),
    "contacts.rhythm_changed": _l("Contact rhythm changed"),
    "framework.copied": _l("Competence framework copied"),
    "framework.updated": _l("Competence framework changed"),
    "framework.used": _l("Competence framework put in use"),
    "feedback.round_started": _l("Feedback round started"),
    "feedback.link_renewed": _l("Feedback link renewed"),
    "feedback.link_revoked": _l("Feedback link revoked"),
    "feedback.deadline_extended": _l("Feedback deadline extended"),
    "feedback.round_closed": _l("Feedback round closed"),
    "feedback.report_released": _l("Feedback report released to the client"),
    "feedback.reminded": _l("Feedback reminders sent"),
    "feedback.answered_together": _l("Self-assessment filled in together with the client"),
    "supervisor_link.renewed": _l("Floor supervisor's link made"),
    "supervisor_link.revoked": _l("Floor supervisor's link stopped"),
    "reminders.rules_changed": _l("Reminder rules changed"),
    "mail.sent_again": _l("E-mail sent again"),
}


def record(
    action: str,
    *,
    organisation_id: int,
    actor: Actor | None = None,
    target: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(**_columns(action, organisation_id, actor, target, detail))
    db.session.add(event)
    return event


def record_now(
    action: str,
    *,
    organisation_id: int,
    actor: Actor | None = None,
    target: Any = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """:func:`record`, written at once by one INSERT in the current transaction instead of
    through the unit of work: for a read audited every time it happens (a client's file opened),
    which has nothing else to save and need not build an object to flush. Past the unit of work,
    it makes the check that a flush makes (``tenancy._stamp_and_check``) itself."""
    tenant_id = current_tenant()
    if tenant_id is not None and organisation_id != tenant_id:
        raise CrossTenantWrite(
            f"audit event of organisation {organisation_id} written while acting for {tenant_id}"
        )
    db.session.connection().execute(
        _insert_event(), _columns(action, organisation_id, actor, target, detail)
    )


@cache
def _insert_event() -> Insert:
    """Inline: without the RETURNING of the new row's id, which no one reads."""
    return insert(AuditEvent.__table__).inline()


def _columns(
    action: str,
    organisation_id: int,
    actor: Actor | None,
    target: Any,
    detail: dict[str, Any] | None,
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return {
        "organisation_id": organisation_id,
        "actor_id": actor.id if actor is not None else None,
        "action": action,
        "target_type": target.__tablename__ if target is not None else None,
        "target_id": target.id if target is not None else None,
        "ip": client_ip(),
        "user_agent": user_agent(),
        "detail": detail or {},
    }
