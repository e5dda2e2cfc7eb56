"""A newcomer's second walk on a 360 px phone: a counsellor's ordinary morning and what changed
today (the calendar address after signing out everywhere else)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_shell import sign_in
from tests.factories import World

EMAIL = "an@example.org"


@pytest.fixture
def world(make) -> World:
    """A client's file whose counsellor is An; its evaluations are months overdue."""
    return make.world_followed_by(EMAIL, "An Peeters")


def test_an_overdue_item_on_the_home_page_says_so_in_words_and_with_its_year(
    page, live_server, world
):
    """'Due this week' listed the evaluation due in February as 'Thu 5 Feb', in red only: on a
    phone in November it read as something for next February, and the red says nothing to a
    screen reader nor to someone who does not see the colour. It says 'overdue' and the year."""
    sign_in(page, live_server, EMAIL)
    due_on = world.evaluation.due_on
    item = page.locator("#week-heading ~ ul li").filter(has_text="Evaluatie na 1 maand")
    expect(item).to_contain_text(re.compile(rf"{due_on.day} \w+ {due_on.year} · te laat"))
