"""How log lines look: text with the request id, or one JSON object a line
(``FIELDAPP_LOG_JSON=1``) with time, level, logger, message and request id.

``create_app`` puts one handler on the root logger when nobody configured logging before (the
development server, gunicorn's workers, the scheduler); under a logging configuration of one's
own (``--log-config``, pytest) it adds none. Secrets are redacted before any formatter sees the
record (``log_redaction``), so both formats are safe.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO

from flask.logging import default_handler

from fieldapp.common.request_ids import NONE

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = NONE
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object a line; an exception's traceback goes in ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NONE),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(json_lines: bool) -> logging.Formatter:
    return JsonFormatter() if json_lines else TextFormatter()


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``install`` adds, told apart from handlers someone else configured."""


def install(
    json_lines: bool, root: logging.Logger | None = None, stream: IO[str] | None = None
) -> None:
    """Write log lines in the chosen format to stderr, unless logging is configured elsewhere."""
    root = root or logging.getLogger()
    ours = [handler for handler in root.handlers if isinstance(handler, _OurHandler)]
    if root.handlers and not ours:
        return
    if not ours:
        ours = [_OurHandler(stream or sys.stderr)]
        root.addHandler(ours[0])
    for handler in ours:
        handler.setFormatter(formatter(json_lines))
    # Flask's own handler on the app's logger would write every line a second time.
    logging.getLogger("fieldapp").removeHandler(default_handler)
