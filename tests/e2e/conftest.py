"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against the app
served on 127.0.0.1 by a thread of this test process.

Without /usr/bin/chromium the tests are skipped, unless FIELDAPP_REQUIRE_BROWSER=1 (set by CI),
which turns the skip into a failure. A failing test leaves a screenshot in tests/e2e/artifacts/.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.background_server import serve_in_background
from tests.clock import frozen_moment

CHROMIUM = Path(os.environ.get("FIELDAPP_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        if os.environ.get("FIELDAPP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


LAUNCH = {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}
PHONE_CONTEXT = {
    "viewport": PHONE,
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "nl-BE",
    "timezone_id": "Europe/Brussels",
}


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    browser = playwright.chromium.launch(**LAUNCH)
    yield browser
    browser.close()


@pytest.fixture
def persistent_context(playwright: Any, tmp_path: Path) -> Iterator[Any]:
    """A browser with a real profile on disk, for what Chromium refuses to incognito profiles
    (installing the app)."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", **LAUNCH, **PHONE_CONTEXT
    )
    context.set_default_timeout(10_000)
    context.clock.install(time=frozen_moment())
    yield context
    context.close()


class _InFlight:
    """The app, counting the requests it is answering: a request the browser started late (the
    service worker refreshing kept pages) must be over before the test's tables are emptied, or
    it holds locks that the emptying waits for. Werkzeug's threaded server does not wait for its
    request threads when it shuts down."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._active = 0
        self._changed = threading.Condition()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self._changed:
            self._active += 1
        result = self._app(environ, start_response)
        try:
            return list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # ends the request's app context: its database session is handed back
            with self._changed:
                self._active -= 1
                self._changed.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._active == 0, timeout)


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self._in_flight = _InFlight(app)
        self._server = make_server("127.0.0.1", 0, self._in_flight, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def __enter__(self) -> LiveServer:
        self._thread = serve_in_background(self._server)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._in_flight.wait_until_idle(timeout=30)
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The server's clock runs from the tests' moment, but Chromium's cookie jar keeps the machine's
    clock: sessions here last long enough that the browser never drops their cookie as expired."""
    return {
        "PERMANENT_SESSION_LIFETIME": timedelta(days=36_500),
        "REMEMBER_COOKIE_DURATION": timedelta(days=36_500),
    }


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    app.config["SERVER_NAME"] = None
    with LiveServer(app) as server:
        app.config["FIELDAPP_BASE_URL"] = server.url  # the address links are mailed and shown at
        yield server


@pytest.fixture
def context(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh phone-sized browser profile per test; a screenshot of each page if the test fails."""
    context = browser.new_context(**PHONE_CONTEXT)
    context.set_default_timeout(10_000)
    context.clock.install(time=frozen_moment())
    yield context
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for index, page in enumerate(context.pages):
            page.screenshot(path=ARTIFACTS / f"{request.node.name}-{index}.png", full_page=True)
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture(autouse=True)
def boxes_measured_once_styled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A locator's box is measured once its page has loaded, stylesheets included.

    A locator finds an element as soon as the parser has made it, while the stylesheet can still
    be on its way from the service worker: the element then measures as unstyled text (a 44 px
    button read as 17 px high on a busy machine). Nobody sees that state; the browser paints only
    once the stylesheet applies, so a test measures what is painted.
    """
    from playwright.sync_api import Locator

    measure = Locator.bounding_box

    def bounding_box(self: Locator, timeout: float | None = None) -> Any:
        self.page.wait_for_load_state("load")
        return measure(self, timeout=timeout)

    monkeypatch.setattr(Locator, "bounding_box", bounding_box)
