"""The team's caseload per counsellor and the yearly report, on screen, as CSV and as XLSX."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from fieldapp.auth.access import acting_user, role_required
from fieldapp.auth.roles import Role
from fieldapp.clients import services as clients
from fieldapp.common.dates import today
from fieldapp.common.downloads import download
from fieldapp.common.forms import choice, optional_choice
from fieldapp.reports import services

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
        choice(u.id, u.name) for u in clients.colleagues(acting_user())
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
