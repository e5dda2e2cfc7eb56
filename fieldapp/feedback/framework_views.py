"""Administrators' pages for competence frameworks."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.roles import Role
from fieldapp.common.forms import form_status
from fieldapp.common.numbers import whole_number
from fieldapp.common.tenancy import get_or_404
from fieldapp.common.views import acted, saved
from fieldapp.feedback import frameworks
from fieldapp.feedback.forms import CompetenceForm, FrameworkNameForm
from fieldapp.feedback.models import Competence, Framework

bp = Blueprint("frameworks", __name__, url_prefix="/admin/frameworks")


def _framework_from_form(field: str) -> Framework | None:
    """The framework named in a posted field; empty means the shipped framework."""
    value = request.form.get(field, "")
    if not value:
        return None
    number = whole_number(value)
    if number is None or number > 2**31:
        abort(404)
    return get_or_404(Framework, number)


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    """The shipped framework and the organisation's own; which one is in use; copy and use."""
    own = frameworks.frameworks_of(acting_user().organisation)
    return render_template(
        "feedback/frameworks.html",
        shipped=frameworks.shipped_framework(str(get_locale())),
        own=own,
        shipped_in_use=not any(framework.in_use for framework in own),
        action_form=FlaskForm(),
    )


@bp.post("/copy")
@role_required(Role.ADMIN)
def copy() -> ResponseReturnValue:
    user = acting_user()
    source = _framework_from_form("source")
    source_name = source.name if source else frameworks.shipped_framework(str(get_locale())).name
    name = _("Copy of %(name)s", name=source_name)[:120]
    framework = acted(lambda: frameworks.copy(user, source, name))
    flash(_("Framework copied. Adapt it, then put it in use."), "success")
    return redirect(url_for("frameworks.edit", framework_id=framework.id))


@bp.post("/use")
@role_required(Role.ADMIN)
def use() -> ResponseReturnValue:
    user = acting_user()
    framework = _framework_from_form("framework")
    acted(lambda: frameworks.use(user, framework))
    flash(_("Notes and new feedback rounds now use this framework."), "success")
    return redirect(url_for("frameworks.index"))


def _edit_page(
    framework: Framework, name_form: FrameworkNameForm, new_form: CompetenceForm
) -> ResponseReturnValue:
    page = render_template(
        "feedback/framework.html",
        framework=framework,
        name_form=name_form,
        new_form=new_form,
        action_form=FlaskForm(),
    )
    return page, max(form_status(name_form), form_status(new_form))


@bp.get("/<id:framework_id>")
@role_required(Role.ADMIN)
def edit(framework_id: int) -> ResponseReturnValue:
    framework = get_or_404(Framework, framework_id)
    return _edit_page(framework, FrameworkNameForm(obj=framework), CompetenceForm(formdata=None))


@bp.post("/<id:framework_id>/name")
@role_required(Role.ADMIN)
def rename(framework_id: int) -> ResponseReturnValue:
    user = acting_user()
    framework = get_or_404(Framework, framework_id)
    form = FrameworkNameForm()
    if form.validate_on_submit() and saved(
        form, lambda: frameworks.rename(user, framework, form.name.data)
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("frameworks.edit", framework_id=framework.id))
    return _edit_page(framework, form, CompetenceForm(formdata=None))


@bp.post("/<id:framework_id>/competences")
@role_required(Role.ADMIN)
def add_competence(framework_id: int) -> ResponseReturnValue:
    user = acting_user()
    framework = get_or_404(Framework, framework_id)
    form = CompetenceForm()
    if form.validate_on_submit() and saved(
        form, lambda: frameworks.add_competence(user, framework, *form.texts())
    ):
        flash(_("Competence added."), "success")
        return redirect(url_for("frameworks.edit", framework_id=framework.id))
    return _edit_page(framework, FrameworkNameForm(obj=framework, formdata=None), form)


@bp.route("/competences/<id:competence_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_competence(competence_id: int) -> ResponseReturnValue:
    user = acting_user()
    competence = get_or_404(Competence, competence_id)
    form = CompetenceForm()
    if request.method == "GET":
        form.fill(competence.label, competence.description)
    if form.validate_on_submit() and saved(
        form, lambda: frameworks.edit_competence(user, competence, *form.texts())
    ):
        flash(_("Saved."), "success")
        return redirect(url_for("frameworks.edit", framework_id=competence.framework_id))
    page = render_template("feedback/competence.html", competence=competence, form=form)
    return page, form_status(form)


@bp.post("/competences/<id:competence_id>/remove")
@role_required(Role.ADMIN)
def remove_competence(competence_id: int) -> ResponseReturnValue:
    user = acting_user()
    competence = get_or_404(Competence, competence_id)
    framework_id = competence.framework_id
    acted(lambda: frameworks.remove_competence(user, competence))
    flash(_("Competence removed."), "success")
    return redirect(url_for("frameworks.edit", framework_id=framework_id))
