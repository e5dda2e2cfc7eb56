from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional

from fieldapp.common.forms import (
    LONG_TEXT,
    QuickSelect,
    choice,
    date_field,
    optional_choice,
    required,
    short_text,
    strip,
)
from fieldapp.method import PHASES, Outcome, Scheme, checklist_for

_hours = NumberRange(min=0.5, max=60, message=_l("Hours per week: between 0.5 and 60."))


def scheme_choices() -> list:
    return [choice(scheme.value, scheme.label) for scheme in Scheme]


def phase_choices() -> list:
    return [choice(number, f"{number}. {label}") for number, label in PHASES.items()]


class TrajectoryForm(FlaskForm):
    scheme = SelectField(_l("Scheme"), validators=[required])
    started_on = date_field(_l("Start"))
    planned_end_on = date_field(_l("Planned end"), optional=True)
    worksite_id = SelectField(_l("Worksite"), validators=[optional_choice])
    supervisor_id = SelectField(_l("Floor supervisor"), validators=[optional_choice])
    hours_per_week = DecimalField(
        _l("Hours per week at the start"), places=1, validators=[Optional(), _hours]
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scheme.choices = scheme_choices()


class PhaseForm(FlaskForm):
    phase = SelectField(_l("Phase"), validators=[required], widget=QuickSelect())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.phase.choices = phase_choices()


class RegimeForm(FlaskForm):
    starts_on = date_field(_l("From"))
    hours_per_week = DecimalField(_l("Hours per week"), places=1, validators=[required, _hours])
    note = StringField(_l("Note"), validators=[short_text(200)], filters=[strip])


class EvaluationForm(FlaskForm):
    held_on = date_field(_l("Held on"))
    note = TextAreaField(_l("Note"), validators=[short_text(LONG_TEXT)], filters=[strip])


class EndForm(FlaskForm):
    ended_on = date_field(_l("End date"))
    outcome = SelectField(_l("Outcome"), validators=[required])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [choice(o.value, o.label) for o in Outcome]


def checklist_form_class(phase: int, include_sensitive: bool) -> type[FlaskForm]:
    """A form with one short answer per checklist item of ``phase`` the user may see."""
    fields = {
        item.key: TextAreaField(
            item.label, validators=[short_text(500)], filters=[strip], render_kw={"rows": 2}
        )
        for item in checklist_for(phase)
        if include_sensitive or not item.sensitive
    }
    return type(f"ChecklistForm{phase}", (FlaskForm,), fields)
