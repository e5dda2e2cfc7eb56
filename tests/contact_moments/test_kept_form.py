"""The contact form on a client's file is drawn once per language and filled in for each page
(``contact_moments.kept_form``): it must be the form a fresh ``ContactForm`` draws, and a form
that works, with its own uuid, moment and CSRF token on each page."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from flask import url_for
from flask_babel import force_locale
from sqlalchemy import select

from fieldapp.common.time import local_moment, now_utc
from fieldapp.contact_moments.forms import ContactForm
from fieldapp.contact_moments.kept_form import fresh_form
from fieldapp.contact_moments.models import ContactMoment


class FormReader(HTMLParser):
    """The contact form's action and what a browser would send of it unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-contact-form" in attrs:
            self._in_form, self.action = True, attrs["action"]
        if not self._in_form or tag != "input":
            return
        if attrs.get("type") == "radio" and "checked" not in attrs:
            return
        self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def form_of(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    return reader


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}, {}], ids=["csrf", "no csrf"])
def test_the_kept_form_is_the_form_a_fresh_contact_form_draws(app, monkeypatch, app_config):
    chosen = uuid.UUID("0a1b2c3d-4e5f-4a6b-8c7d-2147483647ab")  # holds the stand-in id
    monkeypatch.setattr(uuid, "uuid4", lambda: chosen)
    macro = app.jinja_env.get_template("contact_moments/_form.html").module.contact_form
    for language in ("nl", "fr", "en", "nl"):
        with app.test_request_context("/"), force_locale(language):
            for client_id, back in ((7, "file"), (2147483646, None), (31, "file")):
                action = url_for("contact_moments.record", client_id=client_id)
                drawn = macro(ContactForm(), action, client_id=client_id, back=back)
                assert fresh_form(client_id, back) == drawn


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_files_form_sent_as_it_is_records_a_contact_each_time(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email, csrf_token=_token(client))
    seen = set()
    for _ in range(2):
        page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
        form = form_of(page)
        assert form.action == f"/clients/{world.client.id}/contacts"
        assert form.fields["kind"] == "phone_call"
        assert form.fields["back"] == "file"
        assert form.fields["happened_at"] == local_moment(now_utc()).strftime("%Y-%m-%dT%H:%M")
        seen.add(form.fields["uuid"])
        response = client.post(form.action, data=form.fields)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert len(seen) == 2  # a uuid of its own on each page: two contacts, not one sent twice
    kept = db.session.scalars(select(ContactMoment.uuid)).all()
    assert sorted(kept) == sorted(seen)


def _token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
