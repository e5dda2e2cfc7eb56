"""The new goal's fields on a client's file are drawn once per framework and language
(``development_plan.kept_form``): they must be what a fresh ``GoalForm`` draws."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from fieldapp.development_plan.forms import GoalForm
from fieldapp.development_plan.kept_form import fresh_fields
from fieldapp.feedback.frameworks import CompetenceText, FrameworkText, shipped_framework


def _renamed(framework: FrameworkText) -> FrameworkText:
    first, *rest = framework.competences
    return FrameworkText(
        7, "Eigen kader", (CompetenceText(first.key, "Op tijd <komen>", ""), *rest)
    )


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}, {}], ids=["csrf", "no csrf"])
def test_the_kept_fields_are_those_a_fresh_goal_form_draws(app, app_config):
    template = app.jinja_env.get_template("development_plan/_goal_fields.html")
    for language in ("nl", "fr", "en", "nl"):
        with app.test_request_context("/"), force_locale(language):
            for framework in (shipped_framework(language), _renamed(shipped_framework("nl"))):
                fresh = template.render(goal_form=GoalForm(framework, formdata=None))
                assert fresh_fields(framework) == fresh
                assert ("Op tijd &lt;komen&gt;" in fresh) == (framework.id == 7)
