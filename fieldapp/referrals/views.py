"""Adding and following up referrals to partner services."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import CLIENT, Permission, requires
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.forms import form_status
from fieldapp.common.views import commit_rendered, saved
from fieldapp.referrals import services
from fieldapp.referrals.forms import ReferralForm
from fieldapp.referrals.loaders import REFERRAL
from fieldapp.referrals.models import PARTNER_SUGGESTIONS, Referral, ReferralStatus

bp = Blueprint("referrals", __name__)


@bp.route("/clients/<id:client_id>/referrals/new", methods=["GET", "POST"])
@requires(Permission.CHANGE_SENSITIVE, CLIENT)  # a referral's reason is sensitive
def create(client: Client) -> ResponseReturnValue:
    user = acting_user()
    form = ReferralForm()
    if request.method == "GET":
        form.status.data = ReferralStatus.SENT.value
    if form.validate_on_submit() and saved(
        form, lambda: services.create(user, client, _details(form))
    ):
        flash(_("Referral saved."), "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return _page(form, client, None)


@bp.route("/referrals/<id:referral_id>", methods=["GET", "POST"])
@requires(Permission.CHANGE_SENSITIVE, REFERRAL)
def edit(referral: Referral) -> ResponseReturnValue:
    user = acting_user()
    client = referral.client
    form = ReferralForm(obj=referral)
    if form.validate_on_submit() and saved(
        form, lambda: services.update(user, referral, _details(form))
    ):
        flash(_("Referral saved."), "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return _page(form, client, referral)


def _page(form: ReferralForm, client: Client, referral: Referral | None) -> ResponseReturnValue:
    """The form; a saved referral's page shows its reason, the file's sensitive part, so each
    showing of it is audited as an opening of the file."""
    page = render_template(
        "referrals/form.html",
        form=form,
        client=client,
        referral=referral,
        suggestions=PARTNER_SUGGESTIONS,
        today=today(),
    )
    if referral is not None:
        client_services.record_viewed(acting_user(), client)
        commit_rendered()
    return page, form_status(form)


def _details(form: ReferralForm) -> services.ReferralDetails:
    return services.ReferralDetails(
        partner=form.partner.data,
        reason=form.reason.data or "",
        status=ReferralStatus(form.status.data),
        follow_up_on=form.follow_up_on.data,
    )
