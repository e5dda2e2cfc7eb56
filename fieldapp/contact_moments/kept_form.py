"""A fresh contact form for a client's file, drawn once per language and filled in for each page.

The client's file carries the contact form (under "Record a contact") on every opening, and
writing its ten choices and four fields cost some 0.6 ms, an eighth of the file. Fresh forms
differ only in their CSRF token, their uuid, their moment (now, to the minute) and the client's
addresses; so the form is drawn once per language with marks in those places (the client's id
as the largest id, as ``common.urls.IdUrls`` does), and each page writes its values into them.
A form with errors is never drawn from here: it is the one the person sent, with its messages.
"""

from __future__ import annotations

import secrets
import uuid

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from fieldapp.common.urls import MAX_ID
from fieldapp.contact_moments.forms import MOMENT_FORMAT, ContactForm, now_to_the_minute

# Marks no label, address or value of the form holds: random per process.
_UUID = f"uuid-{secrets.token_hex(8)}"
_MOMENT = f"moment-{secrets.token_hex(8)}"
_CSRF = f"csrf-{secrets.token_hex(8)}"


def fresh_form(client_id: int, back: str | None = None) -> Markup:
    """The HTML of ``contact_moments/_form.html``'s ``contact_form`` for a new contact with the
    client ``client_id`` (``back``: the page to return to), as a fresh ``ContactForm`` is drawn."""
    drawn: dict[tuple[str, str, str | None], str] = current_app.extensions.setdefault(
        "fieldapp_contact_forms", {}
    )
    key = (str(get_locale()), request.script_root, back)
    html = drawn.get(key)
    if html is None:
        html = drawn[key] = _draw(back)
    html = (
        html.replace(str(MAX_ID), str(int(client_id)))  # first: a token or uuid could hold it
        .replace(_UUID, str(uuid.uuid4()))
        .replace(_MOMENT, now_to_the_minute().strftime(MOMENT_FORMAT))
    )
    if _CSRF in html:
        html = html.replace(_CSRF, str(escape(generate_csrf())))
    return Markup(html)  # noqa: S704 (drawn by the template, each value escaped or plain)


def _draw(back: str | None) -> str:
    form = ContactForm()
    form.uuid.data = _UUID
    form.happened_at.raw_data = [_MOMENT]  # a field with raw data shows it as its value
    if "csrf_token" in form:
        form.csrf_token.current_token = _CSRF
    template = current_app.jinja_env.get_template("contact_moments/_form.html")
    action = url_for("contact_moments.record", client_id=MAX_ID)
    return str(template.module.contact_form(form, action, client_id=MAX_ID, back=back))
