"""Switching language, also before signing in (the login page and public forms)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fieldapp.common.access import public
from fieldapp.common.forms import safe_next_url
from fieldapp.extensions import db
from fieldapp.i18n import LANGUAGES

bp = Blueprint("i18n", __name__)


@bp.post("/language")
@public
def switch() -> ResponseReturnValue:
    """Remember the chosen language (for a signed-in user, in their settings too)."""
    language = request.form.get("language", "")
    if language not in LANGUAGES:
        abort(
            400, description=_("This language is not available. Choose Dutch, French or English.")
        )
    session["language"] = language
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.index"))
