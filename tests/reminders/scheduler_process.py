"""The real scheduler in a child process, with the tests' configuration (only it lets pushes go
to the local push service on 127.0.0.1): ``python -m tests.reminders.scheduler_process`` with
``DATABASE_URL`` and ``FIELDAPP_INSTANCE_PATH`` in the environment. Its clock runs on from the
tests' moment; its first pass starts at once, the next would wait an hour. A test kills it."""

from __future__ import annotations

import os
from pathlib import Path

import time_machine

from fieldapp import create_app, jobs
from tests.clock import frozen_moment
from tests.conftest import base_config

if __name__ == "__main__":
    with time_machine.travel(frozen_moment(), tick=True):
        config = base_config(os.environ["DATABASE_URL"], Path(os.environ["FIELDAPP_INSTANCE_PATH"]))
        jobs.run(create_app({**config, "FIELDAPP_DISPATCH_SECONDS": 3600}))
