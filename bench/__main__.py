"""Benchmarks printed by ``make bench``.

Two organisations live in one database: a small one and a large one (200 counsellors, 5,000
clients, 8,000 trajectories, 20,000 referrals, 100,000 timeline events). For each page, its median
server time on the large organisation (in-process, through the whole WSGI stack) is printed next to
a bare Flask route measured in the same run, and the number of SQL queries it sends for the large
and for the small organisation, which must be equal. Runs on SQLite, and on PostgreSQL when
FIELDAPP_BENCH_DATABASE_URL is set or the local test database (127.0.0.1:5432/test) answers.

Then the evaluation cycle at scale (``bench/history.py``): a client with two years of history
against one with little. ``FIELDAPP_BENCH_ONLY=history`` builds only the large organisation and
runs only that part (a few minutes instead of some fifteen); unset, everything runs.

Then the heavy pages served as in production (``bench/server_cpu.py``): gunicorn with two workers
under a concurrent load, each page's worker CPU per request next to a bare Flask route served the
same way (``FIELDAPP_BENCH_ONLY=server`` runs only that part).

Then a home open with kept pages (``bench/kept_pages.py``): the requests and bytes a phone gets
and the server time, without conditional requests (before) and with them (after);
``FIELDAPP_BENCH_ONLY=kept`` builds only the large organisation and runs only that.

Then a counsellor's day on a phone (``bench/phone_day.py``): requests and bytes on a new phone, on
a later day now, and on a later day as before conditional requests (``FIELDAPP_BENCH_ONLY=day``).
"""

from __future__ import annotations

import os
import resource
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench import accounts as accounts_bench
from bench import feedback as feedback_bench
from bench import history as history_bench
from bench import imports as imports_bench
from bench import kept_pages as kept_bench
from bench import phone_day, server_cpu
from bench import reminders as reminders_bench
from bench import supervisor as supervisor_bench
from bench.app import app_for
from bench.generate import LARGE, PASSWORD, SMALL, populate
from bench.measure import bare_flask_app, time_requests
from bench.sync import plan_visit, sync_outbox
from fieldapp.common.dates import today
from fieldapp.extensions import db
from fieldapp.feedback.models import FeedbackRound
from fieldapp.instance import normalise_database_url

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PARTS = ("pages", "history", "server", "kept", "day")  # FIELDAPP_BENCH_ONLY picks one of them
# (who, path): who is counsellor, lead, admin or anonymous; {client} is the busiest client.
PAGES = (
    ("anonymous", "/login"),
    ("counsellor", "/"),
    ("counsellor", "/clients/"),
    ("counsellor", "/clients/?attention=y"),
    ("counsellor", "/clients/?q=achternaam0"),
    ("counsellor", "/clients/{client}"),
    ("lead", "/clients/"),
    ("lead", "/reports/yearly"),
    ("admin", "/clients/?scheme=art60&phase=3"),
    ("admin", "/team/"),
    ("admin", "/admin/audit/"),
)
# The heavy pages of a counsellor's day, measured again under gunicorn (bench/server_cpu.py);
# {round} is a 360° round with 30 answers.
HEAVY_PAGES = (
    "/",
    "/clients/",
    "/clients/?q=achternaam0",
    "/clients/{client}",
    "/feedback/rounds/{round}/report",
    "/notifications",
)


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    schema = f"fieldapp_bench_{secrets.token_hex(4)}"
    engine = create_engine(normalise_database_url(base_url))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_database_url(base_url)).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def postgres_url() -> str | None:
    url = os.environ.get("FIELDAPP_BENCH_DATABASE_URL")
    if url:
        return url
    try:
        engine = create_engine(LOCAL_POSTGRES, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
    except OperationalError:
        return None
    return LOCAL_POSTGRES


def parts_to_run() -> tuple[str, ...]:
    only = os.environ.get("FIELDAPP_BENCH_ONLY", "").strip()
    if not only:
        return PARTS
    if only not in PARTS:
        raise SystemExit(f"FIELDAPP_BENCH_ONLY is one of {', '.join(PARTS)} (or unset)")
    return (only,)


def run(database_url: str, instance: Path, bare_ms: float, parts: tuple[str, ...]) -> bool:
    app = app_for(database_url, instance)
    sizes = (("small", SMALL), ("large", LARGE)) if "pages" in parts else (("large", LARGE),)
    with app.app_context():
        db.create_all()
        dialect = db.engine.dialect.name
        started = time.perf_counter()
        ids = {name: populate(name, size, today()) for name, size in sizes}
        # A live database has planner statistics (autovacuum); a freshly bulk-loaded one has none.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        seconds = time.perf_counter() - started
        engine = db.engine
    print(f"\n== {dialect}: generated {' and '.join(dict(sizes))} in {seconds:.1f} s")
    steady = True
    if "pages" in parts:
        steady &= measure_pages(app, engine, ids, bare_ms)
    if "history" in parts:
        # Built after the pages are measured, so that they see the same kinds of data in both
        # organisations.
        with app.app_context():
            started = time.perf_counter()
            histories = history_bench.prepare(ids["large"], today())
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            seconds = time.perf_counter() - started
        print(f"\nbuilt the two histories in {seconds:.1f} s")
        steady &= history_bench.run(app, engine, histories, bare_ms)
    if "server" in parts:
        with app.app_context():
            round_id = feedback_bench.prepare(ids["large"]["counsellor"]).round_id
        paths = [p.format(client=ids["large"]["client"], round=round_id) for p in HEAVY_PAGES]
        costs, waiting = server_cpu.page_costs(
            database_url, instance, "c0@large.example", PASSWORD, paths
        )
        print()
        print(server_cpu.report(costs, waiting))
    if {"kept", "day"} & set(parts):
        counsellor = ids["large"]["counsellor"]
        with app.app_context():
            email = kept_bench.prepare(counsellor)
            day_plan = phone_day.plan(email, counsellor)
    if "kept" in parts:
        print()
        print(kept_bench.report(*kept_bench.measure(app, email, PASSWORD)))
    if "day" in parts:
        print()
        print(phone_day.report(phone_day.measure(app, day_plan, PASSWORD)))
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return steady


def measure_pages(app, engine, ids: dict[str, dict[str, int]], bare_ms: float) -> bool:
    """The pages of both organisations, the outbox, the 360° form and report, the floor
    supervisor's link, sign-in probing and the reminders' fan-out."""
    with app.app_context():
        large = ids["large"]
        visit_id = plan_visit(large["organisation"], large["counsellor"], large["client"])
        # Both organisations get a 360° round, so that their pages show the same kinds of data.
        feedback_bench.prepare(ids["small"]["counsellor"])
        prepared = feedback_bench.prepare(large["counsellor"])
        keys = [c["key"] for c in db.session.get(FeedbackRound, prepared.round_id).competences]
    clients = {}
    for org in ("small", "large"):
        for who, email in (("counsellor", "c0"), ("lead", "lead"), ("admin", "admin")):
            client = app.test_client()
            response = client.post(
                "/login", data={"email": f"{email}@{org}.example", "password": PASSWORD}
            )
            assert response.status_code == 302, (org, who)
            clients[org, who] = client
        clients[org, "anonymous"] = app.test_client()

    columns = ("median ms", "p95 ms", "x bare", "queries", "small")
    header = f"{'page':<34}{'as':<11}" + "".join(f"{c:>10}" for c in columns)
    print(header)
    print("-" * len(header))
    steady = True
    for who, pattern in PAGES:
        large_path = pattern.format(client=ids["large"]["client"])
        small_path = pattern.format(client=ids["small"]["client"])
        large = time_requests(clients["large", who], large_path, engine, rounds=40)
        small = time_requests(clients["small", who], small_path, engine, rounds=5)
        steady &= large.queries == small.queries
        print(
            f"{pattern:<34}{who:<11}{large.median_ms:>10.2f}{large.p95_ms:>10.2f}"
            f"{large.median_ms / bare_ms:>10.1f}{large.queries:>10}{small.queries:>10}"
        )
    with app.app_context():
        sync = sync_outbox(clients["large", "counsellor"], visit_id)
    print(
        f"notes outbox of {sync.notes}: first sync {sync.first_seconds:.2f} s "
        f"({sync.notes_per_second:.0f} notes/s, {sync.first_seconds * 1000 / sync.notes:.2f} ms "
        f"a note = {sync.first_seconds * 1000 / sync.notes / bare_ms:.0f}x bare), "
        f"sent again {sync.repeat_seconds:.2f} s; one row a note"
    )
    rater = app.test_client()
    form_path = f"/f/{prepared.tokens[0]}"
    weight = feedback_bench.form_weight(rater, form_path)
    report_path = f"/feedback/rounds/{prepared.round_id}/report"
    report = time_requests(clients["large", "counsellor"], report_path, engine, rounds=40)
    print(
        f"360° form at a link: first load {weight.total_bytes / 1024:.1f} KB uncompressed in "
        f"{weight.requests} requests, {weight.other_hosts} to other hosts (limit 60 KB, 4); "
        f"show {feedback_bench.show_ms(rater, form_path):.2f} ms, "
        f"submit {feedback_bench.submit_ms(rater, prepared.tokens[1:], keys):.2f} ms (median)"
    )
    supervisor_token = supervisor_bench.prepare(app, ids["large"]["counsellor"])
    print(supervisor_bench.report(supervisor_bench.measure(app.test_client(), supervisor_token)))
    print(
        f"360° report of a round with {feedback_bench.ANSWERS} answers: {report.median_ms:.2f} ms "
        f"median ({report.median_ms / bare_ms:.0f}x bare), {report.queries} queries"
    )
    accounts = accounts_bench.probe(app, "c0@large.example")
    print(
        f"no account probing: sign-in with a wrong password {accounts.sign_in_known_ms:.1f} ms "
        f"for an address with an account, {accounts.sign_in_unknown_ms:.1f} ms without; "
        f"reset request {accounts.reset_known_ms:.1f} ms / {accounts.reset_unknown_ms:.1f} ms "
        "(median)"
    )
    fan = reminders_bench.fan_out(app, ids["large"]["organisation"])
    print(
        f"reminders: {reminders_bench.REMINDERS:,} pushes in one dispatcher pass "
        f"{fan.app_seconds:.1f} s = {fan.app_per_second:.0f}/s "
        f"(floor, a plain encrypt-and-post loop: {fan.floor_per_second:.0f}/s); "
        f"database locks held {fan.lock_seconds * 1000:.0f} ms in all, "
        f"{fan.longest_lock_seconds * 1000:.0f} ms at most at once; "
        f"each delivered once: {fan.delivered_once}"
    )
    # Into the caseload of the organisation's last counsellor: in c0's, whom the later parts
    # sign in as, the 5,000 clients made the server part measure a caseload of 5,025 (its home
    # and notifications at some 100x the bare route on SQLite, against 14-17x for c0's own 25).
    importer = f"c{LARGE.counsellors - 1}@large.example"
    print(
        imports_bench.report(imports_bench.measure(app, "admin@large.example", PASSWORD, importer))
    )
    return steady


def main() -> None:
    bare = time_requests(bare_flask_app().test_client(), "/", rounds=500)
    print(
        f"fieldapp bench; bare Flask route median {bare.median_ms:.3f} ms (same process, same run)"
    )
    print(f"large organisation: {LARGE}")
    parts = parts_to_run()
    steady = True
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        steady &= run(sqlite, Path(folder), bare.median_ms, parts)
        url = postgres_url()
        if url is None:
            print("\n== postgresql: skipped (set FIELDAPP_BENCH_DATABASE_URL)")
        else:
            with postgres_schema(url) as schema_url:
                steady &= run(schema_url, Path(folder), bare.median_ms, parts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:.0f} MiB")
    if not steady:
        raise SystemExit(
            "a page sends more queries for the large organisation (or the long history) than for"
            " the small one (or the short history)"
        )


if __name__ == "__main__":
    main()
