"""Starting, changing and ending a trajectory; phases, checklists, working time, evaluations."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import CLIENT, Permission, opened_file, requires
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.forms import choice, form_status
from fieldapp.common.views import commit_rendered, committed, saved
from fieldapp.method import PHASES, Outcome, Scheme, checklist_for
from fieldapp.trajectories import services
from fieldapp.trajectories.forms import (
    EndForm,
    EvaluationForm,
    PhaseForm,
    RegimeForm,
    TrajectoryForm,
    checklist_form_class,
)
from fieldapp.trajectories.loaders import EVALUATION, TRAJECTORY
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.worksites import services as worksites

bp = Blueprint("trajectories", __name__)


def _back(trajectory: Trajectory) -> ResponseReturnValue:
    return redirect(url_for("clients.show", client_id=trajectory.client_id))


def _plan_choices(form: TrajectoryForm) -> None:
    sites = worksites.all_worksites(active_only=True)
    form.worksite_id.choices = [choice("", "—")] + [choice(w.id, w.name) for w in sites]
    contacts = worksites.contacts_by_worksite()
    form.supervisor_id.choices = [choice("", "—")] + [
        choice(c.id, f"{c.name} ({w.name})") for w in sites for c in contacts.get(w.id, [])
    ]


def _plan(form: TrajectoryForm) -> services.TrajectoryPlan:
    return services.TrajectoryPlan(
        scheme=Scheme(form.scheme.data),
        started_on=form.started_on.data,
        planned_end_on=form.planned_end_on.data,
        worksite_id=int(form.worksite_id.data) if form.worksite_id.data else None,
        supervisor_id=int(form.supervisor_id.data) if form.supervisor_id.data else None,
    )


@bp.route("/clients/<id:client_id>/trajectories/new", methods=["GET", "POST"])
@requires(Permission.CHANGE, CLIENT)
def create(client: Client) -> ResponseReturnValue:
    user = acting_user()
    form = TrajectoryForm()
    _plan_choices(form)
    if request.method == "GET":
        form.started_on.data = today()
    if form.validate_on_submit() and saved(
        form, lambda: services.start(user, client, _plan(form), form.hours_per_week.data)
    ):
        flash(_("The trajectory has started."), "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return _form_page(form, client, None)


@bp.route("/trajectories/<id:trajectory_id>/edit", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def edit(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = TrajectoryForm(obj=trajectory)
    del form.hours_per_week  # working time changes have their own form, with a start date
    _plan_choices(form)
    if request.method == "GET":
        form.worksite_id.data = str(trajectory.worksite_id or "")
        form.supervisor_id.data = str(trajectory.supervisor_id or "")
    if form.validate_on_submit() and saved(
        form, lambda: services.update(user, trajectory, _plan(form))
    ):
        flash(_("Saved."), "success")
        return _back(trajectory)
    return _form_page(form, trajectory.client, trajectory)


def _form_page(
    form: TrajectoryForm, client: Client, trajectory: Trajectory | None
) -> ResponseReturnValue:
    page = render_template(
        "trajectories/form.html", form=form, client=client, trajectory=trajectory
    )
    return page, form_status(form)


@bp.post("/trajectories/<id:trajectory_id>/phase")
@requires(Permission.CHANGE, TRAJECTORY)
def change_phase(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = PhaseForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose a phase from 1 to 5."))
    committed(lambda: services.change_phase(user, trajectory, int(form.phase.data)))
    flash(
        _("Phase %(phase)s: %(label)s.", phase=trajectory.phase, label=PHASES[trajectory.phase]),
        "success",
    )
    return _back(trajectory)


@bp.route("/trajectories/<id:trajectory_id>/checklist/<int:phase>", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def checklist(trajectory: Trajectory, phase: int) -> ResponseReturnValue:
    """The short answers of one phase's checklist (the sensitive ones only for who may)."""
    user = acting_user()
    if phase not in PHASES:
        abort(404)
    sensitive = opened_file().sensitive
    answers = services.answers_of(trajectory)
    form_class = checklist_form_class(phase, sensitive)
    form = form_class(data={key: row.answer for key, row in answers.items()})
    if form.validate_on_submit():
        submitted = {
            item.key: form[item.key].data or "" for item in checklist_for(phase) if item.key in form
        }
        if saved(form, lambda: services.save_checklist(user, trajectory, submitted, sensitive)):
            flash(_("Checklist saved."), "success")
            return redirect(url_for("clients.show", client_id=trajectory.client_id, phase=phase))
    page = render_template(
        "trajectories/checklist.html",
        form=form,
        trajectory=trajectory,
        client=trajectory.client,
        phase=phase,
        phase_label=PHASES[phase],
        may_see_sensitive=sensitive,
    )
    # The answers shown include the sensitive ones (health, family, addiction, debts) for who
    # may see them: each showing is an opening of the file, audited as the file's page is.
    client_services.record_viewed(user, trajectory.client)
    commit_rendered()
    return page, form_status(form)


@bp.route("/trajectories/<id:trajectory_id>/regime", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def regime(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = RegimeForm()
    if request.method == "GET":
        form.starts_on.data = today()
    if form.validate_on_submit() and saved(
        form,
        lambda: services.change_regime(
            user,
            trajectory,
            form.starts_on.data,
            form.hours_per_week.data,
            form.note.data or "",
        ),
    ):
        flash(_("Working time saved."), "success")
        return _back(trajectory)
    page = render_template(
        "trajectories/regime.html", form=form, trajectory=trajectory, client=trajectory.client
    )
    return page, form_status(form)


@bp.route("/evaluations/<id:evaluation_id>", methods=["GET", "POST"])
@requires(Permission.CHANGE, EVALUATION)
def evaluation(evaluation: Evaluation, trajectory: Trajectory) -> ResponseReturnValue:
    """GET: the evaluation's record page (fieldapp/evaluations), where reminders and links lead;
    POST: the short form (held on a day, with a note) that came before it."""
    if request.method == "GET":
        return redirect(url_for("evaluations.page", evaluation_id=evaluation.id))
    user = acting_user()
    form = EvaluationForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: services.hold_evaluation(user, evaluation, form.held_on.data, form.note.data or ""),
    ):
        flash(_("Evaluation recorded."), "success")
        return _back(trajectory)
    page = render_template(
        "trajectories/evaluation.html",
        form=form,
        evaluation=evaluation,
        trajectory=trajectory,
        client=trajectory.client,
    )
    return page, form_status(form)


@bp.route("/trajectories/<id:trajectory_id>/end", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def end(trajectory: Trajectory) -> ResponseReturnValue:
    user = acting_user()
    form = EndForm()
    if request.method == "GET":
        form.ended_on.data = today()
    if form.validate_on_submit() and saved(
        form,
        lambda: services.end(user, trajectory, form.ended_on.data, Outcome(form.outcome.data)),
    ):
        flash(_("The trajectory has ended."), "success")
        return _back(trajectory)
    page = render_template(
        "trajectories/end.html", form=form, trajectory=trajectory, client=trajectory.client
    )
    return page, form_status(form)
