from __future__ import annotations

import pytest

from fieldapp.auth.roles import Role


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/login", "/nope", "/manifest.webmanifest", "/sw.js", "/static/css/app.css"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in headers  # development


@pytest.mark.parametrize("app_config", [{"FIELDAPP_HSTS": True}])
def test_hsts_outside_development(client):
    assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]


def test_personal_pages_are_never_cached(client, auth, make):
    make.user(email="an@example.org")
    auth.login("an@example.org")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/settings").headers["Cache-Control"] == "no-store"
    assert client.get("/offline").headers.get("Cache-Control") != "no-store"


def test_pages_load_nothing_from_another_host(client, auth, make):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    for path in ("/", "/settings", "/admin/users/", "/admin/audit/", "/offline", "/nope"):
        page = client.get(path).get_data(as_text=True)
        for attribute in ('src="http', "src='http", 'href="http', "href='http", "url(http"):
            assert attribute not in page, (path, attribute)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_without_a_csrf_token_are_refused_clearly(client, make):
    make.user(email="an@example.org")
    response = client.post(
        "/login", data={"email": "an@example.org", "password": "a sentence nobody guesses"}
    )
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    response = client.post("/language", data={"language": "fr", "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_forms_with_their_csrf_token_work(client, make):
    make.user(email="an@example.org")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={
            "email": "an@example.org",
            "password": "a sentence nobody guesses",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302


def test_oversized_requests_are_refused(client):
    response = client.post("/login", data={"email": "a@b.c", "password": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_overlong_fields_get_a_message(client):
    response = client.post("/login", data={"email": "a" * 300 + "@example.org", "password": "x"})
    assert response.status_code == 422
    assert "at most 254 characters" in response.get_data(as_text=True)


def test_binary_junk_in_a_form_is_not_a_500(client):
    response = client.post(
        "/login",
        data=b"email=%ff%fe%00&password=\x00\x01",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "cannot be saved" in response.get_data(as_text=True)
