"""Friendly error pages in the user's language, and JSON errors for JSON clients.

Nothing here shows a stack trace: unexpected errors are logged and answered with the 500 page.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from fieldapp.common.access import declaration
from fieldapp.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: _l("This request could not be handled"),
    401: _l("Please sign in"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("This request could not be handled"),
    409: _l("This could not be done"),
    410: _l("This link no longer works"),
    413: _l("Too large"),
    422: _l("Please check what you entered"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("Something in the request was not right. Go back and try again."),
    401: _l("Sign in to see this page."),
    403: _l("You do not have access to this page. Ask your team lead if you need it."),
    404: _l("This page does not exist, or you do not have access to it."),
    405: _l("This page cannot be used this way. Go back and try again."),
    409: _l("This conflicts with what is already saved. Reload the page and try again."),
    410: _l("This link has expired or has been used already."),
    413: _l("What you sent is too large. Shorten it and try again."),
    422: _l("Some fields are not filled in correctly."),
    429: _l("Too many attempts in a short time. Wait a few minutes and try again."),
    500: _l("Something went wrong on our side. What was already saved is safe. Try again later."),
}


def _message(error: HTTPException) -> str:
    code = error.code or 500
    default = default_exceptions.get(code)
    custom = (
        error.description if default is None or error.description != default.description else None
    )
    if code == 429 or not custom:
        return str(MESSAGES.get(code, MESSAGES[400 if code < 500 else 500]))
    return str(custom)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def _on_a_public_route() -> bool:
    """Whether the request went to a route for anyone (a rater's or a floor supervisor's link,
    sign-in): its visitor may have no account, and the start page would only ask them to sign
    in."""
    view = current_app.view_functions.get(request.endpoint or "")
    declared = declaration(view) if view is not None else None
    return declared is not None and declared.who == "public"


def render_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    message = _message(error)
    if _wants_json():
        return jsonify({"error": code, "message": message}), code
    title = TITLES.get(code, TITLES[400 if code < 500 else 500])
    page = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=message,
        to_start_page=not _on_a_public_route(),
    )
    return page, code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        error.description = str(
            _l(
                "The form had expired or was opened in another session. "
                "Go back, reload the page and try again; nothing was changed."
            )
        )
        return render_error(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return render_error(error)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> ResponseReturnValue:
        route = request.url_rule.rule if request.url_rule else "(no route)"
        log.exception("unhandled error on %s %s", request.method, route)  # the rule: no token
        db.session.rollback()
        return render_error(InternalServerError())
