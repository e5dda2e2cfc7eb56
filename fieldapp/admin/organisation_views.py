"""The administrator's organisation settings and teams."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField

from fieldapp.admin import organisation_settings
from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.roles import Role
from fieldapp.common.forms import form_status, required, short_text, strip
from fieldapp.common.views import made, saved
from fieldapp.i18n import language_choices
from fieldapp.organisation.services import teams

bp = Blueprint("organisation", __name__, url_prefix="/admin")


class SettingsForm(FlaskForm):
    retention_months = IntegerField(
        _l("Months to keep a file after its last trajectory ended"),
        validators=[required],
        description=_l("After this, the file is anonymised automatically."),
    )
    default_language = SelectField(_l("Default language"), choices=language_choices())
    feedback_threshold = IntegerField(
        _l("Fewest answers before a group of colleagues or of the client's network is shown"),
        validators=[required],
        description=_l(
            "In 360° feedback reports; from 2 to 10. Fewer answers stay hidden. A lower number "
            "applies to rounds started from now on, a higher one to every round."
        ),
    )


class TeamForm(FlaskForm):
    name = StringField(_l("New team"), validators=[required, short_text(80)], filters=[strip])


@bp.route("/organisation", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings() -> ResponseReturnValue:
    user = acting_user()
    organisation = user.organisation
    form = SettingsForm(obj=organisation)
    if form.validate_on_submit() and saved(
        form,
        lambda: organisation_settings.update_settings(
            user,
            organisation,
            retention_months=form.retention_months.data,
            language=form.default_language.data,
            feedback_threshold=form.feedback_threshold.data,
        ),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("organisation.settings"))
    page = render_template(
        "organisation/settings.html", form=form, team_form=TeamForm(), teams=teams()
    )
    return page, form_status(form)


@bp.post("/teams")
@role_required(Role.ADMIN)
def create_team() -> ResponseReturnValue:
    form = TeamForm()
    if form.validate_on_submit() and (
        team := made(form, lambda: organisation_settings.create_team(acting_user(), form.name.data))
    ):
        flash(_("Team %(name)s created.", name=team.name), "success")
        return redirect(url_for("organisation.settings"))
    user = acting_user()
    page = render_template(
        "organisation/settings.html",
        form=SettingsForm(obj=user.organisation),
        team_form=form,
        teams=teams(),
    )
    return page, 422
