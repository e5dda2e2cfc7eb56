"""The team's caseload per counsellor and the yearly report, on screen, as CSV and as XLSX."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import services as clients
from fieldapp.common.dates import today
from fieldapp.common.downloads import download
from fieldapp.common.forms import choice, optional_choice
from fieldapp.common.tenancy import get_or_404
from fieldapp.reports import figures, services

bp = Blueprint("reports", __name__)


class YearlyFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    counsellor = SelectField(_l("Counsellor"), validators=[optional_choice])


@bp.get("/team/")
@role_required(Role.TEAM_LEAD)
def team() -> ResponseReturnValue:
    """Caseload per counsellor: a team lead's own team, an administrator's whole organisation."""
    loads, has_team = _caseloads()
    return render_template("reports/team.html", loads=loads, has_team=has_team)


@bp.get("/team/caseloads.csv")
@role_required(Role.TEAM_LEAD)
def caseloads_csv() -> ResponseReturnValue:
    return download(services.caseload_table(_caseloads()[0]), "caseloads", "csv")


@bp.get("/team/caseloads.xlsx")
@role_required(Role.TEAM_LEAD)
def caseloads_xlsx() -> ResponseReturnValue:
    return download(services.caseload_table(_caseloads()[0]), "caseloads", "xlsx")


def _caseloads() -> tuple[list[services.CounsellorLoad], bool]:
    """The loads the acting user may see, and whether they have a team to see them for."""
    user = acting_user()
    team_id = None if user.is_admin else user.team_id
    has_team = bool(user.is_admin or team_id)
    return (services.caseload_per_counsellor(team_id) if has_team else []), has_team


def _yearly_form() -> YearlyFilterForm:
    form = YearlyFilterForm(request.args)
    form.counsellor.choices = [choice("", _l("Whole organisation"))] + [
        choice(u.id, u.name)
        for u in clients.followers(acting_user())  # administrators follow none
    ]
    return form


@bp.get("/reports/yearly")
@role_required(Role.TEAM_LEAD)
def yearly() -> ResponseReturnValue:
    form = _yearly_form()
    if not form.validate():
        return render_template("reports/yearly.html", form=form, report=None), 400
    report = services.yearly(form.year.data or today().year, _counsellor_id(form))
    return render_template("reports/yearly.html", form=form, report=report, args=request.args)


@bp.get("/reports/yearly.csv")
@role_required(Role.TEAM_LEAD)
def yearly_csv() -> ResponseReturnValue:
    return _yearly_download("csv")


@bp.get("/reports/yearly.xlsx")
@role_required(Role.TEAM_LEAD)
def yearly_xlsx() -> ResponseReturnValue:
    return _yearly_download("xlsx")


def _yearly_download(kind: str) -> ResponseReturnValue:
    form = _yearly_form()
    if not form.validate():
        problems = "; ".join(
            f"{form[name].label.text}: {' '.join(map(str, errors))}"
            for name, errors in form.errors.items()
        )
        return Response(problems + "\n", status=400, mimetype="text/plain")
    report = services.yearly(form.year.data or today().year, _counsellor_id(form))
    return download(services.as_table(report), f"fieldapp-{report.year}", kind)


def _counsellor_id(form: YearlyFilterForm) -> int | None:
    return int(form.counsellor.data) if form.counsellor.data else None


def _team_id() -> int | None:
    """The team whose figures the acting user sees: an administrator the whole organisation."""
    user = acting_user()
    return None if user.is_admin else user.team_id


@bp.get("/team/figures")
@role_required(Role.TEAM_LEAD)
def team_figures() -> ResponseReturnValue:
    """Per counsellor of the team: overdue evaluations, clients past their contact rhythm,
    contacts and visits per month, 360° response rates; each figure links to its clients."""
    user = acting_user()
    has_team = bool(user.is_admin or user.team_id)
    report = figures.team_figures(_team_id()) if has_team else None
    return render_template("reports/figures.html", report=report, has_team=has_team)


FIGURES = "any(evaluations, rhythm, contacts, visits, responses)"


@bp.get(f"/team/figures/<{FIGURES}:figure>/<id:counsellor_id>")
@role_required(Role.TEAM_LEAD)
def figure_clients(figure: str, counsellor_id: int) -> ResponseReturnValue:
    """The clients behind one figure of one counsellor of the team."""
    counsellor = get_or_404(User, counsellor_id)
    team_id = _team_id()
    if team_id is None and not acting_user().is_admin:
        abort(404)
    if team_id is not None and counsellor.team_id != team_id:
        abort(404)
    month = _month(request.args.get("month"))
    kind = figures.Figure(figure)
    return render_template(
        "reports/figure_clients.html",
        figure=kind,
        counsellor=counsellor,
        month=month,
        rows=figures.clients_behind(acting_user(), kind, counsellor, month),
    )


def _month(text: str | None) -> date | None:
    """``2026-11`` → 1 November 2026; anything else is a 400."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(text)
        return date(year, month, 1)
    except ValueError:
        abort(400)
