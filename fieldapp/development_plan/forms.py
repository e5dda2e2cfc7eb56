from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from fieldapp.common.forms import (
    QuickSelect,
    QuickTextArea,
    choice,
    date_field,
    optional_choice,
    required,
    short_text,
    strip,
)
from fieldapp.development_plan.models import MAX_TEXT, GoalActor, GoalStatus
from fieldapp.feedback.frameworks import FrameworkText


class GoalForm(FlaskForm):
    text = TextAreaField(
        _l("Goal"),
        validators=[required, short_text(MAX_TEXT)],
        filters=[strip],
        render_kw={"rows": 2, "maxlength": MAX_TEXT},
        widget=QuickTextArea(),  # on the client's file
    )
    # QuickSelect: the client's file writes both selects on every opening.
    competence_key = SelectField(
        _l("Competence (optional)"), validators=[optional_choice], widget=QuickSelect()
    )
    actor = SelectField(_l("Who acts"), validators=[required], widget=QuickSelect())
    due_on = date_field(_l("By when"), optional=True)

    def __init__(self, framework: FrameworkText, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.competence_key.choices = [choice("", "—")] + [
            choice(competence.key, competence.label) for competence in framework.competences
        ]
        self.actor.choices = [choice(actor.value, actor.label) for actor in GoalActor]


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), validators=[required])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [choice(status.value, status.label) for status in GoalStatus]
