"""Recording where a client is at an aftercare moment, from the reminder or the client's file."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.aftercare import services
from fieldapp.aftercare.forms import AftercareForm
from fieldapp.auth.access import acting_user
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common.dates import today
from fieldapp.common.forms import form_status
from fieldapp.common.views import saved
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("aftercare", __name__)


@bp.route("/trajectories/<id:trajectory_id>/aftercare", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def record(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = AftercareForm()
    if request.method == "GET":
        form.recorded_on.data = today()
    if form.validate_on_submit():
        draft = services.AftercareDraft(
            form.recorded_on.data,
            form.situation.data,
            form.sector.data or None,
            form.contract.data or None,
        )
        if saved(form, lambda: services.record(user, trajectory, draft)):
            flash(_("Aftercare recorded."), "success")
            return redirect(url_for("clients.show", client_id=trajectory.client_id), 303)
    page = render_template(
        "aftercare/record.html",
        form=form,
        trajectory=trajectory,
        client=trajectory.client,
        records=services.records_of(trajectory),
    )
    return page, form_status(form)
