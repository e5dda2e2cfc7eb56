"""Texts a template makes again and again are kept once made (``fieldapp/i18n/catalog.py``,
``fieldapp/templating.py``): a kept text must be the one Jinja and Babel would have made, in the
language and time zone of the moment it is asked for, also when a language is forced for one
e-mail or document inside a request."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, refresh
from markupsafe import Markup

DAY = date(2026, 3, 9)
MOMENT = datetime(2026, 3, 9, 22, 30, tzinfo=UTC)  # 23:30 in Brussels, 22:30 in UTC


def render(app, source: str, **values) -> str:
    return app.jinja_env.from_string(source).render(**values)


@pytest.fixture
def request_in(app):
    def enter(language: str):
        return app.test_request_context(headers={"Accept-Language": language})

    return enter


def test_a_message_follows_the_language_asked_for(app, request_in):
    source = "{{ _('Clients') }}|{{ _('Clients') }}"
    with request_in("nl"):
        assert render(app, source) == "Cliënten|Cliënten"
        with force_locale("fr"):
            assert render(app, source) == "Clients|Clients"
        assert render(app, source) == "Cliënten|Cliënten"
    with request_in("fr"):
        assert render(app, source) == "Clients|Clients"


def test_a_kept_message_is_escaped_in_html_and_formatted_with_its_variables(app, request_in):
    with request_in("en"):
        made = render(app, "{{ _('Filled in by %(name)s', name=who) }}", who="<b>Jan</b>")
        assert "&lt;b&gt;Jan&lt;/b&gt;" in made
        assert render(app, "{{ _('Clients') }}") == "Clients"
        # Without autoescape (plain-text mail), the same message is not turned into Markup.
        plain = app.jinja_env.from_string(
            "{% autoescape false %}{{ _('Clients') }}{% endautoescape %}"
        )
        assert plain.render() == "Clients"
        assert not isinstance(plain.render(), Markup)


def test_a_kept_day_follows_the_language(app, request_in):
    source = "{{ day|dateformat('d MMMM yyyy') }}"
    with request_in("nl"):
        assert render(app, source, day=DAY) == "9 maart 2026"
        with force_locale("fr"):
            assert render(app, source, day=DAY) == "9 mars 2026"
        assert render(app, source, day=DAY) == "9 maart 2026"
    with request_in("en"):
        assert render(app, source, day=DAY) == "9 March 2026"


@pytest.fixture
def babel_settings(app):
    settings = app.extensions["babel"]
    zone = settings.default_timezone
    yield settings
    settings.default_timezone = zone


def test_a_kept_moment_follows_the_readers_time_zone(app, request_in, babel_settings):
    """The same moment, read in Brussels and then in UTC in one request: the text kept for the
    first zone is not shown in the second."""
    source = "{{ moment|datetimeformat('d MMM, HH:mm') }} {{ moment|timeformat('HH:mm') }}"
    with request_in("en"):
        assert render(app, source, moment=MOMENT) == "9 Mar, 23:30 23:30"
        babel_settings.default_timezone = "UTC"
        refresh()
        assert render(app, source, moment=MOMENT) == "9 Mar, 22:30 22:30"


def test_a_kept_score_has_the_readers_decimal_sign(app, request_in):
    source = "{{ score|one_decimal }} {{ change|signed_decimal }}"
    with request_in("nl"):
        assert render(app, source, score=3.25, change=0.5) == "3,2 +0,5"
        with force_locale("en"):
            assert render(app, source, score=3.25, change=-0.5) == "3.2 \u22120.5"
        assert render(app, source, score=3.25, change=-0.5) == "3,2 \u22120,5"


def test_no_moment_is_not_kept_as_the_first_now(app, request_in, clock):
    """Babel reads a missing moment as now: that text is made again, never kept for later (the
    page's language is chosen first, as on any page with words)."""
    source = (
        "{{ _('Clients') }}: {{ moment|datetimeformat('d MMM yyyy HH:mm') }}"
        " {{ missing|datetimeformat('d MMM yyyy HH:mm') }} / {{ missing|dateformat('d MMM yyyy') }}"
    )
    with request_in("en"):
        first = render(app, source, moment=MOMENT, missing=None)
    clock.shift(timedelta(days=3, hours=2))
    with request_in("en"):
        later = render(app, source, moment=MOMENT, missing=None)
    assert first != later


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="fieldapp-page">(.*?)</script>', html)
    assert found is not None
    return json.loads(found.group(1))


def test_the_page_scripts_words_follow_the_language_of_each_page(client, auth, make):
    """The words every page carries for its scripts are kept per language: each page has them
    in its own, after a switch too, and the signed-out pages in the browser's."""
    make.user(email="an@example.org")
    wanted = {"nl": "Niet aanvaard: {reason}", "fr": "Non acceptée : {reason}"}
    signed_out = page_data(client.get("/login", headers={"Accept-Language": "fr"}).text)
    assert signed_out["strings"]["refused"] == wanted["fr"]
    auth.login("an@example.org")
    for language in ("nl", "fr", "nl"):
        client.post("/language", data={"language": language, "next": "/"})
        home = page_data(client.get("/").text)
        assert home["strings"]["refused"] == wanted[language]
        assert home["strings"]["sent"] == {"nl": "Bewaard", "fr": "Enregistrée"}[language]
