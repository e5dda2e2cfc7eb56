"""No secret and no personal data in a log line.

Secret links carry their token in the path (a rater's form, a floor supervisor's link, a calendar
feed, a password reset, an invitation); access logs (the development server's ``werkzeug`` logger,
gunicorn's ``gunicorn.access``) would keep them for anyone who reads the logs. A filter on those
loggers replaces every such token, also in a Referer, with ``[secret]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_SECRET_PATH = re.compile(r"(/(?:f|s|calendar|password/reset|invitation)/)[^/?#\s\"']+")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def redact(text: str) -> str:
    return _SECRET_PATH.sub(r"\1[secret]", text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redacted(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted(value) for value in record.args)
        return True


def install() -> None:
    """Add the filter to the access loggers, once per process."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
