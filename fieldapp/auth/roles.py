"""Roles, ordered: a team lead can do what a counsellor can, an admin what a team lead can."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_RANKS = {Role.COUNSELLOR: 1, Role.TEAM_LEAD: 2, Role.ADMIN: 3}
_LABELS = {
    Role.COUNSELLOR: _l("Counsellor"),
    Role.TEAM_LEAD: _l("Team lead"),
    Role.ADMIN: _l("Administrator"),
}
