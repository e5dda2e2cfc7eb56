"""IdUrls writes the URLs url_for writes, also under a script root that looks like an id."""

from __future__ import annotations

import pytest
from flask import url_for

from fieldapp.common.urls import MAX_ID, IdUrls

ROUTES = [("reminders.done", "reminder_id"), ("clients.show", "client_id")]


@pytest.mark.parametrize("root", ["", "/ocmw", f"/{MAX_ID}"])
def test_the_same_urls_as_url_for(app, root):
    with app.test_request_context("/", base_url=f"https://localhost{root}"):
        urls = IdUrls()
        for endpoint, argument in ROUTES:
            for ident in (1, 42, MAX_ID):
                assert urls(endpoint, argument, ident) == url_for(endpoint, **{argument: ident})
