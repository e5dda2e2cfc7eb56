"""Competence frameworks: the shipped one, an organisation's copies, and the one in use.

The shipped framework is not stored: it is read from ``shipped.py``, so a new release can improve
its wording for everyone who has not made their own. An administrator copies it (or a copy) to
adapt it; the copy is the organisation's and changes only when they change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, event, select
from sqlalchemy.orm import Session

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, refuse_other_tenant, tenant_rows
from fieldapp.extensions import db
from fieldapp.feedback import shipped
from fieldapp.feedback.models import Competence, Framework
from fieldapp.i18n import RATER_LANGUAGES
from fieldapp.organisation.models import Organisation

# The languages of a competence's texts that the editor shows: every language raters read.
LANGUAGES = tuple(RATER_LANGUAGES)
MAX_COMPETENCES = 20
MAX_LABEL = 80
MAX_DESCRIPTION = 300


@dataclass(frozen=True)
class CompetenceText:
    """A competence in one language, ready to show."""

    key: str
    label: str
    description: str


@dataclass(frozen=True)
class FrameworkText:
    """A framework in one language; ``id`` is None for the shipped framework."""

    id: int | None
    name: str
    competences: tuple[CompetenceText, ...]

    def labels(self) -> dict[str, str]:
        return {competence.key: competence.label for competence in self.competences}


def in_language(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, else in the first language that has one."""
    for code in (language, *LANGUAGES):
        if texts.get(code):
            return texts[code]
    return ""


@cache
def shipped_framework(language: str) -> FrameworkText:
    """The shipped framework in ``language``, made once: it is part of the release."""
    return FrameworkText(
        None,
        in_language(dict(shipped.NAME), language),
        tuple(
            CompetenceText(
                item["key"],
                in_language(dict(item["label"]), language),
                in_language(dict(item["description"]), language),
            )
            for item in shipped.COMPETENCES
        ),
    )


def _own_in_use(organisation_id: int) -> Framework | None:
    """The organisation's own framework in use; None means the shipped one."""
    return db.session.scalars(_own_in_use_statement(), {"organisation_id": organisation_id}).first()


@cache
def _own_in_use_statement() -> Select:
    return select(Framework).where(
        Framework.organisation_id == bindparam("organisation_id"), Framework.in_use.is_(True)
    )


def framework_in_use(organisation_id: int, language: str) -> FrameworkText:
    """The competences that notes and new rounds use in ``organisation_id``: its own framework
    in use, else the shipped one.

    Kept by each app per organisation, framework stamp and language: the client's page, a visit
    and a goal read it on every opening, and the stamp comes with the organisation, which a
    request loads with its signed-in user. Every flush that changes the organisation's frameworks
    renews the stamp (:func:`stamp_changes`), so each app server reads the new one on its next
    request."""
    refuse_other_tenant(organisation_id)
    session = db.session()
    if session.autoflush:
        # First, as the query did before the framework was kept: a pending change of a framework
        # renews the stamp now, so that neither the kept framework of the stamp before it is
        # given, nor what is read with the change kept under that stamp (a rollback keeps it).
        session.flush()
    organisation = session.get(Organisation, organisation_id)  # no query in a request
    stamp = organisation.framework_stamp if organisation is not None else None
    kept = _kept_frameworks()
    key = (organisation_id, stamp, language)
    framework = kept.get(key)
    if framework is None:
        framework = _read_in_use(organisation_id, language)
        if len(kept) >= KEPT_FRAMEWORKS:
            kept.clear()
        kept[key] = framework
    return framework


KEPT_FRAMEWORKS = 256  # organisations × languages an app keeps a framework for


def _kept_frameworks() -> dict[tuple[int, str | None, str], FrameworkText]:
    return current_app.extensions.setdefault("fieldapp_kept_frameworks", {})


def _read_in_use(organisation_id: int, language: str) -> FrameworkText:
    """One query of columns (see ``tenancy.tenant_rows``)."""
    rows = tenant_rows(_in_use_texts(), organisation_id, {})
    if not rows:
        return shipped_framework(language)
    return FrameworkText(
        rows[0].id,
        rows[0].name,
        tuple(
            CompetenceText(
                row.key,
                in_language(row.label, language),
                in_language(row.description, language),
            )
            for row in rows
            if row.key is not None
        ),
    )


@cache
def _in_use_texts() -> Select:
    """The framework in use and its competences in order, one row each (one row with no
    competence for a framework without any)."""
    return (
        select(
            Framework.id, Framework.name, Competence.key, Competence.label, Competence.description
        )
        .outerjoin(Competence, (Competence.framework_id == Framework.id) & of_tenant(Competence))
        .where(Framework.in_use.is_(True), of_tenant(Framework))
        .order_by(Competence.position, Competence.id)
    )


def snapshot_in_use(organisation_id: int) -> tuple[str, list[dict[str, Any]]]:
    """The name and competences (every language) of the framework in use, for a round to keep."""
    framework = _own_in_use(organisation_id)
    if framework is None:
        return shipped.NAME["nl"], [dict(item) for item in shipped.COMPETENCES]
    return framework.name, [
        {"key": c.key, "label": dict(c.label), "description": dict(c.description)}
        for c in framework.competences
    ]


def frameworks_of(organisation: Organisation) -> list[Framework]:
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.organisation_id == organisation.id)
            .order_by(Framework.name, Framework.id)
        )
    )


def copy(actor: User, source: Framework | None, name: str) -> Framework:
    """A new framework of the actor's organisation with ``source``'s competences (the shipped
    framework when ``source`` is None), in every language."""
    if source is None:
        items = [
            (item["key"], dict(item["label"]), dict(item["description"]))
            for item in shipped.COMPETENCES
        ]
    else:
        items = [(c.key, dict(c.label), dict(c.description)) for c in source.competences]
    framework = Framework(organisation_id=actor.organisation_id, name=name.strip())
    framework.competences = [
        Competence(
            organisation_id=actor.organisation_id,
            key=key,
            position=position,
            label=label,
            description=description,
        )
        for position, (key, label, description) in enumerate(items)
    ]
    db.session.add(framework)
    db.session.flush()
    audit.record(
        "framework.copied", organisation_id=actor.organisation_id, actor=actor, target=framework
    )
    return framework


def _check_texts(label: dict[str, str], description: dict[str, str]) -> None:
    if not label.get("nl", "").strip():
        raise RuleBroken(_("Give the competence a Dutch label."), field="label_nl")
    for code in LANGUAGES:
        if len(label.get(code, "")) > MAX_LABEL:
            raise RuleBroken(
                _("A label is at most %(n)d characters long.", n=MAX_LABEL), field=f"label_{code}"
            )
        if len(description.get(code, "")) > MAX_DESCRIPTION:
            raise RuleBroken(
                _("A description is at most %(n)d characters long.", n=MAX_DESCRIPTION),
                field=f"description_{code}",
            )


def _clean(texts: dict[str, str]) -> dict[str, str]:
    return {code: texts.get(code, "").strip() for code in LANGUAGES if texts.get(code, "").strip()}


def edit_competence(
    actor: User, competence: Competence, label: dict[str, str], description: dict[str, str]
) -> None:
    _check_texts(label, description)
    competence.label = _clean(label)
    competence.description = _clean(description)
    _changed(actor, competence.framework)


def add_competence(
    actor: User, framework: Framework, label: dict[str, str], description: dict[str, str]
) -> Competence:
    """A new competence at the end; its key comes from its label and never changes afterwards."""
    _check_texts(label, description)
    if len(framework.competences) >= MAX_COMPETENCES:
        raise RuleBroken(_("A framework holds at most %(n)d competences.", n=MAX_COMPETENCES))
    taken = {competence.key for competence in framework.competences}
    base = re.sub(r"[^a-z0-9]+", "-", label["nl"].lower()).strip("-")[:30] or "competence"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    competence = Competence(
        organisation_id=framework.organisation_id,
        key=key,
        position=max((c.position for c in framework.competences), default=-1) + 1,
        label=_clean(label),
        description=_clean(description),
    )
    framework.competences.append(competence)
    _changed(actor, framework)
    return competence


def remove_competence(actor: User, competence: Competence) -> None:
    """Rounds already started keep it; notes keep their scores for it."""
    framework = competence.framework
    if len(framework.competences) <= 1:
        raise RuleBroken(_("A framework needs at least one competence."))
    framework.competences.remove(competence)
    _changed(actor, framework)


def rename(actor: User, framework: Framework, name: str) -> None:
    framework.name = name.strip()
    _changed(actor, framework)


def use(actor: User, framework: Framework | None) -> None:
    """Make ``framework`` the one in use (None: the shipped framework)."""
    in_use = db.session.scalars(_own_in_use_statement(), {"organisation_id": actor.organisation_id})
    for current in in_use:
        current.in_use = False
    db.session.flush()  # first: at most one framework is in use at any moment
    if framework is not None:
        framework.in_use = True
    audit.record(
        "framework.used", organisation_id=actor.organisation_id, actor=actor, target=framework
    )
    db.session.flush()


def _changed(actor: User, framework: Framework) -> None:
    audit.record(
        "framework.updated",
        organisation_id=framework.organisation_id,
        actor=actor,
        target=framework,
    )
    db.session.flush()


def stamp_changes(session_class: type[Session]) -> None:
    """Renew an organisation's framework stamp in each flush of ``session_class``'s sessions that
    adds, changes or removes one of its frameworks or competences: whoever writes them (the
    editor's services, an import, a test), the stamp follows the rows, and every app server reads
    the framework in use again (see :func:`framework_in_use`)."""
    if not event.contains(session_class, "before_flush", _renew_stamps):
        event.listen(session_class, "before_flush", _renew_stamps)


def _renew_stamps(session: Session, _context: Any, _instances: Any) -> None:
    changed = {
        _organisation_of(item)
        for item in (*session.new, *session.dirty, *session.deleted)
        if isinstance(item, Framework | Competence)
        and (item not in session.dirty or session.is_modified(item))
    }
    for organisation_id in changed - {None}:
        organisation = session.get(Organisation, organisation_id)
        if organisation is not None:
            organisation.renew_framework_stamp()


def _organisation_of(item: Framework | Competence) -> int | None:
    if item.organisation_id is None and isinstance(item, Competence) and item.framework:
        return item.framework.organisation_id
    return item.organisation_id
