"""The documents a counsellor downloads or prints: the evaluation document and the hand-over
summary for the regional employment service, in the client's language when it is Dutch or French."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common import downloads
from fieldapp.common.pdf import html_to_pdf
from fieldapp.common.views import commit_rendered
from fieldapp.documents import evaluation, handover
from fieldapp.documents.handover import RegionalService
from fieldapp.evaluations import document
from fieldapp.evaluations import services as evaluations
from fieldapp.evaluations.loaders import RECORD
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("documents", __name__)
LANGUAGES = ("nl", "fr")  # the languages the documents are written in for the client


def language_of(client: Client) -> str:
    """The client's language when it is Dutch or French, else the reader's."""
    return client.language if client.language in LANGUAGES else str(get_locale())


@bp.get("/evaluation-records/<id:record_id>/document.pdf")
@requires(Permission.READ, RECORD)
def evaluation_pdf(record: EvaluationRecord) -> ResponseReturnValue:
    """The evaluation document with the plan, the trend and the signature lines; reading it is
    an opening of the client's file, and audited as one."""
    language = language_of(record.client)
    with force_locale(language):
        html = render_template(
            "documents/evaluation.html",
            record=record,
            language=language,
            client=record.client,
            **evaluation.contents(record, language),
        )
    body = html_to_pdf(html)
    client_services.record_viewed(acting_user(), record.client)
    commit_rendered()
    return downloads.pdf(body, document.filename(record))


def handover_html(trajectory: Trajectory, service: RegionalService | None = None) -> str:
    """The hand-over summary as a self-contained HTML document, with the agreements of the
    trajectory's latest evaluation meeting. The PDF of it is made from this same HTML."""
    language = language_of(trajectory.client)
    agreements = (evaluations.latest_agreements(trajectory) or "").splitlines()
    with force_locale(language):
        summary = handover.handover_summary(
            trajectory, language, service, [line for line in agreements if line.strip()]
        )
        return render_template(
            "documents/handover.html",
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
def handover_summary(trajectory: Trajectory) -> ResponseReturnValue:
    """The summary of an ended trajectory; of an open one, a preview of it."""
    page = handover_html(trajectory, _chosen_service())
    client_services.record_viewed(acting_user(), trajectory.client)
    commit_rendered()
    return page


@bp.get("/trajectories/<id:trajectory_id>/handover-summary.pdf")
@requires(Permission.READ, TRAJECTORY)
def handover_pdf(trajectory: Trajectory) -> ResponseReturnValue:
    """The same summary as a PDF to send to the employment service."""
    body = html_to_pdf(handover_html(trajectory, _chosen_service()))
    client_services.record_viewed(acting_user(), trajectory.client)
    commit_rendered()
    return downloads.pdf(body, handover.handover_filename(trajectory))
