from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from fieldapp.common.forms import required, short_text, strip
from fieldapp.feedback.frameworks import LANGUAGES, MAX_DESCRIPTION, MAX_LABEL


class FrameworkNameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required, short_text(120)], filters=[strip])


class CompetenceForm(FlaskForm):
    """A competence's label and observable description in Dutch, French and English."""

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
