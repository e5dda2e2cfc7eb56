"""What the generated-input test sends: every route of the url_map, every form found on the
pages, and the JSON APIs, with typed junk in every field.

The pages of each role are read once to find their forms (action, method, fields with their type
and choices); every rule of the url_map is a target too, so a route without a form on any page is
still sent junk. Path parameters are filled from a complete client file, or with junk.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from hypothesis import strategies as st
from werkzeug.routing import Rule

# Routes whose success ends the signed-in session or the test's world: junk still reaches them
# through their forms' fields, but not as a plain request that would sign the walker out.
SESSION_ENDERS = {
    "auth.logout",
    "auth.change_password",
    "auth.end_device",  # its own device: signing out
    "users.end_sessions",  # an administrator's own sessions too
    "static",
    "pwa.service_worker",
}

JSON_APIS = {
    "visits.sync_note": {
        "note_uuid": "uuid",
        "revision_uuid": "uuid",
        "parent_uuid": "uuid",
        "body": "text",
        "observations": "object",
        "written_at": "datetime",
        "replaces": "list",
        "actions": "actions",
    },
    "reminders.subscribe": {"endpoint": "url", "keys": "object", "expirationTime": "any"},
}


@dataclass
class FormField:
    name: str
    kind: str  # text, date, time, number, email, select, checkbox, hidden, textarea, ...
    choices: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Target:
    """One place to send junk: a URL rule with its method, and the fields a page showed for it."""

    rule: str
    endpoint: str
    method: str
    fields: list[FormField] = field(default_factory=list)


_FIELD_TAGS = ("input", "textarea", "select", "button")


class _Forms(HTMLParser):
    """The forms of a page: action, method and fields (with a select's options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[FormField]]] = []
        self._fields: list[FormField] | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._fields = []
            method = attributes.get("method", "get").upper()
            self.forms.append((attributes.get("action", ""), method, self._fields))
        elif tag == "option" and self._select is not None:
            self._select.choices.append(attributes.get("value", ""))
        elif self._fields is not None and "name" in attributes and tag in _FIELD_TAGS:
            kind = attributes.get("type", "text") if tag == "input" else tag
            form_field = FormField(
                attributes["name"],
                "button" if kind == "submit" else kind,
                value=attributes.get("value", ""),
            )
            self._fields.append(form_field)
            if tag == "select":
                self._select = form_field

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[tuple[str, str, list[FormField]]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _match(app: Flask, url: str, method: str) -> Rule | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(urlsplit(url).path, method=method, return_rule=True)
    except Exception:
        return None
    return rule


def targets(app: Flask, pages: Iterable[tuple[str, str]]) -> list[Target]:
    """Every rule and method of the url_map, with the fields that ``pages`` (url, html) show."""
    found: dict[tuple[str, str], Target] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SESSION_ENDERS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found[(rule.rule, method)] = Target(rule.rule, rule.endpoint, method)
    for page_url, html in pages:
        for action, method, fields in forms_of(html):
            rule = _match(app, action or page_url, method)
            if rule is None or (rule.rule, method) not in found:
                continue
            target = found[(rule.rule, method)]
            by_name = {f.name: f for f in reversed(fields)}  # a radio group is one field
            by_name.update({f.name: f for f in target.fields})
            target.fields = list(by_name.values())
    return sorted(found.values(), key=lambda t: (t.rule, t.method))


# Values that once broke a field somewhere; every form gets each of them in all its fields at once,
# in every run, before the generated examples.
SWEEP = (" ", "²", "-1", "99999999999999999999", "9999-12-31", "x" * 5001)

# Junk, by the kind of field it goes into -----------------------------------------------------

_edge_text = st.sampled_from(
    [
        "",
        " ",
        "\t\n",
        "\x00",
        "a\x00b",
        "²",
        "٣",
        "1e309",
        "-1",
        "0",
        "99999999999999999999",
        "NaN",
        "null",
        "[]",
        "{}",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "Mina\r\nBcc: x@example.org",
        "line\u2028break",
        "\ufeff",
        "ℌ𝔢𝔩𝔩𝔬",
        "x" * 5001,
        "é" * 300,
    ]
)
_text = st.one_of(_edge_text, st.text(max_size=60), st.text(string.printable, max_size=300))
_dates = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "31/12/2026", "2026-1-1"]),
)
_times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:59:60", "9", "-1:00", "12:61"]),
)
_numbers = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1,5", "²", "1e400", " 3 "]),
)


def _edge_moments() -> st.SearchStrategy[str]:
    moments = st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
    return st.one_of(
        moments.map(datetime.isoformat),
        st.sampled_from(
            [
                "0001-01-01T00:00:00+14:00",
                "9999-12-31T23:59:59-14:00",
                "2026-13-01T00:00:00Z",
                "2026-11-23T09:41:00",
            ]
        ),
    )


def value_for(form_field: FormField) -> st.SearchStrategy[str]:
    """Junk that fits the field's kind half the time, and any junk the other half."""
    typed: st.SearchStrategy[str]
    if form_field.kind == "date":
        typed = _dates
    elif form_field.kind == "time":
        typed = _times
    elif form_field.kind in ("number", "range"):
        typed = _numbers
    elif form_field.kind == "select" and form_field.choices:
        typed = st.one_of(st.sampled_from(form_field.choices), st.sampled_from([" ", "x", "²"]))
    elif form_field.kind in ("checkbox", "radio", "hidden", "button"):
        typed = st.sampled_from([form_field.value or "y", "", "on"])
    elif form_field.kind == "email":
        typed = st.one_of(st.emails(), _text)
    else:
        typed = _text
    return st.one_of(typed, typed, _text)


def form_data(fields: list[FormField]) -> st.SearchStrategy[dict[str, str]]:
    """A value for a random subset of the fields (a field may also be left out)."""
    if not fields:
        return st.dictionaries(_text, _text, max_size=3)
    return st.fixed_dictionaries({}, optional={f.name: value_for(f) for f in fields})


_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    _text,
    st.sampled_from(["\ud800", "x\udfffy"]),
)
_any_json = st.recursive(
    _json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_text, children, max_size=4)
    ),
    max_leaves=12,
)


def _json_value(kind: str) -> st.SearchStrategy[Any]:
    uuids = st.one_of(st.uuids().map(str), _text)
    if kind == "uuid":
        return uuids
    if kind == "text":
        return st.one_of(_text, _any_json)
    if kind == "datetime":
        return st.one_of(_edge_moments(), _any_json)
    if kind == "url":
        return st.one_of(
            st.sampled_from(
                [
                    "https://push.example/abc",
                    "http://127.0.0.1:9/x",
                    "https://[::1]/x",
                    "ftp://example.org/",
                ]
            ),
            _text,
        )
    if kind == "actions":
        action = st.fixed_dictionaries(
            {}, optional={"uuid": uuids, "text": _text, "due": st.one_of(_dates, _any_json)}
        )
        return st.one_of(st.lists(action, max_size=12), _any_json)
    if kind == "object":
        return st.one_of(
            st.dictionaries(
                st.sampled_from(["punctuality", "attendance", "p256dh", "auth"]), _any_json
            ),
            _any_json,
        )
    return _any_json


def json_body(endpoint: str) -> st.SearchStrategy[Any]:
    shape = JSON_APIS[endpoint]
    document = st.fixed_dictionaries(
        {}, optional={name: _json_value(kind) for name, kind in shape.items()}
    )
    return st.one_of(document, document, _any_json)


def path_values(rule: Rule, known: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Values for a rule's variables: the world's records mostly, junk sometimes."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        kind = type(converter).__name__
        if kind == "AnyConverter":
            values[name] = st.sampled_from(sorted(converter.items))
        elif kind == "IntegerConverter" or kind == "IdConverter":
            real = known.get(name)
            junk = st.integers(min_value=0, max_value=2**63)
            values[name] = st.one_of(st.just(real), junk) if real else junk
        else:
            real = known.get(name)
            junk = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=60)
            values[name] = st.one_of(st.just(real), junk) if real else junk
    return st.fixed_dictionaries(values)
