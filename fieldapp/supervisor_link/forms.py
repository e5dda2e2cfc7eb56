"""The forms at the supervisor's link (no CSRF token: the link itself is the key, as on a rater's
form) and the counsellor's buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Optional, Regexp

from fieldapp.common.forms import choice, date_field, required, short_text, strip
from fieldapp.supervisor_link.models import (
    CHOICE_LABELS,
    MAX_LINE,
    MAX_TEXT,
    QUESTION_LABELS,
    PulseQuestion,
    Rating,
)

ONCE = Regexp(r"^[0-9a-f]{32}$", message=_l("Send the form again from the page."))
pick_one = InputRequired(message=_l("Choose one."))


class _AtTheLink(FlaskForm):
    class Meta:
        csrf = False


def _rating_field(question: PulseQuestion) -> RadioField:
    return RadioField(
        QUESTION_LABELS[question],  # lazy: the reader's language, not the one at import
        choices=[choice(int(rating), CHOICE_LABELS[question][rating]) for rating in Rating],
        validators=[pick_one],
    )


class PulseForm(_AtTheLink):
    going = _rating_field(PulseQuestion.GOING)
    attendance = _rating_field(PulseQuestion.ATTENDANCE)
    attitude = _rating_field(PulseQuestion.ATTITUDE)
    line = StringField(
        _l("One line to add (optional)"),
        validators=[short_text(MAX_LINE)],
        filters=[strip],
        render_kw={"maxlength": MAX_LINE, "autocomplete": "off"},
    )


class ReportForm(_AtTheLink):
    kind = RadioField(
        _l("What do you want to tell?"),
        choices=[
            choice("absence", _l("An absence")),
            choice("incident", _l("An incident")),
            choice("question", _l("A question")),
        ],
        validators=[pick_one],
    )
    on_day = date_field(_l("On which day (optional)"), optional=True, years_ahead=1)
    text = TextAreaField(
        _l("In a few words"),
        validators=[short_text(MAX_TEXT)],
        filters=[strip],
        render_kw={"rows": 3, "maxlength": MAX_TEXT},
    )
    urgent = BooleanField(_l("Urgent: the counsellor must know now"))
    once = HiddenField(validators=[Optional(), ONCE])


class ProposeVisitForm(_AtTheLink):
    day = date_field(_l("Day"), years_ahead=1)
    at = TimeField(_l("Time"), validators=[required])
    note = StringField(
        _l("One line to add (optional)"),
        validators=[short_text(MAX_LINE)],
        filters=[strip],
        render_kw={"maxlength": MAX_LINE, "autocomplete": "off"},
    )
    once = HiddenField(validators=[Optional(), ONCE])


class ConfirmVisitForm(_AtTheLink):
    visit = HiddenField(validators=[required, Regexp(r"^[1-9][0-9]{0,9}$")])
    once = HiddenField(validators=[Optional(), ONCE])
