"""A fresh contact form for a client's file, drawn once (``common.kept_forms``).

Fresh contact forms differ only in their CSRF token, their uuid, their moment (now, to the
minute) and the client's addresses; the client's id is drawn as the largest id, as
``common.urls.IdUrls`` does, and written in its place.
"""

from __future__ import annotations

import secrets
import uuid

from flask import current_app, url_for
from markupsafe import Markup

from fieldapp.common.kept_forms import filled, kept, marked
from fieldapp.common.urls import MAX_ID
from fieldapp.contact_moments.forms import MOMENT_FORMAT, ContactForm, now_to_the_minute

_UUID = f"uuid-{secrets.token_hex(8)}"
_MOMENT = f"moment-{secrets.token_hex(8)}"


def fresh_form(client_id: int, back: str | None = None) -> Markup:
    """The HTML of ``contact_moments/_form.html``'s ``contact_form`` for a new contact with the
    client ``client_id`` (``back``: the page to return to), as a fresh ``ContactForm`` is drawn."""
    html = kept("contact_form", back, lambda: _draw(back))
    return filled(
        html.replace(str(MAX_ID), str(int(client_id)))  # first: a uuid could hold it
        .replace(_UUID, str(uuid.uuid4()))
        .replace(_MOMENT, now_to_the_minute().strftime(MOMENT_FORMAT))
    )


def _draw(back: str | None) -> str:
    form = marked(ContactForm())
    form.uuid.data = _UUID
    form.happened_at.raw_data = [_MOMENT]  # a field with raw data shows it as its value
    template = current_app.jinja_env.get_template("contact_moments/_form.html")
    action = url_for("contact_moments.record", client_id=MAX_ID)
    return str(template.module.contact_form(form, action, client_id=MAX_ID, back=back))
