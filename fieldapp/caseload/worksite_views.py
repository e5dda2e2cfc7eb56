"""The worksites pages, reached from the Clients page: the organisation's worksites, their
contacts, and on each the clients placed there (from the trajectories, hence a page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients.access import visible_clause
from fieldapp.common.access import signed_in
from fieldapp.common.forms import form_status
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import made, saved
from fieldapp.extensions import db
from fieldapp.trajectories.services import placed_at
from fieldapp.worksites import services
from fieldapp.worksites.forms import ContactForm, WorksiteForm
from fieldapp.worksites.models import Contact, ContactRole, Worksite, WorksiteKind

bp = Blueprint("worksites", __name__, url_prefix="/worksites")


@bp.get("/")
@signed_in
def index() -> ResponseReturnValue:
    return render_template("worksites/index.html", worksites=services.all_worksites())


@bp.route("/new", methods=["GET", "POST"])
@signed_in
def create() -> ResponseReturnValue:
    form = WorksiteForm()
    if form.validate_on_submit() and (
        worksite := made(
            form, lambda: services.create_worksite(acting_user(), _worksite_details(form))
        )
    ):
        flash(_("Worksite %(name)s added.", name=worksite.name), "success")
        return redirect(url_for("worksites.show", worksite_id=worksite.id))
    return render_template("worksites/form.html", form=form, worksite=None), form_status(form)


@bp.get("/<id:worksite_id>")
@signed_in
def show(worksite_id: int) -> ResponseReturnValue:
    """A worksite: its contacts and the clients placed there whom the viewer may see."""
    worksite = get_or_404(Worksite, worksite_id)
    placed = placed_at(worksite, visible_clause(acting_user()))
    return render_template("worksites/show.html", worksite=worksite, placed=placed)


@bp.route("/<id:worksite_id>/edit", methods=["GET", "POST"])
@signed_in
def edit(worksite_id: int) -> ResponseReturnValue:
    worksite = get_or_404(Worksite, worksite_id)
    form = WorksiteForm(obj=worksite)
    if form.validate_on_submit() and saved(
        form, lambda: services.update_worksite(acting_user(), worksite, _worksite_details(form))
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("worksites.show", worksite_id=worksite.id))
    return render_template("worksites/form.html", form=form, worksite=worksite), form_status(form)


@bp.route("/<id:worksite_id>/contacts/new", methods=["GET", "POST"])
@signed_in
def add_contact(worksite_id: int) -> ResponseReturnValue:
    worksite = get_or_404(Worksite, worksite_id)
    form = ContactForm()
    if form.validate_on_submit():
        services.add_contact(acting_user(), worksite, _contact_details(form))
        db.session.commit()
        flash(_("Contact added."), "success")
        return redirect(url_for("worksites.show", worksite_id=worksite.id))
    page = render_template(
        "worksites/contact_form.html", form=form, worksite=worksite, contact=None
    )
    return page, form_status(form)


@bp.route("/contacts/<id:contact_id>", methods=["GET", "POST"])
@signed_in
def edit_contact(contact_id: int) -> ResponseReturnValue:
    contact = get_or_404(Contact, contact_id)
    form = ContactForm(obj=contact)
    if form.validate_on_submit():
        services.update_contact(acting_user(), contact, _contact_details(form))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("worksites.show", worksite_id=contact.worksite_id))
    page = render_template(
        "worksites/contact_form.html", form=form, worksite=contact.worksite, contact=contact
    )
    return page, form_status(form)


def _worksite_details(form: WorksiteForm) -> services.WorksiteDetails:
    return services.WorksiteDetails(
        name=form.name.data,
        kind=WorksiteKind(form.kind.data),
        address=form.address.data or "",
        active=form.active.data,
    )


def _contact_details(form: ContactForm) -> services.ContactDetails:
    return services.ContactDetails(
        name=form.name.data,
        role=ContactRole(form.role.data),
        email=form.email.data or "",
        phone=form.phone.data or "",
        language=form.language.data or None,
    )
