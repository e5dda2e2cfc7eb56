from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from fieldapp.common.forms import date_field, required, short_text, strip


class MentorForm(FlaskForm):
    """A mentor for a client (a worksite contact, value ``c<id>``, or a colleague, ``u<id>``)."""

    mentor = SelectField(_l("Mentor (peter/meter)"), validators=[required])
    starts_on = date_field(_l("From"))
    note = StringField(_l("Note"), validators=[short_text(200)], filters=[strip])


class CounsellorMentorForm(FlaskForm):
    mentor = SelectField(_l("Mentor"), validators=[required])
    mentee = SelectField(_l("New counsellor"), validators=[required])
    starts_on = date_field(_l("From"))
    note = StringField(_l("Note"), validators=[short_text(200)], filters=[strip])
