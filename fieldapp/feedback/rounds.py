"""Feedback rounds: starting one, raters' links, answers saved and submitted once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.rules import RuleBroken
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import now_utc
from fieldapp.common.urls import public_url
from fieldapp.extensions import db
from fieldapp.feedback import frameworks, links
from fieldapp.feedback.answers_form import answers_form
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation, RaterGroup
from fieldapp.feedback.report import EarlierRound
from fieldapp.i18n import RATER_LANGUAGES
from fieldapp.mail.models import OutgoingMail
from fieldapp.mail.services import mails_about, queue_mail, render_message
from fieldapp.trajectories.models import Trajectory

MAX_RATERS = 40
REMIND_AGAIN_AFTER = timedelta(hours=20)  # once a day, at about the same hour or later
LONGEST_ROUND = timedelta(days=120)
INVITATION_MAIL = "invitation"  # what a rater's mail is about, for the round's page


@dataclass(frozen=True)
class Rater:
    group: RaterGroup
    name: str
    email: str = ""
    language: str = "nl"
    easy_read: bool = False  # the client's own link opens the easy-read form


@dataclass
class Answers:
    """What a rater filled in: a score 1-5 or None ("cannot judge") per competence, comments."""

    scores: dict[str, int | None] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    overall: str = ""

    def as_draft(self) -> dict[str, Any]:
        return {"scores": self.scores, "comments": self.comments, "overall": self.overall}


@dataclass(frozen=True)
class GroupProgress:
    """How many of an anonymous group answered: all the round page says about them."""

    group: RaterGroup
    answered: int
    invited: int


def anonymous_progress(feedback_round: FeedbackRound) -> list[GroupProgress]:
    """Per anonymous group with invitations: how many answered, how many were invited."""
    progress = []
    for group in RaterGroup:
        invited = [i for i in feedback_round.invitations if i.group is group]
        if group.anonymous and invited:
            answered = sum(1 for invitation in invited if invitation.submitted_at is not None)
            progress.append(GroupProgress(group, answered, len(invited)))
    return progress


def may_remind(feedback_round: FeedbackRound) -> bool:
    """Whether the round page offers to remind by e-mail, judged only on what it may show."""
    return not feedback_round.is_closed() and any(
        invitation.email and invitation.may_be_waiting for invitation in feedback_round.invitations
    )


def link_mails(feedback_round: FeedbackRound) -> dict[int, OutgoingMail]:
    """Per invitation, the e-mail whose delivery the round's page shows. For the named groups the
    newest (the invitation, or the latest reminder); for colleagues and the network only the
    invitation sent when the round started: a reminder goes only to who has not answered, so its
    state would tell who has."""
    mails = mails_about(
        INVITATION_MAIL, [invitation.id for invitation in feedback_round.invitations]
    )
    return {
        invitation.id: sent[0] if invitation.group.anonymous else sent[-1]
        for invitation in feedback_round.invitations
        if (sent := mails.get(invitation.id))
    }


@dataclass(frozen=True)
class ListedRound(EarlierRound):
    """What the client's page lists and its trend reads of a round: its columns, not the record,
    how many answered (its answers counted) and when the last one came. An answer is stored
    once, one per invitation, and its scores never change (see :func:`submit`), so the round's
    figures are fixed by these two and when it closes: the trend keeps them by that (see
    ``competence_trend.sources``). The moment tells an answer that came in the place of one
    that was lost (a restored database) from the one that was."""

    trajectory_id: int
    answered: int
    last_answer_at: datetime | None


@dataclass(frozen=True)
class RoundSummary:
    round: ListedRound
    invited: int

    @property
    def answered(self) -> int:
        return self.round.answered


def assisted_invitations(feedback_round: FeedbackRound) -> set[int]:
    """The invitations whose answer the counsellor filled in together with the client."""
    return set(
        db.session.scalars(
            select(FeedbackResponse.invitation_id).where(
                FeedbackResponse.round_id == feedback_round.id,
                FeedbackResponse.assisted_by_id.is_not(None),
            )
        )
    )


def of_client(client: Client) -> list[RoundSummary]:
    """The client's rounds of every trajectory, oldest first, with how many people answered (one
    query, of columns: the client's page lists the open trajectory's and draws the trend from all
    on every opening, see ``tenancy.tenant_rows``)."""
    rows = tenant_rows(_of_client(), client.organisation_id, {"client_id": client.id})
    return [
        RoundSummary(
            ListedRound(
                id=row.id,
                created_at=row.created_at,
                deadline=row.deadline,
                closed_at=row.closed_at,
                competences=row.competences,
                threshold=row.threshold,
                trajectory_id=row.trajectory_id,
                answered=row.answered,
                last_answer_at=row.last_answer_at,
            ),
            row.invited,
        )
        for row in rows
    ]


@cache
def _of_client() -> Select:
    return (
        select(
            FeedbackRound.id,
            FeedbackRound.created_at,
            FeedbackRound.deadline,
            FeedbackRound.closed_at,
            FeedbackRound.competences,
            FeedbackRound.threshold,
            FeedbackRound.trajectory_id,
            func.count(Invitation.id).label("invited"),
            func.count(FeedbackResponse.id).label("answered"),
            func.max(FeedbackResponse.submitted_at).label("last_answer_at"),
        )
        .outerjoin(Invitation, (Invitation.round_id == FeedbackRound.id) & of_tenant(Invitation))
        # At most one answer an invitation (a unique key): no row is counted twice.
        .outerjoin(
            FeedbackResponse,
            (FeedbackResponse.invitation_id == Invitation.id) & of_tenant(FeedbackResponse),
        )
        .where(FeedbackRound.client_id == bindparam("client_id"), of_tenant(FeedbackRound))
        .group_by(FeedbackRound.id)
        .order_by(FeedbackRound.created_at, FeedbackRound.id)
    )


def keys_of(feedback_round: FeedbackRound) -> list[str]:
    return [competence["key"] for competence in feedback_round.competences]


def start(
    actor: User,
    trajectory: Trajectory,
    deadline: date,
    raters: list[Rater],
    today: date,
    *,
    start_key: str | None = None,
) -> tuple[FeedbackRound, dict[int, str]]:
    """Start a round with the framework in use; returns it and each invitation's link secret
    (shown or sent once: only its hash is kept). Raters with an e-mail address get the link.

    A ``start_key`` that started a round before gives that round back, with no secrets and no
    mail: the counsellor tapped twice. Two taps at the very same moment both insert the key;
    the second fails on its unique key and the caller finds the first with :func:`started_with`.
    """
    if start_key and (earlier := started_with(trajectory, start_key)) is not None:
        return earlier, {}
    check_start(trajectory, deadline, raters, today)
    name, competences = frameworks.snapshot_in_use(trajectory.organisation_id)
    feedback_round = FeedbackRound(
        organisation_id=trajectory.organisation_id,
        trajectory_id=trajectory.id,
        client_id=trajectory.client_id,
        started_by_id=actor.id,
        framework_name=name,
        competences=competences,
        deadline=deadline,
        # What its raters are told, kept: a lower threshold set later never shows their group.
        threshold=actor.organisation.feedback_threshold,
        start_key=start_key or None,
    )
    db.session.add(feedback_round)
    secrets: dict[int, str] = {}
    for rater in raters:
        invitation = Invitation(
            organisation_id=trajectory.organisation_id,
            rater_group=rater.group.value,
            name=rater.name.strip(),
            email=rater.email.strip(),
            language=rater.language if rater.language in RATER_LANGUAGES else "nl",
            easy_read=rater.easy_read and rater.group is RaterGroup.SELF,
        )
        feedback_round.invitations.append(invitation)
        secret = links.new_secret(invitation)
        db.session.flush()
        secrets[invitation.id] = secret
        if invitation.email:
            _mail_link(invitation, secret)
    timeline.add(trajectory.client, "feedback_round_started", actor, deadline=deadline.isoformat())
    audit.record(
        "feedback.round_started",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=feedback_round,
    )
    events.feedback_round_changed.send(feedback_round)
    return feedback_round, secrets


def started_with(trajectory: Trajectory, start_key: str) -> FeedbackRound | None:
    """The round of ``trajectory`` that ``start_key`` started, if any."""
    return db.session.scalars(
        select(FeedbackRound).where(
            FeedbackRound.trajectory_id == trajectory.id, FeedbackRound.start_key == start_key
        )
    ).one_or_none()


def check_start(trajectory: Trajectory, deadline: date, raters: list[Rater], today: date) -> None:
    """Raise :class:`RuleBroken` if such a round cannot start, so the counsellor hears it before
    being asked to confirm (and :func:`start` checks again)."""
    if trajectory.ended_on is not None:
        raise RuleBroken(_("This trajectory has ended."))
    if not today <= deadline <= today + LONGEST_ROUND:
        raise RuleBroken(
            _("The deadline is between today and four months from now."), field="deadline"
        )
    if not raters:
        raise RuleBroken(_("Invite at least one person."))
    if len(raters) > MAX_RATERS:
        raise RuleBroken(_("Invite at most %(n)d people in one round.", n=MAX_RATERS))
    if any(not rater.name.strip() for rater in raters):
        raise RuleBroken(_("Every person needs a name."))


def _mail_link(invitation: Invitation, secret: str, *, reminder: bool = False) -> None:
    feedback_round = invitation.round
    message = render_message(
        invitation.email,
        invitation.language,
        "feedback_reminder" if reminder else "feedback_invitation",
        invitation=invitation,
        first_name=feedback_round.client.first_name,
        deadline=feedback_round.deadline,
        link=public_url("feedback_form.answer", token=secret),
    )
    queue_mail(
        db.session(),
        message,
        organisation_id=invitation.organisation_id,
        about=(INVITATION_MAIL, invitation.id),
    )


def check_link_change(invitation: Invitation) -> None:
    """Raise :class:`RuleBroken` if the rater's link can no longer be stopped or replaced.

    A named rater who answered is said to have answered. An anonymous rater's link can always be
    stopped or replaced while the round is open, answered or not, so that doing it never tells
    the counsellor whether they answered (a new link of someone who answered says "sent already").

    The client's own link can always be stopped or replaced, also once answered and once the round
    is closed: after the counsellor released the report it shows the report, and it may have
    reached someone else.
    """
    if invitation.group is RaterGroup.SELF:
        return
    if invitation.round.is_closed():
        raise RuleBroken(_("This round is closed: it takes no more answers."))
    if not invitation.group.anonymous and invitation.submitted_at is not None:
        raise RuleBroken(_("This person has answered already."))


def renew_link(actor: User, invitation: Invitation) -> str:
    """A new link for an invitation (to show as a QR code, or to resend); the old one stops.

    The counsellor holds the new link first: an anonymous rater's answers saved for later go, so
    that opening it never shows the counsellor what that one colleague or network member thinks
    (the rater starts again; a reminder's link, mailed to the rater only, keeps them)."""
    check_link_change(invitation)
    secret = links.new_secret(invitation)
    invitation.revoked_at = None
    if invitation.group.anonymous:
        invitation.draft = {}
    audit.record(
        "feedback.link_renewed",
        organisation_id=invitation.organisation_id,
        actor=actor,
        target=invitation,
    )
    db.session.flush()
    events.feedback_round_changed.send(invitation.round)
    return secret


def remind(actor: User | None, feedback_round: FeedbackRound, today: date) -> None:
    """Mail everyone with an address who has not answered a fresh link (only the fingerprint of
    the old one is kept, so it cannot be sent again); answers they saved stay. Without an actor it
    is the automatic reminder before the deadline.

    How many were mailed is neither returned nor audited: with the number of an anonymous group's
    answers beside it, it could tell which colleague answered (the one without an address).

    A rater reminded less than :data:`REMIND_AGAIN_AFTER` ago is left out, silently (a refusal
    would tell whether anyone is left waiting) and keeps the link mailed then: pressing again
    cannot send anyone mail after mail."""
    if today > feedback_round.deadline or feedback_round.is_closed():
        raise RuleBroken(_("This round is closed: it takes no more answers."))
    recently = now_utc() - REMIND_AGAIN_AFTER
    waiting = [
        invitation
        for invitation in feedback_round.invitations
        if invitation.email
        and invitation.submitted_at is None
        and invitation.revoked_at is None
        and (invitation.reminded_at is None or invitation.reminded_at <= recently)
    ]
    for invitation in waiting:
        _mail_link(invitation, links.new_secret(invitation), reminder=True)
        invitation.reminded_at = now_utc()
    audit.record(
        "feedback.reminded",
        organisation_id=feedback_round.organisation_id,
        actor=actor,
        target=feedback_round,
    )
    db.session.flush()


def revoke(actor: User, invitation: Invitation) -> None:
    """Stop the rater's link; whoever opens it is told the counsellor stopped it. What they saved
    stays, and a new link lets them answer after all. Stopping a stopped link changes nothing.
    An anonymous rater's answer, if any, stays too (see :func:`check_link_change`)."""
    check_link_change(invitation)
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = now_utc()
    audit.record(
        "feedback.link_revoked",
        organisation_id=invitation.organisation_id,
        actor=actor,
        target=invitation,
    )
    db.session.flush()
    events.feedback_round_changed.send(invitation.round)


def extend(actor: User, feedback_round: FeedbackRound, deadline: date, today: date) -> None:
    """Move the deadline of an open round later. A closed round stays closed: reopening it would
    let the report be read before and after one more anonymous answer."""
    if feedback_round.is_closed():
        raise RuleBroken(
            _("This round is closed: start a new round to ask again."), field="deadline"
        )
    if not max(today, feedback_round.deadline) <= deadline <= today + LONGEST_ROUND:
        raise RuleBroken(
            _("The new deadline is after the current one and within four months."),
            field="deadline",
        )
    feedback_round.deadline = deadline
    audit.record(
        "feedback.deadline_extended",
        organisation_id=feedback_round.organisation_id,
        actor=actor,
        target=feedback_round,
    )
    db.session.flush()
    events.feedback_round_changed.send(feedback_round)


class AnswersRefused(RuleBroken):
    """A form at a rater's link that cannot be taken as it is, with everything that is wrong in it
    at once (not only the first thing), so the page marks every question a rater must look at.

    ``missing`` lists the competences left without an answer, in the form's order; ``problems``
    maps other fields (``score-<key>``, ``comment-<key>``, ``overall``) to their message.
    """

    def __init__(self, missing: list[str], problems: dict[str, str]) -> None:
        super().__init__(
            _("Answer every question, or choose \u201ccannot judge\u201d.")
            if missing
            else next(iter(problems.values()))
        )
        self.missing = missing
        self.problems = problems


def read_answers(feedback_round: FeedbackRound, formdata: Any, *, complete: bool) -> Answers:
    """The answers in a posted form (see :mod:`fieldapp.feedback.answers_form`).

    A form of another round (an unknown competence) is refused at once. Otherwise every answer is
    checked and :class:`AnswersRefused` names all that is wrong: a score of 7, a comment longer
    than the limit (refused, not cut) and, with ``complete``, each competence left unanswered.
    """
    keys = keys_of(feedback_round)
    for name in formdata:
        if name.startswith(("score-", "comment-")) and name.split("-", 1)[1] not in keys:
            raise RuleBroken(_("This form does not belong to this round. Reload the page."))
    form = answers_form(keys)(formdata)
    form.validate()
    problems = {name: str(errors[0]) for name, errors in form.errors.items()}
    answers = Answers(overall=form.overall.data)
    missing: list[str] = []
    for key in keys:
        score, comment = form[f"score-{key}"].data, form[f"comment-{key}"].data
        if score == "na":
            answers.scores[key] = None
        elif score and f"score-{key}" not in problems:
            answers.scores[key] = int(score)
        elif not score and complete:
            missing.append(key)
        if comment and f"comment-{key}" not in problems:
            answers.comments[key] = comment
    if missing or problems:
        raise AnswersRefused(missing, problems)
    return answers


def save_draft(invitation: Invitation, answers: Answers) -> None:
    invitation.draft = answers.as_draft()
    db.session.flush()


def submit(
    invitation: Invitation, answers: Answers, *, assisted_by: User | None = None
) -> FeedbackResponse:
    """Store the answer once; a second submit (another tab, a double tap) finds the link used.
    Commits: the unique key on the invitation decides which submit counts. ``assisted_by``: the
    counsellor who filled it in with the client (see :mod:`fieldapp.feedback.easy_read`)."""
    response = FeedbackResponse(
        organisation_id=invitation.organisation_id,
        invitation_id=invitation.id,
        round_id=invitation.round_id,
        rater_group=invitation.rater_group,
        scores=answers.scores,
        comments=answers.comments,
        overall_comment=answers.overall,
        assisted_by_id=assisted_by.id if assisted_by else None,
    )
    invitation.submitted_at = now_utc()
    invitation.draft = {}
    db.session.add(response)
    events.feedback_round_changed.send(invitation.round)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # The other submit's time is in the database now: the rater is told when it arrived.
        raise LinkRefused(Refusal.USED, invitation) from None
    return response


def close(actor: User, feedback_round: FeedbackRound) -> None:
    """Close the round before its deadline, for good: the links stop and the report shows the
    anonymous groups that reached the threshold."""
    if feedback_round.is_closed():
        raise RuleBroken(_("This round is closed already."))
    feedback_round.closed_at = now_utc()
    audit.record(
        "feedback.round_closed",
        organisation_id=feedback_round.organisation_id,
        actor=actor,
        target=feedback_round,
    )
    db.session.flush()
    events.feedback_round_changed.send(feedback_round)


def release(actor: User, feedback_round: FeedbackRound) -> None:
    """The counsellor discussed the report with the client and hands it over; a round still
    open closes (what the client sees no longer changes)."""
    if feedback_round.released_at is not None:
        raise RuleBroken(_("This report was released already."))
    feedback_round.released_at = now_utc()
    if not feedback_round.is_closed():
        feedback_round.closed_at = feedback_round.released_at
    audit.record(
        "feedback.report_released",
        organisation_id=feedback_round.organisation_id,
        actor=actor,
        target=feedback_round,
    )
    db.session.flush()
    events.feedback_round_changed.send(feedback_round)
