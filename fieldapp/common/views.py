"""How views save a change: run the service, commit, or roll back and say the rule's message.

One helper per way a view answers a refusal, all on the same core (:func:`committed`):

* :func:`saved` / :func:`made`: a form page; the message goes on the form, the view renders it again
  (with 422, see :func:`~fieldapp.common.forms.form_status`).
* :func:`acted`: a button without fields of its own; the CSRF token is checked, a refusal is 409.
* :func:`answered`: a JSON API; a refusal is 422 (409 for a conflict) with ``message`` and
  ``field``, which the device shows.
* :func:`committed` with ``refuse``: anything else the view answers instead (a page, a redirect).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import abort, flash, jsonify, make_response, redirect
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from fieldapp.common.forms import show_rule_error
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db

T = TypeVar("T")


def _conflict(error: RuleBroken) -> NoReturn:
    abort(409, description=error.message)


def committed(
    change: Callable[[], T],
    refuse: Callable[[RuleBroken], ResponseReturnValue] = _conflict,
) -> T:
    """Run ``change`` (a service call) and commit, and hand back what it returned. If a rule
    refuses it, roll back and answer ``refuse(error)`` instead of the view (409 with the rule's
    message unless said otherwise)."""
    try:
        result = change()
    except RuleBroken as error:
        db.session.rollback()
        abort(make_response(refuse(error)))
    db.session.commit()
    return result


def commit_rendered() -> None:
    """Commit what a page wrote while it was read (its audit record), once the page is rendered.
    Nothing it loaded is read again, so the commit leaves those objects as they are instead of
    expiring every one of them."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def made(form: Any, change: Callable[[], T], *, field: str | None = None) -> T | None:
    """Run ``change`` and commit, and hand back what it made; if a rule refuses it, roll back, put
    the message on the form (on ``field`` when the rule names none) and answer None, so that the
    view renders the form again. For a change that returns nothing, use :func:`saved`."""
    try:
        result = change()
    except RuleBroken as error:
        db.session.rollback()
        show_rule_error(form, error, field)
        return None
    db.session.commit()
    return result


def saved(form: Any, change: Callable[[], object], *, field: str | None = None) -> bool:
    """:func:`made` for a change that returns nothing: whether it was saved."""
    return made(form, lambda: change() or True, field=field) is not None


def acted(change: Callable[[], T]) -> T:
    """A button that changes one thing and has no fields of its own: check the posted CSRF token
    (400 without it), run ``change`` and commit, and hand back what it returned. A rule that
    refuses the change rolls it back and answers 409 with the rule's message."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    return committed(change)


def refused_as_json(error: RuleBroken) -> ResponseReturnValue:
    """A refusal as a JSON API says it: 409 when the rule is a conflict, 422 otherwise."""
    status = 409 if error.conflict else 422
    return jsonify({"error": status, "message": error.message, "field": error.field}), status


def answered(change: Callable[[], T]) -> T:
    """For a JSON API: run ``change`` and commit; a refusal answers :func:`refused_as_json`."""
    return committed(change, refused_as_json)


def flashed(target: str, code: int = 302) -> Callable[[RuleBroken], ResponseReturnValue]:
    """A ``refuse`` for :func:`committed`: flash the rule's message and go to ``target``."""

    def refuse(error: RuleBroken) -> ResponseReturnValue:
        flash(error.message, "error")
        return redirect(target, code=code)

    return refuse
