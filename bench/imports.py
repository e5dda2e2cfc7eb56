"""The spreadsheet import in ``make bench``: an administrator previews and confirms a file of
5,000 new clients, each with a current trajectory, then previews the same file again (every row
unchanged). Times are the whole request, through the WSGI stack, with the SQL query count.

Run alone on a fresh SQLite database: ``.venv/bin/python -m bench.imports``.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import Flask
from openpyxl import Workbook

from bench.measure import counting_queries
from fieldapp.common.dates import today
from fieldapp.extensions import db

CLIENTS = int(__import__("os").environ.get("IMPORT_BENCH_ROWS", "5000"))
HEADERS = (
    "First name",
    "Last name",
    "Birth date",
    "Town",
    "Counsellor (e-mail address)",
    "Scheme",
    "Start",
    "Planned end",
)


@dataclass(frozen=True)
class ImportTimes:
    rows: int
    preview_seconds: float
    preview_queries: int
    import_seconds: float
    again_seconds: float


def workbook(counsellor: str, rows: int = CLIENTS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Clients"
    sheet.append(HEADERS)
    start = today() - timedelta(days=60)
    for n in range(rows):
        birth = today() - timedelta(days=7000 + n)
        end = start + timedelta(days=360)
        sheet.append(
            (f"Ingevoerd{n}", f"Bestand{n}", birth, "Gent", counsellor, "art60", start, end)
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(
    app: Flask, admin: str, password: str, counsellor: str, rows: int = CLIENTS
) -> ImportTimes:
    with app.app_context():
        data = workbook(counsellor, rows)
    client = app.test_client()
    signed_in = client.post("/login", data={"email": admin, "password": password})
    assert signed_in.status_code == 302, "the administrator signs in"
    with app.app_context():
        engine = db.engine
    started = time.perf_counter()
    with counting_queries(engine) as statements:
        preview = _upload(client, data)
    preview_seconds = time.perf_counter() - started
    assert preview.status_code == 200, preview.status_code
    upload_id = re.search(r'name="upload" type="hidden" value="(\d+)"', preview.text)
    assert upload_id is not None
    started = time.perf_counter()
    confirmed = client.post("/admin/import/confirm", data={"upload": upload_id.group(1)})
    import_seconds = time.perf_counter() - started
    assert confirmed.status_code == 302, confirmed.status_code
    started = time.perf_counter()
    again = _upload(client, data)
    again_seconds = time.perf_counter() - started
    assert f'data-count="clients-unchanged">{rows}<' in again.text
    return ImportTimes(rows, preview_seconds, len(statements), import_seconds, again_seconds)


def _upload(client, data: bytes):
    return client.post(
        "/admin/import/preview",
        data={"file": (io.BytesIO(data), "caseload.xlsx")},
        content_type="multipart/form-data",
    )


def report(times: ImportTimes) -> str:
    return (
        f"import of {times.rows:,} clients with a trajectory: "
        f"preview {times.preview_seconds:.1f} s "
        f"({times.preview_queries} queries), confirm {times.import_seconds:.1f} s "
        f"({times.rows / times.import_seconds:.0f} clients/s), "
        f"same file previewed again {times.again_seconds:.1f} s (all unchanged)"
    )


def main() -> None:
    from bench.__main__ import app_for
    from fieldapp.auth import services
    from fieldapp.auth.roles import Role

    password = "a benchmark sentence nobody guesses"
    with tempfile.TemporaryDirectory() as folder:
        app = app_for(f"sqlite:///{Path(folder) / 'import.db'}", Path(folder))
        with app.app_context():
            db.create_all()
            organisation = services.create_organisation("OCMW Import", "ocmw-import")
            for email, role in (
                ("admin@import.example", Role.ADMIN),
                ("c0@import.example", Role.COUNSELLOR),
            ):
                services.create_user(
                    organisation, email=email, name=email, role=role, password=password
                )
            db.session.commit()
        print(report(measure(app, "admin@import.example", password, "c0@import.example")))


if __name__ == "__main__":
    main()
