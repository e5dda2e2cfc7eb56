"""The one way views save a change: commit it, or roll it back and say why on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fieldapp.common.forms import show_rule_error
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db


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
