"""The one module for secret links: made with 256 bits, kept as a hash, found in constant time,
refused for one of a few reasons (at the frozen clock's edges), and used once when single use."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

import pytest

from fieldapp.auth.models import UserToken
from fieldapp.common import secret_links
from fieldapp.common.secret_links import REFUSAL_STATUS, LinkRefused, Refusal
from fieldapp.common.time import now_utc


@pytest.fixture
def stored(db, make):
    """A link kept as a row (a user's token: it has an end and a single use), and its secret."""
    user = make.user()
    secret = secret_links.new()
    token = UserToken(
        organisation_id=user.organisation_id,
        user_id=user.id,
        purpose="reset",
        token_hash=secret.token_hash,
        expires_at=now_utc() + timedelta(hours=1),
    )
    db.session.add(token)
    db.session.commit()
    return token, secret.raw


def refusal(**state) -> Refusal:
    with pytest.raises(LinkRefused) as refused:
        secret_links.check(**state)
    return refused.value.reason


def test_a_secret_is_256_url_safe_bits_kept_as_its_sha256():
    secret = secret_links.new()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret.raw)
    assert secret.token_hash == hashlib.sha256(secret.raw.encode()).hexdigest()
    assert secret.raw not in secret.token_hash
    assert secret_links.new().raw != secret.raw


def test_the_hash_is_the_one_stored_rows_were_made_with():
    assert secret_links.hash_token("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_a_stored_link_is_found_by_its_secret(stored):
    token, raw = stored
    assert secret_links.find(UserToken, raw) == token
    assert secret_links.find(UserToken, raw, UserToken.purpose == "reset") == token


@pytest.mark.parametrize("raw", ["", "garbage", "x" * 101, "%00", "é" * 43])
def test_an_unknown_secret_is_refused_as_unknown(stored, raw):
    with pytest.raises(LinkRefused) as refused:
        secret_links.find(UserToken, raw)
    assert refused.value.reason is Refusal.UNKNOWN
    assert refused.value.holder is None  # nothing is told about what it might have been


def test_a_link_outside_the_conditions_is_unknown(stored):
    _, raw = stored
    with pytest.raises(LinkRefused) as refused:
        secret_links.find(UserToken, raw, UserToken.purpose == "invite")
    assert refused.value.reason is Refusal.UNKNOWN


def test_the_hashes_are_compared_in_constant_time(stored, monkeypatch):
    token, raw = stored
    compared: list[tuple[str, str]] = []
    constant_time = hmac.compare_digest

    def spy(a: str, b: str) -> bool:
        compared.append((a, b))
        return constant_time(a, b)

    monkeypatch.setattr(secret_links.hmac, "compare_digest", spy)
    assert secret_links.find(UserToken, raw) == token
    assert compared == [(token.token_hash, secret_links.hash_token(raw))]

    monkeypatch.setattr(secret_links.hmac, "compare_digest", lambda a, b: False)
    with pytest.raises(LinkRefused):  # its answer decides, not only the database's
        secret_links.find(UserToken, raw)


def test_a_link_expires_at_its_end_exactly(app, clock):
    end = now_utc() + timedelta(microseconds=1)
    secret_links.check(expires_at=end)  # a microsecond before its end
    clock.shift(timedelta(microseconds=1))
    assert now_utc() == end
    assert refusal(expires_at=end) is Refusal.EXPIRED
    assert refusal(expires_at=end - timedelta(days=1)) is Refusal.EXPIRED


def test_a_link_without_an_end_does_not_expire(app, clock):
    secret_links.check()
    clock.shift(timedelta(days=3650))
    secret_links.check(used_at=None, revoked_at=None, expires_at=None)


def test_refusals_say_why_used_then_revoked_then_expired(app):
    moment, past = now_utc(), now_utc() - timedelta(seconds=1)
    assert refusal(used_at=moment, revoked_at=moment, expires_at=past) is Refusal.USED
    assert refusal(revoked_at=moment, expires_at=past) is Refusal.REVOKED
    assert refusal(expires_at=past) is Refusal.EXPIRED


def test_a_refusal_carries_what_the_link_belonged_to(app):
    holder = object()
    with pytest.raises(LinkRefused) as refused:
        secret_links.check(revoked_at=now_utc(), holder=holder)
    assert refused.value.holder is holder
    assert str(refused.value) == "revoked"


def test_a_single_use_link_is_claimed_once(db, stored):
    token, raw = stored
    secret_links.claim(UserToken.used_at, token.id)
    db.session.commit()
    with pytest.raises(LinkRefused) as refused:
        secret_links.claim(UserToken.used_at, token.id)  # a second request, or a race lost
    assert refused.value.reason is Refusal.USED
    used = secret_links.find(UserToken, raw)
    db.session.refresh(used)
    assert used.used_at == now_utc()
    assert refusal(used_at=used.used_at, expires_at=used.expires_at) is Refusal.USED


def test_every_refusal_has_a_status_404_only_for_unknown():
    assert set(REFUSAL_STATUS) == set(Refusal)
    assert {reason for reason, status in REFUSAL_STATUS.items() if status == 404} == {
        Refusal.UNKNOWN
    }
    assert {reason.value for reason in Refusal} == {
        "unknown",
        "expired",
        "used",
        "revoked",
        "replaced",
    }


GUESSES_PER_ADDRESS = {  # how many wrong links one network address may try, and in what time
    "/f/{}": 60,  # a minute
    "/f/{}/easy": 60,
    "/s/{}": 60,
    "/calendar/{}.ics": 60,  # an hour
    "/password/reset/{}": 60,
    "/invitation/{}": 60,
}


@pytest.mark.parametrize(("pattern", "allowed"), GUESSES_PER_ADDRESS.items())
def test_guessing_links_from_one_address_is_held_back(client, pattern, allowed):
    statuses = [
        client.get(pattern.format(secret_links.new().raw)).status_code for _ in range(allowed + 1)
    ]
    assert statuses[:allowed] == [404] * allowed
    assert statuses[allowed] == 429
