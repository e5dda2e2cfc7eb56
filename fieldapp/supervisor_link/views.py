"""The counsellor's side of a placement's supervisor link: its state, the pulses over time and what
the supervisor reported; make, e-mail or stop the link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common.rules import RuleBroken
from fieldapp.common.urls import public_url
from fieldapp.common.views import acted, committed, flashed
from fieldapp.extensions import db
from fieldapp.feedback.links import qr_code
from fieldapp.reminders import notices
from fieldapp.supervisor_link import services
from fieldapp.supervisor_link.models import PulseQuestion
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("supervisor_link", __name__)


def _placement_url(trajectory: Trajectory) -> str:
    return url_for("supervisor_link.placement", trajectory_id=trajectory.id)


@bp.get("/trajectories/<id:trajectory_id>/supervisor-link")
@requires(Permission.READ, TRAJECTORY)
def placement(trajectory: Trajectory) -> ResponseReturnValue:
    """The placement's link, the supervisor's pulses month by month and their reports. Opening
    it is reading what the supervisor reported: the notices about it are done."""
    link = services.link_of(trajectory)
    user = acting_user()
    notices.mark_read(user.id, trajectory.id)
    page = render_template(
        "supervisor_link/placement.html",
        trajectory=trajectory,
        client=trajectory.client,
        link=link,
        current=link is not None and services.is_current(link),
        mail=services.link_mail(link) if link is not None else None,
        running=services.is_running(trajectory),
        pulses=services.pulses_of(trajectory),
        reports=services.reports_of(trajectory),
        questions=list(PulseQuestion),
        action_form=FlaskForm(),
    )
    client_services.record_viewed(user, trajectory.client)  # what was reported: the file's
    db.session.commit()  # the notices about it are read now, and the reading is audited
    return page


def _ask(trajectory: Trajectory, action: str) -> ResponseReturnValue:
    """Asks once before a link is made again or stopped; changes nothing."""
    try:
        services.check_placement(trajectory)
    except RuleBroken as error:
        abort(409, description=error.message)
    link = services.link_of(trajectory)
    if action == "stop" and (link is None or link.revoked_at is not None):
        return redirect(_placement_url(trajectory))
    return render_template(
        "supervisor_link/confirm.html",
        trajectory=trajectory,
        link=link,
        action=action,
        action_form=FlaskForm(),
    )


@bp.route("/trajectories/<id:trajectory_id>/supervisor-link/new", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def new_link(trajectory: Trajectory) -> ResponseReturnValue:
    """GET asks first (a link handed out before stops); POST makes the link and shows it once,
    with its QR code, to share, copy or print."""
    if request.method == "GET":
        return _ask(trajectory, "new")
    user = acting_user()
    raw = acted(lambda: services.renew(user, trajectory))
    link = public_url("supervisor_page.page", token=raw, lang=services.language_of(trajectory))
    return render_template(
        "supervisor_link/link.html", trajectory=trajectory, link=link, qr_code=qr_code(link)
    )


@bp.post("/trajectories/<id:trajectory_id>/supervisor-link/mail")
@requires(Permission.CHANGE, TRAJECTORY)
def mail_link(trajectory: Trajectory) -> ResponseReturnValue:
    """A new link, e-mailed to the floor supervisor (the previous one stops)."""
    user = acting_user()
    if not FlaskForm().validate_on_submit():
        abort(400)
    address = committed(
        lambda: services.mail_new_link(user, trajectory),
        flashed(_placement_url(trajectory)),
    )
    flash(_("A new link is being e-mailed to %(email)s.", email=address), "success")
    return redirect(_placement_url(trajectory))


@bp.route("/trajectories/<id:trajectory_id>/supervisor-link/stop", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def stop(trajectory: Trajectory) -> ResponseReturnValue:
    """GET asks first; POST stops the link."""
    if request.method == "GET":
        return _ask(trajectory, "stop")
    user = acting_user()
    link = services.link_of(trajectory)
    if link is None:
        return redirect(_placement_url(trajectory))
    acted(lambda: services.revoke(user, link))
    flash(_("The floor supervisor's link no longer works."), "success")
    return redirect(_placement_url(trajectory))
