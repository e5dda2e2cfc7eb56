"""Static files are kept under their versions: a second page asks the server for none of them."""

from __future__ import annotations

import re

from flask import request, request_started

from tests.e2e.conftest import PHONE_CONTEXT
from tests.e2e.test_shell import sign_in

# The tab's icon (<link rel="icon">) is left out: Chromium's favicon loader fetches it on its own
# schedule, at times again for the next page, whatever the cache headers say.
FAVICON = "/static/icons/icon.svg"
STATIC_RESOURCES = """(favicon) => performance.getEntriesByType("resource")
    .filter((entry) => new URL(entry.name).pathname.startsWith("/static/"))
    .filter((entry) => new URL(entry.name).pathname !== favicon)
    .map((entry) => ({ url: entry.name, bytes: entry.transferSize }))"""


def test_the_second_page_loads_every_static_file_from_the_browsers_cache(
    browser, live_server, make, app
):
    make.user(email="an@example.org")
    # The browser's HTTP cache alone, without the service worker's copies.
    context = browser.new_context(**PHONE_CONTEXT, service_workers="block")
    page = context.new_page()
    problems: list[str] = []  # a module or the import map refused by the CSP shows up here
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    reached: list[str] = []

    def note_static_request(_sender, **_extra):
        if request.path.startswith("/static/") and request.path != FAVICON:
            reached.append(request.full_path)

    request_started.connect(note_static_request, app)
    try:
        sign_in(page, live_server, "an@example.org")
        first = page.evaluate(STATIC_RESOURCES, FAVICON)
        reached.clear()
        page.goto(f"{live_server.url}/visits/")
        second = page.evaluate(STATIC_RESOURCES, FAVICON)
    finally:
        request_started.disconnect(note_static_request, app)
        context.close()

    assert problems == []
    # The modules app.js imports came through the import map, under their versions.
    first_urls = {entry["url"] for entry in first}
    for module in ("notes.js", "offline-pages.js", "page-data.js", "push-settings.js"):
        assert any(re.search(rf"/static/js/{module}\?v=[0-9a-f]{{12}}$", u) for u in first_urls)
    # The second page needs the same files and takes every one from the cache: no request, not
    # even a check whether it changed.
    assert {entry["url"] for entry in second} >= {u for u in first_urls if "/js/" in u}
    assert [entry for entry in second if entry["bytes"] != 0] == []
    assert reached == []
