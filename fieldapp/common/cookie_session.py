"""The signed session cookie, renewed every few minutes of use rather than on every response.

A permanent session lasts ``PERMANENT_SESSION_LIFETIME`` after it was last used. Flask keeps it so
by signing the cookie again and sending it with every response (``SESSION_REFRESH_EACH_REQUEST``):
on a page that is some of the worker's CPU and a ``Set-Cookie`` header a phone downloads each time,
for an expiry that moves by seconds. fieldapp turns that off (``config.py``) and renews the cookie
here when it was last renewed ``RENEW_EVERY`` ago or longer; a session still ends after its
lifetime without use, give or take those few minutes. A changed session is always sent.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin

from fieldapp.common.time import now_utc

RENEW_EVERY = timedelta(minutes=5)
RENEWED = "_renewed"  # when the cookie was last sent, in whole seconds since the epoch


class SlidingCookieSessions(SecureCookieSessionInterface):
    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if isinstance(session, SecureCookieSession) and session.permanent and session:
            now = int(now_utc().timestamp())
            renewed = session.get(RENEWED, 0)
            # Never on a response a shared cache may keep (a static file): it would hand the
            # cookie to whoever asks next. A renewal "in the future" (a clock set back) is redone.
            stale = not renewed <= now < renewed + RENEW_EVERY.total_seconds()
            if session.modified or (stale and not response.cache_control.public):
                session[RENEWED] = now
        super().save_session(app, session, response)


def install(app: Flask) -> None:
    app.session_interface = SlidingCookieSessions()
