"""Static files under versioned addresses, kept a year; pages, JSON, CSS and JS compressed."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re

import brotli
import pytest

from fieldapp import PROJECT_ROOT
from fieldapp.common import static_files
from fieldapp.common.static_files import StaticVersions
from fieldapp.config import config_from_env

YEAR = "public, max-age=31536000, immutable"
IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


def version_of(path: str) -> str:
    return hashlib.sha256((PROJECT_ROOT / "static" / path).read_bytes()).hexdigest()[:12]


def fetch(client, address: str, **headers: str):
    """Status, headers and body of ``address``, the response closed (a static file is a file)."""
    with client.get(address, headers=headers) as response:
        return response.status_code, response.headers, response.get_data()


def test_a_page_names_each_static_file_with_its_content_hash(client):
    page = client.get("/login").get_data(as_text=True)
    assert f'href="/static/css/app.css?v={version_of("css/app.css")}"' in page
    assert f'src="/static/js/app.js?v={version_of("js/app.js")}"' in page


def test_the_current_version_is_kept_a_year_any_other_is_checked(client):
    current = f"/static/css/app.css?v={version_of('css/app.css')}"
    assert fetch(client, current)[1]["Cache-Control"] == YEAR
    # An old page still open asks for an old version, or for none: the file it gets now must
    # not be kept a year under that address.
    for address in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        with client.get(address) as response:
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "no-cache"
            assert "immutable" not in response.headers["Cache-Control"]
    assert client.get("/static/nope.css?v=000000000000").status_code == 404


def test_modules_import_each_other_through_the_import_map_allowed_by_its_hash(client):
    with client.get("/login") as response:
        page = response.get_data(as_text=True)
        csp = response.headers["Content-Security-Policy"]
    match = IMPORT_MAP.search(page)
    assert match, "no import map"
    assert page.index('type="importmap"') < page.index('type="module"')
    imports = json.loads(match.group(1))["imports"]
    page_data = f"/static/js/page-data.js?v={version_of('js/page-data.js')}"
    assert imports["/static/js/page-data.js"] == page_data
    assert "/static/js/notes.js" in imports  # app.js imports it
    digest = base64.b64encode(hashlib.sha256(match.group(1).encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp
    # Every response carries the same policy, the offline page's map is the same map.
    assert client.get("/offline").headers["Content-Security-Policy"] == csp
    assert IMPORT_MAP.search(client.get("/offline").get_data(as_text=True)).group(1) == match.group(
        1
    )


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_pages_json_css_and_js_are_compressed_when_asked(client, encoding, decompress):
    paths = ("/login", "/manifest.webmanifest", "/static/css/app.css", "/static/js/outbox.js")
    for path in paths:
        body = fetch(client, path)[2]
        _status, headers, compressed = fetch(client, path, **{"Accept-Encoding": encoding})
        assert headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in headers["Vary"]
        assert len(compressed) < len(body)
        if path != "/login":  # the sign-in page holds a fresh CSRF token each time
            assert decompress(compressed) == body, path


def test_nothing_is_compressed_unasked(client):
    for path in ("/login", "/manifest.webmanifest", "/static/css/app.css"):
        assert "Content-Encoding" not in fetch(client, path, **{"Accept-Encoding": "identity"})[1]
        assert "Content-Encoding" not in fetch(client, path)[1]


def test_an_unchanged_static_file_is_still_answered_not_modified_when_compressed(client):
    address = f"/static/css/app.css?v={version_of('css/app.css')}"
    etag = fetch(client, address, **{"Accept-Encoding": "br"})[1]["ETag"]
    status, headers, _body = fetch(
        client, address, **{"Accept-Encoding": "br", "If-None-Match": etag}
    )
    assert status == 304
    assert headers["Cache-Control"] == YEAR


@pytest.mark.parametrize("app_config", [{"COMPRESS_REGISTER": False}])
def test_compression_is_off_when_a_proxy_does_it(client):
    with client.get("/login", headers={"Accept-Encoding": "br, gzip"}) as response:
        assert "Content-Encoding" not in response.headers
    address = f"/static/css/app.css?v={version_of('css/app.css')}"
    headers = fetch(client, address, **{"Accept-Encoding": "br, gzip"})[1]
    assert "Content-Encoding" not in headers
    assert headers["Cache-Control"] == YEAR


def test_compression_can_be_turned_off_by_the_environment():
    assert config_from_env({})["COMPRESS_REGISTER"] is True
    assert config_from_env({"FIELDAPP_COMPRESS": "false"})["COMPRESS_REGISTER"] is False


def test_versions_are_computed_once_unless_watched(tmp_path):
    file = tmp_path / "a.css"
    file.write_text("a {}")
    once, watched = StaticVersions(watch=False), StaticVersions(watch=True)
    first = once.of(str(tmp_path), "a.css")
    assert watched.of(str(tmp_path), "a.css") == first
    file.write_text("a { color: red }")
    os.utime(file, ns=(1, 1))  # a modification time that surely differs
    assert once.of(str(tmp_path), "a.css") == first  # a release restarts the server
    assert watched.of(str(tmp_path), "a.css") != first  # development: the new file's version
    assert once.of(str(tmp_path), "../etc/passwd") is None
    assert once.of(str(tmp_path), "missing.css") is None
    (tmp_path / "missing.css").write_text("b {}")  # a name that found nothing is not kept
    assert once.of(str(tmp_path), "missing.css") == once.of(str(tmp_path), "missing.css")
    assert once.of(str(tmp_path), "missing.css") is not None
    # Other spellings of a file's path, as a request can send them, find it and keep nothing.
    kept = len(once._by_name)
    for spelling in ("./a.css", "././a.css", "x/../a.css", "./" * 50 + "a.css"):
        assert once.of(str(tmp_path), spelling) == once.of(str(tmp_path), "a.css")
    assert len(once._by_name) == kept


@pytest.mark.own_app
def test_a_watched_import_map_follows_a_changed_module_reading_the_folder_once_a_page(
    app, client, tmp_path, monkeypatch
):
    """In development the import map is made again after a module changed; its folder is read
    once a page, though the page asks for the map twice (its script and its policy)."""
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text('import "./b.js";\n')
    module = tmp_path / "js" / "b.js"
    module.write_text("export const b = 1;\n")
    app.static_folder = str(tmp_path)
    readings = []
    real = static_files._modules_stamp
    monkeypatch.setattr(
        static_files, "_modules_stamp", lambda root: readings.append(root) or real(root)
    )

    def mapped() -> str:
        with client.get("/login") as response:
            page = response.get_data(as_text=True)
            csp = response.headers["Content-Security-Policy"]
        text = IMPORT_MAP.search(page).group(1)
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp  # the policy allows the map that the page carries
        return json.loads(text)["imports"]["/static/js/b.js"]

    first = mapped()
    assert len(readings) == 1
    module.write_text("export const b = 2;\n")
    os.utime(module, ns=(1, 1))  # a modification time that surely differs
    second = mapped()
    assert len(readings) == 2
    assert first != second
    assert second.endswith(hashlib.sha256(module.read_bytes()).hexdigest()[:12])
