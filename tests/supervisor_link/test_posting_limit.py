"""What a floor supervisor's link may send: what a real supervisor needs (a few messages a day),
not thirty a minute into the counsellor's inbox. Reading the page stays generous, and a supervisor
who hits the limit keeps what they typed, told in their language when to send it again."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.reminders.models import Reminder
from fieldapp.supervisor_link.models import SupervisorReport
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
    assert "il est donc mis en pause un moment" in page
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
