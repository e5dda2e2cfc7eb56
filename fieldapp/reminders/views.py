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
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.common.access import signed_in
from fieldapp.common.dates import today
from fieldapp.common.forms import form_status
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.time import now_utc
from fieldapp.common.views import acted, answered, saved
from fieldapp.method import PHASES, rhythm, rules
from fieldapp.reminders import (
    agenda,
    centre,
    devices,
    messages,
    overview,
    preferences,
    push,
    vapid,
)
from fieldapp.reminders.forms import (
    PreferencesForm,
    field_name,
    rhythm_field_name,
    rhythm_form,
    rules_form,
)
from fieldapp.reminders.models import PushSubscription, Reminder

bp = Blueprint("reminders", __name__)


@bp.app_context_processor
def reminder_badge() -> dict[str, object]:
    """``reminders_due()`` for the top bar: counted only when a page shows it."""

    def reminders_due() -> int:
        user = current_user
        if not user.is_authenticated:
            return 0
        return centre.bell_count(user._get_current_object(), today(), now_utc())

    return {"reminders_due": reminders_due}


@bp.get("/notifications")
@signed_in
def centre_page() -> ResponseReturnValue:
    """What is due and overdue, what is coming, and what was done lately."""
    return render_template(
        "reminders/centre.html",
        centre=centre.of_user(
            acting_user(), today(), now_utc(), request.args.get("page", 1, type=int)
        ),
        action_form=FlaskForm(),
    )


def _own_reminder(reminder_id: int) -> Reminder:
    reminder = centre.mine_or_none(acting_user(), reminder_id)
    if reminder is None:
        abort(404)
    return reminder


@bp.post("/notifications/<id:reminder_id>/done")
@signed_in
def done(reminder_id: int) -> ResponseReturnValue:
    reminder = _own_reminder(reminder_id)
    acted(lambda: centre.mark_done(reminder, now_utc()))
    flash(_("Marked as done."), "success")
    return redirect(url_for("reminders.centre_page"))


@bp.post("/notifications/<id:reminder_id>/snooze")
@signed_in
def snooze(reminder_id: int) -> ResponseReturnValue:
    """Tell again later, but never after the moment the reminder is about (409 when too late)."""
    reminder = _own_reminder(reminder_id)
    choice = request.form.get("until", "")
    if choice not in centre.SNOOZE_CHOICES:
        abort(400, description=_("Choose when to be reminded again."))
    snoozed = acted(lambda: centre.snooze(reminder, choice, today(), now_utc()))
    moment = format_datetime(snoozed.until, "EEEE d MMMM, HH:mm")
    if snoozed.cut:
        message = _(
            "You will be reminded again on %(moment)s: later would be after the moment it is "
            "about.",
            moment=moment,
        )
    else:
        message = _("You will be reminded again on %(moment)s.", moment=moment)
    flash(message, "success")
    return redirect(url_for("reminders.centre_page"))


def _settings_page(form: PreferencesForm) -> str:
    return render_template(
        "reminders/notifications.html",
        devices=devices.of_user(acting_user()),
        push_key=vapid.application_server_key(current_app._get_current_object()),  # type: ignore[attr-defined]
        action_form=FlaskForm(),
        form=form,
    )


@bp.get("/settings/notifications")
@signed_in
def notifications() -> ResponseReturnValue:
    return _settings_page(PreferencesForm(obj=preferences.of_user(acting_user())))


@bp.post("/settings/notifications")
@signed_in
def save_preferences() -> ResponseReturnValue:
    user = acting_user()
    form = PreferencesForm()
    if form.validate_on_submit() and saved(
        form, lambda: preferences.save(user, form.preferences())
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("reminders.notifications"))
    return _settings_page(form), form_status(form)


@bp.post("/api/push/subscriptions")
@signed_in
def subscribe() -> ResponseReturnValue:
    """Keep the subscription this browser just made (JSON, as ``PushSubscription.toJSON()``)."""
    label = request.user_agent.string[:120]
    subscription = answered(
        lambda: devices.subscribe(acting_user(), request.get_json(silent=True), label)
    )
    return jsonify({"id": subscription.id}), 201


@bp.get("/api/push/subscriptions/this-device")
@signed_in
def this_device() -> ResponseReturnValue:
    """Whether this browser's sign-in has notifications, and the key to subscribe with (JSON): the
    home page of a browser that allowed them before offers to turn them on again."""
    return jsonify(
        subscribed=devices.on_this_device(acting_user()),
        key=vapid.application_server_key(current_app._get_current_object()),  # type: ignore[attr-defined]
    )


@bp.post("/api/push/subscriptions/forget")
@signed_in
def forget_subscription() -> ResponseReturnValue:
    """Before signing out, the page hands over this browser's push address: it gets no more
    notifications for this person (JSON ``{"endpoint": ...}``)."""
    answered(lambda: devices.forget(acting_user(), request.get_json(silent=True)))
    return "", 204


@bp.post("/settings/notifications/devices/<id:device_id>/remove")
@signed_in
def remove_device(device_id: int) -> ResponseReturnValue:
    user = acting_user()
    device = get_or_404(PushSubscription, device_id)
    if device.user_id != user.id:
        abort(404)
    acted(lambda: devices.remove(device))
    flash(_("That device no longer gets notifications."), "success")
    return redirect(url_for("reminders.notifications"))


@bp.post("/settings/notifications/test")
@signed_in
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


@bp.route("/admin/reminders", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_rules() -> ResponseReturnValue:
    """The organisation's reminder rules, and what did not reach its people."""
    user: User = acting_user()
    form = rules_form(rules.of_organisation(user.organisation_id), request.form or None)
    if form.validate_on_submit():
        changes = _parsed_rules(form)
        if changes is not None and saved(form, lambda: agenda.change_rules(user, changes)):
            flash(_("Saved. Reminders follow the new rules."), "success")
            return redirect(url_for("reminders.admin_rules"))
    return _rules_page(user, form, rhythm_form(rhythm.of_organisation(user.organisation_id)))


@bp.post("/admin/reminders/contact-rhythm")
@role_required(Role.ADMIN)
def admin_rhythm() -> ResponseReturnValue:
    """The organisation's contact rhythm per phase; the agenda follows at once."""
    user: User = acting_user()
    form = rhythm_form(rhythm.of_organisation(user.organisation_id), request.form)
    if form.validate_on_submit():
        changes = _parsed_rhythm(form)
        if changes is not None and saved(form, lambda: _change_rhythm(user, changes)):
            flash(_("Saved. Reminders follow the new rules."), "success")
            return redirect(url_for("reminders.admin_rules"))
    rules_now = rules_form(rules.of_organisation(user.organisation_id))
    return _rules_page(user, rules_now, form)


def _change_rhythm(user: User, changes: dict[int, int | None]) -> None:
    if rhythm.save(user, changes):
        agenda.plan_organisation(user.organisation_id)


def _parsed_rhythm(form: FlaskForm) -> dict[int, int | None] | None:
    changes, valid = {}, True
    for phase in PHASES:
        field = form[rhythm_field_name(phase)]
        try:
            changes[phase] = rhythm.parse_days(field.data or "")
        except RuleBroken as error:
            field.errors = [*field.errors, error.message]
            valid = False
    return changes if valid else None


def _rules_page(user: User, form: FlaskForm, rhythm: FlaskForm) -> ResponseReturnValue:
    page = render_template(
        "reminders/admin_rules.html",
        form=form,
        rhythm_form=rhythm,
        rhythm_fields=[rhythm[rhythm_field_name(phase)] for phase in PHASES],
        slots=[
            (kind, scheme, form[field_name(kind, scheme.value if scheme else "")])
            for kind, scheme in rules.slots()
        ],
        overview=overview.of_organisation(now_utc()),
        title_of=messages.title_of,
    )
    return page, max(form_status(form), form_status(rhythm))


def _parsed_rules(form: FlaskForm) -> dict[tuple[rules.RuleKind, str], tuple[int, ...]] | None:
    changes, valid = {}, True
    for kind, scheme in rules.slots():
        scheme_value = scheme.value if scheme else ""
        field = form[field_name(kind, scheme_value)]
        try:
            changes[(kind, scheme_value)] = rules.parse_offsets(kind, field.data or "")
        except RuleBroken as error:
            field.errors = [*field.errors, error.message]
            valid = False
    return changes if valid else None
