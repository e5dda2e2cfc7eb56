from __future__ import annotations

import pytest

from fieldapp.auth import passwords


@pytest.mark.parametrize(
    ("candidate", "fragment"),
    [
        ("short", "at least 12"),
        ("x" * 129, "at most 128"),
        ("wachtwoord123", "too easy"),
        ("aaaaaaaaaaaaaaaa", "too easy"),
        ("marie.peeters-2026!", "e-mail address"),
        ("Welkom2026!!", "too easy"),
        ("ocmwdemostad1", "too easy"),
        ("Bienvenue2027?", "too easy"),
        ("OcmwTest2026!", "too easy"),
        ("Demostad2026!", "too easy"),
        ("MariePeeters26", "too easy"),
    ],
)
def test_policy_refuses_weak_passwords(app, candidate, fragment):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        problems = passwords.policy_problems(
            candidate, "marie.peeters@ocmw.example", ("Marie Peeters", "OCMW Demostad", "demostad")
        )
    assert any(fragment in p for p in problems), problems


def test_policy_accepts_a_sentence(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert passwords.policy_problems("de kat zit op de mat", "an@example.org") == []


def test_hashes_are_argon2id_and_verify(app):
    with app.app_context():
        hashed = passwords.hash_password("de kat zit op de mat")
        assert hashed.startswith("$argon2id$")
        assert passwords.verify_password(hashed, "de kat zit op de mat")
        assert not passwords.verify_password(hashed, "de hond zit op de mat")
        assert not passwords.verify_password("not a hash", "anything")
        assert not passwords.verify_password(None, "anything")


def test_weaker_hashes_are_upgraded_on_sign_in(app, make, auth, db):
    user = make.user(email="an@example.org")
    old_hash = user.password_hash
    app.config["FIELDAPP_ARGON2_TIME_COST"] = 2
    assert auth.login("an@example.org").status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old_hash
    assert "t=2" in user.password_hash
