"""Goals on a client's file: added by hand, their status changed, and made from a 360° report's
blind spot in one tap."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common.forms import form_status, safe_next_url
from fieldapp.common.rules import RuleBroken
from fieldapp.common.views import committed, made
from fieldapp.development_plan import services
from fieldapp.development_plan.forms import GoalForm, StatusForm
from fieldapp.development_plan.loaders import GOAL
from fieldapp.development_plan.models import Goal
from fieldapp.feedback.frameworks import framework_in_use
from fieldapp.feedback.loaders import ROUND
from fieldapp.feedback.models import FeedbackRound
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("goals", __name__)


def _refused(error: RuleBroken) -> NoReturn:
    abort(422, description=error.message)


def _to_plan(client_id: int) -> ResponseReturnValue:
    return redirect(url_for("clients.show", client_id=client_id, _anchor="goals-heading"), 303)


def goal_form(organisation_id: int, **kwargs: object) -> GoalForm:
    """The form for a new goal, with the competences of the framework in use."""
    return GoalForm(framework_in_use(organisation_id, str(get_locale())), **kwargs)


@bp.route("/trajectories/<id:trajectory_id>/goals/new", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def create(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = goal_form(trajectory.organisation_id)
    if form.validate_on_submit():
        draft = services.GoalDraft(
            text=form.text.data or "",
            actor=form.actor.data,
            due_on=form.due_on.data,
            competence_key=form.competence_key.data or None,
        )
        if made(form, lambda: services.add_goal(user, trajectory, draft)) is not None:
            flash(_("Goal added."), "success")
            return _to_plan(trajectory.client_id)
    page = render_template(
        "development_plan/form.html", form=form, trajectory=trajectory, client=trajectory.client
    )
    return page, form_status(form)


@bp.post("/goals/<id:goal_id>/status")
@requires(Permission.CHANGE, GOAL)
def change_status(goal: Goal) -> ResponseReturnValue:
    user = acting_user()
    form = StatusForm()
    if not form.validate_on_submit():
        message = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        abort(422, description=message or None)
    committed(lambda: services.change_status(user, goal, form.status.data), _refused)
    flash(_("Goal: %(status)s.", status=goal.status_enum.label), "success")
    back = safe_next_url(request.form.get("next"))  # the evaluation page reviews goals too
    return redirect(back, 303) if back else _to_plan(goal.client_id)


@bp.post("/feedback/rounds/<id:round_id>/goal")
@requires(Permission.CHANGE, ROUND)
def from_blind_spot(feedback_round: FeedbackRound) -> ResponseReturnValue:
    """ "Make a goal" on a blind spot row of the report; a second tap makes no second goal."""
    user = acting_user()
    if not FlaskForm().validate_on_submit():
        abort(400)
    competence = request.form.get("competence", "")
    committed(
        lambda: services.from_blind_spot(user, feedback_round, competence, str(get_locale())),
        _refused,
    )
    flash(_("Goal made: it is on the client's development plan."), "success")
    return redirect(url_for("feedback_rounds.report", round_id=feedback_round.id), 303)


@bp.app_template_global()
def blind_spot_keys(feedback_round: FeedbackRound) -> set[str]:
    """For the 360° report: the competences whose blind spot has become a goal."""
    return services.blind_spot_keys(feedback_round)
