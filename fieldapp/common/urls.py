"""URL converters shared by every blueprint, and links to many records of one route."""

from __future__ import annotations

from typing import Any

from flask import url_for
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL's integer: larger ids cannot exist, so they are plain 404s


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive record id that fits the database's integer column."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class IdUrls:
    """``url_for(endpoint, **{argument: ident})`` for a page that links many records to a few
    routes whose only variable is the record's id, at the cost of one ``url_for`` a route: its
    URL is made once with a stand-in id (the largest, written nowhere else in a route), and each
    id is written in its place. Still url_for's URL: the script root, the rule, the converter."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], tuple[str, str]] = {}

    def __call__(self, endpoint: str, argument: str, ident: int) -> str:
        made = self._made.get((endpoint, argument))
        if made is None:
            head, _, tail = url_for(endpoint, **{argument: MAX_ID}).rpartition(str(MAX_ID))
            made = self._made[endpoint, argument] = (head, tail)
        return f"{made[0]}{int(ident)}{made[1]}"
