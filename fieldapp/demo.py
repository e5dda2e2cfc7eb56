"""Demo data for a newcomer: ``flask --app fieldapp demo-data``."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from fieldapp.auth import services
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import services as clients
from fieldapp.clients.models import Client
from fieldapp.common.dates import add_months, today
from fieldapp.extensions import db
from fieldapp.feedback import rounds as feedback
from fieldapp.feedback.models import RaterGroup
from fieldapp.mentorships import services as mentorships
from fieldapp.method import Outcome, Scheme
from fieldapp.organisation.models import Organisation, Team
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import ReferralStatus
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.services import open_trajectory
from fieldapp.visits import notes
from fieldapp.visits import services as visits
from fieldapp.visits.models import VisitStatus
from fieldapp.worksites import services as worksites
from fieldapp.worksites.models import Contact, ContactRole, Worksite, WorksiteKind

DEMO_SLUG = "ocmw-demostad"
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read off a terminal
DEMO_PEOPLE = (
    ("beheer@demostad.example", "Ahmed Beheerder", Role.ADMIN),
    ("teamlead@demostad.example", "Els Teamleider", Role.TEAM_LEAD),
    ("an@demostad.example", "An Trajectbegeleider", Role.COUNSELLOR),
    ("youssef@demostad.example", "Youssef Jobcoach", Role.COUNSELLOR),
)
WORKSITES = (
    ("WZC Zonnebloem – keuken", WorksiteKind.INTERNAL, "Sofie Verbruggen"),
    ("Kringwinkel Demostad", WorksiteKind.SOCIAL_ECONOMY, "Marc De Smet"),
    ("vzw Groep Intro", WorksiteKind.NON_PROFIT, "Leen Janssens"),
    ("Bakkerij Peeters", WorksiteKind.PRIVATE, "Jan Peeters"),
)
# first name, last name, language, scheme, months ago started, phase, worksite index or None
CLIENTS = (
    ("Amina", "El Idrissi", "nl", Scheme.ART60, 11, 4, 0),
    ("Bart", "Claes", "nl", Scheme.ART60, 1, 3, 1),
    ("Chantal", "Dubois", "fr", Scheme.TWE, 5, 4, 2),
    ("Dawit", "Haile", "en", Scheme.ART60, 22, 5, 1),
    ("Elif", "Yilmaz", "nl", Scheme.IBO, 2, 4, 3),
    ("Farid", "Benali", "fr", None, 0, 1, None),
    ("Greta", "Wouters", "nl", Scheme.STAGE, 0, 2, 3),
    ("Hamza", "Amrani", "nl", Scheme.ART60, 6, 4, 0),
)


def load_demo_data() -> list[tuple[str, str, Role]]:
    """Create the demo organisation, its people and a caseload; returns the logins."""
    organisation = services.create_organisation("OCMW Demostad", DEMO_SLUG)
    team = Team(organisation_id=organisation.id, name="Team Activering")
    db.session.add(team)
    db.session.flush()
    logins, people = [], []
    for email, name, role in DEMO_PEOPLE:
        password = "-".join("".join(secrets.choice(READABLE) for _ in range(5)) for _ in range(4))
        user = services.create_user(
            organisation, email=email, name=name, role=role, password=password
        )
        user.team_id = team.id if role is not Role.ADMIN else None
        logins.append((email, password, role))
        people.append(user)
    _load_caseload(people)
    return logins


def _load_caseload(people: list[User]) -> None:
    lead, an, youssef = people[1], people[2], people[3]
    sites: list[tuple[Worksite, Contact]] = []
    for name, kind, supervisor in WORKSITES:
        site = worksites.create_worksite(lead, worksites.WorksiteDetails(name, kind, "Demostad"))
        contact = worksites.add_contact(
            lead, site, worksites.ContactDetails(supervisor, ContactRole.SUPERVISOR, "", "", "nl")
        )
        sites.append((site, contact))
    day = today()
    for index, (first, last, language, scheme, months_ago, phase, site_index) in enumerate(CLIENTS):
        counsellor = an if index % 3 != 2 else youssef
        details = clients.ClientDetails(first, last, None, "", "", language, "Demostad")
        client = clients.create_client(counsellor, details)
        clients.record_consent(counsellor, client, "Getekend formulier in het dossier")
        if scheme is None:
            continue
        started = add_months(day, -months_ago) - timedelta(days=3)
        site, contact = sites[site_index] if site_index is not None else (None, None)
        planned_end = {
            Scheme.ART60: add_months(started, 24) - timedelta(days=1),
            Scheme.TWE: add_months(started, 12),
            Scheme.IBO: add_months(started, 6),
            Scheme.STAGE: started + timedelta(days=28),
        }[scheme]
        plan = trajectories.TrajectoryPlan(
            scheme, started, planned_end, site.id if site else None, contact.id if contact else None
        )
        trajectory = trajectories.start(counsellor, client, plan, Decimal("19"))
        for number in range(2, phase + 1):
            trajectories.change_phase(counsellor, trajectory, number)
        for evaluation in trajectory.evaluations:
            if evaluation.due_on < day - timedelta(days=10):
                trajectories.hold_evaluation(counsellor, evaluation, evaluation.due_on, "")
        if index in (0, 5):
            referrals.create(
                counsellor,
                client,
                referrals.ReferralDetails(
                    "Schuldbemiddeling" if index == 0 else "CAW",
                    "Eerste gesprek gepland",
                    ReferralStatus.SENT,
                    day if index == 0 else day + timedelta(days=2),  # one reminder due today
                ),
            )
        if index == 0 and site is not None:
            _last_weeks_visit(counsellor, client, day)
        if index in (0, 1, 4) and site is not None:
            visits.plan(
                counsellor,
                client,
                visits.VisitPlan(
                    day + timedelta(days=index // 2), time(9 + index), 60, "Opvolging"
                ),
            )
        if index == 1 and contact is not None:
            mentorships.pair(
                counsellor,
                starts_on=day - timedelta(days=5),
                mentor_contact=contact,
                mentee_client=client,
            )
    # One trajectory from last year, ended in a regular job: the yearly report has a transition.
    former = clients.create_client(
        youssef, clients.ClientDetails("Ilse", "Vermeulen", None, "", "", "nl", "Demostad")
    )
    plan = trajectories.TrajectoryPlan(
        Scheme.ART60, date(day.year - 1, 2, 1), date(day.year + 1, 1, 31), sites[1][0].id, None
    )
    ended = trajectories.start(youssef, former, plan, Decimal("38"))
    trajectories.end(youssef, ended, date(day.year, 3, 31), Outcome.REGULAR_JOB)


def _last_weeks_visit(counsellor: User, client: Client, day: date) -> None:
    """A visit held last week, with a note and an agreed action due this week."""
    visit = visits.plan(
        counsellor,
        client,
        visits.VisitPlan(day - timedelta(days=7), time(10), 45, "Eerste week op de werkvloer"),
    )
    visits.set_status(counsellor, visit, VisitStatus.DONE)
    note = notes.IncomingRevision(
        revision_uuid=str(uuid.uuid4()),
        note_uuid=str(uuid.uuid4()),
        parent_uuid=None,
        body="Goed gestart in de keuken. Vraagt zelf om uitleg bij de vaatwasmachine.",
        observations={"attendance": 5, "punctuality": 4, "attitude": 4},
        actions=(notes.IncomingAction(str(uuid.uuid4()), "Werkschoenen aanvragen", day),),
        written_at=visit.ends_at,
    )
    notes.store(counsellor, visit, note)
    _feedback_round(counsellor, visit.client_id, day)


# How each rater group sees the demo client, per competence of the shipped framework.
DEMO_SCORES = {
    RaterGroup.SELF: (5, 4, 4, 3, 5, 4, 5, 3, 4, 3),
    RaterGroup.SUPERVISOR: (3, 4, 4, 3, 4, 3, 4, 4, 5, None),
    RaterGroup.NETWORK: (4, 4, 3, 3, 5, 4, 3, 4, 4, 3),
}


def _feedback_round(counsellor: User, client_id: int, day: date) -> None:
    """A 360° round with the client, the floor supervisor and three people of her network."""
    client = db.session.get(Client, client_id)
    trajectory = open_trajectory(client)
    raters = [
        feedback.Rater(RaterGroup.SELF, client.first_name),
        feedback.Rater(RaterGroup.SUPERVISOR, "Sofie Verbruggen"),
        *(feedback.Rater(RaterGroup.NETWORK, name) for name in ("Zus", "Buurvrouw", "Vriend")),
        feedback.Rater(RaterGroup.COLLEAGUE, "Collega"),
    ]
    feedback_round, _ = feedback.start(counsellor, trajectory, day + timedelta(days=7), raters, day)
    keys = feedback.keys_of(feedback_round)
    for index, invitation in enumerate(feedback_round.invitations[:-1]):
        scores = DEMO_SCORES[invitation.group]
        shift = index % 2 if invitation.group is RaterGroup.NETWORK else 0
        answers = feedback.Answers(
            scores={
                key: None if score is None else max(1, min(5, score - shift))
                for key, score in zip(keys, scores, strict=True)
            },
            comments={"instructions": "Vraagt het als iets niet duidelijk is."}
            if invitation.group is RaterGroup.SUPERVISOR
            else {},
        )
        feedback.submit(invitation, answers)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when any organisation exists already.")
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Create a demo organisation: an administrator, a team lead, two counsellors, a caseload."""
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        if if_empty:
            return
        if db.session.scalar(select(func.count()).where(Organisation.slug == DEMO_SLUG)):
            raise click.ClickException("the demo organisation exists already")
    logins = load_demo_data()
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Client))
    click.echo(f"\nDemo organisation 'OCMW Demostad' created with {count} clients.")
    click.echo("These passwords are shown only once:\n")
    for email, password, role in logins:
        click.echo(f"  {role.label:<18} {email:<28} {password}")
    outbox = current_app.config["FIELDAPP_BASE_URL"].rstrip("/") + "/dev/outbox"
    click.echo(
        "\nLost them? Use 'Forgot your password?' on the sign-in page; in development the"
        f" e-mail appears at {outbox} within seconds.\n"
    )
