from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional


class AuditFilterForm(FlaskForm):
    """The filter bar of the audit log; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[Optional()])
    actor = SelectField(_l("Who"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)], default=1)
