from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email

from fieldapp.auth.roles import Role
from fieldapp.common.forms import optional_choice, short_text, strip
from fieldapp.i18n import language_choices
from fieldapp.organisation.services import teams


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class InviteForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("This field is required.")), short_text(120)],
        filters=[strip],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("This field is required.")),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            short_text(254),
        ],
        filters=[strip],
    )
    role = SelectField(_l("Role"), default=Role.COUNSELLOR.value)
    language = SelectField(_l("Language"), choices=language_choices(with_browser_default=True))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"))
    team = SelectField(_l("Team"), validators=[optional_choice])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        self.team.choices = [SelectChoice("", _l("No team"))] + [
            SelectChoice(str(team.id), team.name) for team in teams()
        ]


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""
