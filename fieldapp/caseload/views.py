"""The caseload, a client's file, consent, hand-over and sharing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.caseload import file_trajectories
from fieldapp.caseload import services as caseload
from fieldapp.caseload.rows import shown
from fieldapp.clients import access, services, timeline
from fieldapp.clients.file_access import CLIENT, Permission, opened_file, requires
from fieldapp.clients.forms import (
    CaseloadFilterForm,
    ClientForm,
    ConsentForm,
    HandoverForm,
    ShareForm,
)
from fieldapp.clients.models import Client, ClientShare
from fieldapp.common.access import signed_in
from fieldapp.common.dates import today
from fieldapp.common.forms import SelectChoice, choice, form_status
from fieldapp.common.kept_forms import fresh_fields
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import commit_rendered, committed, made, saved
from fieldapp.competence_trend import services as competence_trend
from fieldapp.contact_moments import services as contacts
from fieldapp.contact_moments.kept_form import fresh_form as fresh_contact_form
from fieldapp.contact_moments.models import KIND_LABELS
from fieldapp.development_plan import services as development_plan
from fieldapp.development_plan.forms import GoalForm, StatusForm
from fieldapp.extensions import db
from fieldapp.feedback import rounds as feedback_rounds
from fieldapp.feedback.frameworks import framework_in_use
from fieldapp.mentorships import services as mentorships
from fieldapp.method import PHASES, checklist_for, phase_labels
from fieldapp.referrals import services as referrals
from fieldapp.supervisor_link import services as supervisor_link
from fieldapp.supervisor_link.models import REPORT_LABELS, PulseQuestion
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.forms import PhaseForm, phase_choices, scheme_choices
from fieldapp.visits import services as visits
from fieldapp.worksites import services as worksites

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.get("/")
@signed_in
def index() -> ResponseReturnValue:
    """The caseload: search and filters, each client with the next thing due."""
    user = acting_user()
    form = CaseloadFilterForm(request.args)
    form.scheme.choices = [choice("", _l("All schemes")), *scheme_choices()]
    form.phase.choices = [choice("", _l("All phases")), *phase_choices()]
    form.worksite.choices = [choice("", _l("All worksites"))] + [
        choice(worksite_id, name) for worksite_id, name in worksites.names()
    ]
    form.counsellor.choices = [choice("", _l("Everyone I may see"))] + [
        choice(u.id, u.name) for u in services.caseload_owners(user)
    ]
    status = 200
    filters = caseload.CaseloadFilter()
    if form.validate():
        filters = caseload.CaseloadFilter(
            query=form.q.data or "",
            scheme=form.scheme.data or None,
            phase=int(form.phase.data) if form.phase.data else None,
            worksite_id=int(form.worksite.data) if form.worksite.data else None,
            counsellor_id=int(form.counsellor.data) if form.counsellor.data else None,
            attention=form.attention.data,
        )
    else:
        status = 400
    number = (form.page.data or 1) if status == 200 else 1
    page = caseload.search(user, filters, today(), number)
    args = {k: v for k, v in request.args.items() if k != "page"}
    page_html = render_template(
        "clients/index.html", form=form, page=page, rows=shown(page.items, today()), args=args
    )
    return page_html, status


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def create() -> ResponseReturnValue:
    user = acting_user()
    form = ClientForm()
    _counsellor_choices(form, user)
    if request.method == "GET":
        form.counsellor.data = str(user.id)
    if form.validate_on_submit():
        counsellor = _chosen_counsellor(form, user)
        client = made(form, lambda: services.create_client(user, _details(form), counsellor))
        if client is not None:
            flash(_("The file of %(name)s is created.", name=client.full_name), "success")
            return redirect(url_for("trajectories.create", client_id=client.id))
    return render_template("clients/form.html", form=form, client=None), form_status(form)


@bp.get("/<id:client_id>")
@requires(Permission.READ, CLIENT)
def show(client: Client) -> ResponseReturnValue:
    """A client's file: the current trajectory, its checklist, referrals, mentor and timeline.

    Every opening is written to the audit log once the page is rendered, and committed: a
    commit earlier would expire everything loaded and read it all again."""
    user = acting_user()
    sensitive = opened_file().sensitive
    history = file_trajectories.trajectories_of(client, today())
    current = next((t for t in history if t.is_open), None)
    phase = request.args.get("phase", type=int) or (current.phase if current else 1)
    if phase not in PHASES:
        abort(404)
    framework = framework_in_use(client.organisation_id, str(get_locale()))
    rounds = feedback_rounds.of_client(client)  # listed for the open trajectory, and the trend
    events = timeline.page_of(client, 1, timeline.ON_FILE)
    goals = development_plan.listed_goals_of(current) if current else []
    # A form is made only for a part of the page that shows it (making one binds and processes
    # each of its fields): an erased file takes no contact, goal or status, and a consent is
    # recorded once. The fresh contact, phase and goal forms are drawn once (common.kept_forms).
    editable = not client.anonymised_at
    phase_fields = goal_fields = None
    if current:
        phase_fields = fresh_fields(
            "trajectories/_phase_fields.html",
            current.phase,
            lambda: PhaseForm(phase=str(current.phase)),
        )
    if current and editable:
        goal_fields = fresh_fields(
            "development_plan/_goal_fields.html",
            framework,
            lambda: GoalForm(framework, formdata=None),
        )
    page = render_template(
        "clients/show.html",
        client=client,
        trajectory=current,
        past=[t for t in history if not t.is_open],
        may_see_sensitive=sensitive,
        may_reassign=opened_file().reassign,
        checklist_phase=phase,
        checklist=[i for i in checklist_for(phase) if sensitive or not i.sensitive],
        answers=trajectories.shown_answers_of(current) if current else {},
        phase_fields=phase_fields,
        referrals=referrals.on_file(client),
        mentorships=mentorships.on_file(client),
        visits=visits.planned_on_file(client),
        contacts=contacts.latest_of(client, 3),
        contact_form=None if client.anonymised_at else fresh_contact_form(client.id, back="file"),
        feedback_rounds=[
            summary
            for summary in reversed(rounds)  # newest first
            if current and summary.round.trajectory_id == current.id
        ],
        goals=goals,
        goal_labels=framework.labels(),
        goal_fields=goal_fields,
        status_form=StatusForm(formdata=None) if goals and editable else None,
        hours=current.hours_on if current else None,
        trend=competence_trend.trend_of(
            client,
            str(get_locale()),
            framework=framework,
            rounds=[summary.round for summary in rounds],
        ),
        timeline=events,
        timeline_kinds=timeline.kinds_of(events.items),
        phase_labels=phase_labels(),
        pulses=supervisor_link.latest_pulses(current) if current else None,
        **_timeline_labels(),
        today=today(),
        consent_form=None if client.consent_at else ConsentForm(),
    )
    services.record_viewed(user, client)
    commit_rendered()
    return page


@bp.get("/<id:client_id>/timeline", endpoint="timeline")
@requires(Permission.READ, CLIENT)
def timeline_page(client: Client) -> ResponseReturnValue:
    """Everything that happened on the client's file, newest first, a page at a time (the file
    shows the latest). Each opening is written to the audit log, as the file's is."""
    events = timeline.page_of(client, request.args.get("page", 1, type=int))
    page = render_template(
        "clients/timeline.html",
        client=client,
        trajectory=trajectories.open_trajectory(client),
        timeline=events,
        timeline_kinds=timeline.kinds_of(events.items),
        **_timeline_labels(),
    )
    services.record_viewed(acting_user(), client)
    commit_rendered()
    return page


def _timeline_labels() -> dict[str, Any]:
    """What the timeline's events are worded with (``clients/_timeline.html``), on the file and
    on the timeline's own page."""
    return {
        "contact_kinds": KIND_LABELS,
        "pulse_questions": list(PulseQuestion),
        "report_labels": {kind.value: label for kind, label in REPORT_LABELS.items()},
    }


@bp.route("/<id:client_id>/edit", methods=["GET", "POST"])
@requires(Permission.CHANGE, CLIENT)
def edit(client: Client) -> ResponseReturnValue:
    user = acting_user()
    form = ClientForm(obj=client)
    del form.counsellor  # a change of counsellor is a hand-over, with its own page
    if form.validate_on_submit() and saved(
        form, lambda: services.update_client(user, client, _details(form))
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return render_template("clients/form.html", form=form, client=client), form_status(form)


@bp.route("/<id:client_id>/consent", methods=["GET", "POST"])
@requires(Permission.CHANGE, CLIENT)
def consent(client: Client) -> ResponseReturnValue:
    """Record how the client consented to the file (the client page carries the same form)."""
    user = acting_user()
    form = ConsentForm()
    if form.validate_on_submit():
        services.record_consent(user, client, form.note.data)
        db.session.commit()
        flash(_("Consent is recorded."), "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return render_template("clients/consent.html", form=form, client=client), form_status(form)


def _colleague_choices(user: User, client: Client) -> list[SelectChoice]:
    """Who may receive this file or a share of it, as the form offers them; the service decides."""
    return [choice("", "—")] + [
        choice(u.id, u.name) for u in services.followers(user) if u.id != client.counsellor_id
    ]


@bp.route("/<id:client_id>/handover", methods=["GET", "POST"])
@requires(Permission.REASSIGN, CLIENT)
def handover(client: Client) -> ResponseReturnValue:
    """A warm hand-over to another counsellor, with a note they receive."""
    user = acting_user()
    form = HandoverForm()
    form.to.choices = _colleague_choices(user, client)
    if form.validate_on_submit():
        to = get_or_404(User, int(form.to.data))
        if saved(form, lambda: services.hand_over(user, client, to, form.note.data)):
            flash(
                _("%(client)s is handed over to %(name)s.", client=client.full_name, name=to.name),
                "success",
            )
            if access.can_open(user, client):
                return redirect(url_for("clients.show", client_id=client.id))
            return redirect(url_for("clients.index"))
    return render_template("clients/handover.html", form=form, client=client), form_status(form)


@bp.route("/<id:client_id>/shares", methods=["GET", "POST"])
@requires(Permission.REASSIGN, CLIENT)
def shares(client: Client) -> ResponseReturnValue:
    """Who else may open this file, and whether they see its sensitive part."""
    user = acting_user()
    form = ShareForm()
    form.user.choices = _colleague_choices(user, client)
    if form.validate_on_submit():
        other = get_or_404(User, int(form.user.data))
        if saved(form, lambda: services.share(user, client, other, form.include_sensitive.data)):
            flash(_("%(name)s can now open this file.", name=other.name), "success")
            return redirect(url_for("clients.shares", client_id=client.id))
    return (
        render_template(
            "clients/shares.html", form=form, client=client, grants=services.shares_of(client)
        ),
        form_status(form),
    )


@bp.post("/<id:client_id>/shares/<id:share_id>/delete")
@requires(Permission.REASSIGN, CLIENT)
def unshare(client: Client, share_id: int) -> ResponseReturnValue:
    user = acting_user()
    grant = get_or_404(ClientShare, share_id)
    if grant.client_id != client.id:
        abort(404)
    committed(lambda: services.unshare(user, client, grant), lambda _error: abort(403))
    flash(_("The file is no longer shared with this person."), "success")
    return redirect(url_for("clients.shares", client_id=client.id))


def _details(form: ClientForm) -> services.ClientDetails:
    return services.ClientDetails(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        birth_date=form.birth_date.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
        language=form.language.data,
        city=form.city.data or "",
    )


def _counsellor_choices(form: ClientForm, user: User) -> None:
    form.counsellor.choices = [choice(u.id, u.name) for u in services.followers(user)]


def _chosen_counsellor(form: ClientForm, user: User) -> User:
    """Counsellors create files for themselves; team leads and admins may choose someone."""
    if not form.counsellor.data or not (user.is_admin or user.is_team_lead):
        return user
    return get_or_404(User, int(form.counsellor.data))
