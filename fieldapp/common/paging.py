"""Count-free paging: fetch one row more than shown to know whether there is a next page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, bindparam

from fieldapp.common.tenancy import tenant_rows
from fieldapp.extensions import db

T = TypeVar("T")
# Past this page a number is junk (?timeline=99999999999999999999 overflowed the OFFSET).
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def paginate(statement: Select[tuple[T]], number: int, per_page: int) -> Page[T]:
    number = min(max(1, number), MAX_PAGE)
    rows = db.session.scalars(statement.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def paginate_rows(statement: Select[Any], number: int, per_page: int) -> Page[Row[Any]]:
    """As :func:`paginate`, for a statement of several columns: a page of rows (only the columns
    a page shows, without loading whole records)."""
    number = min(max(1, number), MAX_PAGE)
    rows = db.session.execute(statement.limit(per_page + 1).offset((number - 1) * per_page)).all()
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def paged(statement: Select[Any]) -> Select[Any]:
    """``statement`` a page at a time, for :func:`paginate_built`: to build once and run for any
    page (limit and offset are parameters)."""
    return statement.limit(bindparam("page_limit")).offset(bindparam("page_offset"))


def paginate_built(
    statement: Select[Any], values: dict[str, Any], number: int, per_page: int
) -> Page[Row[Any]]:
    """As :func:`paginate_rows`, for a statement made by :func:`paged` and its ``values``."""
    number = min(max(1, number), MAX_PAGE)
    page = {"page_limit": per_page + 1, "page_offset": (number - 1) * per_page}
    rows = db.session.execute(statement, values | page).all()
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def paginate_tenant(
    statement: Select[Any], organisation_id: int, values: dict[str, Any], number: int, per_page: int
) -> Page[Row[Any]]:
    """As :func:`paginate_built`, for a statement that carries its tenant's criteria itself, run
    by :func:`fieldapp.common.tenancy.tenant_rows`."""
    number = min(max(1, number), MAX_PAGE)
    page = {"page_limit": per_page + 1, "page_offset": (number - 1) * per_page}
    rows = tenant_rows(statement, organisation_id, values | page)
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page)
