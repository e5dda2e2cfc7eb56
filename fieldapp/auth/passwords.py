"""Password hashing (argon2id) and the password policy.

The policy follows NIST SP 800-63B: length over composition rules, and a refusal of passwords that
are common, guessable or built from what an attacker knows of the person. Guessability is judged
by zxcvbn (Dropbox's estimator, in its maintained Python port), fed with the person's name and
e-mail address, the organisation's name and the words every OCMW/CPAS password is made of
(welkom, bienvenue, ocmw, cpas, the year): ``Welkom2026!!`` passes a composition rule, not this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from zxcvbn import zxcvbn

from fieldapp.common.dates import today

MIN_LENGTH = 12
MAX_LENGTH = 128
# zxcvbn's score 4: at least 10^10 guesses, what an offline attack on a stolen hash must not reach.
MIN_SCORE = 4
LOCAL_WORDS = (
    "welkom",
    "welcome",
    "bienvenue",
    "ocmw",
    "cpas",
    "ocmwcpas",
    "fieldapp",
    "wachtwoord",
    "motdepasse",
    "paswoord",
    "password",
    "gemeente",
    "commune",
    "stad",
    "ville",
)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["FIELDAPP_ARGON2_TIME_COST"],
        memory_cost=config["FIELDAPP_ARGON2_MEMORY_KIB"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check ``password``; with no hash, still spend the time so timing tells nothing."""
    hasher = _hasher()
    if password_hash is None:
        hasher.hash(password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    text = files("fieldapp.auth").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _known_words(email: str, personal: Iterable[str]) -> list[str]:
    """What an attacker tries first: the person, the organisation, local words, the year."""
    year = today().year
    words = [*LOCAL_WORDS, *(str(y) for y in range(year - 2, year + 2))]
    local_part, _at, domain = email.lower().partition("@")
    for text in (local_part, *domain.split("."), *personal):
        words.append(text.lower())
        words.extend(part for part in re.split(r"\W+", text.lower()) if len(part) >= 3)
    return words


def _too_easy(password: str, email: str, personal: Iterable[str]) -> bool:
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 5:
        return True
    # zxcvbn slows down on long input; a password of over 100 characters is long enough as it is.
    estimate = zxcvbn(password[:100], user_inputs=_known_words(email, personal))
    return estimate["score"] < MIN_SCORE


def policy_problems(password: str, email: str = "", personal: Iterable[str] = ()) -> list[str]:
    """What is wrong with ``password`` as a new password, in words for the user; empty if fine.
    ``personal``: the person's name, the organisation's name and such."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_("Use at most %(n)d characters.", n=MAX_LENGTH))
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append(_("Do not use your e-mail address in your password."))
    if not problems and _too_easy(password, email, personal):
        problems.append(_("This password is too easy to guess. Try a short sentence."))
    return problems
