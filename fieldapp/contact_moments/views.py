"""Recording contacts: from a client's file, from the home screen, and from the phone's outbox."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.clients import access
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import CLIENT, Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common.access import signed_in
from fieldapp.common.forms import form_status, show_rule_error
from fieldapp.common.kept_copies import kept_copy
from fieldapp.common.requests import is_offline_copy
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import answered, commit_rendered, saved
from fieldapp.contact_moments import rhythm, services
from fieldapp.contact_moments.forms import ContactForm, HomeContactForm, RhythmForm
from fieldapp.method.rhythm import parse_days
from fieldapp.visits.services import own_clients

bp = Blueprint("contact_moments", __name__)
SHOWN = 100


def _page(client: Client, form: ContactForm, rhythm_form: RhythmForm | None = None) -> str:
    """The contacts page; their notes are a part of the file, so each showing of it (a refused
    form's too) is audited as an opening of the file."""
    own, applies = rhythm.rhythm_of(client)
    if rhythm_form is None:
        rhythm_form = RhythmForm(days=str(own) if own else "")
    page = render_template(
        "contact_moments/index.html",
        client=client,
        contacts=services.latest_of(client, SHOWN),
        shown=SHOWN,
        form=form,
        rhythm_form=rhythm_form,
        rhythm_days=applies,
        own_rhythm=own,
    )
    client_services.record_viewed(acting_user(), client)
    commit_rendered()
    return page


@bp.get("/clients/<id:client_id>/contacts")
@requires(Permission.READ, CLIENT)
def index(client: Client) -> ResponseReturnValue:
    """The client's contacts, the form to record one, and the client's contact rhythm. Their
    notes are a part of the file: each reading is audited as an opening of it."""
    return _page(client, ContactForm())


@bp.get("/clients/<id:client_id>/contacts/latest")
@requires(Permission.READ, CLIENT)
def latest(client: Client) -> ResponseReturnValue:
    """The latest ``limit`` contacts, as a page lists them (an HTML fragment): a phone that sent
    a contact shows it in the page's list without loading the page again."""
    limit = min(max(request.args.get("limit", services.LATEST_SHOWN, type=int), 1), SHOWN)
    fragment = render_template(
        "contact_moments/_latest.html", contacts=services.latest_of(client, limit)
    )
    client_services.record_viewed(acting_user(), client)  # up to the whole page's contacts
    commit_rendered()
    return fragment


@bp.post("/clients/<id:client_id>/contacts")
@requires(Permission.CHANGE, CLIENT)
def record(client: Client) -> ResponseReturnValue:
    """The plain form (without JavaScript); its hidden UUID makes a double submit harmless."""
    user = acting_user()
    form = ContactForm()
    if form.validate_on_submit() and _stored(form, user, client):
        flash(_("Contact saved."), "success")
        back = "clients.show" if request.form.get("back") == "file" else "contact_moments.index"
        return redirect(url_for(back, client_id=client.id))
    return _page(client, form), form_status(form)


def _stored(form: ContactForm, user: User, client: Client) -> bool:
    return saved(form, lambda: services.record(user, client, services.parse(form.payload())))


@bp.post("/api/clients/<id:client_id>/contacts")
@requires(Permission.CHANGE, CLIENT)
def sync(client: Client) -> ResponseReturnValue:
    """Store one contact sent by a device: 201 the first time, 200 with the same answer when it
    is sent again; 422 with the reason otherwise, so that the device keeps it and says why."""
    user = acting_user()
    payload = request.get_json(silent=True)
    contact, created = answered(lambda: services.record(user, client, services.parse(payload)))
    return jsonify(services.as_json(contact)), 201 if created else 200


@bp.post("/clients/<id:client_id>/contacts/rhythm")
@requires(Permission.CHANGE, CLIENT)
def set_rhythm(client: Client) -> ResponseReturnValue:
    """A counsellor's own contact rhythm for this client (empty: the organisation's)."""
    user = acting_user()
    form = RhythmForm()
    if form.validate_on_submit():
        try:
            days = parse_days(form.days.data or "")
        except RuleBroken as error:
            show_rule_error(form, error, "days")
        else:
            if saved(form, lambda: rhythm.set_rhythm(user, client, days), field="days"):
                flash(_("Contact rhythm saved."), "success")
                return redirect(url_for("contact_moments.index", client_id=client.id))
    return _page(client, ContactForm(), form), form_status(form)


@bp.route("/contacts/new", methods=["GET", "POST"])
@signed_in
def from_home() -> ResponseReturnValue:
    """Record a contact from the home screen: with one of one's own clients. The phone keeps
    this page too, for contacts without signal; its copy leaves the moment empty (the phone's
    script takes the moment the contact is saved)."""
    user = acting_user()
    clients = [(c.id, c.full_name) for c in own_clients(user)]
    form = HomeContactForm(clients)
    if form.validate_on_submit():
        client = get_or_404(Client, form.client.data)
        if not access.can_open(user, client):  # not offered: a forged choice
            return render_template("contact_moments/new.html", form=form), 404
        if _stored(form, user, client):
            flash(_("Contact saved."), "success")
            return redirect(url_for("home.index"))
    if form.is_submitted():
        return render_template("contact_moments/new.html", form=form), form_status(form)
    if is_offline_copy():
        form.happened_at.data = None
    return kept_copy(clients, lambda: render_template("contact_moments/new.html", form=form))
