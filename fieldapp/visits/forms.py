from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import NumberRange

from fieldapp.common.forms import choice, date_field, input_required, required, short_text, strip

# Made before VisitForm's fields, so that WTForms (which orders fields by when they were made)
# puts the client first in NewVisitForm.
_client_field = SelectField(_l("Client"), validators=[required])


class VisitForm(FlaskForm):
    day = date_field(_l("Day"), years_back=5, years_ahead=2)
    at = TimeField(_l("Time"), validators=[input_required])
    minutes = IntegerField(
        _l("Duration (minutes)"),
        default=60,
        validators=[
            input_required,
            NumberRange(min=5, max=480, message=_l("Between 5 and 480 minutes.")),
        ],
    )
    purpose = StringField(
        _l("Purpose"),
        validators=[short_text(200)],
        filters=[strip],
        description=_l("Short, for yourself: the calendar feed never shows it."),
    )


class NewVisitForm(VisitForm):
    """A visit planned from the agenda or the home screen: first choose one of one's clients."""

    client = _client_field

    def __init__(self, clients: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # No client chosen beforehand: a slip of the thumb must not plan a visit with the wrong one.
        self.client.choices = [choice("", "—")] + [choice(ident, name) for ident, name in clients]


class UnplannedVisitForm(FlaskForm):
    """A note for a visit that was not planned, with one of one's clients (the plain form; the
    phone's script keeps the same fields in its outbox and sends them as JSON)."""

    client = SelectField(_l("Client"), validators=[required], id="unplanned-client")
    body = TextAreaField(_l("What did you see and hear?"), id="unplanned-body")
    visit_uuid = HiddenField()
    note_uuid = HiddenField()
    revision_uuid = HiddenField()

    def __init__(self, clients: list[tuple[int, str]], *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.client.choices = [choice("", "—")] + [choice(ident, name) for ident, name in clients]
        if not self.is_submitted():
            for name in ("visit_uuid", "note_uuid", "revision_uuid"):
                getattr(self, name).data = str(uuid.uuid4())
