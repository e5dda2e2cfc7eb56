"""The signed session cookie, renewed every few minutes of use rather than on every response.

A permanent session lasts ``PERMANENT_SESSION_LIFETIME`` after it was last used. Flask keeps it so
by signing the cookie again and sending it with every response: on a page that is some of the
worker's CPU and a ``Set-Cookie`` header a phone downloads each time, for an expiry that moves by
seconds. Here the cookie is sent again when the session changed, or when it was last renewed
``RENEW_EVERY`` ago or longer; a session still ends after its lifetime without use, give or take
those few minutes.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from fieldapp.common.time import now_utc

RENEW_EVERY = timedelta(minutes=5)
RENEWED = "_renewed"  # when the cookie was last sent, in whole seconds since the epoch


class SlidingCookieSessions(SecureCookieSessionInterface):
    def save_session(self, app: Flask, session: SessionMixin, response: object) -> None:
        if isinstance(session, SecureCookieSession) and session.permanent and session:
            now = int(now_utc().timestamp())
            if session.modified or now - session.get(RENEWED, 0) >= RENEW_EVERY.total_seconds():
                session[RENEWED] = now
        super().save_session(app, session, response)  # type: ignore[arg-type]

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        """Only a changed session (a renewal changes it) is sent again."""
        return session.modified


def install(app: Flask) -> None:
    app.session_interface = SlidingCookieSessions()
