"""The phase form on a client's file is drawn once per phase and language
(``common.kept_forms.fresh_fields``): it must be what a fresh ``PhaseForm`` writes, with the
trajectory's phase chosen."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale

from fieldapp.common.kept_forms import fresh_fields
from fieldapp.method import PHASES
from fieldapp.trajectories.forms import PhaseForm

# The fields as the client's file wrote them before they were kept.
FRESH = """{%- from "_macros/forms.html" import field -%}
{{ phase_form|hidden_tag }}
    {{ field(phase_form.phase) }}"""


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}, {}], ids=["csrf", "no csrf"])
def test_the_kept_phase_form_is_a_fresh_one_with_the_phase_chosen(app, app_config):
    for language in ("nl", "fr", "en", "nl"):
        with app.test_request_context("/"), force_locale(language):
            for phase in (*PHASES, 3):
                fresh = render_template_string(FRESH, phase_form=PhaseForm(phase=str(phase)))
                kept = fresh_fields(
                    "trajectories/_phase_fields.html",
                    phase,
                    lambda phase=phase: PhaseForm(phase=str(phase)),
                )
                assert kept == fresh
                assert f'<option selected value="{phase}">' in kept
