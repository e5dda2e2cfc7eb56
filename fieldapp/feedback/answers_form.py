"""The form at a rater's link, made for the competences of its round.

Its fields are ``score-<key>`` (1-5, "na" for "cannot judge", or left empty), ``comment-<key>``
and ``overall``, in the order the page shows them, so that the first problem is the first one a
rater meets. A plain WTForms form: the page is open to raters without an account and its link is
the key (see :mod:`fieldapp.feedback.form_views`), so it carries no CSRF token.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from wtforms import Form, StringField
from wtforms.validators import AnyOf, Length

from fieldapp.common.forms import strip

MAX_COMMENT = 2000
SCORES = ("na", "1", "2", "3", "4", "5")


def _text(value: str | None) -> str:
    """A field left out of the post reads as an empty one."""
    return value or ""


def answers_form(keys: Sequence[str]) -> type[Form]:
    """A form class for a round with the competences ``keys``."""
    comment = Length(
        max=MAX_COMMENT, message=_("A comment is at most %(n)d characters.", n=MAX_COMMENT)
    )
    score = AnyOf(
        (*SCORES, ""), message=_("Choose a score from 1 to 5, or \u201ccannot judge\u201d.")
    )

    class RoundAnswers(Form):
        pass

    for key in keys:
        setattr(RoundAnswers, f"score-{key}", StringField(filters=[_text], validators=[score]))
        setattr(
            RoundAnswers,
            f"comment-{key}",
            StringField(filters=[_text, strip], validators=[comment]),
        )
    RoundAnswers.overall = StringField(filters=[_text, strip], validators=[comment])
    return RoundAnswers
