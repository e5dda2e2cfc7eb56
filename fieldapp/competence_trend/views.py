"""The hand-over summary for the regional employment service, from a client's file."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common import downloads
from fieldapp.common.pdf import html_to_pdf
from fieldapp.competence_trend import services
from fieldapp.competence_trend.services import RegionalService
from fieldapp.evaluations import services as evaluations
from fieldapp.extensions import db
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("competence_trend", __name__)


def handover_html(trajectory: Trajectory, service: RegionalService | None = None) -> str:
    """The hand-over summary as a self-contained HTML document, in the client's language when it
    is Dutch or French (else the reader's), with the agreements of the trajectory's latest
    evaluation meeting. The PDF of it is made from this same HTML."""
    language = services.document_language(trajectory.client, str(get_locale()))
    agreements = (evaluations.latest_agreements(trajectory) or "").splitlines()
    with force_locale(language):
        summary = services.handover_summary(
            trajectory, language, service, [line for line in agreements if line.strip()]
        )
        return render_template(
            "competence_trend/handover.html",
            summary=summary,
            language=language,
            regional_services=list(RegionalService),
        )


def _chosen_service() -> RegionalService | None:
    chosen = request.args.get("service", "")
    if not chosen:
        return None
    try:
        return RegionalService(chosen)
    except ValueError:
        abort(400, description=_("Choose VDAB, Le Forem or Actiris."))


@bp.get("/trajectories/<id:trajectory_id>/handover-summary")
@requires(Permission.READ, TRAJECTORY)
def handover(trajectory: Trajectory) -> ResponseReturnValue:
    """The summary of an ended trajectory; of an open one, a preview of it."""
    page = handover_html(trajectory, _chosen_service())
    client_services.record_viewed(acting_user(), trajectory.client)
    db.session.commit()
    return page


@bp.get("/trajectories/<id:trajectory_id>/handover-summary.pdf")
@requires(Permission.READ, TRAJECTORY)
def handover_pdf(trajectory: Trajectory) -> ResponseReturnValue:
    """The same summary as a PDF to send to the employment service."""
    body = html_to_pdf(handover_html(trajectory, _chosen_service()))
    client_services.record_viewed(acting_user(), trajectory.client)
    db.session.commit()
    return downloads.pdf(body, services.handover_filename(trajectory))
