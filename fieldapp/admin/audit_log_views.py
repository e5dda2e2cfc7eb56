"""The administrator's view of the audit log."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from fieldapp.admin import audit_log
from fieldapp.admin.audit_log_forms import AuditFilterForm
from fieldapp.audit.services import ACTIONS
from fieldapp.auth import services as auth_services
from fieldapp.auth.access import role_required
from fieldapp.auth.roles import Role

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.get("/")
@role_required(Role.ADMIN)
def index() -> ResponseReturnValue:
    """The organisation's audit events, newest first, filtered by action, person and dates."""
    form = AuditFilterForm(request.args)
    users = auth_services.users_of_organisation()
    form.action.choices = [SelectChoice("", _l("Everything"))] + [
        SelectChoice(key, label) for key, label in ACTIONS.items()
    ]
    form.actor.choices = [SelectChoice("", _l("Everyone"))] + [
        SelectChoice(str(user.id), user.name) for user in users
    ]
    if not form.validate():
        page = audit_log.search(audit_log.AuditFilter(), 1)
        page_html = render_template(
            "audit/index.html", form=form, page=page, labels=ACTIONS, args={}
        )
        return page_html, 400
    filters = audit_log.AuditFilter(
        action=form.action.data or None,
        actor_id=int(form.actor.data) if form.actor.data else None,
        since=form.since.data,
        until=form.until.data,
    )
    page = audit_log.search(filters, form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("audit/index.html", form=form, page=page, labels=ACTIONS, args=args)
