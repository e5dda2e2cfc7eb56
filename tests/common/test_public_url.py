"""A link handed to someone else is at FIELDAPP_BASE_URL, path included, whatever the request."""

from __future__ import annotations

import pytest
from flask import url_for

from fieldapp.common.urls import public_url

BASE = "https://ocmw.example/fieldapp"


@pytest.mark.parametrize(
    "request_base", ["http://forged.example", "http://forged.example/other", f"{BASE}/"]
)
def test_a_public_url_is_at_the_base_address_with_its_path(app, request_base):
    app.config["FIELDAPP_BASE_URL"] = f"{BASE}/"  # restored after the test

    with app.test_request_context("/", base_url=request_base):
        assert public_url("auth.reset_link", token="abc") == f"{BASE}/password/reset/abc"


def test_the_schedulers_links_are_as_they_were(app):
    """The scheduler's request context is at the base address: the same link as before."""
    app.config["FIELDAPP_BASE_URL"] = BASE

    with app.test_request_context("/", base_url=BASE):
        link = public_url("supervisor_page.page", token="abc", lang="fr")
        assert link == url_for("supervisor_page.page", token="abc", lang="fr", _external=True)
