from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_login import login_required

from fieldapp.common.time import now_utc

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The counsellor's start page."""
    return render_template("home/index.html", now=now_utc())
