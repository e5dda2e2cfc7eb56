"""Demo data for a newcomer: ``flask --app fieldapp demo-data``."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, time, timedelta
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
from fieldapp.common.dates import add_months, local_date, today
from fieldapp.common.time import local_zone
from fieldapp.contact_moments import services as contacts
from fieldapp.contact_moments.models import ContactKind
from fieldapp.development_plan import services as plans
from fieldapp.development_plan.models import GoalActor, GoalSource
from fieldapp.evaluations import services as evaluations
from fieldapp.evaluations.forms import GrowthPoint, Participant, RecordDraft
from fieldapp.evaluations.models import Decision, ParticipantKind
from fieldapp.extensions import db
from fieldapp.feedback import rounds as feedback
from fieldapp.feedback.frameworks import framework_in_use
from fieldapp.feedback.models import RaterGroup
from fieldapp.mentorships import services as mentorships
from fieldapp.method import Outcome, Scheme
from fieldapp.method import rhythm as contact_rhythm
from fieldapp.organisation.models import Organisation, Team
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import ReferralStatus
from fieldapp.supervisor_link import services as supervisor_link
from fieldapp.supervisor_link.models import Pulse, Rating, ReportKind
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.models import Trajectory
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
    # The organisation's contact rhythm: every 14 days during placement and guidance.
    contact_rhythm.save(people[0], {3: 14, 4: 14})
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
            _evaluation_cycle(counsellor, trajectory, contact.name, day)
            _last_weeks_visit(counsellor, client, day)
            _supervisor_link(counsellor, trajectory, day)
        if index in (0, 1, 7):  # the others in phase 3 or 4 are past the 14-day rhythm
            _recent_contacts(counsellor, client, day, many=index == 0)
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


# Scores written in the monthly visit notes, oldest first, per competence (the first four of the
# framework in use): the demo client grows, with the ups and downs of real work.
NOTE_SCORES = (
    (2, 2, 3, 3, 3, 4, 4, 4, 5),
    (3, 3, 3, 2, 3, 3, 4, 4, 4),
    (1, 2, 2, 2, 3, 3, 3, 4, 4),
    (3, 4, 3, 4, 4, 4, 5, 4, 5),
)
VISIT_NOTES = (
    "Eerste weken: leert de keuken kennen, nog veel vragen.",
    "Komt op tijd, volgt de planning van de chef.",
    "Maakt de groenten zelfstandig klaar; vergeet soms de hygiëneregels.",
    "Drukke week, vroeg zelf om hulp bij de afwas.",
    "Werkt vlotter samen met de collega's.",
    "Neemt initiatief bij het opruimen.",
    "Sofie is tevreden over het tempo.",
    "Plant de dag zelf met de checklist.",
    "Zelfstandig op de werkpost; klaar voor meer verantwoordelijkheid.",
)


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), local_zone()).astimezone(UTC)


def _evaluation_cycle(counsellor: User, trajectory: Trajectory, supervisor: str, day: date) -> None:
    """Monthly visit notes with competence scores, the six-month evaluation closed with its
    judgements, and two goals of the development plan: a competence trend with several points."""
    client = trajectory.client
    keys = [c.key for c in framework_in_use(client.organisation_id, client.language).competences]
    for month, body in enumerate(VISIT_NOTES):
        visited = add_months(day, month - len(VISIT_NOTES)) - timedelta(days=2)
        visit = visits.plan(
            counsellor, client, visits.VisitPlan(visited, time(10), 45, "Opvolging op de werkvloer")
        )
        visits.set_status(counsellor, visit, VisitStatus.DONE)
        observations = {"attendance": 4 + month % 2, "punctuality": 4}
        observations |= {
            notes.COMPETENCE_PREFIX + key: scores[month]
            for key, scores in zip(keys, NOTE_SCORES, strict=False)
        }
        notes.store(
            counsellor,
            visit,
            notes.IncomingRevision(
                revision_uuid=str(uuid.uuid4()),
                note_uuid=str(uuid.uuid4()),
                parent_uuid=None,
                body=body,
                observations=observations,
                actions=(),
                written_at=_local(visited, 11),
            ),
        )
    moment = next(e for e in trajectory.evaluations if e.months == 6)
    following = next(e for e in trajectory.evaluations if e.months == 12)
    framework = framework_in_use(client.organisation_id, client.language)
    draft = RecordDraft(
        record_id=None,
        held_on=moment.done_on,
        participants=(
            Participant(ParticipantKind.CLIENT, client.full_name),
            Participant(ParticipantKind.SUPERVISOR, supervisor),
            Participant(ParticipantKind.COUNSELLOR, counsellor.name),
        ),
        scores=dict(zip(keys, (4, 3, 3, 4, 3), strict=False)),
        strengths="Altijd op tijd, vriendelijk met collega's, vraagt hulp wanneer het nodig is.",
        growth_points=(
            GrowthPoint("De werkdag zelf plannen met de checklist", keys[2]),
            GrowthPoint("De hygiëneregels volgen zonder herinnering", keys[1]),
        ),
        agreements=(
            "Amina plant elke maandag haar week met Sofie. An komt om de twee weken langs."
        ),
        decision=Decision.CONTINUE,
        next_on=following.due_on,
    )
    record = evaluations.save_draft(counsellor, moment, draft, framework)
    evaluations.close(counsellor, moment, record)
    plans.add_goal(
        counsellor,
        trajectory,
        plans.GoalDraft(
            "De werkdag zelf plannen met de checklist",
            GoalActor.CLIENT.value,
            day + timedelta(days=21),
            keys[2],
            GoalSource.GROWTH_POINT.value,
            record.id,
        ),
    )
    plans.add_goal(
        counsellor,
        trajectory,
        plans.GoalDraft(
            "Een korte uitleg over de hygiëneregels op de werkpost",
            GoalActor.SUPERVISOR.value,
            day + timedelta(days=10),
            keys[1],
        ),
    )


def _supervisor_link(counsellor: User, trajectory: Trajectory, day: date) -> None:
    """The floor supervisor's link, with a pulse in each of the last four months (one a worry
    about attendance) and a question: the pulses show on the placement and the client's file.
    The link itself is not kept; *Show a new link* on the placement hands one over."""
    supervisor_link.renew(counsellor, trajectory)
    link = supervisor_link.link_of(trajectory)
    assert link is not None
    for months_ago, attendance in ((3, Rating.GOOD), (2, Rating.MIXED), (1, Rating.WORRY)):
        moment = _local(add_months(day, -months_ago).replace(day=15), 11)
        db.session.add(
            Pulse(
                organisation_id=trajectory.organisation_id,
                trajectory_id=trajectory.id,
                client_id=trajectory.client_id,
                month=f"{local_date(moment):%Y-%m}",
                going=Rating.GOOD if attendance is Rating.GOOD else Rating.MIXED,
                attendance=attendance,
                attitude=Rating.GOOD,
                line="Te laat na het weekend" if attendance is Rating.WORRY else "",
                given_at=moment,
            )
        )
    supervisor_link.give_pulse(
        link, supervisor_link.PulseAnswers(Rating.GOOD, Rating.MIXED, Rating.GOOD, "Gaat beter")
    )
    supervisor_link.report(
        link,
        supervisor_link.ReportDraft(
            ReportKind.QUESTION, text="Mag ze vrijdag een uur vroeger weg voor de tandarts?"
        ),
    )


def _recent_contacts(counsellor: User, client: Client, day: date, *, many: bool) -> None:
    """Contacts of the last weeks; the demo client has a few kinds, one call did not reach her."""
    moments = [(ContactKind.PHONE_CALL, True, "Even gebeld: alles loopt goed.", 4)]
    if many:
        moments = [
            (ContactKind.FLOOR_SUPERVISOR, True, "Sofie: werkt zelfstandiger.", 24),
            (ContactKind.PHONE_CALL, False, "Niet bereikt, voicemail ingesproken.", 12),
            (ContactKind.MESSAGE, True, "Bericht over de werkschoenen.", 11),
            (ContactKind.OFFICE, True, "Gesprek over de planning.", 3),
        ]
    for kind, reached, note, days_ago in moments:
        contacts.record(
            counsellor,
            client,
            contacts.IncomingContact(
                str(uuid.uuid4()), kind, reached, note, _local(day - timedelta(days=days_ago), 14)
            ),
        )


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
