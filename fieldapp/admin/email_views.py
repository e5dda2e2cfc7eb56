"""E-mail pages: what did not reach its people (administrators), and the development outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.admin import email_overview
from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.roles import Role
from fieldapp.common.access import public
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.time import now_utc
from fieldapp.common.views import acted
from fieldapp.mail.delivery import MAX_ATTEMPTS
from fieldapp.mail.models import OutgoingMail
from fieldapp.mail.services import backend, read_outbox

bp = Blueprint("mail", __name__)


@bp.get("/admin/mail")
@role_required(Role.ADMIN)
def admin() -> ResponseReturnValue:
    """The organisation's e-mail that failed or keeps failing, each with "send again"."""
    return render_template(
        "mail/admin.html",
        overview=email_overview.of_organisation(now_utc()),
        max_attempts=MAX_ATTEMPTS,
        action_form=FlaskForm(),
    )


@bp.post("/admin/mail/<id:mail_id>/send-again")
@role_required(Role.ADMIN)
def send_again(mail_id: int) -> ResponseReturnValue:
    mail = get_or_404(OutgoingMail, mail_id)
    acted(lambda: email_overview.try_again(acting_user(), mail, now_utc()))
    flash(_("The e-mail is queued again; it goes out within a minute."), "success")
    return redirect(url_for("mail.admin"))


@bp.get("/dev/outbox")
@public
def outbox() -> ResponseReturnValue:
    """Only in development without MAIL_SERVER; everywhere else this page does not exist."""
    if backend(current_app) != "outbox":
        abort(404)
    return render_template("mail/outbox.html", messages=read_outbox(current_app))
