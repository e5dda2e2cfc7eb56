"""Form helpers shared by features."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import Length

# A sensible ceiling for any single-line text field; longer input is refused with a message.
SHORT_TEXT = 200


def short_text(maximum: int = SHORT_TEXT) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def safe_next_url(target: str | None) -> str | None:
    """A same-site path to return to after signing in, or None for anything else."""
    if not target or len(target) > 500:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def first_error(field: Field) -> str | None:
    return field.errors[0] if field.errors else None
