from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user
from fieldapp.common.access import signed_in
from fieldapp.common.dates import today
from fieldapp.common.urls import IdUrls
from fieldapp.home.services import home_screen

bp = Blueprint("home", __name__)


@bp.get("/")
@signed_in
def index() -> ResponseReturnValue:
    """The counsellor's start page: what is due this week, contracts ending soon."""
    day = today()
    return render_template(
        "home/index.html",
        today=day,
        screen=home_screen(acting_user(), day),
        done_form=FlaskForm(),
        urls=IdUrls(),  # one url_for a route, not one a line of its lists
    )
