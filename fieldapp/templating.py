"""Jinja filters that turn stored codes into labels, and numbers into text, in the reader's
language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time
from markupsafe import Markup, escape

from fieldapp.common import static_files
from fieldapp.common.codes import label_of
from fieldapp.common.forms import hidden_tag, label_tag
from fieldapp.common.urls import KeptUrls
from fieldapp.competence_trend.services import drawn as drawn_trend_chart
from fieldapp.contact_moments.models import ContactKind
from fieldapp.development_plan.models import GoalActor, GoalStatus
from fieldapp.i18n.kept import kept
from fieldapp.mail.services import one_line
from fieldapp.method import Outcome, Scheme, phase_labels
from fieldapp.pwa.page_strings import page_dates, page_strings
from fieldapp.referrals.models import ReferralStatus
from fieldapp.worksites.models import ContactRole, WorksiteKind


def init_app(app: Flask) -> None:
    decimal = kept(lambda number, format: format_decimal(number, format=format))
    outcome_label = _label_of(Outcome)
    filters = {
        "scheme_label": _label_of(Scheme),
        "outcome_label": lambda code: outcome_label(code) if code else "—",
        "phase_label": _phase_label,
        "worksite_kind_label": _label_of(WorksiteKind),
        "contact_role_label": _label_of(ContactRole),
        "referral_status_label": _label_of(ReferralStatus),
        "contact_kind_label": _label_of(ContactKind),
        "goal_actor_label": _label_of(GoalActor),
        "goal_status_label": _label_of(GoalStatus),
        # One decimal, with the reader's decimal sign: 3,5 in Dutch and French, 3.5 in English.
        "one_decimal": lambda number: decimal(number, "0.0"),
        "signed_decimal": _signed(decimal),
        "one_line": one_line,
        "dateformat": kept(format_date),
        "datetimeformat": kept(_at_any_moment(format_datetime)),
        "timeformat": kept(_at_any_moment(format_time)),
        "hidden_tag": hidden_tag,
        "label_tag": label_tag,
    }
    app.jinja_env.filters.update(filters)
    app.jinja_env.globals["time_element"] = _time_element(filters["dateformat"])
    app.jinja_env.globals["page_strings"] = page_strings
    app.jinja_env.globals["page_dates"] = page_dates
    app.jinja_env.globals["trend_chart"] = drawn_trend_chart
    app.jinja_env.globals["icon"] = _kept_icons(app)
    urls = KeptUrls(
        app, static_hooks=static_files.URL_HOOKS, static_fixed=not static_files.watched(app)
    )
    app.extensions[KeptUrls.EXTENSION] = app.jinja_env.globals["url_for"] = urls


def _signed(decimal: Callable[[Any, str], str]) -> Callable[[Any], str]:
    """A difference with one decimal and its sign: +0,5, or −0,5 with a real minus (U+2212, not
    the hyphen, for the text only: the exports keep numbers); one that rounds to nothing is 0,0."""

    def signed(number: Any) -> str:
        text = decimal(number, "+0.0;\u22120.0")
        return text if any(digit in text for digit in "123456789") else decimal(0, "0.0")

    return signed


def _label_of(kind: Callable[[Any], Any]) -> Callable[[Any], str]:
    """The filter that reads a stored code of ``kind`` as its label in the reader's language, or
    as itself when this release does not know it (see ``common.codes``)."""

    return lambda code: label_of(kind, code)


def _phase_label(number: Any) -> str:
    """A phase's label; a value that is no phase of the method reads as itself (see
    :func:`_label_of`)."""
    try:
        return phase_labels()[int(number)]
    except (KeyError, TypeError, ValueError):
        return str(number)


def _kept_icons(app: Flask) -> Callable[[str], Markup]:
    """``icon(name)``: the line icon of ``_macros/icons.html``, drawn once per name and kept (a
    macro call costs some 20 µs, and the top bar and the menu show six on every page); drawn
    each time while templates are reloaded as they change."""
    drawn: dict[str, Markup] = {}

    def draw(name: str) -> Markup:
        return app.jinja_env.get_template("_macros/icons.html").module.icon(name)

    def icon(name: str) -> Markup:
        if app.jinja_env.auto_reload:
            return draw(name)
        svg = drawn.get(name)
        if svg is None:
            svg = drawn[name] = draw(name)
        return svg

    return icon


def _at_any_moment(
    format_moment: Callable[[Any, str | None], str],
) -> Callable[[datetime | time | None, str | None], str]:
    """Flask-Babel's filter, which fails on a moment that cannot be moved into the reader's time
    zone (9999-12-31 23:30 UTC, from old or imported data): such a moment is shown in UTC."""

    def formatted(value: datetime | time | None, format: str | None = None) -> str:
        try:
            return format_moment(value, format)
        except OverflowError:
            return f"{value:%Y-%m-%d %H:%M} UTC" if isinstance(value, datetime) else str(value)

    return formatted


def _time_element(dateformat: Callable[[Any, str | None], str]) -> Callable[..., Markup]:
    """``date(value, fmt)`` of ``_macros/ui.html``: a day as ``<time>``, or "—" without one. In
    Python, as lists call it on every row and a Jinja macro call costs ten times more."""

    def time_element(value: date | datetime | None, fmt: str = "d MMM yyyy") -> Markup:
        if not value:
            return Markup("—")
        # Written out rather than through Markup.format (string.Formatter, ten times the cost):
        # a list calls it on every row. The ISO form holds digits and separators only.
        text = escape(dateformat(value, fmt))
        return Markup(f'<time datetime="{value.isoformat()}">{text}</time>')  # noqa: S704

    return time_element
