"""The entry point for app servers (``gunicorn 'fieldapp.wsgi:app'``), run as gunicorn would
import it: in a process of its own, since it settles that process's garbage collector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

IMPORT_AS_A_WORKER = """
import gc
from fieldapp.wsgi import YOUNG_OBJECTS_BEFORE_A_COLLECTION, app

assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()
assert gc.get_threshold()[0] == YOUNG_OBJECTS_BEFORE_A_COLLECTION
response = app.test_client().get("/login")
assert response.status_code == 200, response.status_code
assert "<form" in response.get_data(as_text=True)
print("served")
"""


def test_the_app_servers_entry_point_serves_with_the_collector_settled(tmp_path: Path) -> None:
    done = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", IMPORT_AS_A_WORKER],
        env={
            "PATH": "/usr/bin:/bin",
            "FIELDAPP_INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
            "SECRET_KEY": "a test secret",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("served")
