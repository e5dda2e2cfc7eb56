from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients.models import TimelineEvent
from fieldapp.common.dates import today
from fieldapp.common.time import local_zone
from fieldapp.visits.models import Visit


def last_visit(db):
    return db.session.scalars(select(Visit).order_by(Visit.id.desc())).first()


def plan(client, client_id, **fields):
    data = {
        "day": (today() + timedelta(days=1)).isoformat(),
        "at": "10:30",
        "minutes": "45",
        "purpose": "evaluatiegesprek",
    }
    data.update(fields)
    return client.post(f"/clients/{client_id}/visits/new", data=data)


def test_plan_a_visit_in_brussels_time(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    assert plan(client, world.client.id, day="2026-07-01", at="10:30").status_code == 302
    visit = last_visit(db)
    assert visit.starts_at == datetime(2026, 7, 1, 8, 30, tzinfo=UTC)  # summer time: UTC+2
    assert visit.worksite_id == world.worksite.id  # the client's current worksite
    assert visit.counsellor_id == world.counsellor.id
    assert "visit_planned" in db.session.scalars(select(TimelineEvent.kind)).all()


def test_bad_visit_input(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    for fields, message in [
        ({"day": "31/12/2026"}, "Not a valid date"),
        ({"at": "25:00"}, "Not a valid time"),
        ({"minutes": "0"}, "Between 5 and 480 minutes"),
        ({"purpose": "x" * 201}, "at most 200 characters"),
    ]:
        response = plan(client, world.client.id, **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1  # the world's own


def test_agenda_home_move_done_and_cancel(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    plan(client, world.client.id, day=today().isoformat(), at="09:00")
    visit = last_visit(db)
    assert world.client.full_name in client.get("/visits/").get_data(as_text=True)
    assert (
        world.client.full_name in client.get("/").get_data(as_text=True).split("Today's visits")[1]
    )

    moved = (today() + timedelta(days=2)).isoformat()
    data = {"day": moved, "at": "14:00", "minutes": "60", "purpose": ""}
    assert client.post(f"/visits/{visit.id}/edit", data=data).status_code == 302
    assert client.post(f"/visits/{visit.id}/done").status_code == 302
    db.session.refresh(visit)
    assert visit.status == "done"
    response = client.post(f"/visits/{visit.id}/cancelled")
    assert response.status_code == 409
    assert "no longer planned" in response.get_data(as_text=True)
    assert client.post(f"/visits/{visit.id}/edit", data=data).status_code == 422


def test_only_who_may_open_the_file_sees_the_visit(client, auth, make, db):
    world = make.world()
    make.user(world.organisation, email="bo@example.org")
    auth.login(world.counsellor.email)
    plan(client, world.client.id)
    visit = last_visit(db)
    auth.logout()
    auth.login("bo@example.org")
    assert client.get(f"/visits/{visit.id}").status_code == 404
    assert world.client.full_name not in client.get("/visits/").get_data(as_text=True)


def test_calendar_feed_is_personal_revocable_and_discreet(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    plan(client, world.client.id, purpose="gesprek over schulden")
    page = client.post("/visits/calendar", data={"action": "new"}).get_data(as_text=True)
    address = page.split('id="feed-address" type="text" readonly value="')[1].split('"')[0]
    path = address.replace("http://localhost", "")
    auth.logout()

    feed = client.get(path)  # no sign-in: calendar apps cannot sign in
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert "BEGIN:VEVENT" in body
    assert world.worksite.name in body
    assert world.client.last_name not in body
    assert "schulden" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))

    auth.login(world.counsellor.email)
    client.post("/visits/calendar", data={"action": "stop"})
    assert client.get(path).status_code == 404
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_cancelling_a_visit_asks_once_and_works_without_javascript(client, auth, make, db):
    world = make.world()
    visit = world.visit
    auth.login(world.counsellor.email)
    confirm_url = f"/visits/{visit.id}/cancel"

    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'action="/visits/{visit.id}/cancelled"' not in page  # one tap does not cancel
    assert f'href="{confirm_url}"' in page

    page = client.get(confirm_url).get_data(as_text=True)  # asks, and changes nothing
    assert "Cancel this visit?" in page
    assert world.client.full_name in page
    assert f'action="/visits/{visit.id}/cancelled"' in page
    assert 'name="confirm" value="yes"' in page
    assert f'href="/visits/{visit.id}"' in page  # keep it
    db.session.refresh(visit)
    assert visit.status == "planned"

    response = client.post(f"/visits/{visit.id}/cancelled")  # a page from before: ask first
    assert response.status_code == 303
    assert response.headers["Location"].endswith(confirm_url)
    db.session.refresh(visit)
    assert visit.status == "planned"

    response = client.post(f"/visits/{visit.id}/cancelled", data={"confirm": "yes"})
    assert response.status_code == 302
    db.session.refresh(visit)
    assert visit.status == "cancelled"
    assert client.get(confirm_url).status_code == 302  # nothing left to ask
    response = client.post(f"/visits/{visit.id}/cancelled", data={"confirm": "yes"})
    assert response.status_code == 409


def test_only_who_may_open_the_file_is_asked_to_cancel(client, auth, make, db):
    world = make.world()
    auth.login(make.user(world.organisation).email)
    assert client.get(f"/visits/{world.visit.id}/cancel").status_code == 404
    response = client.post(f"/visits/{world.visit.id}/cancelled", data={"confirm": "yes"})
    assert response.status_code == 404


def test_a_visit_planned_from_today_defaults_to_today(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    assert 'href="/visits/new"' in client.get("/").get_data(as_text=True).split("Today's visits")[1]
    assert 'href="/visits/new"' in client.get("/visits/").get_data(as_text=True)

    page = client.get("/visits/new").get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in page
    assert f'<option value="{world.client.id}">{world.client.full_name}</option>' in page
    assert '<option value="">—</option><option value=' in page  # nobody chosen beforehand
    assert "<option selected" not in page.split('id="client"')[1].split("</select>")[0]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    from_the_file = client.get(f"/clients/{world.client.id}/visits/new").get_data(as_text=True)
    assert f'value="{tomorrow}"' in from_the_file  # planning ahead from the file, as before

    data = {"client": str(world.client.id), "day": today().isoformat(), "at": "15:00"}
    response = client.post("/visits/new", data={**data, "minutes": "30", "purpose": ""})
    assert response.status_code == 302
    visit = last_visit(db)
    assert visit.client_id == world.client.id
    assert visit.counsellor_id == world.counsellor.id
    assert visit.starts_at.astimezone(local_zone()).date() == today()


def test_planning_from_today_offers_only_ones_own_clients(client, auth, make, db):
    world = make.world()
    stranger = make.world()  # another organisation
    colleague = db.session.get(User, world.share.user_id)  # may open world.client's file
    own = make.client(colleague, "Jonas")
    auth.login(colleague.email)

    page = client.get("/visits/new").get_data(as_text=True)
    assert own.full_name in page
    assert world.client.full_name not in page  # shared with the colleague, not theirs

    data = {"day": today().isoformat(), "at": "15:00", "minutes": "30", "purpose": ""}
    for value in [str(world.client.id), str(stranger.client.id), "", " ", "x", "9" * 30]:
        response = client.post("/visits/new", data={**data, "client": value})
        assert response.status_code == 422, value
        assert "Not a valid choice" in response.get_data(as_text=True) or (
            "This field is required" in response.get_data(as_text=True)
        ), value
    response = client.post("/visits/new", data={**data, "client": str(own.id), "minutes": "0"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 2  # the worlds' own


def test_planning_from_today_without_clients_of_ones_own_says_so_instead_of_an_empty_form(
    client, auth, make, db
):
    """An administrator (or a counsellor whose caseload is still empty) who taps *Plan a visit
    today* on the home screen reads why there is nothing to plan, not a form whose only client
    is "—" and that can only be refused."""
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN)
    auth.login(admin.email)

    response = client.get("/visits/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You have no clients of your own to plan a visit for." in page
    assert 'id="client"' not in page
    assert 'type="submit">Save' not in page
    assert 'href="/visits/"' in page.split("<main")[1]

    auth.logout()
    auth.login(world.counsellor.email)  # with clients: the form, and no such sentence
    page = client.get("/visits/new").get_data(as_text=True)
    assert 'id="client"' in page
    assert "You have no clients of your own" not in page
