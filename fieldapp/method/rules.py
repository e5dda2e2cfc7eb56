"""The reminder rules: which moments of a trajectory, mentorship, visit, feedback round or referral
someone is reminded of. Shipped defaults; an organisation's administrators may set their own.

Offsets are whole numbers whose unit and direction belong to the kind: evaluations are months after
the start, the end of a contract is prepared months before its planned end, aftercare follows months
after the end, check-ins are days after a mentorship starts, and visits, feedback deadlines and
referral follow-ups are reminded days before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.numbers import whole_number
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.method import EVALUATION_MONTHS, Scheme
from fieldapp.method.models import ReminderRule

MAX_OFFSETS = 8


class RuleKind(StrEnum):
    EVALUATION = "evaluation"
    CONTRACT_END = "contract_end"
    AFTERCARE = "aftercare"
    CHECK_IN = "check_in"
    VISIT = "visit"
    FEEDBACK_DEADLINE = "feedback"
    REFERRAL = "referral"

    @property
    def per_scheme(self) -> bool:
        return self in PER_SCHEME

    @property
    def unit(self) -> str:
        return "months" if self in PER_SCHEME else "days"

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self])

    @property
    def explanation(self) -> str:
        return str(RULE_EXPLANATIONS[self])

    @property
    def limit(self) -> int:
        """The largest offset that makes sense for the kind."""
        return 36 if self in PER_SCHEME else 365


PER_SCHEME = frozenset({RuleKind.EVALUATION, RuleKind.CONTRACT_END, RuleKind.AFTERCARE})

RULE_LABELS: dict[RuleKind, Any] = {
    RuleKind.EVALUATION: _l("Evaluation moments"),
    RuleKind.CONTRACT_END: _l("End of the contract"),
    RuleKind.AFTERCARE: _l("Aftercare"),
    RuleKind.CHECK_IN: _l("Mentor check-ins"),
    RuleKind.VISIT: _l("Workplace visits"),
    RuleKind.FEEDBACK_DEADLINE: _l("360° feedback deadline"),
    RuleKind.REFERRAL: _l("Referral follow-up"),
}
RULE_EXPLANATIONS: dict[RuleKind, Any] = {
    RuleKind.EVALUATION: _l("months after the start"),
    RuleKind.CONTRACT_END: _l("months before the planned end (prepare the hand-over)"),
    RuleKind.AFTERCARE: _l("months after the end"),
    RuleKind.CHECK_IN: _l("days after the mentorship starts"),
    RuleKind.VISIT: _l("days before the visit"),
    RuleKind.FEEDBACK_DEADLINE: _l(
        "days before the deadline; raters who have not answered get an e-mail"
    ),
    RuleKind.REFERRAL: _l("days before the follow-up date (0 = on the day)"),
}

_SCHEMED_DEFAULTS: dict[RuleKind, dict[Scheme, tuple[int, ...]]] = {
    RuleKind.EVALUATION: EVALUATION_MONTHS,
    RuleKind.CONTRACT_END: {
        Scheme.ART60: (3, 1),
        Scheme.TWE: (2, 1),
        Scheme.IBO: (1,),
        Scheme.STAGE: (),
        Scheme.OTHER: (),
    },
    RuleKind.AFTERCARE: {
        Scheme.ART60: (3, 6),
        Scheme.TWE: (3, 6),
        Scheme.IBO: (3,),
        Scheme.STAGE: (),
        Scheme.OTHER: (),
    },
}
_DEFAULTS: dict[RuleKind, tuple[int, ...]] = {
    RuleKind.CHECK_IN: (7, 30, 90),
    RuleKind.VISIT: (1,),
    RuleKind.FEEDBACK_DEADLINE: (2,),
    RuleKind.REFERRAL: (0,),
}


def default(kind: RuleKind, scheme: Scheme | None = None) -> tuple[int, ...]:
    if kind.per_scheme:
        assert scheme is not None
        return tuple(sorted(_SCHEMED_DEFAULTS[kind][scheme]))
    return tuple(sorted(_DEFAULTS[kind]))


@dataclass(frozen=True)
class RuleSet:
    """One organisation's offsets for every kind (and scheme), defaults filled in."""

    offsets: dict[tuple[RuleKind, str], tuple[int, ...]]

    def of(self, kind: RuleKind, scheme: str = "") -> tuple[int, ...]:
        return self.offsets[(kind, scheme if kind.per_scheme else "")]


def slots() -> list[tuple[RuleKind, Scheme | None]]:
    """Every rule an organisation can set, in the order the settings page shows them."""
    return [
        (kind, scheme)
        for kind in RuleKind
        for scheme in (list(Scheme) if kind.per_scheme else [None])
    ]


def of_organisation(organisation_id: int) -> RuleSet:
    own = {
        (rule.kind, rule.scheme): tuple(rule.offsets)
        for rule in db.session.scalars(
            select(ReminderRule).where(ReminderRule.organisation_id == organisation_id)
        )
    }
    offsets = {}
    for kind, scheme in slots():
        slot = (kind, scheme.value if scheme else "")
        offsets[slot] = own.get((kind.value, slot[1]), default(kind, scheme))
    return RuleSet(offsets)


def parse_offsets(kind: RuleKind, text: str) -> tuple[int, ...]:
    """ "1, 3, 6" → (1, 3, 6); empty means no reminders of this kind."""
    values: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        value = whole_number(part)
        if value is None or value > kind.limit:
            raise RuleBroken(
                _(
                    "Use whole numbers from 0 to %(limit)d, separated by commas.",
                    limit=kind.limit,
                )
            )
        values.add(value)
    if len(values) > MAX_OFFSETS:
        raise RuleBroken(_("At most %(count)d moments per rule.", count=MAX_OFFSETS))
    return tuple(sorted(values))


def save(actor: User, changes: dict[tuple[RuleKind, str], tuple[int, ...]]) -> bool:
    """Keep the organisation's rules; a rule equal to the default is stored as no row at all.

    Returns whether anything changed (the caller then regenerates the organisation's reminders).
    """
    organisation_id = actor.organisation_id
    current = of_organisation(organisation_id)
    rows = {
        (rule.kind, rule.scheme): rule
        for rule in db.session.scalars(
            select(ReminderRule).where(ReminderRule.organisation_id == organisation_id)
        )
    }
    changed = {slot: offsets for slot, offsets in changes.items() if current.of(*slot) != offsets}
    for (kind, scheme), offsets in changed.items():
        row = rows.get((kind.value, scheme))
        if offsets == default(kind, Scheme(scheme) if scheme else None):
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                ReminderRule(
                    organisation_id=organisation_id,
                    kind=kind.value,
                    scheme=scheme,
                    offsets=list(offsets),
                )
            )
        else:
            row.offsets = list(offsets)
    if changed:
        audit.record(
            "reminders.rules_changed",
            organisation_id=organisation_id,
            actor=actor,
            detail={
                f"{kind.value}:{scheme}".rstrip(":"): list(v)
                for (kind, scheme), v in changed.items()
            },
        )
        db.session.flush()
    return bool(changed)
