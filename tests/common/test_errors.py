from __future__ import annotations

import pytest
from flask import abort

from fieldapp.auth.roles import Role
from fieldapp.common.access import public


@pytest.fixture
def failing_app(app):
    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret detail that must not leak")

    @app.get("/_conflict")
    def conflict():
        abort(409)

    @app.get("/_public_gone")
    @public
    def public_gone():  # as a rater's link that no longer opens
        abort(410)

    return app


@pytest.mark.parametrize(
    ("language", "title"),
    [("nl", "Pagina niet gevonden"), ("fr", "Page introuvable"), ("en", "Page not found")],
)
def test_404_page_in_three_languages(client, language, title):
    response = client.get("/does-not-exist", headers={"Accept-Language": language})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert title in page
    assert f'<html lang="{language}">' in page


@pytest.mark.own_app
def test_500_page_shows_no_stack_trace(failing_app, caplog):
    failing_app.testing = False  # behave as in production: the handler answers
    response = failing_app.test_client().get("/_boom", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret detail" not in page
    assert "Traceback" not in page
    assert "secret detail that must not leak" in caplog.text  # but it is logged


def test_json_clients_get_json_errors(client):
    response = client.get("/does-not-exist", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == 404
    assert response.json["message"]


@pytest.mark.own_app
def test_403_and_409_pages(failing_app, client, auth, make):
    make.user(role=Role.COUNSELLOR, email="an@example.org")
    auth.login("an@example.org")
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "No access" in response.get_data(as_text=True)
    response = client.get("/_conflict")
    assert response.status_code == 409


def test_405_page(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "cannot be used this way" in response.get_data(as_text=True)


@pytest.mark.own_app
def test_an_error_on_a_public_route_does_not_send_to_the_sign_in(failing_app):
    """A rater or a floor supervisor has no account: the start page would only ask to sign in."""
    visitor = failing_app.test_client()
    gone = visitor.get("/_public_gone", headers={"Accept-Language": "en"})
    assert gone.status_code == 410
    assert "Go to the start page" not in gone.get_data(as_text=True)
    lost = visitor.get("/does-not-exist", headers={"Accept-Language": "en"})
    assert "Go to the start page" in lost.get_data(as_text=True)
