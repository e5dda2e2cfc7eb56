"""The new goal's fields on a client's file are drawn once per framework and language
(``common.kept_forms.fresh_fields``): they must be what a fresh ``GoalForm`` writes."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from fieldapp.common.kept_forms import fresh_fields
from fieldapp.development_plan.forms import GoalForm
from fieldapp.feedback.frameworks import CompetenceText, FrameworkText, shipped_framework

# The fields as the client's file wrote them before they were kept.
FRESH = """{%- from "_macros/forms.html" import field -%}
{{ goal_form|hidden_tag }}
      {{ field(goal_form.text) }}
      {{ field(goal_form.actor) }}
      {{ field(goal_form.due_on) }}
      {{ field(goal_form.competence_key) }}"""


def _renamed(framework: FrameworkText) -> FrameworkText:
    first, *rest = framework.competences
    return FrameworkText(
        7, "Eigen kader", (CompetenceText(first.key, "Op tijd <komen>", ""), *rest)
    )


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}, {}], ids=["csrf", "no csrf"])
def test_the_kept_fields_are_those_a_fresh_goal_form_writes(app, app_config):
    for language in ("nl", "fr", "en", "nl"):
        with app.test_request_context("/"), force_locale(language):
            for framework in (shipped_framework(language), _renamed(shipped_framework("nl"))):
                fresh = render_template_string(FRESH, goal_form=GoalForm(framework, formdata=None))
                kept = fresh_fields(
                    "development_plan/_goal_fields.html",
                    framework,
                    lambda framework=framework: GoalForm(framework, formdata=None),
                )
                assert kept == fresh
                assert ("Op tijd &lt;komen&gt;" in kept) == (framework.id == 7)
