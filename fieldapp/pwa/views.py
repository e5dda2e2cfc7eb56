"""The web app manifest, the service worker at the site root, and the offline page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.common.access import public, signed_in
from fieldapp.common.dates import today
from fieldapp.common.requests import is_offline_copy
from fieldapp.common.security import exempt_from_no_store
from fieldapp.pwa import offline as offline_pages
from fieldapp.pwa.shell import shell_for

bp = Blueprint("pwa", __name__)

THEME_COLOUR = "#0b5d4b"
BACKGROUND_COLOUR = "#f6f7f5"


@bp.app_context_processor
def offline_copy_flag() -> dict[str, bool]:
    return {"offline_copy": is_offline_copy()}


@bp.get("/api/offline-pages")
@signed_in
def pages_to_keep() -> ResponseReturnValue:
    """Which pages the device should keep for working without a network."""
    return jsonify({"pages": offline_pages.pages_for(acting_user(), today())})


@bp.get("/manifest.webmanifest")
@public
def manifest() -> ResponseReturnValue:
    icons = [
        {
            "src": url_for("static", filename="icons/icon-192.png"),
            "sizes": "192x192",
            "type": "image/png",
        },
        {
            "src": url_for("static", filename="icons/icon-512.png"),
            "sizes": "512x512",
            "type": "image/png",
        },
        {
            "src": url_for("static", filename="icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": url_for("static", filename="icons/icon.svg"),
            "sizes": "any",
            "type": "image/svg+xml",
        },
    ]
    response = jsonify(
        {
            "id": "/",
            "name": "fieldapp",
            "short_name": "fieldapp",
            "description": _("Visits, notes, feedback and reminders for job counsellors."),
            "start_url": url_for("home.index"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "theme_color": THEME_COLOUR,
            "background_color": BACKGROUND_COLOUR,
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    return exempt_from_no_store(response)


@bp.get("/sw.js")
@public
def service_worker() -> ResponseReturnValue:
    """Served from the root so that its scope is the whole app; never cached by HTTP."""
    shell = shell_for(str(current_app.static_folder), current_app.jinja_env)
    body = render_template(
        "pwa/sw.js",
        version=shell.version,
        shell=[url_for("static", filename=name) for name in shell.files],
        offline_url=url_for("pwa.offline"),
        outbox_script=url_for("static", filename="js/outbox.js"),
        csrf_url=url_for("visits.csrf_token"),
        icon_url=url_for("static", filename="icons/icon-192.png"),
        pages_url=url_for("pwa.pages_to_keep"),
        login_url=url_for("auth.login"),
        worker_code=shell.worker_code,
    )
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@public
def offline() -> ResponseReturnValue:
    """Shown by the service worker when a page cannot be loaded; holds nothing personal."""
    return exempt_from_no_store(Response(render_template("pwa/offline.html")))
