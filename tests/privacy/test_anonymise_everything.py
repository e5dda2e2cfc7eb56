"""Anonymising a client leaves no personal string about them in any table: a distinctive marker is
written into every text column that can hold something about the client, and after anonymising it
is nowhere in the database; the yearly report's anonymous figures stay."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.clients import services as client_services
from fieldapp.clients.models import Client, TimelineEvent
from fieldapp.common.dates import today
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackResponse, RaterGroup
from fieldapp.method import Outcome
from fieldapp.privacy.services import anonymise
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.models import ChecklistAnswer, RegimePeriod, Trajectory
from fieldapp.visits.models import NoteRevision

MARK = "Qzwyx"  # in nothing fieldapp writes by itself


def test_nothing_personal_survives_anonymisation(app, make, db):
    world = make.world()
    with app.test_request_context():
        feedback_round, _links = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SELF, f"{MARK} zelf", f"{MARK.lower()}@example.org"),
            rounds.Rater(RaterGroup.NETWORK, f"{MARK} zus", f"zus.{MARK.lower()}@example.org"),
        )
    own, sister = feedback_round.invitations
    sister.draft = {"comments": {"punctuality": f"{MARK} halfweg"}}
    make.feedback_answer(
        feedback_round,
        RaterGroup.SELF,
        {"punctuality": 4},
        comments={"punctuality": f"{MARK} over mezelf"},
        overall=f"{MARK} in het algemeen",
        invitation=own,
    )
    person = world.client
    person.first_name, person.last_name = f"{MARK}a", f"{MARK}b"
    person.phone, person.email, person.city = f"0470{MARK}", f"{MARK}@example.org", MARK
    person.consent_note = f"{MARK} akkoord"
    world.visit.purpose = f"{MARK} bezoek"
    world.referral.partner, world.referral.reason = f"{MARK} CAW", f"{MARK} schulden"
    world.follow_up.text = f"{MARK} schoenen"
    world.mentorship.note = f"{MARK} peter"
    world.evaluation.note = f"{MARK} evaluatie"
    for regime in db.session.scalars(select(RegimePeriod)):
        regime.note = f"{MARK} deeltijds"
    db.session.add_all(
        [
            ChecklistAnswer(
                organisation_id=person.organisation_id,
                trajectory_id=world.trajectory.id,
                item="health",
                answer=f"{MARK} rug",
            ),
            NoteRevision(
                organisation_id=person.organisation_id,
                revision_uuid="00000000-0000-4000-8000-0000000000a1",
                note_uuid="00000000-0000-4000-8000-0000000000a2",
                visit_id=world.visit.id,
                author_id=world.counsellor.id,
                body=f"{MARK} notitie",
                observations={},
                written_at=world.visit.starts_at,
            ),
            TimelineEvent(
                organisation_id=person.organisation_id,
                client_id=person.id,
                kind="note",
                data={"text": f"{MARK} tijdlijn"},
            ),
        ]
    )
    db.session.commit()
    colleague = world.share.user
    with app.test_request_context():  # the hand-over e-mail carries a link
        client_services.hand_over(world.counsellor, person, colleague, f"{MARK} overdracht")
        trajectories.end(colleague, world.trajectory, today(), Outcome.REGULAR_JOB)
        db.session.commit()

    anonymise(colleague, db.session.get(Client, person.id))
    db.session.commit()

    db.session.expire_all()
    left = [
        f"{table.name}: {row!r}"
        for table in db.metadata.sorted_tables
        for row in db.session.execute(select(table)).all()
        if MARK.lower() in repr(row).lower()
    ]
    assert left == []
    kept = db.session.get(Trajectory, world.trajectory.id)
    assert (kept.scheme, kept.outcome, kept.ended_on) == ("art60", "regular_job", today())
    assert db.session.scalar(select(FeedbackResponse.scores)) == {"punctuality": 4}
