from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from fieldapp.aftercare.models import ContractKind, Sector, Situation
from fieldapp.common.forms import choice, date_field, optional_choice, required


class AftercareForm(FlaskForm):
    recorded_on = date_field(_l("Date"), years_ahead=0)
    situation = SelectField(_l("Where is the client now?"), validators=[required])
    sector = SelectField(_l("Sector (for a regular job)"), validators=[optional_choice])
    contract = SelectField(_l("Kind of contract (for a regular job)"), validators=[optional_choice])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.situation.choices = [choice(s.value, s.label) for s in Situation]
        self.sector.choices = [choice("", "—")] + [choice(s.value, s.label) for s in Sector]
        self.contract.choices = [choice("", "—")] + [choice(c.value, c.label) for c in ContractKind]
