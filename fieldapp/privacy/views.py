"""The subject-access export and erasure of a client's file."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients.file_access import CLIENT, Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common.views import acted
from fieldapp.extensions import db
from fieldapp.privacy import services

bp = Blueprint("privacy", __name__, url_prefix="/clients")


@bp.get("/<id:client_id>/export")
@requires(Permission.READ_SENSITIVE, CLIENT)
def export(client: Client) -> ResponseReturnValue:
    """A zip of everything held about the client (JSON and CSV), for a subject-access request."""
    user = acting_user()
    archive = services.export(user, client)
    db.session.commit()
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="client-{client.id}.zip"'},
    )


@bp.post("/<id:client_id>/anonymise")
@requires(Permission.ERASE, CLIENT)
def anonymise(client: Client) -> ResponseReturnValue:
    """Erase who the client is (again: harmless), once every trajectory has ended."""
    user = acting_user()
    acted(lambda: services.anonymise(user, client))
    flash(_("The file is anonymised. The anonymous figures stay in the reports."), "success")
    return redirect(url_for("clients.index"))
