"""Organisation (tenant) isolation, applied to every ORM query by construction.

Models that belong to an organisation inherit :class:`TenantScoped`. While a request runs for a
signed-in user, :func:`activate_tenant` records the user's organisation and every ORM SELECT,
UPDATE and DELETE, including lazy loads of relationships, gets ``organisation_id = <tenant>``
added through ``with_loader_criteria``. A view therefore cannot forget the filter: a record of
another organisation simply does not exist for it and ``get_or_404`` answers 404. New records
are stamped with the active organisation, and a record stamped with another one is refused at
flush time.

One exception, for the lists a page reads on every opening (the bell's count, the client's
timeline): :func:`tenant_rows` runs a statement of columns built once on the session's connection,
without the ORM's execution and so without the added filter. Such a statement writes its
organisation's criterion itself, for every tenant table it reads, and is refused, before it runs,
when its structure does not show one (:func:`_check_criteria`).

Outside a request (CLI, scheduler, tests' setup) no tenant is active and queries see all rows;
that code acts for the system, not for a user.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

from flask import abort, g, has_app_context
from sqlalchemy import ColumnElement, ForeignKey, Row, Select, bindparam, event, select
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    ColumnClause,
    Grouping,
)
from sqlalchemy.sql.selectable import AliasedReturnsRows, CompoundSelect, Join, TableClause

from fieldapp.common.urls import MAX_ID

T = TypeVar("T")


class CrossTenantWrite(RuntimeError):
    """Raised when a record of one organisation is written while acting for another."""


class CrossTenantRead(RuntimeError):
    """Raised when :func:`tenant_rows` is asked for another organisation than the active one."""


class TenantCriteriaMissing(RuntimeError):
    """Raised when a statement for :func:`tenant_rows` reads a tenant table without comparing its
    ``organisation_id`` with the statement's ``organisation_id`` parameter."""


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
def _by_key(model: type) -> Select:
    """The statement of :func:`get_or_404` for ``model``, built once: every page of a record runs
    it (and its tenant's criteria are then added once per organisation, see :func:`_scoped`)."""
    return select(model).where(model.__mapper__.primary_key[0] == bindparam("ident"))  # type: ignore[attr-defined]


# The parameter that a statement for :func:`tenant_rows` compares each tenant table with.
TENANT_PARAMETER = "organisation_id"


def of_tenant(model: Any) -> ColumnElement[bool]:
    """``<model>.organisation_id = :organisation_id``: the criterion that a statement for
    :func:`tenant_rows` writes, in its WHERE or a join's ON, for each tenant table (or alias of
    one) that it reads."""
    return model.organisation_id == bindparam(TENANT_PARAMETER)


def tenant_rows(
    statement: Select, organisation_id: int, values: dict[str, Any]
) -> Sequence[Row[Any]]:
    """The rows of ``statement``, a statement of columns built once that carries its tenant's
    criteria itself: every tenant table it reads, joined ones too, compared with the parameter
    ``organisation_id`` (checked the first time, see :func:`_check_criteria`). It runs on the
    session's connection, without the ORM's execution of a statement (its events, this module's
    criteria added, its result), which costs some three times the query itself: for the lists
    of a page that runs twenty (the client's file). ``organisation_id`` is that of a record
    loaded within the tenant (the client of the file); it must be the active tenant's.

    The session is flushed first, as its own queries do (``autoflush``)."""
    from fieldapp.extensions import db

    refuse_other_tenant(organisation_id)
    _check_criteria(statement)
    session = db.session()
    if session.autoflush:
        session.flush()
    return (
        session.connection().execute(statement, values | {TENANT_PARAMETER: organisation_id}).all()
    )


def refuse_other_tenant(organisation_id: int) -> None:
    """Raise :class:`CrossTenantRead` when a tenant is active and it is not ``organisation_id``:
    for what is read by organisation without the ORM's criteria (:func:`tenant_rows`, what an app
    keeps per organisation)."""
    tenant_id = current_tenant()
    if tenant_id is not None and organisation_id != tenant_id:
        raise CrossTenantRead(f"organisation {organisation_id} read while acting for {tenant_id}")


_CHECKED: weakref.WeakSet[Any] = weakref.WeakSet()


def _check_criteria(statement: Select) -> None:
    """Refuse a statement for :func:`tenant_rows` that reads a tenant table without its
    criterion: in every SELECT of the statement (subqueries, unions, CTEs, EXISTS too), each
    tenant table or alias of one in its FROM must be compared, ``<it>.organisation_id =
    :organisation_id``, in a condition ANDed into that SELECT's WHERE or into the ON of a join
    that filters its rows (an inner join, or the right side of a left outer join). Checked on the
    statement's structure, not its text: an ORed condition, a literal organisation, a condition on
    another alias of the table or in another SELECT do not count. A correlated subquery must repeat
    the criterion of the table it correlates with (refused otherwise: failing closed)."""
    if statement in _CHECKED:
        return
    if not isinstance(statement, Select | CompoundSelect):
        # An UPDATE or DELETE (run before .all() fails), a text: not a statement of columns.
        raise TenantCriteriaMissing(f"not a SELECT: {statement}")
    tenant_names = _tenant_table_names()
    for element in visitors.iterate(statement):
        if isinstance(element, Select):
            guarded = _guarded(element.whereclause)
            for from_ in element.get_final_froms():
                _check_from(from_, guarded, tenant_names, statement)
    _CHECKED.add(statement)


def _check_from(
    from_: Any, guarded: set[Any], tenant_names: frozenset[str], statement: Any
) -> None:
    if isinstance(from_, Join):
        on = _guarded(from_.onclause)
        left = guarded if from_.isouter else guarded | on
        right = guarded if from_.full else guarded | on
        _check_from(from_.left, left, tenant_names, statement)
        _check_from(from_.right, right, tenant_names, statement)
        return
    table = from_
    while isinstance(table, AliasedReturnsRows):
        table = table.element  # an alias of an alias of a table, a subquery, a CTE...
    if isinstance(table, Select | CompoundSelect):
        return  # checked as a SELECT of its own
    if not isinstance(table, TableClause):
        # A text, a textual SELECT, an UPDATE ... RETURNING in a CTE, a function: unchecked.
        raise TenantCriteriaMissing(f"{type(table).__name__} cannot be checked: {statement}")
    if table.name in tenant_names and from_ not in guarded:
        name = getattr(from_, "name", None)
        raise TenantCriteriaMissing(f"{name} is read without its organisation: {statement}")


def _guarded(clause: Any) -> set[Any]:
    """The tables and aliases that ``clause`` compares with ``:organisation_id`` in one of the
    conditions it ANDs."""
    guarded: set[Any] = set()
    for condition in _conjuncts(clause):
        if not isinstance(condition, BinaryExpression) or condition.operator is not operators.eq:
            continue
        for column, other in ((condition.left, condition.right), (condition.right, condition.left)):
            if (
                isinstance(other, BindParameter)
                and other.key == TENANT_PARAMETER
                and isinstance(column, ColumnClause)
                and column.name == "organisation_id"
                and column.table is not None
            ):
                guarded.add(column.table)
    return guarded


def _conjuncts(clause: Any) -> Iterator[Any]:
    while isinstance(clause, Grouping):
        clause = clause.element
    if clause is None:
        return
    if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
        for part in clause.clauses:
            yield from _conjuncts(part)
    else:
        yield clause


def _tenant_table_names() -> frozenset[str]:
    """The names of the tenant tables, looked up for each statement checked (once): a cached set
    would miss the models imported after the first check."""
    from fieldapp.extensions import db

    return frozenset(
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, TenantScoped)
    )


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
