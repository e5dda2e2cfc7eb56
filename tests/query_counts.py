"""How many SQL statements one page costs: the query-count tests compare a page over little and
over much data, and the count must not grow with it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from bench.measure import counting_queries
from fieldapp.extensions import db


def queries_for(app: Flask, client: FlaskClient, url: str) -> int:
    """The statements of one GET of ``url``, which must answer 200."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(statements)
