"""Form helpers shared by features."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

# A sensible ceiling for any single-line text field; longer input is refused with a message.
SHORT_TEXT = 200
LONG_TEXT = 5000

required = DataRequired(message=_l("This field is required."))
input_required = InputRequired(message=_l("This field is required."))


def short_text(maximum: int = SHORT_TEXT) -> Length:
    return Length(max=maximum, message=_l("Use at most %(max)d characters."))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def date_field(label: Any, *, optional: bool = False) -> DateField:
    """A date input; a malformed date gets a message, not a 500."""
    return DateField(
        label,
        validators=[Optional() if optional else input_required],
        render_kw={"autocomplete": "off"},
    )


def choice(value: str | int, label: Any) -> SelectChoice:
    return SelectChoice(str(value), label)


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


def show_rule_error(form: Any, error: Any) -> None:
    """Put a :class:`RuleBroken` message on its field, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_status(form: Any) -> int:
    """200 for a fresh form, 422 for one sent back with errors."""
    return 422 if form.is_submitted() else 200
