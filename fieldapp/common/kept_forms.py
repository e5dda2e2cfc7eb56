"""Fresh forms of a busy page, drawn once and filled in for each page.

The client's file carries forms that are used now and then (record a contact, add a goal,
change the phase) on every opening, and binding and writing their choices and fields cost more
than a tenth of the file. A fresh form differs from another fresh form of its kind only in a few
values (its CSRF token, a uuid, a moment, a record's id); so it is drawn once per app with marks
in their places, kept by everything that changes its HTML otherwise (its language, the app's
root, a framework, a phase), and each page writes its own values into the marks. A form with
errors is never drawn from here: it is the one the person sent, with its messages.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

KEPT = 64  # forms kept per kind and app: a framework edited again and again makes new ones
# Marks no label, address or value of a form holds: random per process.
CSRF_MARK = f"csrf-{secrets.token_hex(8)}"


def marked(form: FlaskForm) -> FlaskForm:
    """``form``, its CSRF token (when the app asks for one) the mark :func:`filled` replaces."""
    if "csrf_token" in form:
        form.csrf_token.current_token = CSRF_MARK
    return form


def kept(kind: str, key: Hashable, draw: Callable[[], str]) -> str:
    """The HTML ``draw`` makes, made once for ``key`` in the reader's language under this app's
    root (``kind``: which form); made each time while templates are reloaded as they change."""
    if current_app.jinja_env.auto_reload:
        return draw()
    drawn: dict[Hashable, str] = current_app.extensions.setdefault(f"fieldapp_kept_{kind}", {})
    full_key = (str(get_locale()), request.script_root, key)
    html = drawn.get(full_key)
    if html is None:
        if len(drawn) >= KEPT:
            drawn.clear()
        html = drawn[full_key] = draw()
    return html


def filled(html: str) -> Markup:
    """``html`` with this session's CSRF token in its mark."""
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, str(escape(generate_csrf())))
    return Markup(html)  # noqa: S704 (drawn by a template, the token escaped)


def fresh_fields(template: str, key: Hashable, make: Callable[[], FlaskForm]) -> Markup:
    """``template`` (a page's part that writes a ``form``) for the fresh form ``make`` makes,
    drawn once for ``key`` (what else its HTML depends on) with this session's CSRF token."""
    return filled(kept(template, key, lambda: render_template(template, form=marked(make()))))
