"""Template helpers written in Python: ``date()`` and ``icon()`` for the busiest parts of pages, and
the filters that read stored codes as labels."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from markupsafe import Markup

from fieldapp.clients.models import TimelineEvent
from fieldapp.common.time import now_utc
from fieldapp.contact_moments.models import ContactMoment


def test_date_writes_a_time_element_with_the_day_in_the_readers_language_escaped(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        day = app.jinja_env.globals["time_element"]
        assert day(date(2026, 3, 2)) == '<time datetime="2026-03-02">2 mrt 2026</time>'
        moment = datetime(2026, 3, 2, 9, 5)
        assert day(moment, "d MMMM") == '<time datetime="2026-03-02T09:05:00">2 maart</time>'
        written = day(date(2026, 3, 2), "d '<b>&'")
        assert isinstance(written, Markup)
        assert written == '<time datetime="2026-03-02">2 &lt;b&gt;&amp;</time>'
        assert day(None) == "—"


def test_an_icon_is_its_macros_drawing_kept_unless_templates_reload(app):
    with app.test_request_context():
        macro = app.jinja_env.get_template("_macros/icons.html").module.icon
        icon = app.jinja_env.globals["icon"]
        reloading = app.jinja_env.auto_reload
        try:
            for auto_reload in (False, True):
                app.jinja_env.auto_reload = auto_reload
                for name in ("home", "bell", "offline", "logout"):
                    assert icon(name) == macro(name)
                    assert icon(name).startswith('<svg class="icon"')
                    assert "<path" in icon(name)
                assert (icon("bell") is icon("bell")) is not auto_reload
        finally:
            app.jinja_env.auto_reload = reloading


def test_every_label_filter_reads_a_code_it_does_not_know_as_the_code(app):
    """A code this release does not know (a later release wrote it before a downgrade, or
    someone wrote it in the database) reads as itself; a known one as its label."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        filters = app.jinja_env.filters
        labels = [name for name in filters if name.endswith("_label")]
        assert len(labels) == 9
        for name in labels:
            assert filters[name]("carrier_pigeon") == "carrier_pigeon", name
        assert filters["contact_kind_label"]("phone_call") == "Phone call"
        assert filters["phase_label"](3) == "Placement"
        for not_a_phase in ("x", 99, -1, None):
            assert filters["phase_label"](not_a_phase) == str(not_a_phase)
        assert filters["outcome_label"](None) == "—"


def test_a_file_with_codes_this_release_does_not_know_still_opens(client, auth, make, db):
    world = make.world()
    organisation, patient = world.organisation.id, world.client.id
    db.session.add_all(
        [
            ContactMoment(
                organisation_id=organisation,
                uuid=str(uuid.uuid4()),
                client_id=patient,
                kind="carrier_pigeon",
                happened_at=now_utc() - timedelta(days=1),
            ),
            TimelineEvent(
                organisation_id=organisation,
                client_id=patient,
                kind="phase_changed",
                data={"from": 2, "to": "eight"},
            ),
        ]
    )
    world.trajectory.scheme = "pilot_x"
    world.referral.status = "on_hold"
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{patient}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for code in ("carrier_pigeon", "2 → eight (eight)", "pilot_x", "on_hold"):
        assert code in text


def test_phase_labels_are_kept_per_language(client, auth, make, db):
    """A phase's label is made once per language and kept: the same person reading French, then
    Dutch, then French again in the same app reads each page in its own language."""
    world = make.world()
    db.session.add(
        TimelineEvent(
            organisation_id=world.organisation.id,
            client_id=world.client.id,
            kind="phase_changed",
            data={"from": 2, "to": 3},
        )
    )
    db.session.commit()
    expected = {"fr": "2 → 3 (Mise à l&#39;emploi)", "nl": "2 → 3 (Tewerkstelling)"}
    for language in ("fr", "nl", "fr"):
        world.counsellor.language = language
        db.session.commit()
        auth.login(world.counsellor.email)
        page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
        auth.logout()
        assert expected[language] in page


def test_a_signed_difference_has_a_real_minus_and_no_sign_when_it_rounds_to_nothing(app):
    for language, expected in (
        ("nl", ["\u22120,5", "+1,5", "0,0", "0,0", "0,0"]),
        ("en", ["\u22120.5", "+1.5", "0.0", "0.0", "0.0"]),
    ):
        with app.test_request_context(headers={"Accept-Language": language}):
            signed = app.jinja_env.filters["signed_decimal"]
            assert [signed(value) for value in (-0.5, 1.5, 0.0, -0.04, 0.049)] == expected
