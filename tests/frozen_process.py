"""Runs the ``flask`` command line in a child process whose clock starts at the tests' moment.

A child process does not share the test's frozen clock; ``python -m tests.frozen_process --app
fieldapp scheduler`` gives it the same moment (running on from there), so a reminder that the test
made due is due in the child too, on any calendar date.
"""

from __future__ import annotations

import time_machine
from flask.cli import main

from tests.clock import frozen_moment

if __name__ == "__main__":
    with time_machine.travel(frozen_moment(), tick=True):
        main()
