from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from fieldapp.common.forms import LONG_TEXT, choice, date_field, required, short_text, strip
from fieldapp.referrals.models import ReferralStatus


class ReferralForm(FlaskForm):
    partner = StringField(
        _l("Partner service"),
        validators=[required, short_text(120)],
        filters=[strip],
        render_kw={"list": "partner-suggestions"},
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[short_text(LONG_TEXT)],
        filters=[strip],
        description=_l("Only the counsellor and the team lead see this."),
    )
    status = SelectField(_l("Status"), validators=[required])
    follow_up_on = date_field(_l("Follow up on"), optional=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [choice(status.value, status.label) for status in ReferralStatus]
