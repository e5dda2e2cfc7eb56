"""The development outbox: e-mail that would have been sent, for a newcomer without SMTP."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue

from fieldapp.common.access import public
from fieldapp.mail.services import backend, read_outbox

bp = Blueprint("mail", __name__, url_prefix="/dev")


@bp.get("/outbox")
@public
def outbox() -> ResponseReturnValue:
    """Only in development without MAIL_SERVER; everywhere else this page does not exist."""
    if backend(current_app) != "outbox":
        abort(404)
    return render_template("mail/outbox.html", messages=read_outbox(current_app))
