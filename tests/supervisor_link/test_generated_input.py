"""Generated input at the supervisor's link (the general fuzz walk knows only a rater's secret):
whatever is posted to its forms, the answer is the page, a message or a redirect, never a 5xx,
and nothing is stored from a refused post."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from fieldapp.supervisor_link.models import Pulse, SupervisorReport

FIELDS = {
    "pulse": ("going", "attendance", "attitude", "line"),
    "report": ("kind", "on_day", "text", "urgent", "once"),
    "visit/propose": ("day", "at", "note", "once"),
    "visit/confirm": ("visit", "once"),
}
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "2",
            "3",
            "4",
            "-1",
            "0",
            "absence",
            "incident",
            "question",
            "y",
            "2026-11-30",
            "2026-02-30",
            "9999-12-31",
            "10:30",
            "25:61",
            "\x00",
            "²",
            "٣",
            "99999999999999999999",
            "2147483648",
            "x" * 600,
            "a" * 32,
        ]
    ),
    st.text(max_size=40),
)


def stored(db) -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Pulse)),
        db.session.scalar(select(func.count()).select_from(SupervisorReport)),
    )


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False}


@pytest.mark.parametrize("form", list(FIELDS))
def test_no_post_to_the_link_gets_a_server_error(client, db, placement, form):
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(data=st.dictionaries(st.sampled_from(FIELDS[form]), VALUES))
    def post(data):
        before = stored(db)
        response = client.post(f"{placement.url}/{form}", data=data)
        # 303: saved; 422: the page with a message; 400: input no form takes (a NUL byte)
        assert response.status_code in {303, 400, 422}, (data, response.status_code)
        if response.status_code != 303:
            assert stored(db) == before, data

    post()
