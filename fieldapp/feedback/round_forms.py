from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import Email, Optional, Regexp

from fieldapp.common.forms import choice, date_field, short_text, strip
from fieldapp.feedback.models import RaterGroup
from fieldapp.i18n import RATER_LANGUAGES, language_choices

GROUP_LABELS = {
    RaterGroup.SELF: _l("The client (self-assessment)"),
    RaterGroup.SUPERVISOR: _l("Floor supervisor"),
    RaterGroup.COLLEAGUE: _l("Colleague (anonymous)"),
    RaterGroup.NETWORK: _l("Family or friend (anonymous)"),
    RaterGroup.COUNSELLOR: _l("Counsellor"),
}
EMPTY_ROWS = 6


def group_labels() -> dict[RaterGroup, Markup]:
    """The groups' labels in the reader's language, each translated once for a page that writes
    them on every row; as markup, as the template writes a lazy label."""
    return {group: Markup(label) for group, label in GROUP_LABELS.items()}  # noqa: S704


class RaterForm(Form):
    """One person to invite; a row without a name is left out."""

    group = SelectField(
        _l("Who"), choices=[choice(group.value, label) for group, label in GROUP_LABELS.items()]
    )
    name = StringField(_l("Name"), validators=[short_text(120)], filters=[strip])
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Email(message=_l("This is not an e-mail address.")),
            short_text(254),
        ],
        filters=[strip],
    )
    language = SelectField(_l("Language"), choices=language_choices(languages=RATER_LANGUAGES))
    # Only for the client's own link: one question a screen, pictures, read aloud.
    easy_read = BooleanField(_l("Easy-read form (for the client's own link)"))

    def validate(self, extra_validators: Any = None) -> bool:
        """An empty row (no name) is not checked: it is simply left out."""
        if not self.name.data:
            return True
        return super().validate(extra_validators)


class StartRoundForm(FlaskForm):
    deadline = date_field(_l("Answers by"))
    raters = FieldList(FormField(RaterForm), min_entries=EMPTY_ROWS, max_entries=40)
    # Made on the page that asks before starting; see FeedbackRound.start_key.
    start_key = HiddenField(
        validators=[
            Optional(),
            Regexp(
                r"^[0-9a-f]{32}$",
                message=_l(
                    "The form had expired or was opened in another session. "
                    "Go back, reload the page and try again; nothing was changed."
                ),
            ),
        ]
    )

    def validate(self, extra_validators: Any = None) -> bool:
        """A hidden field has no place to show its message: it goes above the form."""
        valid = super().validate(extra_validators)
        self.form_errors.extend(self.start_key.errors)
        return valid


class DeadlineForm(FlaskForm):
    deadline = date_field(_l("New deadline"))
