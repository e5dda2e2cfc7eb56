"""The contact form (a plain HTML form; the phone's script sends the same fields as JSON)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from fieldapp.common.forms import (
    QuickDateTimeLocalInput,
    QuickHiddenInput,
    QuickRadioField,
    QuickTextArea,
    choice,
    required,
    short_text,
    strip,
)
from fieldapp.common.time import local_moment, local_zone, now_utc
from fieldapp.contact_moments.models import KIND_LABELS, ContactKind
from fieldapp.contact_moments.services import MAX_NOTE

REACHED = [choice("yes", _l("Reached")), choice("no", _l("Not reached"))]
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"  # an <input type="datetime-local">'s value, to the minute


class ContactForm(FlaskForm):
    kind = QuickRadioField(
        _l("Kind of contact"),
        choices=[choice(kind.value, KIND_LABELS[kind]) for kind in ContactKind],
        default=ContactKind.PHONE_CALL.value,
        validators=[required],
        id="contact-kind",
    )
    reached = QuickRadioField(
        _l("Reached?"),
        choices=REACHED,
        default="yes",
        validators=[required],
        id="contact-reached",
    )
    note = TextAreaField(
        _l("Short note"),
        validators=[short_text(MAX_NOTE)],
        filters=[strip],
        render_kw={"rows": 2},
        id="contact-note",  # ids of their own: the client's file holds other forms with a note
        widget=QuickTextArea(),
    )
    happened_at = DateTimeLocalField(
        _l("When"),
        format=MOMENT_FORMAT,
        validators=[Optional()],
        description=_l("Now, unless you change it."),
        id="contact-happened-at",
        widget=QuickDateTimeLocalInput(),
    )
    # Labelled, though a hidden field shows no label: without one WTForms would load its own
    # translations (a file read on every page with this form) to title-case "uuid".
    uuid = HiddenField("uuid", id="contact-uuid", widget=QuickHiddenInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_submitted():
            self.uuid.data = str(uuid.uuid4())
            self.happened_at.data = now_to_the_minute()

    def payload(self) -> dict[str, Any]:
        """The fields as the phone sends them (read by ``services.parse``)."""
        moment, text = self.happened_at.data, None
        if moment is not None:
            try:
                text = moment.replace(tzinfo=local_zone()).astimezone(UTC).isoformat()
            except OverflowError:  # 0001-01-01T00:00: the service says it cannot be read
                text = "unreadable"
        return {
            "uuid": self.uuid.data,
            "kind": self.kind.data,
            "reached": self.reached.data != "no",
            "note": self.note.data or "",
            "happened_at": text,
        }


def now_to_the_minute() -> datetime:
    """A new contact's moment, as the form shows it: now, on the wall clock of the organisation."""
    return local_moment(now_utc()).replace(second=0, microsecond=0, tzinfo=None)


class HomeContactForm(ContactForm):
    """From the home screen: first choose one of one's clients."""

    client = SelectField(_l("Client"), validators=[required], id="contact-client")

    def __init__(self, clients: list[tuple[int, str]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client.choices = [choice("", "—")] + [choice(i, name) for i, name in clients]


class RhythmForm(FlaskForm):
    days = StringField(
        _l("Contact rhythm for this client (days)"),
        filters=[strip],
        description=_l("Empty: the organisation's rhythm for the client's phase."),
        render_kw={"inputmode": "numeric"},
    )
