"""Sign-in, lock-out, password reset, invitations and user administration.

Every function takes the acting user where there is one, adds its audit events, and flushes but
never commits: the caller (a view or a command) commits once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from fieldapp.audit import services as audit
from fieldapp.auth import passwords, sessions, throttle, tokens
from fieldapp.auth.models import PasswordResetRequest, TokenPurpose, User, UserSession, UserToken
from fieldapp.auth.roles import Role
from fieldapp.common.rules import RuleBroken
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.common.time import now_utc
from fieldapp.common.urls import public_url
from fieldapp.extensions import db
from fieldapp.mail.services import queue_mail, render_message
from fieldapp.organisation.models import Organisation, Team

log = logging.getLogger(__name__)

RESET_AGAIN_AFTER = timedelta(minutes=15)  # a second reset link for one account, at the earliest


class AuthError(RuleBroken):
    """A rule of accounts and passwords was broken; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


# -- signing in -------------------------------------------------------------------------------


class LoginOutcome(Enum):
    OK = "ok"
    WRONG = "wrong"
    HELD_BACK = "held_back"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def authenticate(email: str, password: str) -> LoginResult:
    """Check credentials. The answer and the work done depend only on what was typed and from
    where, never on whether the address has an account: one password check either way, and
    failures are counted per address typed and network address (see ``throttle``)."""
    address = normalise_email(email)
    if throttle.held_back(address):
        return LoginResult(LoginOutcome.HELD_BACK)
    user = find_user_by_email(address)
    usable = user is not None and user.may_sign_in and user.password_hash is not None
    known_hash = user.password_hash if usable and user is not None else None
    if not passwords.verify_password(known_hash, password) or user is None or not usable:
        return _failed(address, user if usable else None)
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    throttle.forget(address)
    user.last_login_at = now_utc()
    audit.record("auth.login", organisation_id=user.organisation_id, actor=user, target=user)
    db.session.flush()
    return LoginResult(LoginOutcome.OK, user)


def _failed(address: str, user: User | None) -> LoginResult:
    held_back = throttle.count_failure(address)
    if user is None:
        log.warning("failed sign-in for an unknown or inactive account")
    else:
        audit.record("auth.login_failed", organisation_id=user.organisation_id, target=user)
        if held_back:
            minutes = current_app.config["FIELDAPP_LOCKOUT_MINUTES"]
            audit.record(
                "auth.locked",
                organisation_id=user.organisation_id,
                target=user,
                detail={"minutes": minutes},
            )
        db.session.flush()
    return LoginResult(LoginOutcome.HELD_BACK if held_back else LoginOutcome.WRONG)


def sign_out(user: User) -> None:
    """End the session this request came with; a copy of its cookies stops working too."""
    sessions.end_current(user)
    audit.record("auth.logout", organisation_id=user.organisation_id, actor=user, target=user)


# -- passwords ---------------------------------------------------------------------------------


def check_new_password(password: str, confirmation: str, user: User) -> None:
    if password != confirmation:
        raise AuthError(_("The two passwords are not the same."))
    personal = (user.name, user.organisation.name, user.organisation.slug)
    problems = passwords.policy_problems(password, user.email, personal)
    if problems:
        raise AuthError(" ".join(problems))


def _set_password(user: User, password: str, *, keep: UserSession | None = None) -> None:
    user.password_hash = passwords.hash_password(password)
    # Sign out every device but ``keep``, the one that changed the password (the caller renews its
    # session); a link's browser gets a fresh session from the caller.
    sessions.end_all(user, keep=keep)
    # A reset link mailed before (read by someone else, or opened on their device) would set
    # another password over the one chosen now.
    tokens.stop_all(user)
    throttle.forget(user.email)


def change_password(user: User, current: str, new: str, confirmation: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise AuthError(_("Your current password is not correct."))
    check_new_password(new, confirmation, user)
    _set_password(user, new, keep=user.session_record)
    # This device signs in afresh, so that a copy of its old cookies stops working as well; it
    # keeps its notifications.
    sessions.renew_current(user)
    audit.record("auth.password_changed", organisation_id=user.organisation_id, actor=user)
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Note the request; ``send_requested_resets`` mails the link. The request itself does the
    same for every address, so neither its answer nor its time tells whether one has an account."""
    db.session.add(PasswordResetRequest(email=normalise_email(email)))
    db.session.flush()


def send_requested_resets(limit: int = 200) -> int:
    """Mail a reset link for every noted request whose address has an active account without a
    working link mailed in the last :data:`RESET_AGAIN_AFTER`, and forget the requests. Run by
    the scheduler every half minute; returns the links mailed."""
    requests = db.session.scalars(
        select(PasswordResetRequest).order_by(PasswordResetRequest.id).limit(limit)
    ).all()
    if not requests:
        return 0
    db.session.execute(
        delete(PasswordResetRequest).where(PasswordResetRequest.id.in_([r.id for r in requests]))
    )
    emails = {request.email for request in requests}
    users = db.session.scalars(
        select(User)
        .where(User.email.in_(emails), User.active, User.password_hash.is_not(None))
        .order_by(User.id)
        .execution_options(all_tenants=True)
    ).all()
    # A link mailed a moment ago keeps working and no other is mailed: anyone who knows the
    # address could otherwise ask again and again, stopping each link before it was opened and
    # filling the mailbox (asking is limited per network address only).
    recently = now_utc() - RESET_AGAIN_AFTER
    mailed = [u for u in users if not tokens.mailed_since(u, TokenPurpose.RESET, recently)]
    for user in mailed:
        _mail_reset_link(user)
    db.session.flush()
    return len(mailed)


def _mail_reset_link(user: User) -> None:
    hours = current_app.config["FIELDAPP_RESET_HOURS"]
    raw = tokens.issue(user, TokenPurpose.RESET, timedelta(hours=hours))
    audit.record("auth.password_reset_requested", organisation_id=user.organisation_id, target=user)
    link = public_url("auth.reset_link", token=raw)
    message = render_message(
        user.email, _language_of(user), "password_reset", user=user, link=link, hours=hours
    )
    queue_mail(db.session(), message, organisation_id=user.organisation_id, about=("user", user.id))


def reset_password(token: UserToken, password: str, confirmation: str) -> User:
    user = token.user
    if not user.may_sign_in:  # deactivated, or of a role this release does not know
        raise LinkRefused(Refusal.USED)
    check_new_password(password, confirmation, user)
    tokens.consume(token)
    _set_password(user, password)
    audit.record("auth.password_reset", organisation_id=user.organisation_id, actor=user)
    db.session.flush()
    return user


# -- invitations ---------------------------------------------------------------------------


def invite_user(actor: User, *, email: str, name: str, role: Role, language: str | None) -> User:
    """Create a pending account in the actor's organisation and e-mail its invitation link."""
    email = normalise_email(email)
    exists = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.email == email)
        .execution_options(all_tenants=True)
    )
    if exists:
        raise AuthError(_("There is already an account with this e-mail address."))
    user = User(
        organisation_id=actor.organisation_id,
        email=email,
        name=name.strip(),
        role=role.value,
        language=language,
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.invited",
        organisation_id=actor.organisation_id,
        actor=actor,
        target=user,
        detail={"role": role.value},
    )
    _send_invitation(actor, user)
    return user


def resend_invitation(actor: User, user: User) -> None:
    if not user.invitation_pending:
        raise AuthError(_("This person has already accepted the invitation."))
    audit.record(
        "user.invitation_resent", organisation_id=user.organisation_id, actor=actor, target=user
    )
    _send_invitation(actor, user)


def _send_invitation(actor: User, user: User) -> None:
    days = current_app.config["FIELDAPP_INVITE_DAYS"]
    raw = tokens.issue(user, TokenPurpose.INVITE, timedelta(days=days))
    db.session.flush()
    link = public_url("auth.invitation_link", token=raw)
    message = render_message(
        user.email,
        _language_of(user),
        "invitation",
        user=user,
        inviter=actor,
        organisation=user.organisation,
        link=link,
        days=days,
    )
    queue_mail(db.session(), message, organisation_id=user.organisation_id, about=("user", user.id))


def accept_invitation(token: UserToken, name: str, password: str, confirmation: str) -> User:
    user = token.user
    if not user.may_sign_in:  # deactivated after the invitation was sent, or an unknown role
        raise LinkRefused(Refusal.USED)
    check_new_password(password, confirmation, user)
    tokens.consume(token)
    user.name = name.strip() or user.name
    _set_password(user, password)
    audit.record("auth.invitation_accepted", organisation_id=user.organisation_id, actor=user)
    db.session.flush()
    return user


def _language_of(user: User) -> str:
    return user.language or user.organisation.default_language


# -- administration ------------------------------------------------------------------------


def update_settings(user: User, *, name: str, language: str | None) -> None:
    user.name = name.strip()
    user.language = language
    audit.record("user.settings_changed", organisation_id=user.organisation_id, actor=user)
    db.session.flush()


def change_role(actor: User, user: User, role: Role) -> None:
    if user.role_enum is role:
        return
    if user.role_enum is Role.ADMIN:
        _keep_an_admin(user)
    previous = user.role
    user.role = role.value
    audit.record(
        "user.role_changed",
        organisation_id=user.organisation_id,
        actor=actor,
        target=user,
        detail={"from": previous, "to": role.value},
    )
    db.session.flush()


def set_active(actor: User, user: User, active: bool) -> None:
    if user.active == active:
        return
    if not active and user.role_enum is Role.ADMIN:
        _keep_an_admin(user)
    user.active = active
    if not active:
        sessions.end_all(user)
        tokens.stop_all(user)  # a pending invitation or reset would let the person back in
    action = "user.reactivated" if active else "user.deactivated"
    audit.record(action, organisation_id=user.organisation_id, actor=actor, target=user)
    db.session.flush()


def assign_team(actor: User, user: User, team: Team | None) -> None:
    if user.team_id == (team.id if team else None):
        return
    user.team_id = team.id if team else None
    audit.record(
        "user.settings_changed",
        organisation_id=user.organisation_id,
        actor=actor,
        target=user,
        detail={"team": team.name if team else None},
    )
    db.session.flush()


def _keep_an_admin(leaving: User) -> None:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organisation_id == leaving.organisation_id)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != leaving.id)
    )
    if not others:
        raise AuthError(_("An organisation needs at least one active administrator."))


def users_of_organisation() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


# -- set-up (CLI, demo) ------------------------------------------------------------------------

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")


def create_organisation(name: str, slug: str, default_language: str = "nl") -> Organisation:
    if not SLUG_PATTERN.match(slug):
        raise AuthError("slug: 3-60 lower-case letters, digits and dashes")
    if db.session.scalar(select(func.count()).where(Organisation.slug == slug)):
        raise AuthError(f"an organisation with slug {slug!r} exists already")
    organisation = Organisation(name=name.strip(), slug=slug, default_language=default_language)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_user(
    organisation: Organisation, *, email: str, name: str, role: Role, password: str
) -> User:
    """Create an active account directly (CLI and demo data); the password must pass the policy."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AuthError(f"there is already an account for {email}")
    personal = (name, organisation.name, organisation.slug)
    problems = passwords.policy_problems(password, email, personal)
    if problems:
        raise AuthError(" ".join(problems))
    user = User(
        organisation_id=organisation.id,
        email=email,
        name=name.strip(),
        role=role.value,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", organisation_id=organisation.id, target=user)
    return user
