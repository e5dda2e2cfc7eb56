from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from fieldapp.auth.passwords import MAX_LENGTH
from fieldapp.common.forms import short_text, strip
from fieldapp.i18n import language_choices

_required = DataRequired(message=_l("This field is required."))
_email = Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)
_password_length = Length(max=MAX_LENGTH, message=_l("Use at most %(max)d characters."))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[_required, short_text(254)], filters=[strip]
    )
    password = PasswordField(_l("Password"), validators=[_required, _password_length])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"), validators=[_required, _email, short_text(254)], filters=[strip]
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirmation = PasswordField(_l("New password again"), validators=[_required, _password_length])


class AcceptInvitationForm(NewPasswordForm):
    name = StringField(_l("Your name"), validators=[_required, short_text(120)], filters=[strip])


class SettingsForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[_required, short_text(120)], filters=[strip])
    language = SelectField(_l("Language"), choices=language_choices(with_browser_default=True))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[_required, _password_length])
    password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirmation = PasswordField(_l("New password again"), validators=[_required, _password_length])
