from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from fieldapp.common.forms import DateWithin, optional_choice


class AuditFilterForm(FlaskForm):
    """The filter bar of the audit log; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), validators=[optional_choice])
    actor = SelectField(_l("Who"), validators=[optional_choice])
    since = DateField(_l("From"), validators=[Optional(), DateWithin(25, 1)])
    until = DateField(_l("Until"), validators=[Optional(), DateWithin(25, 1)])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)], default=1)
