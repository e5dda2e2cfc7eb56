"""Sign-in throttling counts across app servers when they share Redis (the deployment in the
README): attempts on one server count on the other."""

from __future__ import annotations

import secrets

import pytest
import redis

from fieldapp import create_app
from fieldapp.extensions import db
from tests.conftest import IsolatedClient, base_config

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_storage():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return REDIS_URL


def test_two_app_servers_share_the_sign_in_limit(database_url, tmp_path, make, redis_storage):
    config = {
        **base_config(database_url, tmp_path / "instance"),
        "RATELIMIT_STORAGE_URI": redis_storage,
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",
        "FIELDAPP_LOGIN_LIMIT": "3 per minute",
    }
    apps = [create_app(config) for _ in range(2)]
    try:
        servers = []
        for app in apps:
            app.test_client_class = IsolatedClient
            servers.append(app.test_client())
        make.user(email="an@example.org")
        attempt = {"email": "an@example.org", "password": "wrong guess"}
        statuses = [servers[i % 2].post("/login", data=attempt).status_code for i in range(4)]
        assert statuses == [401, 401, 401, 429]
        # The counts live in Redis, where every app server process reads them.
        stored = redis.Redis.from_url(redis_storage).keys(f"*{config['RATELIMIT_KEY_PREFIX']}*")
        assert stored
    finally:
        # Only this test's counts: a reset of the limiter would wipe every run's that shares Redis.
        shared = redis.Redis.from_url(redis_storage)
        mine = shared.keys(f"*{config['RATELIMIT_KEY_PREFIX']}*")
        if mine:
            shared.delete(*mine)
        for app in apps:
            with app.app_context():
                db.engine.dispose()
        # The limiter is one object for the whole process, bound to the storage of the app made
        # last: bind it back to memory, or every later test (their apps are made once and shared)
        # would count in, and reset, the Redis that other runs of the suite use.
        back = create_app(base_config(database_url, tmp_path / "memory-limits"))
        with back.app_context():
            db.engine.dispose()
