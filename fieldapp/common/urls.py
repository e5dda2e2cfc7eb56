"""URL converters shared by every blueprint, links to many records of one route, and the address
of a link handed to someone else."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL's integer: larger ids cannot exist, so they are plain 404s
KEPT_URLS = 4096  # addresses kept per app (routes, with their phases, pages, file names…)
STAND_IN = str(MAX_ID)
KEPT_TEXT = 100  # a longer value (a `next` path, a search) is url_for's: it is not kept


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute address, at ``FIELDAPP_BASE_URL``, of a link mailed to someone or shown to
    hand over (a secret link above all), as the scheduler's reset and reminder mails are made.

    Never at the Host the request carried: with a forged Host (or X-Forwarded-Host behind the
    proxy), a link fieldapp mails to a rater or a floor supervisor would send them, and the
    secret in it, to whatever server that Host names. Made inside a request (the scheduler's
    jobs have one at the base address too), with the request's script root replaced by the
    base address's path."""
    address = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and address.startswith(root):
        address = address[len(root) :]
    return current_app.config["FIELDAPP_BASE_URL"].rstrip("/") + address


class IdConverter(IntegerConverter):
    """``<id:name>``: a positive record id that fits the database's integer column, written as
    url_for writes it: ``/clients/05`` is no other address of the file ``/clients/5``."""

    regex = r"[1-9]\d*"

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


class IdUrls:
    """``url_for(endpoint, **{argument: ident})`` for a page that links many records to a few
    routes whose only variable is the record's id: the app's kept addresses (:class:`KeptUrls`,
    which makes such an address once and writes each id in its place), called the way the home
    screen's and the reminders' lists call it."""

    def __call__(self, endpoint: str, argument: str, ident: int) -> str:
        kept: KeptUrls = current_app.extensions[KeptUrls.EXTENSION]
        return kept(endpoint, **{argument: int(ident)})


class KeptUrls:
    """The templates' ``url_for``, each address made once per app and script root and kept. A
    page writes some fifty addresses, and url_for costs some 5 µs each (the request's URL
    adapter, the ``url_defaults`` hooks, the rule's builder, the quoting): a tenth of the CPU of a
    client's file. A record's id is not part of what is kept: the address is made with the
    largest id as a stand-in and the id written in its place, as :class:`IdUrls` does, when the
    value goes through the ``id`` converter of every route of the endpoint. Other values (a
    phase, a page, a file name) are part of what is kept.

    The call is url_for's with an option (``_external``, ``_anchor``…), an endpoint relative to
    the blueprint or of several routes (Werkzeug picks one by the request's method), a value
    other than text or a number, a text longer than ``KEPT_TEXT`` (a path to come back to: one
    person could fill the store with them), two ids, outside a request, for the static files
    while their addresses follow changes of the files (development), and for every call in an
    app with a ``url_defaults`` hook other than ``static_hooks``, which touch only the static
    files' addresses (another hook could make an address depend on the request). Hooks and routes
    are registered before the first request (Flask refuses them after), so they are looked at
    once."""

    EXTENSION = "fieldapp_urls"  # where an app has its own (``app.extensions``)

    def __init__(
        self, app: Flask, static_hooks: Collection[Callable[..., Any]], static_fixed: bool
    ) -> None:
        self._app = app
        self._static_hooks = static_hooks
        self._static_fixed = static_fixed  # the static files' addresses stay for the process
        self._keeps: bool | None = None  # decided at the first call, in a request
        self._ids: dict[tuple[str, str], bool] = {}
        self._one_rule: dict[str, bool] = {}
        self._made: dict[tuple[Any, ...], str | tuple[str, str]] = {}

    def __call__(self, endpoint: str, **values: Any) -> str:
        if not self._may_keep(endpoint):
            return url_for(endpoint, **values)
        stand_in, ident, kept = None, 0, []
        for name, value in values.items():
            if (
                type(value) not in (int, str)
                or name.startswith("_")
                or STAND_IN in str(value)
                or (type(value) is str and len(value) > KEPT_TEXT)
            ):
                return url_for(endpoint, **values)
            if type(value) is int and 0 < value <= MAX_ID and self._an_id(endpoint, name):
                if stand_in is not None:
                    return url_for(endpoint, **values)
                stand_in, ident = name, value
            else:
                kept.append((name, value))
        # In the order of the call: url_for writes the query in that order.
        key = (request.script_root, endpoint, stand_in, tuple(kept))
        made = self._made.get(key)
        if made is None:
            if stand_in is None:
                made = url_for(endpoint, **values)
            else:
                address = url_for(endpoint, **dict(kept), **{stand_in: MAX_ID})
                head, _, tail = address.rpartition(STAND_IN)
                # A quoted value may hold the stand-in ('"147483647' is %22147483647): the
                # split is the id's only if another id is written there too.
                other = url_for(endpoint, **dict(kept), **{stand_in: MAX_ID - 1})
                if other != f"{head}{MAX_ID - 1}{tail}":
                    return url_for(endpoint, **values)
                made = (head, tail)
            if len(self._made) >= KEPT_URLS:
                self._made.clear()
            self._made[key] = made
        if isinstance(made, str):
            return made
        return f"{made[0]}{ident}{made[1]}"

    def _may_keep(self, endpoint: str) -> bool:
        if endpoint.startswith(".") or not has_request_context():
            return False
        if endpoint == "static" and not self._static_fixed:
            return False
        if self._keeps is None:
            hooks = self._app.url_default_functions.values()
            self._keeps = all(hook in self._static_hooks for listed in hooks for hook in listed)
        # Werkzeug builds with the request's method first: of several rules, the one chosen
        # may depend on the request.
        one = self._one_rule.get(endpoint)
        if one is None:
            one = self._one_rule[endpoint] = len(self._rules(endpoint)) == 1
        return self._keeps and one

    def _an_id(self, endpoint: str, name: str) -> bool:
        """Whether every route of ``endpoint`` takes ``name`` through the ``id`` converter: then
        every id it accepts (1 to MAX_ID) is written where the stand-in is, and nothing else of
        the address changes."""
        known = self._ids.get((endpoint, name))
        if known is None:
            rules = self._rules(endpoint)
            known = bool(rules) and all(f"<id:{name}>" in rule.rule for rule in rules)
            self._ids[endpoint, name] = known
        return known

    def _rules(self, endpoint: str) -> list[Any]:
        """The routes of ``endpoint``; none for an unknown one (url_for's BuildError says so)."""
        try:
            return list(self._app.url_map.iter_rules(endpoint))
        except KeyError:
            return []
