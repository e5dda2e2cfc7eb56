"""Organisation (tenant) isolation, applied to every ORM query by construction.

Models that belong to an organisation inherit :class:`TenantScoped`. While a request runs for a
signed-in user, :func:`activate_tenant` records the user's organisation and every ORM SELECT,
UPDATE and DELETE, including lazy loads of relationships, gets ``organisation_id = <tenant>``
added through ``with_loader_criteria``. A view therefore cannot forget the filter: a record of
another organisation simply does not exist for it and ``get_or_404`` answers 404. New records
are stamped with the active organisation, and a record stamped with another one is refused at
flush time.

Outside a request (CLI, scheduler, tests' setup) no tenant is active and queries see all rows;
that code acts for the system, not for a user.
"""

from __future__ import annotations

import weakref
from functools import cache
from typing import Any, TypeVar

from flask import abort, g, has_app_context
from sqlalchemy import ForeignKey, bindparam, event, select
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

from fieldapp.common.urls import MAX_ID

T = TypeVar("T")


class CrossTenantWrite(RuntimeError):
    """Raised when a record of one organisation is written while acting for another."""


class TenantScoped:
    """Mixin for every model whose rows belong to exactly one organisation."""

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey("organisation.id", ondelete="CASCADE"), index=True, nullable=False
        )


def activate_tenant(organisation_id: int | None) -> None:
    g.tenant_id = organisation_id


def current_tenant() -> int | None:
    if not has_app_context():
        return None
    return g.get("tenant_id")


def get_or_404(model: type[T], ident: Any) -> T:
    """Load ``model`` by primary key within the active organisation, or answer 404."""
    from fieldapp.extensions import db

    mapper_pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    try:
        ident = mapper_pk.type.python_type(ident)
    except (TypeError, ValueError):
        abort(404)
    if isinstance(ident, int) and not 0 < ident <= MAX_ID:
        abort(404)
    obj = db.session.execute(_by_key(model), {"ident": ident}).scalar_one_or_none()
    if obj is None:
        abort(404)
    return obj


@cache
def _by_key(model: type) -> Any:
    """``model``'s record with the primary key ``ident``. Built once a model (see ``_scoped``):
    every page that opens a record from its URL asks it, and building it, its tenant's criteria
    and its cache key cost some 0.1 ms each time."""
    key = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    return select(model).where(key == bindparam("ident"))


def _add_tenant_criteria(state: ORMExecuteState) -> None:
    tenant_id = current_tenant()
    if tenant_id is None or state.execution_options.get("all_tenants", False):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria propagate to these loads from the parent query
    if state.is_select or state.is_update or state.is_delete:
        state.statement = _scoped(state.statement, tenant_id)


# A statement built once and run on every request (the home screen's lists) gets its tenant's
# criteria once per organisation: SQLAlchemy then finds the compiled form by a cache key it made
# once, instead of walking the whole statement again for every query. A statement built for one
# request takes its entry with it when it goes.
_SCOPED: weakref.WeakKeyDictionary[Any, dict[int, Any]] = weakref.WeakKeyDictionary()


def _scoped(statement: Any, tenant_id: int) -> Any:
    per_tenant = _SCOPED.get(statement)
    if per_tenant is None:
        per_tenant = _SCOPED[statement] = {}
    scoped = per_tenant.get(tenant_id)
    if scoped is None:
        scoped = per_tenant[tenant_id] = statement.options(
            with_loader_criteria(
                TenantScoped,
                lambda cls: cls.organisation_id == tenant_id,
                include_aliases=True,
            )
        )
    return scoped


def _stamp_and_check(session: Session, flush_context: Any, instances: Any) -> None:
    tenant_id = current_tenant()
    if tenant_id is None:
        return
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantScoped):
            continue
        if obj.organisation_id is None:
            obj.organisation_id = tenant_id
        elif obj.organisation_id != tenant_id:
            raise CrossTenantWrite(
                f"{type(obj).__name__} of organisation {obj.organisation_id} "
                f"written while acting for organisation {tenant_id}"
            )


def install_tenant_guards(session_class: type[Session]) -> None:
    """Register the query filter and the write check on ``session_class`` (idempotent)."""
    if not event.contains(session_class, "do_orm_execute", _add_tenant_criteria):
        event.listen(session_class, "do_orm_execute", _add_tenant_criteria)
        event.listen(session_class, "before_flush", _stamp_and_check)
