from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, Optional

from fieldapp.common.forms import (
    LONG_TEXT,
    OptionalSelectField,
    QuickTextInput,
    choice,
    date_field,
    optional_choice,
    required,
    short_text,
    strip,
)

# Languages clients speak most often, named in themselves.
CLIENT_LANGUAGES = {
    "nl": "Nederlands",
    "fr": "Français",
    "en": "English",
    "de": "Deutsch",
    "ar": "العربية",
    "tr": "Türkçe",
    "ru": "Русский",
    "uk": "Українська",
    "ps": "پښتو",
    "fa": "فارسی",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "es": "Español",
    "pl": "Polski",
    "ro": "Română",
}


class ClientForm(FlaskForm):
    first_name = StringField(
        _l("First name"), validators=[required, short_text(80)], filters=[strip]
    )
    last_name = StringField(_l("Last name"), validators=[required, short_text(80)], filters=[strip])
    birth_date = date_field(_l("Date of birth"), optional=True, years_back=110, years_ahead=0)
    phone = TelField(_l("Phone"), validators=[short_text(40)], filters=[strip])
    email = EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            short_text(254),
        ],
        filters=[strip],
    )
    language = SelectField(
        _l("Language"), choices=[choice(code, name) for code, name in CLIENT_LANGUAGES.items()]
    )
    city = StringField(_l("Municipality"), validators=[short_text(80)], filters=[strip])
    counsellor = SelectField(_l("Counsellor"), validators=[optional_choice])


class ConsentForm(FlaskForm):
    note = StringField(
        _l("How was consent given?"),
        validators=[required, short_text(200)],
        filters=[strip],
        description=_l("For example: signed form in the file, 12 March."),
        widget=QuickTextInput(),  # on the client's file while consent is not recorded
    )


class HandoverForm(FlaskForm):
    to = SelectField(_l("New counsellor"), validators=[required])
    note = TextAreaField(
        _l("Hand-over note"),
        validators=[required, short_text(LONG_TEXT)],
        filters=[strip],
        description=_l("What should your colleague know to continue well?"),
    )


class ShareForm(FlaskForm):
    user = SelectField(_l("Share with"), validators=[required])
    include_sensitive = BooleanField(
        _l("Also the sensitive part (health, family, addiction, debts)")
    )


class CaseloadFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Name"), validators=[short_text(80)], filters=[strip])
    scheme = OptionalSelectField(_l("Scheme"))
    phase = OptionalSelectField(_l("Phase"))
    worksite = OptionalSelectField(_l("Worksite"))
    counsellor = OptionalSelectField(_l("Counsellor"))
    attention = BooleanField(_l("Needs attention"))
    # Never shown: a label of its own spares WTForms translating the field's name, for which
    # Flask-WTF reads WTForms' catalog from disk.
    page = IntegerField("", validators=[Optional(), NumberRange(min=1, max=100_000)], default=1)
