"""Which language a request is answered in."""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_login import current_user

from fieldapp.i18n import DEFAULT_LANGUAGE, LANGUAGES


def select_locale() -> str:
    """The user's setting, else the language chosen on this device, else the browser's, else nl.

    Outside a request (commands, the scheduler) callers choose with ``force_locale``.
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LANGUAGE
