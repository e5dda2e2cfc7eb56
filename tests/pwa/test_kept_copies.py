"""Kept copies are refreshed only when they changed: each copy carries a tag of what it shows, for
whom and in which language; the same tag sent back is answered 304 without rendering the page,
and never for another person, another sign-in or another language."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from flask import template_rendered

from fieldapp.common.dates import today
from fieldapp.development_plan.models import GoalActor
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import Visit
from tests.factories import DEFAULT_PASSWORD

COPY = {"X-Fieldapp-Copy": "offline"}


@pytest.fixture
def world(make, db):
    world = make.world()
    visit_services.plan(
        world.counsellor,
        world.client,
        visit_services.VisitPlan(today() + timedelta(days=1), time(9), 60, "Eerste week"),
    )
    db.session.commit()
    return world


@pytest.fixture
def signed_in(auth, world):
    auth.login(world.counsellor.email)
    return world


@contextmanager
def rendered(app):
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def kept_pages(client) -> list[str]:
    return client.get("/api/offline-pages").json["pages"]


def tags(client) -> dict[str, str]:
    answers = {page: client.get(page, headers=COPY) for page in kept_pages(client)}
    assert {page: answer.status_code for page, answer in answers.items()} == dict.fromkeys(
        answers, 200
    )
    return {page: answer.headers["ETag"] for page, answer in answers.items()}


def again(client, known: dict[str, str]) -> dict[str, int]:
    return {
        page: client.get(page, headers=COPY | {"If-None-Match": tag}).status_code
        for page, tag in known.items()
    }


def test_an_unchanged_copy_is_answered_304_without_rendering_and_stays_private(
    app, client, db, signed_in
):
    known = tags(client)
    assert len(known) == 5  # agenda, outbox, unplanned visit, contact, tomorrow's visit
    with rendered(app) as templates:
        for page, tag in known.items():
            answer = client.get(page, headers=COPY | {"If-None-Match": tag})
            assert answer.status_code == 304, page
            assert answer.data == b""
            assert answer.headers["ETag"] == tag
            assert answer.headers["Cache-Control"] == "no-store"
    assert templates == []
    # A compressed copy's tag names its encoding (Flask-Compress): the same copy.
    page, tag = next(iter(known.items()))
    assert client.get(page, headers=COPY | {"If-None-Match": f'{tag[:-1]}:br"'}).status_code == 304
    fresh = client.get(next(iter(known)), headers=COPY)
    assert fresh.headers["Cache-Control"] == "no-store"
    assert "X-Fieldapp-Copy" in fresh.headers["Vary"]


def test_live_pages_are_never_answered_304(client, db, signed_in):
    known = tags(client)
    for page, tag in known.items():
        live = client.get(page, headers={"If-None-Match": tag})
        assert live.status_code == 200, page
        assert "ETag" not in live.headers


def test_a_tag_is_never_confirmed_to_another_person_sign_in_or_language(
    app, client, db, make, auth, signed_in
):
    known = tags(client)
    language = client.get("/").get_data(as_text=True).split('lang="', 1)[1][:2]
    # The same person in another language.
    client.post("/language", data={"language": "fr" if language != "fr" else "nl"})
    assert set(again(client, known).values()) == {200}
    client.post("/language", data={"language": language})
    assert set(again(client, known).values()) == {304}
    # The same person signed in on another device.
    other_device = app.test_client()
    other_device.post(
        "/login", data={"email": signed_in.counsellor.email, "password": DEFAULT_PASSWORD}
    )
    assert set(again(other_device, known).values()) == {200}
    # A colleague with the same (empty) caseload pages.
    colleague = make.user(signed_in.organisation)
    db.session.commit()
    auth.logout()
    auth.login(colleague.email)
    shared = {page: known[page] for page in ("/visits/outbox", "/visits/")}
    assert set(again(client, shared).values()) == {200}


def test_a_change_renews_the_copies_that_show_it_and_no_other(client, db, make, signed_in):
    known = tags(client)
    visit_page = next(page for page in known if page.split("/")[-1].isdigit())
    make.goal(signed_in.counsellor, signed_in.trajectory, "Zelf de bus nemen", GoalActor.CLIENT)
    db.session.commit()
    assert again(client, known) == {
        "/visits/": 304,
        "/visits/outbox": 304,
        "/visits/unplanned": 200,  # the client's open goals
        "/contacts/new": 304,
        visit_page: 200,  # the development plan on the visit
    }
    known = tags(client)
    signed_in.client.first_name = "Aminata"
    db.session.commit()
    assert again(client, known) == {
        "/visits/": 200,
        "/visits/outbox": 304,
        "/visits/unplanned": 200,
        "/contacts/new": 200,
        visit_page: 200,
    }
    known = tags(client)
    visit = db.session.get(Visit, int(visit_page.rsplit("/", 1)[1]))
    plan = visit_services.VisitPlan(today() + timedelta(days=1), time(15), 30, "Later")
    visit_services.move(signed_in.counsellor, visit, plan)  # the clock stands still
    db.session.commit()
    assert again(client, known) == {
        "/visits/": 200,
        "/visits/outbox": 304,
        "/visits/unplanned": 304,
        "/contacts/new": 304,
        visit_page: 200,
    }
    known = tags(client)
    client.post(f"/follow-ups/{signed_in.follow_up.id}/done")
    assert again(client, known)["/visits/unplanned"] == 200  # the agreed action is done
    copy = client.get("/visits/unplanned", headers=COPY).get_data(as_text=True)
    assert signed_in.follow_up.text not in copy


def test_the_kept_contact_page_leaves_the_moment_to_the_phone(client, db, signed_in):
    live = client.get("/contacts/new").get_data(as_text=True)
    copy = client.get("/contacts/new", headers=COPY).get_data(as_text=True)
    assert 'id="contact-happened-at" name="happened_at" type="datetime-local" value="2' in live
    assert 'name="happened_at" type="datetime-local" value=""' in copy
