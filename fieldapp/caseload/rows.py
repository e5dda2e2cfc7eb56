"""What the caseload shows of each file, worded once per request.

A page of 25 rows asked the template, per row, for a link, a scheme's label, a translated phase,
and the label and day of what is due in the reader's language, each through Jinja's calls into
Flask-Babel and Babel: more CPU than the page's queries. Here each distinct label, phase and day
is worded once, and the template writes strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from fieldapp.caseload.services import CaseloadRow
from fieldapp.method import Scheme

SOON_DAYS = 7


@dataclass(frozen=True)
class ShownDue:
    label: Markup  # a translation, written as the template wrote the lazy string (its __html__)
    on: str  # ISO date, for <time datetime>
    day: str  # as the ``dateformat("d MMM")`` filter writes it
    late: bool
    soon: bool  # within a week


@dataclass(frozen=True)
class ShownRow:
    url: str
    name: str
    scheme: str | None  # None without an open trajectory
    phase: Markup | None
    worksite: str | None
    due: ShownDue | None


def shown(rows: Sequence[CaseloadRow], today: date) -> list[ShownRow]:
    locale = get_locale()
    # As the templates' ``_("phase %(n)s", n=...)``: the translation is markup, the number is not.
    phase_text = Markup(_("phase %(n)s"))  # noqa: S704 (a translation)
    schemes: dict[str, str] = {}
    phases: dict[int, Markup] = {}
    labels: dict[str, Markup] = {}
    days: dict[date, str] = {}
    shown_rows = []
    for row in rows:
        trajectory, due = row.trajectory, row.next_due
        scheme = phase = worksite = None
        if trajectory is not None:
            if trajectory.scheme not in schemes:
                schemes[trajectory.scheme] = Scheme(trajectory.scheme).label
            if trajectory.phase not in phases:
                phases[trajectory.phase] = phase_text % {"n": trajectory.phase}
            scheme, phase = schemes[trajectory.scheme], phases[trajectory.phase]
            worksite = trajectory.worksite_name
        shown_due = None
        if due is not None:
            if due.label not in labels:
                labels[due.label] = Markup(due.label)  # noqa: S704 (a translation)
            if due.on not in days:
                days[due.on] = format_date(due.on, "d MMM", locale=locale)
            shown_due = ShownDue(
                labels[due.label],
                due.on.isoformat(),
                days[due.on],
                late=due.on < today,
                soon=(due.on - today).days <= SOON_DAYS,
            )
        shown_rows.append(
            ShownRow(
                url_for("clients.show", client_id=row.client.id),
                row.client.full_name,
                scheme,
                phase,
                worksite,
                shown_due,
            )
        )
    return shown_rows
