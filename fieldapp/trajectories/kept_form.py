"""The phase form of a client's file, drawn once per phase (``common.kept_forms``): fresh phase
forms of a phase differ only in their CSRF token."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from fieldapp.common.forms import hidden_tag
from fieldapp.common.kept_forms import filled, kept, marked
from fieldapp.trajectories.forms import PhaseForm


def fresh_fields(phase: int) -> Markup:
    """A ``PhaseForm``'s hidden inputs and its field with ``phase`` chosen, as
    ``clients/show.html`` writes them."""
    return filled(kept("phase_form", phase, lambda: _draw(phase)))


def _draw(phase: int) -> str:
    form = marked(PhaseForm(phase=str(phase)))
    field = current_app.jinja_env.get_template("_macros/forms.html").module.field
    return f"{hidden_tag(form)}\n    {field(form.phase)}"
