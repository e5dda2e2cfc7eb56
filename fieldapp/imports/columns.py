"""The sheets of the import and their columns, as the template writes them and the reader knows
them again: a header is recognised in any of the app's languages, or by its key."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fieldapp.i18n import LANGUAGES


class Kind(StrEnum):
    STAFF = "staff"
    WORKSITES = "worksites"
    CLIENTS = "clients"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS: dict[Kind, Any] = {
    Kind.STAFF: _l("Staff"),
    Kind.WORKSITES: _l("Worksites"),
    Kind.CLIENTS: _l("Clients"),
}
NOTES_LABEL = _l("Notes")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string
    note: Any
    required: bool = False


_DATE_NOTE = _l("A date: 2025-09-01 or 1/9/2025.")
COLUMNS: dict[Kind, tuple[Column, ...]] = {
    Kind.STAFF: (
        Column("email", _l("E-mail address"), _l("Their work address; it identifies them."), True),
        Column("name", _l("Name"), _l("First name and last name."), True),
        Column(
            "role",
            _l("Role"),
            _l("Counsellor, Team lead or Administrator. They receive an invitation by e-mail."),
            True,
        ),
        Column("language", _l("Language"), _l("nl, fr or en; empty: the organisation's.")),
    ),
    Kind.WORKSITES: (
        Column("name", _l("Worksite"), _l("Its name; it identifies the worksite."), True),
        Column(
            "kind",
            _l("Kind"),
            _l(
                "Internal service, Social economy partner, Non-profit organisation or Private "
                "employer."
            ),
            True,
        ),
        Column("address", _l("Address"), _l("Street, number, town.")),
        Column(
            "contact_name",
            _l("Contact person"),
            _l("Optional. One row per contact: repeat the worksite's name on the next row."),
        ),
        Column(
            "contact_role",
            _l("Contact's role"),
            _l("Floor supervisor, Colleague or Other contact; empty: floor supervisor."),
        ),
        Column("contact_email", _l("Contact's e-mail address"), _l("Optional.")),
        Column("contact_phone", _l("Contact's phone"), _l("Optional.")),
    ),
    Kind.CLIENTS: (
        Column(
            "first_name",
            _l("First name"),
            _l("With last name and birth date, it identifies the client."),
            True,
        ),
        Column("last_name", _l("Last name"), _l("Required."), True),
        Column("birth_date", _l("Birth date"), _DATE_NOTE),
        Column("phone", _l("Phone"), _l("Optional.")),
        Column("email", _l("E-mail address"), _l("Optional.")),
        Column("language", _l("Language"), _l("nl, fr or en; empty: nl.")),
        Column("city", _l("Town"), _l("Optional.")),
        Column(
            "counsellor",
            _l("Counsellor (e-mail address)"),
            _l(
                "A counsellor or team lead of the organisation, or on the staff sheet. The "
                "counsellor of a client who already has a file stays as it is."
            ),
            True,
        ),
        Column(
            "scheme",
            _l("Scheme"),
            _l(
                "The current trajectory: art60, twe, ibo, stage or other (or its name). Empty: "
                "no trajectory."
            ),
        ),
        Column("started_on", _l("Start"), _l("The trajectory's start: 2025-09-01 or 1/9/2025.")),
        Column(
            "planned_end_on",
            _l("Planned end"),
            _l("Required for article 60, at most two years after the start."),
        ),
        Column(
            "worksite",
            _l("Worksite"),
            _l("The name of a worksite of the organisation or of the worksites sheet."),
        ),
    ),
}


def normalised(text: Any) -> str:
    """Lower case without accents, spaces or a trailing asterisk: how headers are compared."""
    plain = unicodedata.normalize("NFKD", str(text or "")).rstrip("* ")
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def in_every_language(label: Any) -> set[str]:
    """The normalised label in each of the app's languages."""
    names = set()
    for language in LANGUAGES:
        with force_locale(language):
            names.add(normalised(str(label)))
    return names


def header_aliases(kind: Kind) -> dict[str, str]:
    """Every header the reader accepts for ``kind``'s columns, to the column's key."""
    aliases: dict[str, str] = {}
    for column in COLUMNS[kind]:
        aliases[normalised(column.key)] = column.key
        for name in in_every_language(column.label):
            aliases[name] = column.key
    return aliases


def sheet_aliases() -> dict[str, Kind | None]:
    """Every sheet name the reader accepts, to its kind (None: the notes, skipped)."""
    aliases: dict[str, Kind | None] = {}
    for kind in Kind:
        aliases[kind.value] = kind
        for name in in_every_language(KIND_LABELS[kind]):
            aliases[name] = kind
    for name in in_every_language(NOTES_LABEL):
        aliases[name] = None
    return aliases
