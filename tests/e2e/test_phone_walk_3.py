"""A newcomer's third walk on a 360 px phone: recording a contact and writing a visit's note."""

from __future__ import annotations

import pytest

from tests.e2e.test_shell import sign_in
from tests.factories import World

EMAIL = "an@example.org"


@pytest.fixture
def world(make) -> World:
    """A client's file whose counsellor is An, with a visit planned."""
    return make.world_followed_by(EMAIL, "An Peeters")


def test_a_contacts_kinds_read_as_one_line_each_with_their_circle_beside_the_words(
    page, live_server, world
):
    """The contact form's choices took the file's label style (a block) instead of their own:
    each circle sat above the line of its words, and 'Gesprek met de werkvloerbegeleider' went
    on under the circle. Each choice has its circle on the left, level with its words, and a
    long one wraps beside the circle."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/contacts/new")
    page.wait_for_load_state("load")
    for name in ("Telefoongesprek", "Gesprek met de werkvloerbegeleider", "Niet bereikt"):
        choice = page.locator(".contact-form label.scale__point").filter(has_text=name)
        circle = choice.locator("input").bounding_box()
        words = choice.locator("span").bounding_box()
        assert words["x"] >= circle["x"] + circle["width"], name  # the words beside the circle
        middle = circle["y"] + circle["height"] / 2
        assert abs(middle - (words["y"] + words["height"] / 2)) <= 2, name  # level with them
