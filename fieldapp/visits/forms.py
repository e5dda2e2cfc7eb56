from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TimeField
from wtforms.validators import NumberRange

from fieldapp.common.forms import date_field, input_required, short_text, strip


class VisitForm(FlaskForm):
    day = date_field(_l("Day"), years_back=5, years_ahead=2)
    at = TimeField(_l("Time"), validators=[input_required])
    minutes = IntegerField(
        _l("Minutes"),
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
