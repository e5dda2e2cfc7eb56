"""The preview: per row, what the import will create or update, or what is wrong with it.

Existing records are found by their natural key, loaded in a few batched queries (never one per
row): a person by e-mail address, a worksite by name (a contact by name within it), a client by
name and birth date as the duplicate rule of ``fieldapp.clients.services`` matches them. Only the
administrator's organisation is searched; another organisation's records are never matched. The
rules the services apply are checked here too, so that a broken rule shows on its row; the
services check them again when the import runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client
from fieldapp.clients.services import ClientDetails, may_follow, name_key
from fieldapp.common.dates import add_months
from fieldapp.common.forms import DateWithin
from fieldapp.extensions import db
from fieldapp.i18n import LANGUAGES
from fieldapp.imports.columns import COLUMNS, Kind, in_every_language, normalised
from fieldapp.imports.reading import Formula, Row, Sheet, as_text
from fieldapp.method import ART60_MAX_MONTHS, SCHEME_LABELS, Scheme
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites.models import (
    CONTACT_ROLE_LABELS,
    WORKSITE_KIND_LABELS,
    Contact,
    ContactRole,
    Worksite,
)

_CHUNK = 500  # values in one IN (...): well below SQLite's limit on bound parameters
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Birth dates a century back, trajectories up to ten years ahead; nothing in 0001 or 9999.
DAYS = DateWithin(years_back=120, years_ahead=10)


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class Problem:
    column: str
    message: str


@dataclass
class RowPlan:
    """One row of the file: what it is about, and what the import does with it."""

    kind: Kind
    number: int
    title: str = ""
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    creates: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    # Records it matched (or None): a User, a Worksite (+ Contact), a Client (+ Trajectory).
    record: Any = None
    contact: Any = None
    trajectory: Any = None

    @property
    def action(self) -> Action:
        if self.problems:
            return Action.ERROR
        if self.creates:
            return Action.CREATE
        return Action.UPDATE if self.changes else Action.UNCHANGED


@dataclass
class Preview:
    rows: list[RowPlan]
    problems: list[str] = field(default_factory=list)  # about the whole file
    # What exists, by e-mail address and by lower-case name, for running the import.
    users: dict[str, User] = field(default_factory=dict)
    worksites: dict[str, Worksite] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.action is not Action.ERROR for r in self.rows)

    def of(self, kind: Kind) -> list[RowPlan]:
        return [r for r in self.rows if r.kind is kind]

    def counts(self, kind: Kind | None = None) -> dict[Action, int]:
        counts = dict.fromkeys(Action, 0)
        for r in self.rows:
            if kind is None or r.kind is kind:
                counts[r.action] += 1
        return counts

    @property
    def changes_anything(self) -> bool:
        return any(r.action in (Action.CREATE, Action.UPDATE) for r in self.rows)


def _label(kind: Kind, key: str) -> str:
    return next(str(c.label) for c in COLUMNS[kind] if c.key == key)


def _choices(labels: dict[Any, Any]) -> dict[str, Any]:
    """A member by its value or by its label in any language."""
    found: dict[str, Any] = {}
    for member, label in labels.items():
        found[normalised(member.value)] = member
        for name in in_every_language(label):
            found[name] = member
    return found


class _Reader:
    """Typed values out of one row; what is wrong goes on the row's problems."""

    def __init__(self, plan: RowPlan, row: Row) -> None:
        self.plan, self.row = plan, row

    def problem(self, key: str, message: str) -> None:
        self.plan.problems.append(Problem(_label(self.plan.kind, key), message))

    def raw(self, key: str) -> Any:
        value = self.row.values.get(key)
        if isinstance(value, Formula):
            self.problem(key, _("Formulas are not imported: type the value itself."))
            return None
        return value

    def text(self, key: str, max_length: int, required: bool = False) -> str:
        value = as_text(self.raw(key))
        if required and not value:
            self.problem(key, _("Fill this in."))
        elif len(value) > max_length:
            self.problem(key, _("At most %(count)d characters.", count=max_length))
        return value

    def email(self, key: str, required: bool = False) -> str:
        value = self.text(key, 254, required).lower()
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            self.problem(key, _("This is not an e-mail address."))
        return value

    def day(self, key: str, required: bool = False) -> date | None:
        value = self.raw(key)
        if value is None or value == "":
            if required:
                self.problem(key, _("Fill this in."))
            return None
        found = value if isinstance(value, date) else _parsed_day(as_text(value))
        if found is None:
            self.problem(key, _("Write the date as 2025-09-01 or 1/9/2025."))
            return None
        earliest, latest = DAYS.bounds()
        if not earliest <= found <= latest:
            self.problem(
                key,
                _(
                    "Choose a date between %(earliest)s and %(latest)s.",
                    earliest=format_date(earliest, "medium"),
                    latest=format_date(latest, "medium"),
                ),
            )
            return None
        return found

    def choice(self, key: str, choices: dict[str, Any], message: str, default: Any = None) -> Any:
        value = as_text(self.raw(key))
        if not value:
            if default is None:
                self.problem(key, _("Fill this in."))
            return default
        found = choices.get(normalised(value))
        if found is None:
            self.problem(key, message)
        return found or default

    def language(self, key: str, default: str | None) -> str | None:
        value = as_text(self.raw(key)).lower()
        if not value:
            return default
        if value not in LANGUAGES:
            self.problem(key, _("Write nl, fr or en."))
            return default
        return value


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Planner:
    """Builds the preview of one file for one administrator."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.organisation_id = actor.organisation_id
        self.default_language = actor.organisation.default_language
        self.users: dict[str, User] = {}
        self.staff_rows: dict[str, RowPlan] = {}
        self.worksites: dict[str, Worksite] = {}
        self.worksite_rows: dict[str, RowPlan] = {}

    def preview(self, sheets: list[Sheet]) -> Preview:
        by_kind = {sheet.kind: sheet.rows for sheet in sheets}
        preview = Preview([])
        if len(by_kind) < len(sheets):
            preview.problems.append(_("A sheet appears twice in this file."))
        self._load_users(by_kind)
        preview.rows += self._staff(by_kind.get(Kind.STAFF, []))
        self._load_worksites()
        preview.rows += self._worksites(by_kind.get(Kind.WORKSITES, []))
        preview.rows += self._clients(by_kind.get(Kind.CLIENTS, []))
        preview.users, preview.worksites = self.users, self.worksites
        return preview

    # -- loading what exists, in batches -----------------------------------------------------

    def _load_users(self, by_kind: dict[Kind, list[Row]]) -> None:
        emails = {
            as_text(row.values.get(key)).lower()
            for kind, key in ((Kind.STAFF, "email"), (Kind.CLIENTS, "counsellor"))
            for row in by_kind.get(kind, [])
        } - {""}
        for chunk in _chunks(sorted(emails)):
            statement = select(User).where(User.email.in_(chunk))
            # Every organisation: an address has one account in all of fieldapp.
            for user in db.session.scalars(statement.execution_options(all_tenants=True)):
                self.users[user.email] = user

    def _load_worksites(self) -> None:
        statement = select(Worksite).where(Worksite.organisation_id == self.organisation_id)
        self.worksites = {w.name.strip().lower(): w for w in db.session.scalars(statement)}
        contacts = select(Contact).where(Contact.organisation_id == self.organisation_id)
        self.contacts: dict[tuple[int, str], Contact] = {
            (c.worksite_id, c.name.strip().lower()): c for c in db.session.scalars(contacts)
        }

    def _load_clients(self, keys: set[str]) -> dict[str, list[Client]]:
        found: dict[str, list[Client]] = {}
        for chunk in _chunks(sorted(keys)):
            statement = select(Client).where(
                Client.organisation_id == self.organisation_id,
                Client.name_key.in_(chunk),
                Client.anonymised_at.is_(None),
            )
            for client in db.session.scalars(statement):
                found.setdefault(client.name_key, []).append(client)
        return found

    def _load_open_trajectories(self, client_ids: set[int]) -> dict[int, Trajectory]:
        found: dict[int, Trajectory] = {}
        for chunk in _chunks(sorted(client_ids)):
            statement = select(Trajectory).where(
                Trajectory.organisation_id == self.organisation_id,
                Trajectory.client_id.in_(chunk),
                Trajectory.ended_on.is_(None),
            )
            found.update((t.client_id, t) for t in db.session.scalars(statement))
        return found

    # -- staff ----------------------------------------------------------------------------------

    def _staff(self, rows: list[Row]) -> list[RowPlan]:
        roles = _choices({role: role.label for role in Role})
        plans = []
        for row in rows:
            plan = RowPlan(Kind.STAFF, row.number)
            read = _Reader(plan, row)
            email = read.email("email", required=True)
            name = read.text("name", 120, required=True)
            role = read.choice("role", roles, _("Write Counsellor, Team lead or Administrator."))
            language = read.language("language", None)
            plan.title = f"{name} <{email}>" if email else name
            plan.values = {"email": email, "name": name, "role": role, "language": language}
            if email in self.staff_rows:
                read.problem(
                    "email",
                    _("This person is on row %(row)d too.", row=self.staff_rows[email].number),
                )
            elif email:
                self.staff_rows[email] = plan
            existing = self.users.get(email)
            if existing is not None and existing.organisation_id != self.organisation_id:
                read.problem("email", _("There is already an account with this e-mail address."))
            elif existing is not None:
                plan.record = existing
                if role is not None and existing.role != role.value:
                    plan.changes.append(_label(Kind.STAFF, "role"))
            else:
                plan.creates = True
            plans.append(plan)
        return plans

    # -- worksites and their contacts -----------------------------------------------------------

    def _worksites(self, rows: list[Row]) -> list[RowPlan]:
        kinds = _choices(WORKSITE_KIND_LABELS)
        roles = _choices(CONTACT_ROLE_LABELS)
        seen_contacts: dict[tuple[str, str], int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(Kind.WORKSITES, row.number)
            read = _Reader(plan, row)
            name = read.text("name", 120, required=True)
            key = name.lower()
            first = self.worksite_rows.get(key)
            kind = read.choice(
                "kind",
                kinds,
                _("Write one of the kinds listed in the notes."),
                default=first.values.get("kind") if first else None,
            )
            address = read.text("address", 200)
            contact_name = read.text("contact_name", 120)
            contact = {
                "name": contact_name,
                "role": read.choice(
                    "contact_role",
                    roles,
                    _("Write one of the roles listed in the notes."),
                    default=ContactRole.SUPERVISOR,
                ),
                "email": read.email("contact_email"),
                "phone": read.text("contact_phone", 40),
            }
            plan.title = f"{name} · {contact_name}" if contact_name else name
            plan.values = {"name": name, "kind": kind, "address": address, "contact": contact}
            if first is not None:
                # A further contact of a worksite named on an earlier row.
                plan.record = first.record
                plan.values["worksite_row"] = first
                if (row.values.get("address") and address != first.values["address"]) or (
                    kind is not None and kind != first.values["kind"]
                ):
                    read.problem(
                        "kind",
                        _(
                            "This worksite is described differently on row %(row)d.",
                            row=first.number,
                        ),
                    )
            elif name:
                self.worksite_rows[key] = plan
                existing = self.worksites.get(key)
                plan.record = existing
                if existing is None:
                    plan.creates = True
                else:
                    if kind is not None and existing.kind != kind.value:
                        plan.changes.append(_label(Kind.WORKSITES, "kind"))
                    if existing.address != address:
                        plan.changes.append(_label(Kind.WORKSITES, "address"))
            if contact_name:
                contact_key = (key, contact_name.lower())
                if contact_key in seen_contacts:
                    read.problem(
                        "contact_name",
                        _("This contact is on row %(row)d too.", row=seen_contacts[contact_key]),
                    )
                seen_contacts[contact_key] = row.number
                self._plan_contact(plan, contact)
            plans.append(plan)
        return plans

    def _plan_contact(self, plan: RowPlan, contact: dict[str, Any]) -> None:
        worksite = plan.record
        existing = self.contacts.get((worksite.id, contact["name"].lower())) if worksite else None
        plan.contact = existing
        if existing is None:
            plan.creates = True
            return
        for key, column in (("email", "contact_email"), ("phone", "contact_phone")):
            if getattr(existing, key) != contact[key]:
                plan.changes.append(_label(Kind.WORKSITES, column))
        if contact["role"] is not None and existing.role != contact["role"].value:
            plan.changes.append(_label(Kind.WORKSITES, "contact_role"))

    # -- clients and their current trajectories -----------------------------------------------

    def _clients(self, rows: list[Row]) -> list[RowPlan]:
        keys = {
            name_key(as_text(r.values.get("first_name")), as_text(r.values.get("last_name")))
            for r in rows
        }
        existing = self._load_clients(keys)
        trajectories = self._load_open_trajectories(
            {c.id for clients in existing.values() for c in clients}
        )
        schemes = _choices(SCHEME_LABELS)
        seen: dict[tuple[str, date | None], int] = {}
        plans = []
        for row in rows:
            plan = RowPlan(Kind.CLIENTS, row.number)
            read = _Reader(plan, row)
            details = ClientDetails(
                first_name=read.text("first_name", 80, required=True),
                last_name=read.text("last_name", 80, required=True),
                birth_date=read.day("birth_date"),
                phone=read.text("phone", 40),
                email=read.email("email"),
                language=read.language("language", self.default_language) or "nl",
                city=read.text("city", 80),
            )
            plan.title = f"{details.first_name} {details.last_name}".strip()
            if details.birth_date:
                plan.title += f" ({format_date(details.birth_date, 'medium')})"
            counsellor = self._counsellor(read)
            key = (name_key(details.first_name, details.last_name), details.birth_date)
            if key in seen:
                read.problem("last_name", _("This client is on row %(row)d too.", row=seen[key]))
            seen[key] = row.number
            plan.values = {"details": details, "counsellor": counsellor}
            self._match_client(plan, read, existing.get(key[0], []), details)
            self._plan_trajectory(plan, read, schemes, trajectories)
            plans.append(plan)
        return plans

    def _counsellor(self, read: _Reader) -> str:
        email = read.email("counsellor", required=True)
        if not email:
            return email
        user = self.users.get(email)
        staff = self.staff_rows.get(email)
        if user is not None and user.organisation_id == self.organisation_id:
            if not may_follow(user):
                read.problem(
                    "counsellor",
                    _(
                        "An administrator or a person who can no longer "
                        "sign in cannot follow a client."
                    ),
                )
        elif staff is not None:
            if staff.values["role"] is Role.ADMIN:
                read.problem("counsellor", _("An administrator cannot follow a client."))
        else:
            read.problem(
                "counsellor",
                _(
                    "No one of your organisation has this e-mail address, "
                    "and it is not on the staff sheet."
                ),
            )
        return email

    def _match_client(
        self, plan: RowPlan, read: _Reader, candidates: list[Client], details: ClientDetails
    ) -> None:
        """The same match as the duplicate rule: same name, and the same birth date or one of
        the two unknown."""
        matches = [
            c
            for c in candidates
            if c.birth_date == details.birth_date or None in (c.birth_date, details.birth_date)
        ]
        if len(matches) > 1:
            read.problem(
                "last_name",
                _("Several files have this name: add the birth date, or correct them first."),
            )
            return
        if not matches:
            plan.creates = True
            return
        client = plan.record = matches[0]
        for key in ("first_name", "last_name", "birth_date", "phone", "email", "language", "city"):
            if getattr(client, key) != getattr(details, key):
                plan.changes.append(_label(Kind.CLIENTS, key))

    def _plan_trajectory(
        self,
        plan: RowPlan,
        read: _Reader,
        schemes: dict[str, Scheme],
        trajectories: dict[int, Trajectory],
    ) -> None:
        scheme_text = as_text(read.row.values.get("scheme"))
        has_dates = any(
            read.row.values.get(k) for k in ("started_on", "planned_end_on", "worksite")
        )
        if not scheme_text:
            if has_dates:
                read.problem(
                    "scheme",
                    _(
                        "Fill in the scheme of the trajectory, or leave its "
                        "dates and worksite empty."
                    ),
                )
            return
        scheme = read.choice(
            "scheme", schemes, _("Unknown scheme: write art60, twe, ibo, stage or other.")
        )
        started_on = read.day("started_on", required=True)
        planned_end_on = read.day("planned_end_on")
        worksite_name = read.text("worksite", 120)
        worksite = None
        if worksite_name:
            worksite = self.worksites.get(worksite_name.lower())
            if worksite is None and worksite_name.lower() not in self.worksite_rows:
                read.problem(
                    "worksite",
                    _(
                        "No worksite of your organisation has this name, and "
                        "it is not on the worksites sheet."
                    ),
                )
        if started_on and planned_end_on and planned_end_on < started_on:
            read.problem("planned_end_on", _("The planned end is before the start."))
        if scheme is Scheme.ART60 and started_on:
            latest = add_months(started_on, ART60_MAX_MONTHS)
            if planned_end_on is None:
                read.problem(
                    "planned_end_on", _("An article 60 contract needs a planned end date.")
                )
            elif planned_end_on > latest:
                read.problem(
                    "planned_end_on",
                    _(
                        "An article 60 contract lasts at most two years: end it by %(day)s.",
                        day=latest.isoformat(),
                    ),
                )
        plan.values["trajectory"] = {
            "scheme": scheme,
            "started_on": started_on,
            "planned_end_on": planned_end_on,
            "worksite": worksite_name.lower() or None,
        }
        current = trajectories.get(plan.record.id) if plan.record is not None else None
        plan.trajectory = current
        if current is None:
            if plan.record is None:
                plan.creates = True
            else:
                plan.changes.append(_label(Kind.CLIENTS, "scheme"))
            return
        if scheme is not None and current.scheme != scheme.value:
            plan.changes.append(_label(Kind.CLIENTS, "scheme"))
        if current.started_on != started_on:
            plan.changes.append(_label(Kind.CLIENTS, "started_on"))
        if current.planned_end_on != planned_end_on:
            plan.changes.append(_label(Kind.CLIENTS, "planned_end_on"))
        if (current.worksite_id or None) != (worksite.id if worksite else None):
            plan.changes.append(_label(Kind.CLIENTS, "worksite"))


def _parsed_day(text: str) -> date | None:
    """2025-09-01 or 1/9/2025 (day first, as in Belgium); None when it is neither."""
    for pattern, order in ((_ISO, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(p) for p in match.groups()]
            try:
                return date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None
