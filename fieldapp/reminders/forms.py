from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TimeField

from fieldapp.common.forms import input_required, strip
from fieldapp.method import PHASES, rules
from fieldapp.reminders.preferences import Preferences


class PreferencesForm(FlaskForm):
    quiet_from = TimeField(_l("Quiet from"), validators=[input_required])
    quiet_until = TimeField(_l("Quiet until"), validators=[input_required])
    quiet_weekends = BooleanField(_l("Quiet on Saturdays and Sundays"))
    digest = BooleanField(
        _l("One morning digest instead of separate notifications"),
        description=_l("Everything due that day in one notification."),
    )
    email_fallback = BooleanField(
        _l("E-mail me reminders when no device of mine gets notifications")
    )

    def preferences(self) -> Preferences:
        return Preferences(
            self.quiet_from.data,
            self.quiet_until.data,
            self.quiet_weekends.data,
            self.digest.data,
            self.email_fallback.data,
        )


def field_name(kind: rules.RuleKind, scheme: str) -> str:
    return f"{kind.value}__{scheme}" if scheme else kind.value


def rules_form(current: rules.RuleSet, formdata: Any = None) -> FlaskForm:
    """One text field per rule ("1, 3, 6, 12, 18"), filled with the organisation's offsets."""

    class RulesForm(FlaskForm):
        pass

    for kind, scheme in rules.slots():
        scheme_value = scheme.value if scheme else ""
        label = f"{kind.label} · {scheme.label}" if scheme else kind.label
        setattr(
            RulesForm,
            field_name(kind, scheme_value),
            StringField(
                label,
                description=kind.explanation,
                default=", ".join(str(n) for n in current.of(kind, scheme_value)),
                filters=[strip],
            ),
        )
    return RulesForm(formdata=formdata)


def rhythm_field_name(phase: int) -> str:
    return f"rhythm__{phase}"


def rhythm_form(current: dict[int, int | None], formdata: Any = None) -> FlaskForm:
    """One field per phase: how many days a client in it may go without a contact."""

    class RhythmForm(FlaskForm):
        pass

    for phase, label in PHASES.items():
        days = current.get(phase)
        setattr(
            RhythmForm,
            rhythm_field_name(phase),
            StringField(f"{phase}. {label}", default=str(days) if days else "", filters=[strip]),
        )
    return RhythmForm(formdata=formdata)
