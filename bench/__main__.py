"""Benchmarks printed by ``make bench``.

Each page's median server time (in-process, through the whole WSGI stack) is printed next to a
bare Flask route measured in the same run, with the ratio, and with the number of SQL queries the
page issues on a small and on a large organisation: a number that must not grow with the data.
Set FIELDAPP_BENCH_DATABASE_URL to measure on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import os
import resource
import tempfile
from pathlib import Path

from sqlalchemy import insert

from bench.measure import bare_flask_app, time_requests
from fieldapp import create_app
from fieldapp.audit.models import AuditEvent
from fieldapp.auth import services
from fieldapp.auth.roles import Role
from fieldapp.common.time import now_utc
from fieldapp.extensions import db

PASSWORD = "a benchmark sentence nobody guesses"
PAGES = ("/login", "/", "/settings", "/admin/users/", "/admin/audit/")


def build_app(instance: Path, database_url: str | None):
    return create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "FIELDAPP_ENV": "development",
            "FIELDAPP_MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": False,
            "FIELDAPP_LOGIN_LIMIT": "100000 per minute",
        }
    )


def populate(people: int, events: int) -> None:
    organisation = services.create_organisation("OCMW Bench", f"ocmw-bench-{people}")
    admin = services.create_user(
        organisation,
        email=f"admin{people}@bench.example",
        name="Admin",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    db.session.execute(
        insert(type(admin)),
        [
            {
                "organisation_id": organisation.id,
                "email": f"user{people}-{i}@bench.example",
                "name": f"Counsellor {i}",
                "role": Role.COUNSELLOR.value,
                "password_hash": admin.password_hash,
                "session_token": f"token-{people}-{i}",
            }
            for i in range(people)
        ],
    )
    now = now_utc()
    db.session.execute(
        insert(AuditEvent),
        [
            {
                "organisation_id": organisation.id,
                "action": "auth.login",
                "actor_id": admin.id,
                "at": now,
                "detail": {},
            }
            for _ in range(events)
        ],
    )
    db.session.commit()


def measure_organisation(app, people: int, events: int) -> dict[str, tuple[float, float, int]]:
    with app.app_context():
        populate(people, events)
        engine = db.engine
    client = app.test_client()
    client.post("/login", data={"email": f"admin{people}@bench.example", "password": PASSWORD})
    results = {}
    for path in PAGES:
        if path == "/login":
            timing = time_requests(app.test_client(), path, engine)
        else:
            timing = time_requests(client, path, engine)
        results[path] = (timing.median_ms, timing.p95_ms, timing.queries)
    return results


def main() -> None:
    database_url = os.environ.get("FIELDAPP_BENCH_DATABASE_URL")
    bare = time_requests(bare_flask_app().test_client(), "/")
    with tempfile.TemporaryDirectory() as small_dir, tempfile.TemporaryDirectory() as large_dir:
        small_app = build_app(Path(small_dir), database_url)
        large_app = build_app(Path(large_dir), database_url)
        for app in (small_app, large_app):
            with app.app_context():
                db.drop_all()
                db.create_all()
        small = measure_organisation(small_app, people=5, events=50)
        large = measure_organisation(large_app, people=200, events=100_000)
        with large_app.app_context():
            dialect = db.engine.dialect.name

    print(f"fieldapp bench on {dialect}; bare Flask route median {bare.median_ms:.3f} ms\n")
    header = f"{'page':<16}{'median ms':>10}{'p95 ms':>9}{'x bare':>8}{'queries':>9}{'(small)':>9}"
    print(header)
    print("-" * len(header))
    for path in PAGES:
        median, p95, queries = large[path]
        print(
            f"{path:<16}{median:>10.2f}{p95:>9.2f}{median / bare.median_ms:>8.1f}"
            f"{queries:>9}{small[path][2]:>9}"
        )
    print("\nlarge organisation: 200 people, 100,000 audit events; small: 5 people, 50 events")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MiB")
    grown = [path for path in PAGES if large[path][2] != small[path][2]]
    if grown:
        raise SystemExit(f"query count grows with the data on: {', '.join(grown)}")


if __name__ == "__main__":
    main()
