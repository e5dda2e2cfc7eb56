"""The evaluation page (a moment of a client's trajectory), its autosave, corrections, earlier
versions and the PDF document."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.common.views import acted, answered, commit_rendered, committed
from fieldapp.development_plan.forms import StatusForm
from fieldapp.development_plan.services import goals_of
from fieldapp.evaluations import document, forms, plan, services
from fieldapp.evaluations.evidence import gather
from fieldapp.evaluations.loaders import RECORD
from fieldapp.evaluations.models import (
    Decision,
    EvaluationRecord,
    ParticipantKind,
)
from fieldapp.feedback.frameworks import FrameworkText, framework_in_use
from fieldapp.trajectories.loaders import EVALUATION
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits.notes import SCALE

bp = Blueprint("evaluations", __name__)


def _refused(error: RuleBroken) -> NoReturn:
    abort(422, description=error.message)


def _framework(trajectory: Trajectory, language: str) -> FrameworkText:
    return framework_in_use(trajectory.organisation_id, language)


def _values_of(record: EvaluationRecord | None) -> dict[str, Any]:
    """What the form shows, from a saved version (or empty)."""
    if record is None:  # a new record: held today, everyone proposed takes part
        return {
            "held_on": today().isoformat(),
            "participants": None,
            "others": "",
            "scores": {},
            "strengths": "",
            "growth_points": [],
            "agreements": "",
            "decision": "",
            "next_on": "",
        }
    return {
        "held_on": record.held_on.isoformat() if record.held_on else "",
        "participants": [f"{p['kind']}|{p['name']}" for p in record.participants],
        "others": "\n".join(
            p["name"] for p in record.participants if p["kind"] == ParticipantKind.OTHER.value
        ),
        "scores": {key: str(score) for key, score in record.scores().items() if score},
        "strengths": record.strengths,
        "growth_points": [(p["text"], p.get("competence") or "") for p in record.growth_points],
        "agreements": record.agreements,
        "decision": record.decision or "",
        "next_on": record.next_on.isoformat() if record.next_on else "",
    }


def _values_sent(payload: dict[str, Any]) -> dict[str, Any]:
    """What the form shows again after a refusal: what was sent, as text."""
    participants = [
        f"{p['kind']}|{p['name']}" for p in payload["participants"] if p["kind"] != "other"
    ]
    return {
        "held_on": payload["held_on"],
        "participants": participants,
        "others": request.form.get("others", ""),
        "scores": {key: str(value) for key, value in payload["scores"].items() if value},
        "strengths": payload["strengths"],
        "growth_points": [(p["text"], p["competence"]) for p in payload["growth_points"]],
        "agreements": payload["agreements"],
        "decision": payload["decision"],
        "next_on": payload["next_on"],
    }


def _page(
    evaluation: Evaluation,
    trajectory: Trajectory,
    values: dict[str, Any] | None = None,
    error: RuleBroken | None = None,
) -> str:
    """The record's page. What was said and agreed, with its evidence (notes, 360°), is the
    file's: each showing of it (a refused save's too) is audited as an opening of the file."""
    language = str(get_locale())
    framework = _framework(trajectory, language)
    versions = services.versions_of(evaluation)
    record = services.current(versions)
    values = values or _values_of(record)
    proposed = services.proposed_participants(trajectory)
    choices = [f"{p.kind.value}|{p.name}" for p in proposed]
    if values["participants"] is None:  # a new record: everyone proposed takes part
        values["participants"] = list(choices)
    kinds = {kind.value for kind in ParticipantKind} - {ParticipantKind.OTHER.value}
    choices += [  # someone recorded before who is not proposed now (a former mentor)
        value
        for value in values["participants"]
        if value not in choices and value.partition("|")[0] in kinds
    ]
    held_on = record.held_on if record is not None else None
    closed = record is not None and record.is_closed
    # A closed record is the page itself, to read as the final document (what its PDF holds); a
    # draft is the form, beside the evidence gathered until today.
    if closed:
        shown = document.contents(record, language)
    else:
        shown = {
            "evidence": gather(
                trajectory.client, trajectory, evaluation, framework, held_on, language
            )
        }
    page = render_template(
        "evaluations/page.html",
        evaluation=evaluation,
        trajectory=trajectory,
        client=trajectory.client,
        record=record,
        closed_versions=[v for v in versions if v.is_closed],
        **shown,
        values=values,
        error=error,
        participant_choices=[
            (value, ParticipantKind(value.partition("|")[0]).label, value.partition("|")[2])
            for value in choices
        ],
        framework=framework,
        scale=list(SCALE),
        decisions=list(Decision),
        growth_rows=max(3, len(values["growth_points"]) + 2),
        action_form=FlaskForm(),
        today=today(),
        goals=goals_of(trajectory),
        goal_labels=framework.labels(),
        status_form=None if closed else StatusForm(),
        growth_point_goals=plan.points_of(record) if record is not None else [],
    )
    client_services.record_viewed(acting_user(), trajectory.client)
    commit_rendered()
    return page


@bp.route("/evaluations/<id:evaluation_id>/record", methods=["GET", "POST"])
@requires(Permission.CHANGE, EVALUATION)
def page(evaluation: Evaluation, trajectory: Trajectory) -> ResponseReturnValue:
    """The record of an evaluation moment: evidence and judgement per competence. A plain submit
    saves the draft ("save") or saves and closes it ("close"); the autosave posts JSON."""
    if request.method == "GET":
        return _page(evaluation, trajectory)
    if not FlaskForm().validate_on_submit():
        return _page(evaluation, trajectory), 400
    user = acting_user()
    framework = _framework(trajectory, str(get_locale()))
    keys = [competence.key for competence in framework.competences]
    payload = forms.payload_from_form(request.form, keys)
    closing = request.form.get("action") == "close"

    def change() -> EvaluationRecord:
        record = services.save_draft(user, evaluation, forms.parse(payload, keys), framework)
        if closing:
            services.close(user, evaluation, record)
        return record

    def refuse(error: RuleBroken) -> ResponseReturnValue:
        status = 409 if error.conflict else 422
        return _page(evaluation, trajectory, _values_sent(payload), error), status

    committed(change, refuse)
    if closing:
        flash(_("The evaluation is closed and recorded."), "success")
        return redirect(url_for("clients.show", client_id=trajectory.client_id))
    flash(_("Draft saved."), "success")
    return redirect(url_for("evaluations.page", evaluation_id=evaluation.id))


@bp.post("/evaluations/<id:evaluation_id>/record.json")
@requires(Permission.CHANGE, EVALUATION)
def autosave(evaluation: Evaluation, trajectory: Trajectory) -> ResponseReturnValue:
    """The draft as it is typed (JSON); a refusal is 422 (409 for a closed record) with why."""
    user = acting_user()
    framework = _framework(trajectory, str(get_locale()))
    keys = [competence.key for competence in framework.competences]
    payload = request.get_json(silent=True)
    record = answered(
        lambda: services.save_draft(user, evaluation, forms.parse(payload, keys), framework)
    )
    return jsonify({"record_id": record.id, "version": record.version, "saved": True})


@bp.post("/evaluations/<id:evaluation_id>/record/correct")
@requires(Permission.CHANGE, EVALUATION)
def correct(evaluation: Evaluation, trajectory: Trajectory) -> ResponseReturnValue:
    """A correction of a closed record: a new draft version; the closed one stays."""
    user = acting_user()
    acted(lambda: services.correct(user, evaluation))
    flash(_("A correction was started; the closed version stays as it was."), "success")
    return redirect(url_for("evaluations.page", evaluation_id=evaluation.id))


@bp.post("/evaluation-records/<id:record_id>/goal")
@requires(Permission.CHANGE, RECORD)
def goal_from_growth_point(record: EvaluationRecord) -> ResponseReturnValue:
    """ "Make a goal" beside a growth point; a second tap makes no second goal."""
    user = acting_user()
    if not FlaskForm().validate_on_submit():
        abort(400)
    committed(
        lambda: plan.goal_from_growth_point(user, record, request.form.get("text", "")),
        _refused,
    )
    back = url_for("evaluations.page", evaluation_id=record.evaluation_id, _anchor="plan-heading")
    flash(_("Goal made: it is on the client's development plan."), "success")
    return redirect(back, 303)


@bp.get("/evaluation-records/<id:record_id>")
@requires(Permission.READ, RECORD)
def version(record: EvaluationRecord) -> ResponseReturnValue:
    """One version of a record, as it was saved (earlier closed versions stay readable); it says
    whether a later closed version replaces it."""
    language = str(get_locale())
    versions = services.versions_of(record.evaluation)
    page = render_template(
        "evaluations/version.html",
        record=record,
        client=record.client,
        replaced=any(v.is_closed and v.version > record.version for v in versions),
        **document.contents(record, language),
    )
    client_services.record_viewed(acting_user(), record.client)  # as its PDF is
    commit_rendered()
    return page
