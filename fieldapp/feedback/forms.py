from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from fieldapp.common.forms import required, short_text, strip
from fieldapp.feedback.frameworks import LANGUAGES, MAX_DESCRIPTION, MAX_LABEL
from fieldapp.i18n import LANGUAGES as STAFF_LANGUAGES
from fieldapp.i18n import RATER_LANGUAGES, direction


class FrameworkNameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required, short_text(120)], filters=[strip])


class CompetenceForm(FlaskForm):
    """A competence's label and observable description in every language raters read: Dutch,
    French and English, then each language with a catalog of its own (see ``fieldapp.i18n``),
    written in its own direction. Their fields are added below the class."""

    label_nl = StringField(_l("Label (Dutch)"), validators=[required, short_text(MAX_LABEL)])
    label_fr = StringField(_l("Label (French)"), validators=[short_text(MAX_LABEL)])
    label_en = StringField(_l("Label (English)"), validators=[short_text(MAX_LABEL)])
    description_nl = TextAreaField(
        _l("What you see on the work floor (Dutch)"), validators=[short_text(MAX_DESCRIPTION)]
    )
    description_fr = TextAreaField(
        _l("What you see on the work floor (French)"), validators=[short_text(MAX_DESCRIPTION)]
    )
    description_en = TextAreaField(
        _l("What you see on the work floor (English)"), validators=[short_text(MAX_DESCRIPTION)]
    )

    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        label = {code: self[f"label_{code}"].data or "" for code in LANGUAGES}
        description = {code: self[f"description_{code}"].data or "" for code in LANGUAGES}
        return label, description

    def fill(self, label: dict[str, str], description: dict[str, str]) -> None:
        for code in LANGUAGES:
            self[f"label_{code}"].data = label.get(code, "")
            self[f"description_{code}"].data = description.get(code, "")


def _add_fields_of_other_rater_languages(form: type[CompetenceForm]) -> None:
    """A label and a description field for each language raters read beyond nl, fr and en,
    marked with its language and direction."""
    for code, name in RATER_LANGUAGES.items():
        if code in STAFF_LANGUAGES:  # nl, fr and en have their fields in the class
            continue
        written = {"lang": code, "dir": direction(code)}
        label = _l("Label (%(language)s)", language=name)
        description = _l("What you see on the work floor (%(language)s)", language=name)
        setattr(
            form,
            f"label_{code}",
            StringField(label, validators=[short_text(MAX_LABEL)], render_kw=written),
        )
        setattr(
            form,
            f"description_{code}",
            TextAreaField(description, validators=[short_text(MAX_DESCRIPTION)], render_kw=written),
        )


_add_fields_of_other_rater_languages(CompetenceForm)
