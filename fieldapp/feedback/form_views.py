"""The form at a rater's secret link: no account, a phone, maybe little Dutch.

The link is the only key, so the page is exempt from CSRF (an attacker who could forge the post
would need the link itself) and rate-limited per address and per link against guessing. It works
without JavaScript; a small script only adds autosave.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from fieldapp.common import secret_links
from fieldapp.common.access import public
from fieldapp.common.rules import RuleBroken
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.common.tenancy import activate_tenant
from fieldapp.common.time import now_utc
from fieldapp.extensions import csrf, db, limiter
from fieldapp.feedback import charts, easy_read, links, report, rounds
from fieldapp.feedback.frameworks import in_language
from fieldapp.feedback.models import Invitation, RaterGroup
from fieldapp.i18n import RATER_LANGUAGES
from fieldapp.organisation.models import Organisation

bp = Blueprint("feedback_form", __name__)

RELEASED_REPORT_FOR = timedelta(days=90)

# A used link's one use was sending answers: opening or sending again conflicts with them.
REFUSAL_STATUS = secret_links.REFUSAL_STATUS | {Refusal.USED: 409}


def per_link() -> str:
    """The rate limit's key for one link (its hash: the secret itself is never kept)."""
    return "feedback-link:" + secret_links.hash_token(
        str((request.view_args or {}).get("token", ""))
    )


def language_of(invitation: Invitation | None) -> str:
    """The language chosen on the page (``?lang=``), else the invitation's."""
    chosen = request.args.get("lang", "")
    if chosen in RATER_LANGUAGES:
        return chosen
    return invitation.language if invitation is not None else "nl"


def open_link(token: str) -> Invitation | ResponseReturnValue:
    """The invitation at ``token``, or the page that its rater gets instead: their own report
    once it is released to them (after they answered or the round closed), or why the link no
    longer opens."""
    try:
        invitation = links.find(token)
    except LinkRefused as refused:
        used_or_late = refused.reason in (Refusal.USED, Refusal.EXPIRED)
        if refused.holder is not None and used_or_late and released_to(refused.holder):
            return own_report(refused.holder)
        return problem(refused)
    if released_to(invitation):
        return own_report(invitation)
    return invitation


def problem(refused: LinkRefused) -> ResponseReturnValue:
    """Why the link no longer opens, in the rater's language; an answered link says when the
    answers arrived and whom to ask, nothing more."""
    invitation: Invitation | None = refused.holder
    organisation = db.session.get(Organisation, invitation.organisation_id) if invitation else None
    with force_locale(language_of(invitation)):
        page = render_template(
            "feedback/link_problem.html",
            problem=refused.reason.value,
            counsellor=invitation.round.client.counsellor.name if invitation else None,
            organisation=organisation.name if organisation else None,
            answered_at=invitation.submitted_at if invitation else None,
        )
    return page, REFUSAL_STATUS[refused.reason]


def released_to(invitation: Invitation) -> bool:
    """The client's own link shows the report once the counsellor released it, for a while."""
    released = invitation.round.released_at
    return (
        invitation.group is RaterGroup.SELF
        and released is not None
        and now_utc() < released + RELEASED_REPORT_FOR
    )


def own_report(invitation: Invitation) -> ResponseReturnValue:
    activate_tenant(invitation.organisation_id)
    language = language_of(invitation)
    with force_locale(language):
        built = report.build(
            invitation.round, organisation_threshold(invitation.organisation_id), language
        )
        return render_template(
            "feedback/own_report.html",
            report=built,
            radar=charts.radar(built),
            first_name=invitation.round.client.first_name,
            language=language,
            token=request.view_args["token"] if request.view_args else "",
        )


def organisation_threshold(organisation_id: int) -> int:
    """The organisation's anonymity threshold now (the report takes the stricter of it and the
    round's, see ``report.threshold_of``)."""
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.feedback_threshold if organisation else 3


def _questions(invitation: Invitation, language: str) -> list[dict[str, str]]:
    return [
        {
            "key": competence["key"],
            "label": in_language(competence["label"], language),
            "description": in_language(competence["description"], language),
        }
        for competence in invitation.round.competences
    ]


def _page(
    invitation: Invitation,
    answers: dict[str, Any],
    *,
    error: RuleBroken | None = None,
    saved: bool = False,
) -> str:
    language = language_of(invitation)
    feedback_round = invitation.round
    return render_template(
        "feedback/form.html",
        invitation=invitation,
        first_name=feedback_round.client.first_name,
        worksite=feedback_round.trajectory.worksite,
        questions=_questions(invitation, language),
        answers=answers,
        error=error,
        missing=error.missing if isinstance(error, rounds.AnswersRefused) else [],
        problems=error.problems if isinstance(error, rounds.AnswersRefused) else {},
        saved=saved,
        # The round's: what its raters were told when it started, or the organisation's now if
        # that is stricter; the report never shows their group below it.
        threshold=report.threshold_of(
            feedback_round, organisation_threshold(invitation.organisation_id)
        ),
        language=language,
        easy_read_offered=easy_read.offered(invitation),
        token=request.view_args["token"] if request.view_args else "",
    )


@bp.route("/f/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
@limiter.limit("60 per minute")
@limiter.limit("30 per minute", key_func=per_link)
def answer(token: str) -> ResponseReturnValue:
    """Show the form with what was saved before; save for later, or submit once."""
    invitation = open_link(token)
    if not isinstance(invitation, Invitation):
        return invitation
    activate_tenant(invitation.organisation_id)
    if request.method == "GET" and invitation.easy_read and request.args.get("form") != "full":
        return redirect(url_for("feedback_easy.answer", token=token, lang=request.args.get("lang")))
    opened(invitation)
    with force_locale(language_of(invitation)):  # messages too, not only the page
        return _answer(invitation)


def opened(invitation: Invitation) -> None:
    """Note the first time the link was opened (the round's page shows it)."""
    if invitation.opened_at is None:
        invitation.opened_at = now_utc()
        db.session.commit()


def _answer(invitation: Invitation) -> ResponseReturnValue:
    if request.method == "GET":
        return _page(invitation, invitation.draft)
    submitting = request.form.get("action") != "save"
    typed = _typed(request.form)
    try:
        answers = rounds.read_answers(invitation.round, request.form, complete=submitting)
    except RuleBroken as error:
        return _page(invitation, typed, error=error), 422
    if not submitting:
        rounds.save_draft(invitation, answers)
        db.session.commit()
        return _page(invitation, answers.as_draft(), saved=True)
    try:
        rounds.submit(invitation, answers)
    except LinkRefused as refused:
        return problem(refused)
    return render_template("feedback/thanks.html", first_name=invitation.round.client.first_name)


def _typed(form: Any) -> dict[str, Any]:
    """What the rater sent, to show it again next to the message (nothing typed is lost)."""
    return {
        "scores": {
            name.removeprefix("score-"): value
            for name, value in form.items()
            if name.startswith("score-")
        },
        "comments": {
            name.removeprefix("comment-"): value
            for name, value in form.items()
            if name.startswith("comment-")
        },
        "overall": form.get("overall", ""),
    }
