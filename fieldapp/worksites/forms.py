from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TelField
from wtforms.validators import Email, Optional

from fieldapp.common.forms import choice, required, short_text, strip
from fieldapp.i18n import language_choices
from fieldapp.worksites.models import ContactRole, WorksiteKind


class WorksiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required, short_text(120)], filters=[strip])
    kind = SelectField(_l("Kind"), validators=[required])
    address = StringField(_l("Address"), validators=[short_text(200)], filters=[strip])
    active = BooleanField(_l("Still in use"), default=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [choice(kind.value, kind.label) for kind in WorksiteKind]


class ContactForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required, short_text(120)], filters=[strip])
    role = SelectField(_l("Role"), validators=[required])
    email = EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            short_text(254),
        ],
        filters=[strip],
    )
    phone = TelField(_l("Phone"), validators=[short_text(40)], filters=[strip])
    language = SelectField(_l("Language"), choices=language_choices(with_browser_default=True))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [choice(role.value, role.label) for role in ContactRole]
