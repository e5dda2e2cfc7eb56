"""The easy-read self-assessment, at the client's own link and in assisted mode.

``/f/<token>/easy`` is the client's link (no account, like :mod:`fieldapp.feedback.form_views`:
exempt from CSRF, rate-limited). ``/feedback/invitations/<id>/together`` is the same form on the
counsellor's phone, signed in, filling it in with the client. Both work without JavaScript: each
screen is a form that posts its answer and goes to the next (``?q=``); a small script reads the
question aloud and saves a choice at once.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.clients.file_access import Permission, requires
from fieldapp.common.access import public
from fieldapp.common.rules import RuleBroken
from fieldapp.common.secret_links import LinkRefused
from fieldapp.common.tenancy import activate_tenant
from fieldapp.extensions import csrf, db, limiter
from fieldapp.feedback import easy_read, rounds
from fieldapp.feedback.form_views import (
    language_of,
    open_link,
    opened,
    per_link,
    problem,
)
from fieldapp.feedback.loaders import INVITATION
from fieldapp.feedback.models import Invitation
from fieldapp.i18n.locale import select_locale

bp = Blueprint("feedback_easy", __name__)

StepUrl = Callable[..., str]


@bp.route("/f/<token>/easy", methods=["GET", "POST"])
@public
@csrf.exempt
@limiter.limit("60 per minute")
# Each screen costs up to three requests (the script saving the choice, the answer's post, the
# next screen): a client going through ten questions at her own pace must not meet "too many".
@limiter.limit("90 per minute", key_func=per_link)
def answer(token: str) -> ResponseReturnValue:
    """One question a screen at the client's own link; other raters go to the full form."""
    invitation = open_link(token)
    if not isinstance(invitation, Invitation):
        return invitation
    language = language_of(invitation)
    if not easy_read.offered(invitation):
        return redirect(url_for("feedback_form.answer", token=token, lang=language))
    activate_tenant(invitation.organisation_id)
    opened(invitation)

    def step_url(**args: object) -> str:
        return url_for("feedback_easy.answer", token=token, **args)

    with force_locale(language):
        return _screen(invitation, language, step_url, None)


@bp.route("/feedback/invitations/<id:invitation_id>/together", methods=["GET", "POST"])
@requires(Permission.CHANGE, INVITATION)
def together(invitation: Invitation) -> ResponseReturnValue:
    """Assisted mode: the counsellor fills the client's own form in with them, on their phone,
    in the client's language. Sent, the answer says it was filled in together."""
    user = acting_user()
    try:
        easy_read.check_assisted(invitation)
    except RuleBroken as error:
        abort(409, description=error.message)
    language = language_of(invitation)

    def step_url(**args: object) -> str:
        return url_for("feedback_easy.together", invitation_id=invitation.id, **args)

    with force_locale(language):
        return _screen(invitation, language, step_url, user)


def _screen(
    invitation: Invitation, language: str, step_url: StepUrl, assisted_by: User | None
) -> ResponseReturnValue:
    total = len(invitation.round.competences)
    step = request.args.get("q", type=int)
    if step is None:
        step = easy_read.first_open_step(invitation)
    if not 1 <= step <= total + 1:  # a link to a question that is not there: where one was
        return _page(
            invitation,
            language,
            easy_read.first_open_step(invitation),
            step_url,
            assisted_by,
            error=RuleBroken(_("This form has no such question.")),
        ), 404
    if request.method == "GET":
        return _page(invitation, language, step, step_url, assisted_by)
    action = request.form.get("action", "next")
    try:
        easy_read.keep(invitation, request.form)
    except RuleBroken as error:
        db.session.rollback()
        return _page(invitation, language, step, step_url, assisted_by, error=error), 422
    db.session.commit()
    if action == "save":  # the script saving a choice at once
        return "", 204
    if action == "back":
        return redirect(step_url(q=max(step - 1, 1), lang=language), 303)
    if action != "send":
        return redirect(step_url(q=min(step + 1, total + 1), lang=language), 303)
    try:
        easy_read.send(invitation, assisted_by=assisted_by)
    except RuleBroken as error:
        db.session.rollback()
        return _page(invitation, language, total + 1, step_url, assisted_by, error=error), 422
    except LinkRefused as refused:
        return problem(refused)
    if assisted_by is not None:
        with force_locale(select_locale()):  # the counsellor's own language again
            flash(_("The self-assessment was sent, marked as filled in together."), "success")
        return redirect(url_for("feedback_rounds.show", round_id=invitation.round_id))
    return render_template("feedback/thanks.html", first_name=invitation.round.client.first_name)


def _page(
    invitation: Invitation,
    language: str,
    step: int,
    step_url: StepUrl,
    assisted_by: User | None,
    *,
    error: RuleBroken | None = None,
) -> str:
    questions = easy_read.questions(invitation, language)
    draft = invitation.draft or {}
    return render_template(
        "feedback/easy.html",
        invitation=invitation,
        first_name=invitation.round.client.first_name,
        questions=questions,
        question=questions[step - 1] if step <= len(questions) else None,
        step=step,
        total=len(questions),
        scores=draft.get("scores", {}),
        overall=request.form.get("overall", draft.get("overall", "")),  # as typed, if refused
        unanswered=easy_read.unanswered(invitation),
        error=error,
        missing=error.missing if isinstance(error, rounds.AnswersRefused) else [],
        language=language,
        step_url=step_url,
        assisted=assisted_by is not None,
        full_form_url=None
        if assisted_by
        else url_for(
            "feedback_form.answer",
            token=request.view_args["token"] if request.view_args else "",
            lang=language,
            form="full",
        ),
    )
