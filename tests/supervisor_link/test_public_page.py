"""The page at a floor supervisor's link: what it shows and hides, the pulse (one a month), the
reports that tell the counsellor, visit times, refusals and bad input (never a 5xx)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.clients.models import TimelineEvent
from fieldapp.common.dates import today
from fieldapp.development_plan import services as development_plan
from fieldapp.development_plan.models import GoalActor
from fieldapp.method import Outcome
from fieldapp.reminders.models import Reminder
from fieldapp.supervisor_link import services
from fieldapp.supervisor_link.models import Pulse, ReportKind, SupervisorReport
from fieldapp.trajectories import services as trajectories
from tests.supervisor_link.conftest import make_link

PULSE = {"going": "3", "attendance": "2", "attitude": "1", "line": "Goed bezig"}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_page_shows_the_first_name_the_next_visit_and_the_supervisors_goals(
    client, db, placement
):
    world = placement.world
    development_plan.add_goal(
        world.counsellor,
        world.trajectory,
        development_plan.GoalDraft(
            "Elke ochtend de planning overlopen", GoalActor.SUPERVISOR.value
        ),
    )
    development_plan.add_goal(
        world.counsellor,
        world.trajectory,
        development_plan.GoalDraft("Zelf het busabonnement regelen", GoalActor.CLIENT.value),
    )
    db.session.commit()
    response = client.get(placement.url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Mina" in page
    assert world.client.last_name not in page
    assert "data-next-visit" in page
    assert "Elke ochtend de planning overlopen" in page
    assert "busabonnement" not in page
    assert "<script" not in page


def test_the_page_speaks_the_chosen_language(client, placement):
    assert "Volgend bezoek" in client.get(placement.url).get_data(as_text=True)
    assert "Prochaine visite" in client.get(f"{placement.url}?lang=fr").get_data(as_text=True)
    assert "Next visit" in client.get(f"{placement.url}?lang=en").get_data(as_text=True)


def test_a_pulse_is_saved_redirected_and_a_second_in_the_month_replaces_it(client, db, placement):
    response = client.post(f"{placement.url}/pulse?lang=en", data=PULSE)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{placement.url}?lang=en&done=pulse#done")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your pulse for this month is saved" in page

    client.post(f"{placement.url}/pulse", data={**PULSE, "going": "1", "line": ""})
    (pulse,) = db.session.scalars(select(Pulse)).all()
    assert (pulse.going, pulse.attendance, pulse.attitude, pulse.line) == (1, 2, 1, "")
    assert pulse.month == f"{today():%Y-%m}"
    kinds = db.session.scalars(select(TimelineEvent.kind)).all()
    assert kinds.count("supervisor_pulse") == 2


@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"going": "3", "attendance": "2"},
        {**PULSE, "going": "4"},
        {**PULSE, "attitude": "x"},
        {**PULSE, "line": "x" * 201},
        {**PULSE, "line": "\x00"},
    ],
)
def test_a_bad_pulse_is_refused_with_a_message_and_nothing_saved(client, db, placement, sent):
    response = client.post(f"{placement.url}/pulse", data=sent)
    assert response.status_code in {400, 422}
    assert count(db, Pulse) == 0


def test_an_absence_tells_the_counsellor_and_lands_on_the_timeline(client, db, placement):
    response = client.post(
        f"{placement.url}/report",
        data={"kind": "absence", "on_day": today().isoformat(), "once": "a" * 32},
    )
    assert response.status_code == 303
    (report,) = db.session.scalars(select(SupervisorReport)).all()
    assert (report.kind, report.on_day, report.urgent) == ("absence", today(), False)
    (notice,) = db.session.scalars(select(Reminder).where(Reminder.kind == "supervisor")).all()
    assert notice.user_id == placement.world.counsellor.id
    assert notice.client_id == placement.world.client.id
    assert notice.urgent is False
    assert notice.status == "pending"
    event = db.session.scalars(
        select(TimelineEvent).where(TimelineEvent.kind == "supervisor_report")
    ).one()
    assert event.data == {"supervisor": "Sofie Supervisor", "report": "absence", "urgent": False}


def test_the_same_form_sent_twice_is_kept_and_told_once(client, db, placement):
    sent = {"kind": "question", "text": "Mag hij vrijdag vroeger weg?", "once": "b" * 32}
    client.post(f"{placement.url}/report", data=sent)
    client.post(f"{placement.url}/report", data=sent)
    assert count(db, SupervisorReport) == 1
    assert count(db, Reminder.__table__) >= 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(Reminder).where(Reminder.kind == "supervisor")
        )
        == 1
    )


def test_an_urgent_incident_is_an_urgent_notice(client, db, placement):
    client.post(
        f"{placement.url}/report",
        data={"kind": "incident", "text": "Gevallen met de kar", "urgent": "y"},
    )
    (notice,) = db.session.scalars(
        select(Reminder).where(Reminder.kind == "supervisor-urgent")
    ).all()
    assert notice.urgent is True


def test_urgent_incidents_wake_the_counsellor_once_until_read(client, db, auth, placement):
    """Whoever holds the link (a forwarded e-mail) cannot push the counsellor's phone through
    the night 30 times a minute: while an urgent notice about the placement is unread, the next
    urgent incident is told the ordinary way (after the quiet hours). Read, the next one wakes
    them again."""
    urgent = {"kind": "incident", "text": "Gevallen met de kar", "urgent": "y"}
    for _ in range(3):
        assert client.post(f"{placement.url}/report", data=urgent).status_code == 303
    notices = db.session.scalars(select(Reminder.urgent).where(Reminder.kind.like("supervisor%")))
    assert sorted(notices.all()) == [False, False, True]
    assert db.session.scalars(select(SupervisorReport.urgent)).all() == [True] * 3  # as reported

    auth.login(placement.world.counsellor.email)
    client.get(f"/trajectories/{placement.world.trajectory.id}/supervisor-link")  # read
    auth.logout()
    assert client.post(f"{placement.url}/report", data=urgent).status_code == 303
    db.session.expire_all()
    notices = db.session.scalars(select(Reminder.urgent).where(Reminder.kind.like("supervisor%")))
    assert sorted(notices.all()) == [False, False, True, True]


def test_only_an_incident_can_be_urgent(client, db, placement):
    client.post(f"{placement.url}/report", data={"kind": "question", "text": "?", "urgent": "y"})
    assert db.session.scalars(select(SupervisorReport.urgent)).one() is False


@pytest.mark.parametrize(
    "sent",
    [
        {},
        {"kind": "holiday"},
        {"kind": "incident"},
        {"kind": "incident", "text": "   "},
        {"kind": "question", "text": "x" * 501},
        {"kind": "absence", "on_day": "2026-02-30"},
        {"kind": "absence", "on_day": "0001-01-01"},
        {"kind": "absence", "on_day": "9999-12-31"},
        {"kind": "absence", "once": "../../etc"},
    ],
)
def test_a_bad_report_is_refused_with_a_message_and_nothing_saved(client, db, placement, sent):
    response = client.post(f"{placement.url}/report", data=sent)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True) or "alert--error" in (
        response.get_data(as_text=True)
    )
    assert count(db, SupervisorReport) == 0


def test_a_far_absence_day_is_refused_by_the_rule(client, db, placement):
    far = today() + timedelta(days=90)
    response = client.post(
        f"{placement.url}/report", data={"kind": "absence", "on_day": far.isoformat()}
    )
    assert response.status_code == 422
    assert count(db, SupervisorReport) == 0


def test_a_proposed_visit_time_and_a_confirmed_visit(client, db, placement):
    day = today() + timedelta(days=3)
    response = client.post(
        f"{placement.url}/visit/propose", data={"day": day.isoformat(), "at": "10:30"}
    )
    assert response.status_code == 303
    page = client.get(f"{placement.url}?lang=en").get_data(as_text=True)
    assert "data-proposed" in page  # the supervisor sees what they asked for
    assert "10:30" in page.split("data-proposed")[1].split("</p>")[0]
    visit = placement.world.visit
    response = client.post(f"{placement.url}/visit/confirm", data={"visit": str(visit.id)})
    assert response.status_code == 303
    kinds = sorted(db.session.scalars(select(SupervisorReport.kind)))
    assert kinds == ["visit_confirmed", "visit_proposed"]
    assert "You confirmed this visit" in client.get(f"{placement.url}?lang=en").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("visit/propose", {"day": "2020-01-01", "at": "10:00"}),
        ("visit/propose", {"day": "", "at": "25:00"}),
        ("visit/propose", {"day": "x", "at": "x"}),
        ("visit/confirm", {"visit": "99999999"}),
        ("visit/confirm", {"visit": "-1"}),
        ("visit/confirm", {"visit": "99999999999999999999"}),
        ("visit/confirm", {"visit": "2147483648"}),  # past PostgreSQL's integer: no such visit
        ("visit/confirm", {"visit": "9999999999"}),
        ("visit/confirm", {}),
    ],
)
def test_bad_visit_times_are_refused(client, db, placement, path, sent):
    response = client.post(f"{placement.url}/{path}", data=sent)
    assert response.status_code == 422
    assert count(db, SupervisorReport) == 0


@pytest.mark.parametrize("at", ["03:00", "06:59", "20:01", "23:30"])
def test_a_visit_is_proposed_in_working_hours(client, db, placement, at):
    day = (today() + timedelta(days=3)).isoformat()  # worked out under the frozen clock
    response = client.post(f"{placement.url}/visit/propose?lang=en", data={"day": day, "at": at})
    assert response.status_code == 422
    assert "between 7:00 and 20:00" in response.get_data(as_text=True)
    assert count(db, SupervisorReport) == 0


def test_another_clients_visit_cannot_be_confirmed(client, db, make, placement):
    other = make.world(placement.world.organisation)
    response = client.post(f"{placement.url}/visit/confirm", data={"visit": str(other.visit.id)})
    assert response.status_code == 422
    assert count(db, SupervisorReport) == 0


def test_a_visit_at_another_worksite_is_neither_shown_nor_confirmed(client, db, make, placement):
    """The client's visit at another worksite (a former placement, a job interview) is none of
    this supervisor's business: not its moment, and no confirming it."""
    world = placement.world
    world.visit.worksite_id = make.worksite(world.counsellor, "Elders BV").id
    db.session.commit()
    page = client.get(f"{placement.url}?lang=en").get_data(as_text=True)
    assert "data-next-visit" not in page
    assert "No visit planned yet" in page
    response = client.post(f"{placement.url}/visit/confirm", data={"visit": str(world.visit.id)})
    assert response.status_code == 422
    assert count(db, SupervisorReport) == 0


def test_refusals_use_the_shared_statuses(app, client, db, placement):
    world = placement.world
    assert client.get("/s/nonsense").status_code == 404
    assert client.get("/s/" + "x" * 500).status_code == 404
    assert client.post("/s/nonsense/pulse", data=PULSE).status_code == 404

    newer = make_link(app, db, world)
    replaced = client.get(f"{placement.url}?lang=en")
    assert replaced.status_code == 410
    assert "replaced by a newer one" in replaced.get_data(as_text=True)

    services.revoke(world.counsellor, services.link_of(world.trajectory))
    db.session.commit()
    stopped = client.get(f"/s/{newer}?lang=en")
    assert stopped.status_code == 410
    assert "stopped this link" in stopped.get_data(as_text=True)
    assert client.post(f"/s/{newer}/pulse", data=PULSE).status_code == 410
    assert count(db, Pulse) == 0


def test_the_link_ends_with_the_placement(app, client, db, placement):
    world = placement.world
    trajectories.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    db.session.commit()
    ended = client.get(f"{placement.url}?lang=en")
    assert ended.status_code == 410
    assert "placement has ended" in ended.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_guessing_links_is_slowed_down(client, db):
    statuses = {client.get(f"/s/guess-{number}").status_code for number in range(61)}
    assert statuses == {404, 429}


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_link_is_the_key_the_forms_need_no_csrf_token(client, db, placement):
    assert client.post(f"{placement.url}/pulse", data=PULSE).status_code == 303
    sent = {"kind": "question", "text": "Vrijdag vrij?"}
    assert client.post(f"{placement.url}/report", data=sent).status_code == 303


def test_a_report_that_is_rolled_back_is_not_kept(db, placement):
    """The report is stored in a savepoint (for the race below) that, on SQLite, was the first
    statement of its transaction: SQLite's driver had begun none, so releasing the savepoint
    committed the report, and a failure after it (a rollback of the request) left it stored."""
    link = services.link_of(placement.world.trajectory)
    events = count(db, TimelineEvent)
    services.report(link, services.ReportDraft(ReportKind.QUESTION, text="Vrijdag vrij?"))
    db.session.rollback()
    assert count(db, SupervisorReport) == 0
    assert count(db, TimelineEvent) == events


def test_a_form_sent_twice_at_the_same_moment_is_kept_once(db, placement, monkeypatch):
    """Two requests race with the same form: the second looked before the first was stored,
    and its insert meets the first's row."""
    link = services.link_of(placement.world.trajectory)
    draft = services.ReportDraft(ReportKind.QUESTION, text="Vrijdag vrij?", once="c" * 32)
    first = services.report(link, draft)
    db.session.commit()
    looked = services._sent_before
    answers = iter([None])  # the first look comes too early; the one after the clash does not
    monkeypatch.setattr(
        services, "_sent_before", lambda *args: next(answers, None) or looked(*args)
    )
    second = services.report(link, draft)
    db.session.commit()
    assert second.id == first.id
    assert count(db, SupervisorReport) == 1
