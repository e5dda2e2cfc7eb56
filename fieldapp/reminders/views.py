"""Notifications on one's devices: allow, list, remove, test."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from flask_wtf import FlaskForm

from fieldapp.common.access import acting_user
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import acted
from fieldapp.extensions import db
from fieldapp.reminders import devices, push, vapid
from fieldapp.reminders.models import PushSubscription

bp = Blueprint("reminders", __name__)


@bp.get("/settings/notifications")
@login_required
def notifications() -> ResponseReturnValue:
    return render_template(
        "reminders/notifications.html",
        devices=devices.of_user(acting_user()),
        push_key=vapid.application_server_key(current_app._get_current_object()),  # type: ignore[attr-defined]
        action_form=FlaskForm(),
    )


@bp.post("/api/push/subscriptions")
@login_required
def subscribe() -> ResponseReturnValue:
    """Keep the subscription this browser just made (JSON, as ``PushSubscription.toJSON()``)."""
    label = request.user_agent.string[:120]
    try:
        subscription = devices.subscribe(acting_user(), request.get_json(silent=True), label)
    except RuleBroken as error:
        db.session.rollback()
        return jsonify({"error": 422, "message": error.message}), 422
    db.session.commit()
    return jsonify({"id": subscription.id}), 201


@bp.post("/settings/notifications/devices/<id:device_id>/remove")
@login_required
def remove_device(device_id: int) -> ResponseReturnValue:
    user = acting_user()
    device = get_or_404(PushSubscription, device_id)
    if device.user_id != user.id:
        abort(404)
    acted(lambda: devices.remove(device))
    flash(_("This device no longer gets notifications."), "success")
    return redirect(url_for("reminders.notifications"))


@bp.post("/settings/notifications/test")
@login_required
def send_test() -> ResponseReturnValue:
    user = acting_user()
    results = acted(lambda: devices.send_test(user, url_for("reminders.notifications")))
    sent = sum(result.outcome is push.Outcome.SENT for result in results)
    if not results:
        flash(_("No device gets notifications yet. Allow them on this device first."), "info")
    elif sent:
        flash(
            ngettext("Test sent to %(num)d device.", "Test sent to %(num)d devices.", sent),
            "success",
        )
    else:
        flash(_("The test could not be delivered. See the devices below."), "error")
    return redirect(url_for("reminders.notifications"))
