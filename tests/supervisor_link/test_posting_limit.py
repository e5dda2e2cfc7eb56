"""What a floor supervisor's link may send: what a real supervisor needs (a few messages a day),
not thirty a minute into the counsellor's inbox. Reading the page stays generous, and a supervisor
who hits the limit keeps what they typed, told in their language when to send it again."""

from __future__ import annotations

import re
import threading
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale, format_date
from sqlalchemy import func, select

from fieldapp.common.dates import add_days, today
from fieldapp.common.time import local_moment, local_zone, now_utc
from fieldapp.reminders.models import Reminder
from fieldapp.supervisor_link.models import SupervisorReport
from fieldapp.supervisor_link.public_views import paused_message
from tests.supervisor_link.conftest import make_link

LIMITED = [{"RATELIMIT_ENABLED": True}]


def question(number: int) -> dict[str, str]:
    return {"kind": "question", "text": f"Vraag {number}", "once": f"{number:032d}"}


def reports(db) -> int:
    return db.session.scalar(select(func.count()).select_from(SupervisorReport))


def notices(db) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Reminder).where(Reminder.kind == "supervisor")
    )


@pytest.mark.parametrize("app_config", LIMITED)
def test_a_link_sends_a_few_messages_in_ten_minutes_not_thirty(app, client, db, make, placement):
    for _ in range(10):  # a form sent back with a problem costs nothing
        assert client.post(f"{placement.url}/report", data={"kind": "nonsense"}).status_code == 422
    for number in range(6):
        assert client.post(f"{placement.url}/report", data=question(number)).status_code == 303

    typed = {"kind": "incident", "text": "Hij is gevallen op de trap", "once": "f" * 32}
    paused = client.post(f"{placement.url}/report?lang=fr", data=typed)

    assert paused.status_code == 429
    assert 540 <= int(paused.headers["Retry-After"]) <= 660  # about ten minutes
    page = paused.get_data(as_text=True)
    assert "il est donc mis en pause" in page
    assert f"téléphonez à {placement.world.counsellor.name}" in page
    assert "Hij is gevallen op de trap</textarea>" in page  # nothing typed is lost
    assert re.search(r'<input checked [^>]*value="incident"', page)
    assert (reports(db), notices(db)) == (6, 6)
    for other in ("pulse", "visit/propose"):  # one limit for every form of the link
        assert client.post(f"{placement.url}/{other}", data={}).status_code == 429
    assert client.get(placement.url).status_code == 200  # reading stays open
    other_link = make_link(app, db, make.world())
    assert client.post(f"/s/{other_link}/report", data=question(7)).status_code == 303


@pytest.mark.parametrize("app_config", LIMITED)
def test_the_link_sends_again_after_the_pause_and_at_most_twenty_a_day(
    client, db, placement, clock
):
    sent = 0
    for _pause in range(4):
        for _ in range(6):
            if client.post(f"{placement.url}/report", data=question(sent)).status_code == 303:
                sent += 1
        clock.shift(timedelta(minutes=11))
    assert sent == 20
    assert client.post(f"{placement.url}/report", data=question(99)).status_code == 429


@pytest.mark.parametrize("app_config", LIMITED)
def test_reading_too_fast_gets_a_clear_page_in_the_pages_language(client, db, placement):
    answers = [client.get(f"{placement.url}?lang=fr") for _ in range(31)]
    assert [answer.status_code for answer in answers[:30]] == 30 * [200]
    assert answers[30].status_code == 429
    assert "Trop de tentatives" in answers[30].get_data(as_text=True)


@pytest.mark.parametrize("app_config", LIMITED)
def test_posts_sent_at_the_same_moment_do_not_pass_the_supervisor_links_limit(app, db, placement):
    """Before, each post was checked against the limit when it came in and counted once saved:
    twelve sent at the same moment all passed the check before any was counted, and all twelve
    reached the counsellor's inbox (six are allowed in ten minutes)."""
    at_once = 12
    start = threading.Barrier(at_once)
    answers: list[int] = []

    def post(number: int) -> None:
        browser = app.test_client()
        start.wait()
        answers.append(browser.post(f"{placement.url}/report", data=question(number)).status_code)

    threads = [threading.Thread(target=post, args=(number,)) for number in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == 6 * [303] + 6 * [429]
    db.session.rollback()
    assert reports(db) == 6


@pytest.mark.parametrize("app_config", LIMITED)
def test_a_link_spent_for_the_day_says_tomorrow_not_a_weekday(client, db, placement, clock):
    """Paused until the next day, the page said "send it again after maandag 09:30": a weekday
    the supervisor had to work out was tomorrow."""
    first = now_utc()
    sent = 0
    for _pause in range(4):
        for _ in range(6):
            if client.post(f"{placement.url}/report", data=question(sent)).status_code == 303:
                sent += 1
        clock.shift(timedelta(minutes=11))

    paused = client.post(f"{placement.url}/report", data=question(99))

    assert paused.status_code == 429
    again = local_moment(now_utc() + timedelta(seconds=int(paused.headers["Retry-After"])))
    assert again == local_moment(first + timedelta(days=1))  # the day's window, from the first
    said = {0: "later vandaag opnieuw", 1: "morgen opnieuw"}[(again.date() - today()).days]
    (message,) = re.findall(r"<p>(Via deze link[^<]*)</p>", paused.get_data(as_text=True))
    assert f"verstuur het {said}, vanaf {again:%H:%M}. Is het dringend? Bel dan" in message
    weekday = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
    assert weekday[again.weekday()] not in message


@pytest.mark.parametrize(
    ("language", "days", "said"),
    [
        ("nl", 0, "verstuur het later vandaag opnieuw, vanaf 14:30."),
        ("nl", 1, "verstuur het morgen opnieuw, vanaf 14:30."),
        ("nl", 2, "verstuur het opnieuw op {day:nl}, vanaf 14:30."),
        ("fr", 0, "renvoyez-le plus tard aujourd'hui, à partir de 14:30."),
        ("fr", 1, "renvoyez-le demain, à partir de 14:30."),
        ("fr", 3, "renvoyez-le le {day:fr}, à partir de 14:30."),
        ("en", 0, "send it again later today, from 14:30."),
        ("en", 1, "send it again tomorrow, from 14:30."),
        ("en", 6, "send it again on {day:en}, from 14:30."),
        ("tr", 1, "yarın saat 14:30 itibarıyla yeniden gönderin."),
        ("ar", 1, "أرسله مرة أخرى غدًا ابتداءً من الساعة 14:30."),
    ],
)
def test_when_a_paused_link_sends_again_reads_as_a_person_says_it(app, language, days, said):
    with app.test_request_context(), force_locale(language):
        day = add_days(today(), days)
        again = datetime.combine(day, time(14, 30), tzinfo=local_zone())
        message = paused_message(again, "Jonas Peeters")
        weekday = format_date(day, "EEEE d MMMM")
    assert said.replace(f"{{day:{language}}}", weekday) in message
    assert "Jonas Peeters" in message
