"""Signing in and out, password reset, accepting an invitation, and one's own settings."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME

from fieldapp.auth import services, sessions, tokens
from fieldapp.auth.access import acting_user
from fieldapp.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    SettingsForm,
)
from fieldapp.auth.models import TokenPurpose, UserToken
from fieldapp.common.access import public, signed_in
from fieldapp.common.forms import safe_next_url
from fieldapp.common.secret_links import REFUSAL_STATUS, LinkRefused, Refusal
from fieldapp.common.tenancy import activate_tenant
from fieldapp.common.views import saved
from fieldapp.extensions import db, limiter

bp = Blueprint("auth", __name__)

_RESET_SESSION_KEY = "reset_token"
_INVITE_SESSION_KEY = "invite_token"


# Wrong links one network address may try, as at a rater's or a floor supervisor's link.
GUESSES = "60 per minute"


def _login_limit() -> str:
    return current_app.config["FIELDAPP_LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; failures are counted per e-mail and network address (``throttle``),
    and every address gets the same answers, in the same time, account or not."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        if result.outcome is services.LoginOutcome.OK and result.user is not None:
            sessions.open_session(result.user, remember=form.remember.data)
        db.session.commit()
        if result.outcome is services.LoginOutcome.OK and result.user is not None:
            session.clear()  # no session fixation: start a fresh session for the new identity
            login_user(result.user, remember=form.remember.data)
            session.permanent = True
            return redirect(safe_next_url(form.next.data) or url_for("home.index"))
        if result.outcome is services.LoginOutcome.HELD_BACK:
            minutes = current_app.config["FIELDAPP_LOCKOUT_MINUTES"]
            form.form_errors.append(
                _(
                    "Too many failed attempts. Try again in %(minutes)d minutes, "
                    "or reset your password.",
                    minutes=minutes,
                )
            )
            status = 429
        else:
            form.form_errors.append(_("The e-mail address or the password is not correct."))
            status = 401
    elif form.is_submitted():
        status = 422
    return render_template(
        "auth/login.html", form=form, idle_hours=sessions.idle_limit() // timedelta(hours=1)
    ), status


@bp.post("/logout")
@signed_in
def logout() -> ResponseReturnValue:
    """Sign out; the response also tells the browser to drop every page, note and draft it keeps
    (phones are often shared). The page script warns first when notes have not been sent."""
    return _sign_out()


def _sign_out() -> ResponseReturnValue:
    services.sign_out(acting_user())
    db.session.commit()
    session.clear()
    logout_user()  # after clearing: it asks, in the session, for the remember cookie to go
    flash(_("You are signed out."), "info")
    response = redirect(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link; the answer never tells whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/password/reset/<token>")
@public
@limiter.limit(GUESSES)
def reset_link(token: str) -> ResponseReturnValue:
    """The e-mailed link: check it, keep it in the session and drop it from the address bar."""
    problem = _check_token(token, TokenPurpose.RESET)
    if problem:
        return problem
    session[_RESET_SESSION_KEY] = token
    return redirect(url_for("auth.reset_password"))


@bp.route("/password/reset", methods=["GET", "POST"])
@public
def reset_password() -> ResponseReturnValue:
    token = _token_from_session(_RESET_SESSION_KEY, TokenPurpose.RESET)
    if not isinstance(token, UserToken):
        return token
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            _sign_out_whoever_is_here(token)
            user = services.reset_password(token, form.password.data, form.confirmation.data)
            sessions.open_session(user)
        except (services.AuthError, LinkRefused) as exc:
            # Not the helper's: a link that stopped working answers its own page, not the form.
            db.session.rollback()
            _back_to_whoever_is_here()
            if isinstance(exc, LinkRefused):
                return _token_problem_page(exc.reason, TokenPurpose.RESET)
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            # The link proved the mailbox: sign in at once, whatever failed sign-ins came before.
            session.clear()
            login_user(user)
            session.permanent = True
            flash(_("Your password is changed and you are signed in."), "success")
            return redirect(url_for("home.index"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "auth/reset.html",
        form=form,
        email=token.user.email,
        signed_out_here=_someone_else_here(token),
    ), status


def _someone_else_here(token: UserToken) -> str | None:
    """The name of whoever is signed in on this browser, when the link is not theirs: saving
    signs them out (a colleague's phone), and the page must not read as their own password's."""
    if current_user.is_authenticated and current_user.id != token.user_id:
        return current_user.name
    return None


def _sign_out_whoever_is_here(token: UserToken) -> None:
    """A reset or invitation link signs its owner in on this browser: whoever was signed in here
    (a colleague on a shared phone) is signed out first, as by "Sign out", in the same
    transaction. Else their session stayed open with their notifications (naming their clients)
    still arriving here, and their remember-me cookie signed the browser back in as them once the
    new session cookie was gone.

    From then on the request acts for the link's organisation, which need not be theirs (a
    shared computer, someone with an account at two OCMWs): the link's own writes are then made
    and checked within it, as those of a signed-in user within theirs."""
    if current_user.is_authenticated:
        services.sign_out(acting_user())
        db.session.flush()  # within their organisation, checked as theirs
    activate_tenant(token.organisation_id)


def _back_to_whoever_is_here() -> None:
    """The link did not work (rolled back, sign-out included): the page is shown to whoever is
    still signed in here, within their organisation."""
    activate_tenant(current_user.organisation_id if current_user.is_authenticated else None)


@bp.get("/invitation/<token>")
@public
@limiter.limit(GUESSES)
def invitation_link(token: str) -> ResponseReturnValue:
    problem = _check_token(token, TokenPurpose.INVITE)
    if problem:
        return problem
    session[_INVITE_SESSION_KEY] = token
    return redirect(url_for("auth.accept_invitation"))


@bp.route("/invitation", methods=["GET", "POST"])
@public
def accept_invitation() -> ResponseReturnValue:
    """An invited person chooses a password and is signed in."""
    token = _token_from_session(_INVITE_SESSION_KEY, TokenPurpose.INVITE)
    if not isinstance(token, UserToken):
        return token
    form = AcceptInvitationForm(name=token.user.name)
    if form.validate_on_submit():
        try:
            _sign_out_whoever_is_here(token)
            user = services.accept_invitation(
                token, form.name.data, form.password.data, form.confirmation.data
            )
            sessions.open_session(user)
        except (services.AuthError, LinkRefused) as exc:
            # Not the helper's: a link that stopped working answers its own page, not the form.
            db.session.rollback()
            _back_to_whoever_is_here()
            if isinstance(exc, LinkRefused):
                return _token_problem_page(exc.reason, TokenPurpose.INVITE)
            form.password.errors.append(str(exc))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session.permanent = True
            flash(_("Welcome to fieldapp, %(name)s.", name=user.name), "success")
            return redirect(url_for("home.index"))
    status = 422 if form.is_submitted() else 200
    return (
        render_template(
            "auth/accept_invitation.html",
            form=form,
            invited=token.user,
            signed_out_here=_someone_else_here(token),
        ),
        status,
    )


@bp.route("/settings", methods=["GET", "POST"])
@signed_in
def settings() -> ResponseReturnValue:
    """One's own name and language (and, below it, the password form)."""
    form = SettingsForm(obj=current_user, prefix="settings")
    if request.method == "GET":
        form.language.data = current_user.language or ""
    if form.validate_on_submit():
        language = form.language.data or None
        services.update_settings(acting_user(), name=form.name.data, language=language)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("auth.settings"))
    return _settings_page(form, ChangePasswordForm(prefix="password"))


def _change_password(form: ChangePasswordForm) -> None:
    user = acting_user()
    services.change_password(user, form.current.data, form.password.data, form.confirmation.data)


@bp.post("/settings/password")
@signed_in
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm(prefix="password")
    if form.validate_on_submit() and saved(form, lambda: _change_password(form), field="password"):
        # A fresh session for this device; a remember-me cookie it had is renewed with it.
        remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
        login_user(acting_user(), remember=remember_cookie in request.cookies)
        flash(_("Your password is changed. Other devices are signed out."), "success")
        return redirect(url_for("auth.settings"))
    settings_form = SettingsForm(obj=current_user, prefix="settings")
    settings_form.language.data = current_user.language or ""
    return _settings_page(settings_form, form)


@bp.post("/settings/devices/<id:session_id>/end")
@signed_in
def end_device(session_id: int) -> ResponseReturnValue:
    """End one signed-in device (this one: signing out)."""
    user = acting_user()
    if user.session_record is not None and user.session_record.id == session_id:
        return _sign_out()
    if not sessions.end_own_device(user, session_id):
        abort(404)
    db.session.commit()
    flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.settings", _anchor="devices-heading"))


@bp.post("/settings/devices/end-others")
@signed_in
def end_other_devices() -> ResponseReturnValue:
    """Sign out everywhere else; this device stays signed in."""
    ended = sessions.end_others(acting_user())
    db.session.commit()
    if "calendar_feed" in ended.also:
        flash(
            _(
                "You are signed out on every other device. Your calendar address stopped working "
                "too: if you still want your visits in your calendar, make a new one under "
                "Visits, In my calendar."
            ),
            "success",
        )
    else:
        flash(_("You are signed out on every other device."), "success")
    return redirect(url_for("auth.settings", _anchor="devices-heading"))


def _settings_page(form: SettingsForm, password_form: ChangePasswordForm) -> ResponseReturnValue:
    status = 422 if request.method == "POST" else 200
    page = render_template(
        "auth/settings.html",
        form=form,
        password_form=password_form,
        devices=sessions.open_sessions(acting_user()),
        this_device=acting_user().session_record,
        idle_hours=sessions.idle_limit() // timedelta(hours=1),
    )
    return page, status


def _check_token(raw: str, purpose: str) -> ResponseReturnValue | None:
    try:
        tokens.find_valid(raw, purpose)
    except LinkRefused as exc:
        return _token_problem_page(exc.reason, purpose)
    return None


def _token_from_session(key: str, purpose: str) -> UserToken | ResponseReturnValue:
    raw = session.get(key)
    if not raw:
        return _token_problem_page(Refusal.UNKNOWN, purpose)
    try:
        return tokens.find_valid(raw, purpose)
    except LinkRefused as exc:
        session.pop(key, None)
        return _token_problem_page(exc.reason, purpose)


def _token_problem_page(reason: Refusal, purpose: str) -> ResponseReturnValue:
    return (
        render_template("auth/token_problem.html", reason=reason.value, purpose=purpose),
        REFUSAL_STATUS[reason],
    )
