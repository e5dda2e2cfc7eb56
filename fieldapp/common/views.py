"""How views save a change: commit it, or roll it back and say why (on the form, or as a 409)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_wtf import FlaskForm

from fieldapp.common.forms import show_rule_error
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db

T = TypeVar("T")


def saved(form: Any, change: Callable[[], object]) -> bool:
    """Run ``change`` (a service call) and commit; if a rule refuses it, roll back, put the
    message on the form and answer False, so that the view renders the form again."""
    try:
        change()
    except RuleBroken as error:
        db.session.rollback()
        show_rule_error(form, error)
        return False
    db.session.commit()
    return True


def acted(change: Callable[[], T]) -> T:
    """A button that changes one thing and has no fields of its own: check the posted CSRF token
    (400 without it), run ``change`` and commit, and hand back what it returned. A rule that
    refuses the change rolls it back and answers 409 with the rule's message."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        result = change()
    except RuleBroken as error:
        db.session.rollback()
        abort(409, description=error.message)
    db.session.commit()
    return result
