"""A counsellor's day on a phone, in requests and bytes: what a mobile data plan pays for.

The day: 10 home opens, 5 agenda opens, 4 visits with a note each (written on the visit's page and
sent through the outbox), 2 client files, in that order interleaved as a day goes. The phone is
played by a test client that behaves as the browser and the service worker do:

- a page's static files (stylesheets, scripts, the modules they import, icons) are asked for once;
  their addresses name their content and are kept a year, so a phone never asks for them again;
- on every home open the worker asks for the list of pages to keep and refreshes each of them,
  with the tag of its copy (If-None-Match) so that an unchanged page is answered 304 without a
  body.

Three phones live the same day: one that starts with nothing (the first day: the worker installs
and keeps its files), one that kept everything the day before (any later day), and one as phones
were before conditional requests (any later day, every kept page sent again on each home open).
Bytes are what reaches the phone: status line, headers and the body as sent (compressed).
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
from dataclasses import dataclass

import brotli
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from fieldapp.clients.models import Client
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.pwa.shell import shell_for
from fieldapp.visits.models import Visit

HOME_OPENS, AGENDA_OPENS, VISITS_WITH_A_NOTE, CLIENT_FILES = 10, 5, 4, 2
PHONE = {"Accept-Encoding": "br, gzip"}  # what a phone's browser sends
COPY = {"X-Fieldapp-Copy": "offline"}  # how the worker asks for a page it keeps
STATIC = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)


@dataclass(frozen=True)
class Day:
    requests: int
    wire_bytes: int  # status lines, headers and bodies as sent
    not_modified: int  # kept pages answered 304


@dataclass(frozen=True)
class Plan:
    email: str
    visits: list[int]
    clients: list[int]


def plan(email: str, counsellor_id: int) -> Plan:
    """The visits of the day and the files the counsellor opens (after ``kept_pages.prepare``)."""
    visits = db.session.scalars(
        select(Visit.id)
        .where(Visit.counsellor_id == counsellor_id, Visit.starts_at >= now_utc())
        .order_by(Visit.starts_at)
        .limit(VISITS_WITH_A_NOTE)
    ).all()
    clients = db.session.scalars(
        select(Client.id)
        .where(Client.counsellor_id == counsellor_id)
        .order_by(Client.id)
        .limit(CLIENT_FILES)
    ).all()
    return Plan(email, list(visits), list(clients))


def _text(response: TestResponse) -> str:
    """A page as the browser reads it, uncompressed."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def _wire_size(response: TestResponse) -> int:
    head = len(f"HTTP/1.1 {response.status}\r\n") + 2
    head += sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return head + len(response.get_data())


class Phone:
    """A signed-in phone: what its browser and service worker keep, and what they asked."""

    def __init__(self, app: Flask, client: FlaskClient, conditional: bool) -> None:
        self.app = app
        self.client = client
        self.conditional = conditional
        self.files: set[str] = set()  # static addresses the phone keeps
        self.tags: dict[str, str] = {}  # kept pages and their copies' tags
        self.requests = 0
        self.wire_bytes = 0
        self.not_modified = 0

    def get(self, path: str, headers: dict[str, str] | None = None) -> TestResponse:
        response = self.client.get(path, headers=PHONE | (headers or {}))
        if response.status_code not in (200, 304):
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        self._count(response)
        return response

    def _count(self, response: TestResponse) -> None:
        self.requests += 1
        self.wire_bytes += _wire_size(response)
        self.not_modified += response.status_code == 304

    def install(self) -> None:
        """What the worker fetches when it installs: itself, the manifest and the app shell."""
        self.get("/sw.js")
        self.get("/manifest.webmanifest")
        shell = shell_for(str(self.app.static_folder), self.app.jinja_env)
        with self.app.test_request_context():
            addresses = [url_for("static", filename=name) for name in shell.files]
        for address in addresses:
            self._fetch_file(address)

    def _fetch_file(self, address: str) -> None:
        if address not in self.files:
            self.get(address)
            self.files.add(address)

    def open(self, path: str) -> str:
        """A page and whatever of its static files the phone does not keep yet."""
        page = _text(self.get(path))
        addresses = set(STATIC.findall(page))
        found = IMPORT_MAP.search(page)
        if found:  # the modules a page's scripts may import, at their versioned addresses
            addresses |= set(json.loads(found.group(1))["imports"].values())
        for address in sorted(addresses):
            self._fetch_file(address.replace("&amp;", "&"))
        return page

    def open_home(self) -> None:
        self.open("/")
        for page in json.loads(_text(self.get("/api/offline-pages")))["pages"]:
            headers = dict(COPY)
            if self.conditional and page in self.tags:
                headers["If-None-Match"] = self.tags[page]
            answer = self.get(page, headers)
            if "ETag" in answer.headers:
                self.tags[page] = answer.headers["ETag"]

    def write_note(self, visit_id: int) -> None:
        """A note written on the visit's page and sent by the outbox."""
        self.open(f"/visits/{visit_id}")
        token = json.loads(_text(self.get("/api/csrf")))["csrf_token"]
        note = {
            "revision_uuid": str(uuid.uuid4()),
            "note_uuid": str(uuid.uuid4()),
            "body": "Werkt zelfstandig aan de kassa; vraagt hulp bij de bestellingen. " * 3,
            "observations": {"attendance": 4, "punctuality": 5},
            "actions": [],
            "written_at": now_utc().isoformat(),
        }
        response = self.client.post(
            f"/api/visits/{visit_id}/notes", json=note, headers=PHONE | {"X-CSRFToken": token}
        )
        if response.status_code not in (200, 201):
            raise RuntimeError(f"note refused: {response.status_code}")
        self._count(response)

    def live_a_day(self, plan: Plan) -> Day:
        start = (self.requests, self.wire_bytes, self.not_modified)
        for n in range(HOME_OPENS):
            self.open_home()
            if n < AGENDA_OPENS:
                self.open("/visits/")
            if n < len(plan.visits):
                self.write_note(plan.visits[n])
            if n < len(plan.clients):
                self.open(f"/clients/{plan.clients[n]}")
        return Day(
            self.requests - start[0],
            self.wire_bytes - start[1],
            self.not_modified - start[2],
        )


def _phone(app: Flask, email: str, password: str, conditional: bool) -> Phone:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError("the counsellor could not sign in")
    return Phone(app, client, conditional)


def measure(app: Flask, plan: Plan, password: str) -> dict[str, Day]:
    """The same day on a new phone, on a phone that kept yesterday's pages and files, and on one
    as phones were before conditional requests."""
    first = _phone(app, plan.email, password, conditional=True)
    first.install()
    first.live_a_day(plan)
    first_day = Day(first.requests, first.wire_bytes, first.not_modified)  # install included
    kept = _phone(app, plan.email, password, conditional=True)
    kept.install()
    kept.open_home()  # yesterday's last home open left copies and their tags
    before = _phone(app, plan.email, password, conditional=False)
    before.install()
    before.open_home()
    return {
        "a new phone (the worker installs)": first_day,
        "a later day, as before conditional requests": before.live_a_day(plan),
        "a later day, now": kept.live_a_day(plan),
    }


def report(days: dict[str, Day]) -> str:
    lines = [
        f"a counsellor's day on a phone ({HOME_OPENS} home opens, {AGENDA_OPENS} agenda opens, "
        f"{VISITS_WITH_A_NOTE} visits with a note, {CLIENT_FILES} client files):"
    ]
    for name, day in days.items():
        lines.append(
            f"  {name}: {day.requests} requests, {day.wire_bytes / 1024:.0f} KB received, "
            f"{day.not_modified} answered 304"
        )
    before = days["a later day, as before conditional requests"].wire_bytes
    now = days["a later day, now"].wire_bytes
    lines.append(f"  a later day now takes {now / before:.0%} of the bytes it took before")
    return "\n".join(lines)
