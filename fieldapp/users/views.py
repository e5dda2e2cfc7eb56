"""The administrator's list of people, invitations, roles and (de)activation."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from fieldapp.auth import services, sessions
from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import committed, flashed, made, saved
from fieldapp.extensions import db
from fieldapp.organisation.models import Team
from fieldapp.users.forms import ConfirmForm, InviteForm, RoleForm

bp = Blueprint("users", __name__, url_prefix="/admin/users")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    """Everyone in the organisation, active first."""
    return render_template(
        "users/index.html", users=services.users_of_organisation(), form=ConfirmForm()
    )


@bp.route("/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if form.validate_on_submit() and (
        user := made(
            form,
            lambda: services.invite_user(
                acting_user(),
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                language=form.language.data or None,
            ),
            field="email",
        )
    ):
        flash(_("Invitation sent to %(email)s.", email=user.email), "success")
        return redirect(url_for("users.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("users/invite.html", form=form), status


@bp.route("/<id:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(user_id: int) -> ResponseReturnValue:
    """One person: role, status, pending invitation."""
    user = get_or_404(User, user_id)
    form = RoleForm(role=user.role, team=str(user.team_id or ""))
    if form.validate_on_submit() and saved(form, lambda: _change_role(user, form), field="role"):
        flash(_("Saved."), "success")
        return redirect(url_for("users.edit", user_id=user.id))
    return _edit_page(user, form, status=422 if form.is_submitted() else 200)


def _change_role(user: User, form: RoleForm) -> None:
    services.change_role(acting_user(), user, Role(form.role.data))
    team = get_or_404(Team, int(form.team.data)) if form.team.data else None
    services.assign_team(acting_user(), user, team)


@bp.post("/<id:user_id>/active")
@role_required(Role.ADMIN)
def toggle_active(user_id: int) -> ResponseReturnValue:
    """Deactivate (signs the person out everywhere) or reactivate an account."""
    user = get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        committed(
            lambda: services.set_active(acting_user(), user, not user.active),
            lambda error: _edit_page(
                user,
                RoleForm(role=user.role, team=str(user.team_id or "")),
                error=error.message,
                status=409,
            ),
        )
        if user.active:
            flash(_("%(name)s can sign in again.", name=user.name), "success")
        else:
            flash(_("%(name)s can no longer sign in.", name=user.name), "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/<id:user_id>/sessions/end")
@role_required(Role.ADMIN)
def end_sessions(user_id: int) -> ResponseReturnValue:
    """End every session of a person (a lost phone): each device has to sign in again."""
    user = get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        ended = sessions.end_all_by_admin(acting_user(), user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d session of %(name)s ended.",
                "%(num)d sessions of %(name)s ended.",
                ended,
                name=user.name,
            ),
            "success",
        )
    return redirect(url_for("users.edit", user_id=user.id))


@bp.post("/<id:user_id>/invitation")
@role_required(Role.ADMIN)
def resend_invitation(user_id: int) -> ResponseReturnValue:
    user = get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        committed(
            lambda: services.resend_invitation(acting_user(), user),
            flashed(url_for("users.edit", user_id=user.id)),
        )
        flash(_("Invitation sent again to %(email)s.", email=user.email), "success")
    return redirect(url_for("users.edit", user_id=user.id))


def _edit_page(
    user: User, form: RoleForm, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "users/edit.html",
        user=user,
        form=form,
        action_form=ConfirmForm(),
        error=error,
        devices=sessions.open_sessions(user),
    )
    return page, status
