"""The phase form on a client's file is drawn once per phase (``trajectories.kept_form``): it
must be what a fresh ``PhaseForm`` draws, with the trajectory's phase chosen."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from fieldapp.common.forms import hidden_tag
from fieldapp.method import PHASES
from fieldapp.trajectories.forms import PhaseForm
from fieldapp.trajectories.kept_form import fresh_fields


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}, {}], ids=["csrf", "no csrf"])
def test_the_kept_phase_form_is_a_fresh_one_with_the_phase_chosen(app, app_config):
    field = app.jinja_env.get_template("_macros/forms.html").module.field
    for language in ("nl", "fr", "en", "nl"):
        with app.test_request_context("/"), force_locale(language):
            for phase in (*PHASES, 3):
                form = PhaseForm(phase=str(phase))
                assert fresh_fields(phase) == f"{hidden_tag(form)}\n    {field(form.phase)}"
                assert f'<option selected value="{phase}">' in fresh_fields(phase)
