"""``/healthz``: 200 when the database answers, its migrations are current and the scheduler made
a pass lately; 503 with the failing checks and a short reason each otherwise. Public, without a
session or an organisation, never cached (every answer is ``no-store``), not rate-limited."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from fieldapp.common.access import public
from fieldapp.extensions import limiter
from fieldapp.health import checks

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
@limiter.exempt
def healthz() -> ResponseReturnValue:
    results = checks.run_all()
    healthy = all(check.ok for check in results.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: check.as_json() for name, check in results.items()},
    }
    return jsonify(body), 200 if healthy else 503
