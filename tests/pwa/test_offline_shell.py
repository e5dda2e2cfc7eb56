"""The service worker keeps every static file that the pages load, with what their modules import.

These tests read what the browser reads: the rendered pages' <script> and <link> elements, then the
`import` statements of each module as served. They do not ask the code that makes the list.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import url_for

COPY = {"X-Fieldapp-Copy": "offline"}
# import x from "./a.js"; import "./a.js"; export { x } from "./a.js"; import("./a.js")
MODULE_IMPORT = re.compile(r"""\b(?:import|from)\s*\(?\s*["']([^"']+)["']""")


class _References(HTMLParser):
    """The addresses a page makes the browser load (scripts, stylesheets, icons), and its import
    map."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()
        self.import_map: dict[str, str] = {}
        self._in_import_map = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.found.add(values["src"])
        self._in_import_map = tag == "script" and values.get("type") == "importmap"
        rels = (values.get("rel") or "").split()
        loaded = {"stylesheet", "icon", "apple-touch-icon", "modulepreload", "preload"}
        if tag == "link" and values.get("href") and loaded & set(rels):
            self.found.add(values["href"])

    def handle_data(self, data: str) -> None:
        if self._in_import_map:
            self.import_map.update(json.loads(data)["imports"])

    def handle_endtag(self, tag: str) -> None:
        self._in_import_map = False


def static_urls_loaded_by(client, html: str, page_url: str) -> set[str]:
    """Same-origin static addresses (path and query) ``html`` loads, with every module they
    import, transitively, each import resolved as the browser does: against the importing
    module's address, then through the page's import map."""
    parser = _References()
    parser.feed(html)
    mapped = {
        urljoin(page_url, key): urljoin(page_url, value) for key, value in parser.import_map.items()
    }
    todo = [urljoin(page_url, address) for address in parser.found]
    found: set[str] = set()
    while todo:
        address = todo.pop()
        address = mapped.get(address, address)
        parts = urlsplit(address)
        url = f"{parts.path}?{parts.query}" if parts.query else parts.path
        if parts.netloc not in ("", "localhost") or url in found:
            continue
        found.add(url)
        if parts.path.endswith(".js"):
            with client.get(url) as response:
                assert response.status_code == 200, url
                source = response.get_data(as_text=True)
            todo.extend(urljoin(url, spec) for spec in MODULE_IMPORT.findall(source))
    return {url for url in found if url.startswith("/static/")}


def shell_of_service_worker(client) -> set[str]:
    body = client.get("/sw.js").get_data(as_text=True)
    match = re.search(r"^const SHELL = (.*);$", body, re.MULTILINE)
    assert match, "the service worker names no shell"
    return set(json.loads(match.group(1)))


def version_of_service_worker(client) -> str:
    body = client.get("/sw.js").get_data(as_text=True)
    match = re.search(r"^const VERSION = (.*);$", body, re.MULTILINE)
    assert match
    return json.loads(match.group(1))


@pytest.fixture
def signed_in(auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    return world


def test_every_static_file_a_counsellors_page_loads_is_in_the_shell(app, client, signed_in):
    with app.test_request_context():
        pages = [
            url_for("home.index"),
            url_for("clients.index"),
            url_for("clients.show", client_id=signed_in.client.id),
            url_for("visits.agenda"),
            url_for("visits.outbox"),
            url_for("visits.show", visit_id=signed_in.visit.id),
            url_for("reminders.centre_page"),
            url_for("auth.settings"),
            url_for("pwa.offline"),
        ]
    kept = client.get("/api/offline-pages").json["pages"]
    loaded: set[str] = set()
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        loaded |= static_urls_loaded_by(client, response.get_data(as_text=True), page)
    for page in kept:  # the copies the phone keeps, as the service worker fetches them
        response = client.get(page, headers=COPY)
        assert response.status_code == 200, page
        loaded |= static_urls_loaded_by(client, response.get_data(as_text=True), page)

    paths = {url.partition("?")[0] for url in loaded}
    assert {"/static/css/app.css", "/static/js/app.js", "/static/js/notes.js"} <= paths
    # Every file under its current version, modules imported through the import map too, so
    # that the browser keeps each for a year and the service worker has exactly that address.
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in loaded), loaded
    assert loaded - shell_of_service_worker(client) == set()


def test_a_module_that_app_js_imports_is_kept_without_editing_a_list(
    app, client, tmp_path, monkeypatch
):
    before = version_of_service_worker(client)
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app_js = static / "js" / "app.js"
    app_js.write_text('import { later } from "./later/index.js";\n' + app_js.read_text())
    (static / "js" / "later").mkdir()
    (static / "js" / "later" / "index.js").write_text('export { later } from "../deeper.js";\n')
    (static / "js" / "deeper.js").write_text("export function later() {}\n")
    monkeypatch.setattr(app, "static_folder", str(static))

    response = client.get("/offline")
    loaded = static_urls_loaded_by(client, response.get_data(as_text=True), "/offline")
    assert {"/static/js/later/index.js", "/static/js/deeper.js"} <= {
        url.partition("?")[0] for url in loaded
    }
    shell = shell_of_service_worker(client)
    assert loaded - shell == set()
    assert version_of_service_worker(client) != before  # phones fetch the new files
