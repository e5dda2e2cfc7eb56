"""Mentors for clients on the work floor and for new counsellors; their check-ins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import services as clients
from fieldapp.clients.file_access import CLIENT, Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.forms import choice, form_status
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import committed, flashed, saved
from fieldapp.mentorships import services
from fieldapp.mentorships.forms import CounsellorMentorForm, MentorForm
from fieldapp.mentorships.loaders import CHECK_IN
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.worksites import services as worksites
from fieldapp.worksites.models import Contact

bp = Blueprint("mentorships", __name__)


@bp.route("/clients/<id:client_id>/mentor", methods=["GET", "POST"])
@requires(Permission.CHANGE, CLIENT)
def for_client(client: Client) -> ResponseReturnValue:
    user = acting_user()
    form = MentorForm()
    contacts = worksites.contacts_by_worksite()
    form.mentor.choices = [choice("", "—")]
    for site_contacts in contacts.values():
        form.mentor.choices += [
            choice(f"c{c.id}", f"{c.name} ({c.worksite.name})") for c in site_contacts
        ]
    form.mentor.choices += [choice(f"u{u.id}", u.name) for u in clients.colleagues(user)]
    if request.method == "GET":
        form.starts_on.data = today()
    if form.validate_on_submit():
        kind, ident = form.mentor.data[0], int(form.mentor.data[1:])
        mentor_contact = get_or_404(Contact, ident) if kind == "c" else None
        mentor_user = get_or_404(User, ident) if kind == "u" else None
        if saved(
            form,
            lambda: services.pair(
                user,
                starts_on=form.starts_on.data,
                mentor_contact=mentor_contact,
                mentor_user=mentor_user,
                mentee_client=client,
                note=form.note.data or "",
            ),
        ):
            flash(_("Mentor paired; check-ins are planned."), "success")
            return redirect(url_for("clients.show", client_id=client.id))
    page = render_template("mentorships/client_form.html", form=form, client=client)
    return page, form_status(form)


@bp.route("/mentorships/", methods=["GET", "POST"])
@role_required(Role.TEAM_LEAD)
def counsellors() -> ResponseReturnValue:
    """Mentors for new counsellors, paired by a team lead or an administrator."""
    user = acting_user()
    form = CounsellorMentorForm()
    people = clients.colleagues(user)
    form.mentor.choices = [choice("", "—")] + [choice(u.id, u.name) for u in people]
    form.mentee.choices = [choice("", "—")] + [choice(u.id, u.name) for u in people]
    if request.method == "GET":
        form.starts_on.data = today()
    if form.validate_on_submit() and saved(
        form,
        lambda: services.pair(
            user,
            starts_on=form.starts_on.data,
            mentor_user=get_or_404(User, int(form.mentor.data)),
            mentee_user=get_or_404(User, int(form.mentee.data)),
            note=form.note.data or "",
        ),
    ):
        flash(_("Mentor paired; check-ins are planned."), "success")
        return redirect(url_for("mentorships.counsellors"))
    page = render_template(
        "mentorships/counsellors.html", form=form, mentorships=services.for_counsellors()
    )
    return page, form_status(form)


@bp.post("/check-ins/<id:check_in_id>/done")
@requires(Permission.CHANGE, CHECK_IN)
def check_in_done(check_in: CheckIn, mentorship: Mentorship) -> ResponseReturnValue:
    """A client's check-in goes back to the client's file; a new counsellor's to the home page."""
    user = acting_user()
    if mentorship.mentee_client_id is not None:
        back = url_for("clients.show", client_id=mentorship.mentee_client_id)
    else:
        back = url_for("home.index")
    if FlaskForm().validate_on_submit():
        committed(lambda: services.check_in_done(user, check_in, today()), flashed(back, 303))
        flash(_("Check-in recorded."), "success")
    return redirect(back)
