"""The agenda, planning and moving visits, and the personal calendar feed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
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
from flask_wtf.csrf import generate_csrf

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import CLIENT, Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common.access import public, signed_in
from fieldapp.common.dates import today
from fieldapp.common.forms import form_status, safe_next_url
from fieldapp.common.kept_copies import kept_copy
from fieldapp.common.numbers import whole_number
from fieldapp.common.requests import COPY_HEADER, is_offline_copy
from fieldapp.common.secret_links import REFUSAL_STATUS, LinkRefused
from fieldapp.common.security import exempt_from_no_store
from fieldapp.common.time import local_moment
from fieldapp.common.urls import public_url
from fieldapp.common.views import acted, answered, commit_rendered, committed, made, saved
from fieldapp.development_plan.models import Goal
from fieldapp.development_plan.services import goals_of_open_trajectory
from fieldapp.extensions import db, limiter
from fieldapp.feedback.frameworks import FrameworkText, framework_in_use
from fieldapp.visits import calendar, follow_ups, notes, services
from fieldapp.visits import unplanned as unplanned_visits
from fieldapp.visits.forms import NewVisitForm, UnplannedVisitForm, VisitForm
from fieldapp.visits.loaders import FOLLOW_UP, VISIT
from fieldapp.visits.models import FollowUp, Visit, VisitStatus

bp = Blueprint("visits", __name__)


def _framework(visit: Visit) -> FrameworkText:
    return framework_in_use(visit.organisation_id, str(get_locale()))


def _plan(form: VisitForm) -> services.VisitPlan:
    return services.VisitPlan(
        form.day.data, form.at.data, form.minutes.data, form.purpose.data or ""
    )


@bp.get("/visits/")
@signed_in
def agenda() -> ResponseReturnValue:
    """Today and the six days after it."""
    day = today()
    days = services.agenda(acting_user(), day, 7)
    version = (
        day,
        [
            (v.id, v.starts_at, v.status, v.client.full_name, v.worksite and v.worksite.name)
            for visits in days.values()
            for v in visits
        ],
    )
    return kept_copy(version, lambda: render_template("visits/agenda.html", days=days, today=day))


@bp.route("/clients/<id:client_id>/visits/new", methods=["GET", "POST"])
@requires(Permission.CHANGE, CLIENT)
def create(client: Client) -> ResponseReturnValue:
    user = acting_user()
    form = VisitForm()
    if request.method == "GET":
        form.day.data = today() + timedelta(days=1)
    if form.validate_on_submit() and saved(form, lambda: services.plan(user, client, _plan(form))):
        flash(_("Visit planned."), "success")
        return redirect(url_for("visits.agenda"))
    page = render_template("visits/form.html", form=form, client=client, visit=None)
    return page, form_status(form)


@bp.route("/visits/new", methods=["GET", "POST"])
@signed_in
def plan_today() -> ResponseReturnValue:
    """Plan a visit from the agenda or the home screen: for one of one's own clients, on today
    unless another day is chosen (from a client's file, planning looks ahead and starts on
    tomorrow)."""
    user = acting_user()
    clients = {client.id: client for client in services.own_clients(user)}
    form = NewVisitForm([(ident, client.full_name) for ident, client in clients.items()])
    if request.method == "GET":
        form.day.data = today()
    if form.validate_on_submit():
        client = clients[int(form.client.data)]  # one of the choices, so one of these
        if saved(form, lambda: services.plan(user, client, _plan(form))):
            flash(_("Visit planned."), "success")
            return redirect(url_for("visits.agenda"))
    page = render_template("visits/form.html", form=form, client=None, visit=None)
    return page, form_status(form)


@bp.get("/visits/<id:visit_id>")
@requires(Permission.READ, VISIT)
def show(visit: Visit) -> ResponseReturnValue:
    """A visit with its notes; a note whose revisions crossed shows every version. The copy a
    device keeps for offline use has the note form but none of the notes; it is answered 304 when
    the device's copy shows the same visit, goals and framework."""
    if not is_offline_copy():
        response = Response(_show_page(visit))
        response.vary.add(COPY_HEADER)
        return response
    framework = _framework(visit)
    goals = _goals(visit)
    version = (
        (visit.id, visit.starts_at, visit.minutes, visit.purpose, visit.status),
        (visit.client.full_name, visit.worksite and visit.worksite.name),
        framework,
        [(g.id, g.text, g.actor, g.due_on, g.competence_key, g.status, g.status_on) for g in goals],
    )
    return kept_copy(version, lambda: _show_page(visit, known=(framework, goals)))


def _goals(visit: Visit) -> list[Goal]:
    return goals_of_open_trajectory(visit.client_id)


def _show_page(
    visit: Visit,
    error: str | None = None,
    body: str = "",
    known: tuple[FrameworkText, list[Goal]] | None = None,
) -> str:
    """The visit page. The notes are a part of the client's file: each showing of them (a
    refused note's page too) is audited as an opening of it; the copy a device keeps has none
    of them, and is fetched without anyone reading it."""
    copy = is_offline_copy()
    visit_notes = [] if copy else notes.notes_of(visit)
    framework, goals = known or (_framework(visit), _goals(visit))
    page = render_template(
        "visits/show.html",
        visit=visit,
        local=local_moment(visit.starts_at),
        action_form=FlaskForm(),
        notes=visit_notes,
        new_note=_new_note(
            visit_notes, request.args.get("correct") or request.form.get("parent_uuid"), body
        ),
        # One fresh revision id per head, so that "keep this version" is safe to send twice.
        new_revision_uuids={
            head.revision_uuid: str(uuid.uuid4()) for note in visit_notes for head in note.heads
        },
        max_body=notes.MAX_BODY,
        observation_labels=notes.observation_labels(framework),
        note_error=error,
        observations=notes.OBSERVATIONS,
        competences=[
            (notes.COMPETENCE_PREFIX + competence.key, competence)
            for competence in framework.competences
        ],
        follow_ups=[] if copy else follow_ups.of_visit(visit),
        # The goals are in the copy kept for offline use too: checked on site, without signal.
        goals=goals,
        goal_labels=framework.labels(),
        new_action_uuid=str(uuid.uuid4()),
        max_action_text=notes.MAX_ACTION_TEXT,
    )
    if not copy:
        client_services.record_viewed(acting_user(), visit.client)
        commit_rendered()
    return page


def _new_note(visit_notes: list[notes.Note], correct: str | None, body: str) -> dict[str, Any]:
    """The note form: a new note, or a correction of the version named by ``?correct=``."""
    fresh = {"revision_uuid": str(uuid.uuid4()), "body": body, "observations": {}}
    for note in visit_notes:
        for head in note.heads:
            if head.revision_uuid == correct and not note.in_conflict:
                return fresh | {
                    "note_uuid": note.note_uuid,
                    "parent_uuid": head.revision_uuid,
                    "body": body or head.body,
                    "observations": head.observations,
                }
    return fresh | {"note_uuid": str(uuid.uuid4()), "parent_uuid": None}


@bp.route("/visits/<id:visit_id>/edit", methods=["GET", "POST"])
@requires(Permission.CHANGE, VISIT)
def edit(visit: Visit) -> ResponseReturnValue:
    user = acting_user()
    form = VisitForm(obj=visit)
    if request.method == "GET":
        local = local_moment(visit.starts_at)
        form.day.data, form.at.data = local.date(), local.time()
    if form.validate_on_submit() and saved(form, lambda: services.move(user, visit, _plan(form))):
        flash(_("Visit moved."), "success")
        return redirect(url_for("visits.show", visit_id=visit.id))
    page = render_template("visits/form.html", form=form, client=visit.client, visit=visit)
    return page, form_status(form)


@bp.get("/visits/<id:visit_id>/cancel")
@requires(Permission.CHANGE, VISIT)
def confirm_cancel(visit: Visit) -> ResponseReturnValue:
    """Asks before a planned visit is cancelled (a cancelled visit cannot be planned again)."""
    if not visit.is_planned:
        flash(_("This visit is no longer planned."), "info")
        return redirect(url_for("visits.show", visit_id=visit.id))
    return render_template("visits/cancel.html", visit=visit, action_form=FlaskForm())


@bp.post("/visits/<id:visit_id>/<any(done, cancelled):status>")
@requires(Permission.CHANGE, VISIT)
def set_status(visit: Visit, status: str) -> ResponseReturnValue:
    """Mark a visit done, or cancel it once asked: a cancel without the confirmation (a page
    from before there was one) is sent to the question and changes nothing."""
    user = acting_user()
    if (
        status == VisitStatus.CANCELLED.value
        and visit.is_planned
        and request.form.get("confirm") != "yes"
    ):
        return redirect(url_for("visits.confirm_cancel", visit_id=visit.id), code=303)
    acted(lambda: services.set_status(user, visit, VisitStatus(status)))
    flash(_("Visit done.") if status == "done" else _("Visit cancelled."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.route("/visits/calendar", methods=["GET", "POST"])
@signed_in
def calendar_settings() -> ResponseReturnValue:
    """Create, renew or stop one's personal calendar feed address."""
    user = acting_user()
    form = FlaskForm()
    address = None
    if form.validate_on_submit():
        if request.form.get("action") == "stop":
            calendar.revoke(user)
            db.session.commit()
            flash(_("The calendar address no longer works."), "success")
            return redirect(url_for("visits.calendar_settings"))
        raw = calendar.issue(user)
        db.session.commit()
        address = public_url("visits.feed", token=raw)
    return render_template(
        "visits/calendar.html", form=form, address=address, active=calendar.has_feed(user)
    )


@bp.get("/calendar/<token>.ics")
@public
@limiter.limit("60 per hour")
def feed(token: str) -> ResponseReturnValue:
    """The iCalendar feed; its address is the only key, so it holds nothing sensitive."""
    try:
        owner = calendar.owner_of(token)
    except LinkRefused as refused:
        abort(REFUSAL_STATUS[refused.reason])
    response = Response(calendar.render(owner), mimetype="text/calendar")
    return exempt_from_no_store(response)


@bp.get("/api/csrf")
@signed_in
def csrf_token() -> ResponseReturnValue:
    """A fresh CSRF token, fetched by the outbox right before it sends (a cached page's token may
    have expired)."""
    return jsonify({"csrf_token": generate_csrf(), "user_id": acting_user().id})


@bp.post("/api/visits/<id:visit_id>/notes")
@requires(Permission.CHANGE, VISIT)
def sync_note(visit: Visit) -> ResponseReturnValue:
    """Store one note revision sent by a device: 201 the first time, 200 with the same answer when
    it is sent again; a 4xx with the reason otherwise, so the device keeps the note and says why."""
    user = acting_user()
    payload = request.get_json(silent=True)
    allowed = notes.observation_keys(_framework(visit))
    revision, created = answered(lambda: notes.store(user, visit, notes.parse(payload, allowed)))
    return jsonify(notes.as_json(revision)), 201 if created else 200


@bp.post("/visits/<id:visit_id>/notes")
@requires(Permission.CHANGE, VISIT)
def add_note(visit: Visit) -> ResponseReturnValue:
    """The same, from the plain HTML form (without JavaScript); its hidden UUIDs make a double
    submit harmless too."""
    user = acting_user()
    form = request.form
    allowed = notes.observation_keys(_framework(visit))
    payload = {
        "revision_uuid": form.get("revision_uuid"),
        "note_uuid": form.get("note_uuid"),
        "parent_uuid": form.get("parent_uuid") or None,
        "replaces": form.getlist("replaces"),
        "body": form.get("body", ""),
        "observations": {
            key: whole_number(value) or value  # anything else gets the scale's message
            for key in allowed
            if (value := form.get(key, ""))
        },
        "actions": [
            {"uuid": action_uuid, "text": text, "due": due}
            for action_uuid, text, due in zip(
                form.getlist("action_uuid"),
                form.getlist("action_text"),
                form.getlist("action_due"),
                strict=False,
            )
            if text.strip() or due
        ],
    }
    committed(
        lambda: notes.store(user, visit, notes.parse(payload, allowed)),
        lambda error: (_show_page(visit, error=error.message, body=form.get("body", "")), 422),
    )
    flash(_("Note saved."), "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.get("/visits/outbox")
@signed_in
def outbox() -> ResponseReturnValue:
    """The notes waiting on this device; the page script fills it from the device's outbox."""
    return kept_copy((), lambda: render_template("visits/outbox.html"))


@bp.route("/visits/unplanned", methods=["GET", "POST"])
@signed_in
def unplanned() -> ResponseReturnValue:
    """A note for a visit that was not planned, with one of one's own clients; the phone keeps
    this page (the clients with their worksite, open goals and agreed actions) for working without
    signal. Posted without JavaScript, it makes the visit and its note at once."""
    user = acting_user()
    caseload = unplanned_visits.caseload_of(user)
    clients = {item.client.id: item.client for item in caseload}
    form = UnplannedVisitForm([(ident, client.full_name) for ident, client in clients.items()])
    if form.validate_on_submit():
        client = clients[int(form.client.data)]  # one of the choices, so one of these
        visit = made(form, lambda: _record_unplanned(user, client, form))
        if visit is not None:
            flash(_("Note saved."), "success")
            return redirect(url_for("visits.show", visit_id=visit.id))

    def page() -> str:
        labels = notes.observation_labels(framework_in_use(user.organisation_id, str(get_locale())))
        return render_template(
            "visits/unplanned.html",
            form=form,
            caseload=caseload,
            observations=notes.OBSERVATIONS,
            observation_labels=labels,
            max_body=notes.MAX_BODY,
        )

    if form.is_submitted():
        return page(), form_status(form)
    return kept_copy(unplanned_visits.version_of(caseload), page)


def _record_unplanned(user: User, client: Client, form: UnplannedVisitForm) -> Visit:
    payload = {
        "visit_uuid": form.visit_uuid.data,
        "note_uuid": form.note_uuid.data,
        "revision_uuid": form.revision_uuid.data,
        "body": form.body.data or "",
        "observations": {
            key: whole_number(value) or value  # anything else gets the scale's message
            for key in notes.OBSERVATIONS
            if (value := request.form.get(key, ""))
        },
    }
    visit, _revision, _new = unplanned_visits.record(user, client, unplanned_visits.parse(payload))
    return visit


@bp.post("/api/clients/<id:client_id>/unplanned-visits")
@requires(Permission.CHANGE, CLIENT)
def sync_unplanned(client: Client) -> ResponseReturnValue:
    """Store a note written on a phone for an unplanned visit: the first send makes the visit and
    the note (201), a repeated one finds both (200); a 4xx with the reason otherwise."""
    user = acting_user()
    allowed = notes.observation_keys(framework_in_use(client.organisation_id, str(get_locale())))
    incoming = request.get_json(silent=True)
    visit, revision, created = answered(
        lambda: unplanned_visits.record(user, client, unplanned_visits.parse(incoming, allowed))
    )
    return jsonify(unplanned_visits.as_json(visit, revision)), 201 if created else 200


@bp.post("/follow-ups/<id:follow_up_id>/done")
@requires(Permission.CHANGE, FOLLOW_UP)
def follow_up_done(follow_up: FollowUp) -> ResponseReturnValue:
    user = acting_user()
    acted(lambda: follow_ups.complete(user, follow_up))
    flash(_("Follow-up done."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for("home.index"))
