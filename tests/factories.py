"""Factories for tests: each returns a committed record with sensible defaults."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from types import EllipsisType
from typing import Any

from sqlalchemy import select

from fieldapp.auth import services, sessions
from fieldapp.auth.models import User, UserSession
from fieldapp.auth.roles import Role
from fieldapp.clients import services as client_services
from fieldapp.clients.models import Client, ClientShare
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.development_plan import services as development_plan
from fieldapp.development_plan.models import Goal, GoalActor
from fieldapp.evaluations.models import EvaluationJudgement, EvaluationRecord, RecordStatus
from fieldapp.feedback import frameworks, rounds
from fieldapp.feedback.models import (
    Competence,
    FeedbackResponse,
    FeedbackRound,
    Framework,
    Invitation,
    RaterGroup,
)
from fieldapp.mail.delivery import MAX_ATTEMPTS
from fieldapp.mail.models import MailStatus, OutgoingMail
from fieldapp.mentorships import services as mentorship_services
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.method import Scheme
from fieldapp.organisation.models import Organisation
from fieldapp.referrals import services as referral_services
from fieldapp.referrals.models import Referral, ReferralStatus
from fieldapp.reminders.models import PushSubscription, Reminder
from fieldapp.trajectories import services as trajectory_services
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import FollowUp, Visit
from fieldapp.worksites import services as worksite_services
from fieldapp.worksites.models import Contact, ContactRole, Worksite, WorksiteKind
from tests import kept_worlds
from tests.kept_worlds import database_is_empty

DEFAULT_PASSWORD = "a sentence nobody guesses"
_sequence = itertools.count(1)


def days_from_today(days: int) -> date:
    """A date relative to the (frozen) today: factories never use fixed calendar dates."""
    return today() + timedelta(days=days)


class Factories:
    def __init__(self, db: Any, *, keeps_worlds: bool = False) -> None:
        self._db = db
        self._keeps_worlds = keeps_worlds

    def organisation(self, name: str | None = None, slug: str | None = None) -> Organisation:
        n = next(_sequence)
        organisation = services.create_organisation(
            name or f"OCMW Test {n}", slug or f"ocmw-test-{n}"
        )
        self._db.session.commit()
        return organisation

    def user(
        self,
        organisation: Organisation | None = None,
        *,
        role: Role = Role.COUNSELLOR,
        email: str | None = None,
        name: str | None = None,
        password: str = DEFAULT_PASSWORD,
    ) -> User:
        organisation = organisation or self.organisation()
        n = next(_sequence)
        user = services.create_user(
            organisation,
            email=email or f"person{n}@example.org",
            name=name or f"Person {n}",
            role=role,
            password=password,
        )
        self._db.session.commit()
        return user


@dataclass
class World:
    """A complete client file in one organisation, for access and isolation tests."""

    organisation: Organisation
    counsellor: User
    client: Client
    trajectory: Trajectory
    evaluation: Evaluation
    referral: Referral
    worksite: Worksite
    contact: Contact
    share: ClientShare
    mentorship: Mentorship
    check_in: CheckIn
    visit: Visit
    follow_up: FollowUp
    framework: Framework
    competence: Competence
    feedback_round: FeedbackRound
    invitation: Invitation
    device: PushSubscription
    reminder: Reminder
    mail: OutgoingMail
    goal: Goal


class CaseloadFactories(Factories):
    def worksite(
        self, actor: User, name: str | None = None, kind: WorksiteKind = WorksiteKind.INTERNAL
    ) -> Worksite:
        worksite = worksite_services.create_worksite(
            actor,
            worksite_services.WorksiteDetails(name or f"Werkplek {next(_sequence)}", kind, ""),
        )
        self._db.session.commit()
        return worksite

    def contact(self, actor: User, worksite: Worksite, name: str = "Sofie Supervisor") -> Contact:
        contact = worksite_services.add_contact(
            actor,
            worksite,
            worksite_services.ContactDetails(name, ContactRole.SUPERVISOR, "", "", None),
        )
        self._db.session.commit()
        return contact

    def client(
        self,
        counsellor: User,
        first_name: str = "Mina",
        last_name: str | None = None,
        birth_date: date | None = None,
    ) -> Client:
        details = client_services.ClientDetails(
            first_name, last_name or f"Client{next(_sequence)}", birth_date, "", "", "nl", ""
        )
        client = client_services.create_client(counsellor, details)
        self._db.session.commit()
        return client

    def trajectory(
        self,
        counsellor: User,
        client: Client,
        *,
        scheme: Scheme = Scheme.ART60,
        started_on: date | None = None,
        planned_end_on: date | EllipsisType | None = ...,
        worksite: Worksite | None = None,
        supervisor: Contact | None = None,
    ) -> Trajectory:
        """A year's placement; by default started some ten months ago, so it ends in six weeks."""
        started_on = started_on or days_from_today(-322)
        if planned_end_on is ...:
            planned_end_on = started_on + timedelta(days=364)
        plan = trajectory_services.TrajectoryPlan(
            scheme,
            started_on,
            planned_end_on,
            worksite.id if worksite else None,
            supervisor.id if supervisor else None,
        )
        trajectory = trajectory_services.start(counsellor, client, plan, Decimal("19"))
        self._db.session.commit()
        return trajectory

    def referral(
        self, counsellor: User, client: Client, follow_up_on: date | EllipsisType | None = ...
    ) -> Referral:
        """A referral whose follow-up (by default) fell due long ago."""
        if follow_up_on is ...:
            follow_up_on = days_from_today(-295)
        referral = referral_services.create(
            counsellor,
            client,
            referral_services.ReferralDetails(
                "CAW", "schulden en huisvesting", ReferralStatus.SENT, follow_up_on
            ),
        )
        self._db.session.commit()
        return referral

    def world(self, organisation: Organisation | None = None) -> World:
        """A complete client file; in a new organisation unless one is given. In an empty
        database, at a moment that stands still, the one built before is written back
        (``tests/kept_worlds.py``)."""
        if organisation is not None or not self._keeps_worlds or not database_is_empty(self._db):
            return self._build_world(organisation)
        world = kept_worlds.restore(self._db, World)
        if world is None:
            world = self._build_world(None)
            kept_worlds.keep(self._db, world)
        return world

    def world_followed_by(self, email: str, name: str) -> World:
        """A complete client file, in a new organisation, whose client is followed by a
        counsellor of this address and name (a browser test signs in as them)."""
        counsellor = self.user(email=email, name=name)
        world = self.world(counsellor.organisation)
        world.client.counsellor_id = counsellor.id
        self._db.session.commit()
        return world

    def _build_world(self, organisation: Organisation | None) -> World:
        counsellor = self.user(organisation)
        colleague = self.user(counsellor.organisation)
        worksite = self.worksite(counsellor)
        contact = self.contact(counsellor, worksite)
        client = self.client(counsellor)
        trajectory = self.trajectory(counsellor, client, worksite=worksite, supervisor=contact)
        referral = self.referral(counsellor, client)
        share = client_services.share(counsellor, client, colleague, include_sensitive=False)
        mentorship = mentorship_services.pair(
            counsellor,
            starts_on=days_from_today(-322),
            mentor_contact=contact,
            mentee_client=client,
        )
        visit = visit_services.plan(
            counsellor, client, visit_services.VisitPlan(days_from_today(8), time(10), 60, "")
        )
        framework = frameworks.copy(counsellor, None, "Ons kader")
        feedback_round, _ = rounds.start(
            counsellor,
            trajectory,
            days_from_today(11),
            [rounds.Rater(RaterGroup.SUPERVISOR, contact.name)],
            today=days_from_today(-3),
        )
        self._db.session.commit()
        follow_up = self.follow_up(counsellor, visit)
        goal = self.goal(counsellor, trajectory)  # before the reminder: planning would cancel it
        return World(
            organisation=counsellor.organisation,
            counsellor=counsellor,
            client=client,
            trajectory=trajectory,
            evaluation=trajectory.evaluations[0],
            referral=referral,
            worksite=worksite,
            contact=contact,
            share=share,
            mentorship=mentorship,
            check_in=mentorship.check_ins[0],
            visit=visit,
            follow_up=follow_up,
            framework=framework,
            competence=framework.competences[0],
            feedback_round=feedback_round,
            invitation=feedback_round.invitations[0],
            device=self.device(counsellor),
            reminder=self.reminder(counsellor, client),
            mail=self.failed_mail(feedback_round.invitations[0]),
            goal=goal,
        )

    def goal(
        self,
        actor: User,
        trajectory: Trajectory,
        text: str = "Elke dag om 8 uur op de werkvloer",
        who: GoalActor = GoalActor.CLIENT,
        due_on: date | None = None,
    ) -> Goal:
        """A goal by hand on ``trajectory``, due in three weeks unless said otherwise."""
        draft = development_plan.GoalDraft(text, who.value, due_on or days_from_today(21))
        goal = development_plan.add_goal(actor, trajectory, draft)
        self._db.session.commit()
        return goal

    def feedback_round(
        self, world: World, *raters: rounds.Rater, deadline_in_days: int = 7
    ) -> tuple[FeedbackRound, dict[int, str]]:
        """A 360° round on ``world``'s trajectory, started today; with each invitation's link."""
        started, links = rounds.start(
            world.counsellor,
            world.trajectory,
            days_from_today(deadline_in_days),
            list(raters),
            today(),
        )
        self._db.session.commit()
        return started, links

    def feedback_answer(
        self,
        feedback_round: FeedbackRound,
        group: RaterGroup,
        scores: dict[str, int | None],
        *,
        comments: dict[str, str] | None = None,
        overall: str = "",
        invitation: Invitation | None = None,
    ) -> FeedbackResponse:
        """An answer sent at a link: on ``invitation``, or on a new one of ``group``."""
        if invitation is None:
            invitation = Invitation(
                organisation_id=feedback_round.organisation_id,
                round_id=feedback_round.id,
                rater_group=group.value,
                name=f"{group.value} {next(_sequence)}",
                token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
            )
            self._db.session.add(invitation)
            self._db.session.flush()
        response = FeedbackResponse(
            organisation_id=feedback_round.organisation_id,
            invitation_id=invitation.id,
            round_id=feedback_round.id,
            rater_group=group.value,
            scores=scores,
            comments=comments or {},
            overall_comment=overall,
        )
        self._db.session.add(response)
        events.feedback_round_changed.send(feedback_round)  # as rounds.submit does
        self._db.session.commit()
        return response

    def reminder(self, user: User, client: Client, moment: date | None = None) -> Reminder:
        """A reminder about ``client``'s file for ``user``, due on ``moment`` (today by default)."""
        moment = moment or today()
        reminder = Reminder(
            organisation_id=user.organisation_id,
            key=f"aftercare:{next(_sequence)}:{moment:%Y%m%d}",
            kind="aftercare",
            scope=f"client:{client.id}",
            client_id=client.id,
            subject_id=client.id,
            user_id=user.id,
            moment=moment,
            event_on=moment,
            next_attempt_at=now_utc() + timedelta(days=365),
        )
        self._db.session.add(reminder)
        self._db.session.commit()
        return reminder

    def signed_in(self, user: User) -> UserSession:
        """``user`` signed in on a device of their own; services given ``user`` act through it,
        as a request's signed-in user does."""
        if user.session_record is None:
            sessions.open_session(user)
            self._db.session.commit()
        return user.session_record

    def device(self, user: User) -> PushSubscription:
        """A device, signed in as ``user`` on a session of its own (kept signed in: tests move the
        clock on by days), that gets their notifications (its push service is not reachable)."""
        endpoint = f"https://push.example/{uuid.uuid4()}"
        signed_in = UserSession(
            organisation_id=user.organisation_id,
            user_id=user.id,
            key_hash=hashlib.sha256(endpoint.encode()).hexdigest(),
            device="Chrome · Android",
            remembered=True,
        )
        self._db.session.add(signed_in)
        self._db.session.flush()
        device = PushSubscription(
            organisation_id=user.organisation_id,
            user_id=user.id,
            session_id=signed_in.id,
            endpoint=endpoint,
            endpoint_hash=hashlib.sha256(endpoint.encode()).hexdigest(),
            p256dh="B" + "A" * 86,
            auth="A" * 22,
        )
        self._db.session.add(device)
        self._db.session.commit()
        return device

    def failed_mail(self, invitation: Invitation) -> OutgoingMail:
        """A rater's invitation e-mail that the mail server kept refusing until the pass gave up."""
        mail = OutgoingMail(
            organisation_id=invitation.organisation_id,
            recipient=invitation.email or "sofie@example.org",
            subject="Jouw kijk op hoe het gaat op het werk",
            body="Dag Sofie,\n\nhttp://localhost/f/not-a-real-link\n",
            status=MailStatus.FAILED.value,
            attempts=MAX_ATTEMPTS,
            next_attempt_at=now_utc(),
            last_attempt_at=now_utc(),
            last_error="server refused the connection (421)",
            about_kind=rounds.INVITATION_MAIL,
            about_id=invitation.id,
        )
        self._db.session.add(mail)
        self._db.session.commit()
        return mail

    def follow_up(
        self, author: User, visit: Visit, text: str = "Werkschoenen kopen", due: date | None = None
    ) -> FollowUp:
        follow_up = FollowUp(
            organisation_id=visit.organisation_id,
            action_uuid=str(uuid.uuid4()),
            note_uuid=str(uuid.uuid4()),
            visit_id=visit.id,
            client_id=visit.client_id,
            owner_id=author.id,
            text=text,
            due_on=due or days_from_today(2),
        )
        self._db.session.add(follow_up)
        self._db.session.commit()
        return follow_up

    def evaluation_record(self, world: World) -> EvaluationRecord:
        """A closed evaluation record at the world's second evaluation moment (held yesterday);
        the one made before when asked again. The first moment (``world.evaluation``) stays
        open, so its page shows the form."""
        evaluation = world.trajectory.evaluations[1]
        existing = self._db.session.scalars(
            select(EvaluationRecord).where(EvaluationRecord.evaluation_id == evaluation.id)
        ).first()
        if existing is not None:
            return existing
        evaluation.done_on = days_from_today(-1)
        record = EvaluationRecord(
            organisation_id=world.organisation.id,
            evaluation_id=evaluation.id,
            trajectory_id=world.trajectory.id,
            client_id=world.client.id,
            status=RecordStatus.CLOSED.value,
            held_on=evaluation.done_on,
            participants=[{"kind": "client", "name": world.client.full_name}],
            agreements="Elke vrijdag overleg.",
            decision="continue",
            closed_at=now_utc(),
        )
        record.judgements = [
            EvaluationJudgement(
                organisation_id=world.organisation.id,
                competence_key=world.competence.key,
                label="Op tijd",
                score=4,
            )
        ]
        self._db.session.add(record)
        self._db.session.commit()
        return record
