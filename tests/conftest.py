"""Fixtures: a fresh database per test on SQLite, or on PostgreSQL when
``FIELDAPP_TEST_DATABASE_URL`` is set (each run in a schema of its own, dropped at the end)."""

from __future__ import annotations

import contextvars
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from limits.storage import MemoryStorage
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from fieldapp import create_app
from fieldapp.auth import services as auth_services
from fieldapp.extensions import db as _db
from fieldapp.extensions import limiter
from fieldapp.instance import normalise_database_url
from fieldapp.mail import delivery
from fieldapp.mail.services import Message, outbox_dir, sent_messages
from tests.clock import frozen_moment
from tests.factories import DEFAULT_PASSWORD, CaseloadFactories
from tests.fuzzing.tally import TALLY
from tests.kept_worlds import RESTART_SEQUENCES

POSTGRES_URL = os.environ.get("FIELDAPP_TEST_DATABASE_URL")


def schema_url(base_url: str, schema: str) -> str:
    """The PostgreSQL URL whose connections use ``schema`` as their search path, and whose commits
    do not wait until the server has written them to disk (``synchronous_commit=off``, as
    ``PRAGMA synchronous=OFF`` on SQLite below): the schema is dropped after the run; a commit
    is still atomic and seen by every other connection at once."""
    url = make_url(normalise_database_url(base_url))
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    return url.update_query_dict({"options": options}).render_as_string(hide_password=False)


def create_schema(base_url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """Create a fresh PostgreSQL schema; returns its URL and a function that drops it."""
    schema = f"{prefix}_{secrets.token_hex(4)}"
    engine = create_engine(normalise_database_url(base_url))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()

    return schema_url(base_url, schema), drop


@event.listens_for(Engine, "connect")
def _commits_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    """The tests' SQLite databases are thrown away after the run, so a commit need not wait until
    the disk has the data (``PRAGMA synchronous=OFF``; the app's own pragmas stand). A test makes
    some thirty commits, and each waited for an fdatasync of a few milliseconds: about a minute
    of the suite on a 2-core machine, with both cores idle. What a commit means to the other
    connections and processes (locks, what they read) is the same; only a crash of the operating
    system could lose the last commits, which no test looks at."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Coordinates]:
    """Every test runs at the frozen moment of ``tests/clock.py``. The clock stands still, except in
    browser tests, where it runs on from that moment as the browser's timers need it to."""
    ticking = request.node.get_closest_marker("e2e") is not None
    with time_machine.travel(frozen_moment(), tick=ticking) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if POSTGRES_URL:
        url, drop = create_schema(POSTGRES_URL, "fieldapp_test")
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def base_config(database_url: str, instance_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "FIELDAPP_ENV": "development",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "FIELDAPP_HSTS": False,
        "FIELDAPP_MAIL_BACKEND": "memory",
        # Mailed links start here: the test client's own address, as a deployment sets its own.
        "FIELDAPP_BASE_URL": "http://localhost",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FIELDAPP_PUSH_PRIVATE_ENDPOINTS": True,  # the local push service on 127.0.0.1
        # Cheap hashing keeps the suite fast; production uses RFC 9106 costs.
        "FIELDAPP_ARGON2_TIME_COST": 1,
        "FIELDAPP_ARGON2_MEMORY_KIB": 64,
    }


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Flask reuses an app context that is already pushed; tests hold one (the ``db`` fixture), and
    sharing it would carry ``g`` (the signed-in user, the tenant) from one request to the next.
    It asks for English pages, so that assertions read naturally; the i18n tests ask for nl and fr.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        _db.create_all()
    yield
    for shared in _APPS.values():
        with shared.app_context():
            _db.engine.dispose()
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Override in a test module (or parametrize) to change the app's configuration."""
    return {}


_APPS: dict[str, Flask] = {}


@pytest.fixture
def app(
    database_url: str,
    _schema: None,
    app_config: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    """The app for this test's configuration.

    Building an app costs about a tenth of a second (Werkzeug compiles every URL rule), so one is
    made per distinct configuration and shared by the tests that use it. What a test can change
    is given back to the next one fresh: the configuration, the mail it sent, the rate limits, the
    development mail outbox, and every table's rows. A test marked ``own_app`` (it adds a route, or
    needs an empty instance folder) gets an app of its own.
    """
    own = request.node.get_closest_marker("own_app") is not None
    key = repr(sorted(app_config.items()))
    app = None if own else _APPS.get(key)
    if app is None:
        instance = tmp_path_factory.mktemp("instance")
        app = create_app({**base_config(database_url, instance), **app_config})
        app.test_client_class = IsolatedClient
        if not own:
            _APPS[key] = app
    config = dict(app.config)
    _limiter_for(app)
    yield app
    app.config.clear()
    app.config.update(config)
    sent_messages(app).clear()
    _forget_kept(app)
    shutil.rmtree(outbox_dir(app), ignore_errors=True)
    with app.app_context():
        _db.session.remove()
        _empty_all_tables()
        if own:
            _db.engine.dispose()


def _forget_kept(app: Flask) -> None:
    """What the app keeps of the rows it read (``fieldapp_kept_*``, such as a 360° round's
    points) goes with the rows: the next test's ids start at 1 again, on the same frozen clock."""
    for name in [name for name in app.extensions if name.startswith("fieldapp_kept_")]:
        del app.extensions[name]


def _limiter_for(app: Flask) -> None:
    """The limiter is one object for the process, switched on or off and bound to a storage by
    the app made last: make it follow this test's app, with no counts. A test that makes an app of
    its own with other storage binds it back to memory (see test_shared_throttling)."""
    limiter.enabled = app.config.get("RATELIMIT_ENABLED", True)
    storage = limiter.limiter.storage
    assert isinstance(storage, MemoryStorage), f"the limiter was left on {storage}"
    limiter.reset()


def _empty_all_tables() -> None:
    """Children before parents. A DELETE, on PostgreSQL too: a TRUNCATE of every table makes new
    files for each of them and cost about half a second a test, a DELETE of the few rows a test
    wrote costs milliseconds. Ids start again at 1 (SQLite does so by itself). On PostgreSQL the
    statements go in one round trip."""
    tables = reversed(_db.metadata.sorted_tables)
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            deletes = [table.delete().compile(dialect=connection.dialect) for table in tables]
            connection.exec_driver_sql(";".join(map(str, [*deletes, RESTART_SEQUENCES])))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    with app.app_context():
        yield _db


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make(db: Any, request: pytest.FixtureRequest) -> CaseloadFactories:
    """Factories that return committed records: ``make.organisation()``, ``make.user(...)``,
    ``make.client(...)``, ``make.world()`` (a complete client file). Where the clock stands
    still, a world is built once and written back after (``tests/kept_worlds.py``)."""
    ticking = request.node.get_closest_marker("e2e") is not None
    return CaseloadFactories(db, keeps_worlds=not ticking)


@pytest.fixture
def sent_mail(app: Flask) -> Callable[[], list[Message]]:
    """``sent_mail()`` runs the scheduler's mail pass, as the scheduler would (in an app context
    of its own, after the requests have committed), and returns every message sent so far in this
    test. Requests only queue mail: a test reads it through here, never before a pass."""

    def run() -> list[Message]:
        with app.app_context():
            delivery.send_due()
        return sent_messages(app)

    return run


@pytest.fixture
def send_resets(app: Flask, db: Any) -> Callable[[], int]:
    """The scheduler's job that mails the reset links asked for on "forgot password"."""

    def run() -> int:
        with app.test_request_context():
            mailed = auth_services.send_requested_resets()
            db.session.commit()
        return mailed

    return run


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **extra: Any) -> Any:
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self) -> Any:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands the generated-input tally to the process that prints it."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_tally"] = TALLY.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    tally = getattr(node, "workeroutput", {}).get("fuzz_tally")
    if tally is not None:
        TALLY.add(tally)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in TALLY.summary():
        terminalreporter.write_line(line)
