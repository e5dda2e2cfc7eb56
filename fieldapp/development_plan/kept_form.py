"""The fields of a fresh goal form for a client's file, drawn once (``common.kept_forms``) for
each framework of competences: fresh goal forms differ only in their CSRF token."""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

from fieldapp.common.kept_forms import filled, kept, marked
from fieldapp.development_plan.forms import GoalForm
from fieldapp.feedback.frameworks import FrameworkText


def fresh_fields(framework: FrameworkText) -> Markup:
    """A fresh ``GoalForm``'s hidden inputs and fields, as ``clients/show.html`` writes them,
    with the competences of ``framework``."""
    return filled(kept("goal_form", framework, lambda: _draw(framework)))


def _draw(framework: FrameworkText) -> str:
    form = marked(GoalForm(framework, formdata=None))
    template = current_app.jinja_env.get_template("development_plan/_goal_fields.html")
    return template.render(goal_form=form)
