"""The page at a floor supervisor's link: no account, a phone, plain forms.

As on a rater's form, the link is the only key: the forms carry no CSRF token (a forged post
would need the link itself), and the routes are rate-limited per address and per link against
guessing; what a link may send is limited apart, to what a real supervisor needs. Every form
works without JavaScript: a post that is saved redirects back to the page (post-redirect-get), one
with a problem (422) or sent past the limit (429) shows the page again with the message, and
nothing typed is lost. The page loads one stylesheet and the icon, nothing else.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from limits import parse_many

from fieldapp.common import secret_links
from fieldapp.common.access import public
from fieldapp.common.dates import today
from fieldapp.common.errors import render_error
from fieldapp.common.secret_links import REFUSAL_STATUS, LinkRefused
from fieldapp.common.tenancy import activate_tenant
from fieldapp.common.time import local_moment, now_utc
from fieldapp.common.views import saved
from fieldapp.extensions import csrf, db, limiter
from fieldapp.i18n import LANGUAGES
from fieldapp.supervisor_link import services
from fieldapp.supervisor_link.forms import (
    ConfirmVisitForm,
    ProposeVisitForm,
    PulseForm,
    ReportForm,
)
from fieldapp.supervisor_link.models import Rating, ReportKind, SupervisorLink
from fieldapp.visits.services import local_datetime

bp = Blueprint("supervisor_page", __name__)

DONE = ("pulse", "report", "visit")  # what the page thanks for after a redirect
# The page's languages, whatever others the app offers (the clients' own forms have more).
PAGE_LANGUAGES = ("nl", "fr", "en")


def _per_link() -> str:
    return "supervisor-link:" + secret_links.hash_token(
        str((request.view_args or {}).get("token", ""))
    )


def _limited(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Against guessing links: any request, per address and per link."""
    view = limiter.limit("30 per minute", key_func=_per_link)(view)
    return limiter.limit("60 per minute")(view)


# What lands in the counsellor's inbox: a real supervisor sends a few things a day (an absence, a
# question, the monthly pulse, a visit time), not thirty a minute. Only posts whose form passed its
# checks count, so a form sent back with a problem costs nothing; one leaked link cannot flood the
# counsellor.
_POSTS = "supervisor-link-posts"


class _Spent(Exception):
    """The link's posts are spent for now; ``reset_at``: when it may post again (a timestamp)."""

    def __init__(self, reset_at: float) -> None:
        super().__init__(reset_at)
        self.reset_at = reset_at


def _check_posts(*, count: bool) -> None:
    """Raise :class:`_Spent` when this link may post no more for now. With ``count``, this post
    is counted in the same step as it is checked (the limiter storage's atomic increment), before
    it is saved. (Checked when they came in and counted once saved, posts sent at the same moment
    all passed the check before any of them was counted.)"""
    if not limiter.enabled:
        return
    key, strategy = _per_link(), limiter.limiter
    for item in parse_many(current_app.config["FIELDAPP_SUPERVISOR_POST_LIMIT"]):
        if not (strategy.hit if count else strategy.test)(item, key, _POSTS):
            raise _Spent(strategy.get_window_stats(item, key, _POSTS).reset_time)


def _paused(link: SupervisorLink, spent: _Spent, name: str, form: Any) -> ResponseReturnValue:
    """The page again, with what the supervisor typed and when they can send it (429)."""
    now = now_utc()
    wait = max(1, math.ceil(spent.reset_at - now.timestamp()))
    form.form_errors.append(
        paused_message(now + timedelta(seconds=wait), link.trajectory.client.counsellor.name)
    )
    body, status = _page(link, 429, **{name: form})
    response = make_response(body, status)
    response.headers["Retry-After"] = str(wait)
    return response


def paused_message(again: datetime, counsellor: str) -> str:
    """What a paused link says: from when it may send again, as a person says it on the
    organisation's wall clock ("later today", "tomorrow", else the weekday and date)."""
    local = local_moment(again)
    at = format_time(local, "HH:mm")
    days = (local.date() - today()).days
    if days <= 0:
        return _(
            "Many messages were sent through this link in a short time, so it is paused. "
            "What you typed is still here: send it again later today, from %(time)s. If "
            "it is urgent, call %(name)s.",
            time=at,
            name=counsellor,
        )
    if days == 1:
        return _(
            "Many messages were sent through this link in a short time, so it is paused. "
            "What you typed is still here: send it again tomorrow, from %(time)s. If it "
            "is urgent, call %(name)s.",
            time=at,
            name=counsellor,
        )
    return _(
        "Many messages were sent through this link in a short time, so it is paused. "
        "What you typed is still here: send it again on %(day)s, from %(time)s. If it "
        "is urgent, call %(name)s.",
        day=format_date(local.date(), "EEEE d MMMM"),
        time=at,
        name=counsellor,
    )


def _paused_now(link: SupervisorLink, name: str, form: Any) -> ResponseReturnValue | None:
    """The paused page when the link may post no more for now, before its form is read (a form
    with a problem gets no 422 to learn from then); None when it may."""
    try:
        _check_posts(count=False)
    except _Spent as spent:
        return _paused(link, spent, name, form)
    return None


def _language(link: SupervisorLink | None) -> str:
    chosen = request.args.get("lang", "")
    if chosen in PAGE_LANGUAGES:
        return chosen
    own = services.language_of(link.trajectory) if link is not None else "nl"
    return own if own in PAGE_LANGUAGES else "nl"


def _refused(refused: LinkRefused) -> ResponseReturnValue:
    link: SupervisorLink | None = refused.holder
    with force_locale(_language(link)):
        page = render_template(
            "supervisor_link/refused.html",
            problem=refused.reason.value,
            counsellor=link.trajectory.client.counsellor.name if link else None,
        )
    return page, REFUSAL_STATUS[refused.reason]


def _open(token: str) -> SupervisorLink | ResponseReturnValue:
    try:
        link = services.placement_of(token)
    except LinkRefused as refused:
        return _refused(refused)
    activate_tenant(link.organisation_id)
    return link


def _checked(form: Any) -> bool:
    """Validate ``form``; a problem with a hidden field is said at the top of the form."""
    if form.validate():
        return True
    for name in ("once", "visit"):
        hidden = getattr(form, name, None)
        if hidden is not None and hidden.errors:
            form.form_errors.extend(hidden.errors)
    return False


def _page(link: SupervisorLink, status: int = 200, **forms: Any) -> ResponseReturnValue:
    view = services.view_of(link)
    pulse_form = forms.get("pulse_form") or PulseForm(formdata=None, data=_pulse_data(view))
    token = (request.view_args or {}).get("token", "")
    page = render_template(
        "supervisor_link/page.html",
        view=view,
        token=token,
        language=_language(link),
        done=request.args.get("done") if request.args.get("done") in DONE else None,
        pulse_form=pulse_form,
        report_form=forms.get("report_form") or ReportForm(formdata=None),
        propose_form=forms.get("propose_form") or ProposeVisitForm(formdata=None),
        confirm_form=forms.get("confirm_form") or ConfirmVisitForm(formdata=None),
        once=secrets.token_hex(16),
        page_languages={code: LANGUAGES[code] for code in PAGE_LANGUAGES if code in LANGUAGES},
    )
    return page, status


def _pulse_data(view: services.SupervisorView) -> dict[str, str]:
    if view.pulse is None:
        return {}
    return {
        "going": str(view.pulse.going),
        "attendance": str(view.pulse.attendance),
        "attitude": str(view.pulse.attitude),
        "line": view.pulse.line,
    }


def _back(token: str, done: str) -> ResponseReturnValue:
    chosen = request.args.get("lang", "")
    target = url_for(
        "supervisor_page.page",
        token=token,
        lang=chosen if chosen in PAGE_LANGUAGES else None,
        done=done,
        _anchor="done",
    )
    return redirect(target, code=303)


def _saved(
    link: SupervisorLink,
    form: Any,
    form_name: str,
    change: Callable[[], object],
    done: str,
) -> ResponseReturnValue:
    """Count the post, run ``change`` and commit, then back to the page; a refusal shows it on
    the form. Past the link's limit nothing is saved (429). Counted before it is saved, a post
    refused by a rule after all costs its place (rare: a form that passed its checks)."""
    try:
        _check_posts(count=True)
    except _Spent as spent:
        return _paused(link, spent, form_name, form)
    if not saved(form, change):
        return _page(link, 422, **{form_name: form})
    return _back((request.view_args or {}).get("token", ""), done)


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> ResponseReturnValue:
    """The error page in the language the page was asked in, else the browser's: the link is not
    looked up, so that the answer to a guess tells nothing."""
    chosen = request.args.get("lang", "")
    if chosen not in PAGE_LANGUAGES:
        chosen = request.accept_languages.best_match(PAGE_LANGUAGES) or "nl"
    with force_locale(chosen):
        return render_error(error)


@bp.get("/s/<token>")
@public
@_limited
def page(token: str) -> ResponseReturnValue:
    """The placement as the supervisor sees it, with the pulse and report forms."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    services.note_opened(link)
    db.session.commit()
    with force_locale(_language(link)):
        return _page(link)


@bp.post("/s/<token>/pulse")
@public
@csrf.exempt
@_limited
def pulse(token: str) -> ResponseReturnValue:
    """This month's pulse: three questions with three choices each, one optional line."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = PulseForm()
        if (paused := _paused_now(link, "pulse_form", form)) is not None:
            return paused
        if not _checked(form):
            return _page(link, 422, pulse_form=form)
        answers = services.PulseAnswers(
            Rating(int(form.going.data)),
            Rating(int(form.attendance.data)),
            Rating(int(form.attitude.data)),
            form.line.data or "",
        )
        return _saved(link, form, "pulse_form", lambda: services.give_pulse(link, answers), "pulse")


@bp.post("/s/<token>/report")
@public
@csrf.exempt
@_limited
def report(token: str) -> ResponseReturnValue:
    """An absence, an incident (maybe urgent) or a question, for the counsellor at once."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ReportForm()
        if (paused := _paused_now(link, "report_form", form)) is not None:
            return paused
        if not _checked(form):
            return _page(link, 422, report_form=form)
        draft = services.ReportDraft(
            ReportKind(form.kind.data),
            text=form.text.data or "",
            urgent=bool(form.urgent.data),
            on_day=form.on_day.data,
            once=form.once.data or "",
        )
        return _saved(link, form, "report_form", lambda: services.report(link, draft), "report")


@bp.post("/s/<token>/visit/propose")
@public
@csrf.exempt
@_limited
def propose_visit(token: str) -> ResponseReturnValue:
    """A moment the supervisor proposes for the next visit."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ProposeVisitForm()
        if (paused := _paused_now(link, "propose_form", form)) is not None:
            return paused
        if not _checked(form):
            return _page(link, 422, propose_form=form)
        draft = services.ReportDraft(
            ReportKind.VISIT_PROPOSED,
            text=form.note.data or "",
            proposed_at=local_datetime(form.day.data, form.at.data),
            once=form.once.data or "",
        )
        return _saved(link, form, "propose_form", lambda: services.report(link, draft), "visit")


@bp.post("/s/<token>/visit/confirm")
@public
@csrf.exempt
@_limited
def confirm_visit(token: str) -> ResponseReturnValue:
    """The supervisor confirms the planned visit the page showed."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ConfirmVisitForm()
        if (paused := _paused_now(link, "confirm_form", form)) is not None:
            return paused
        if not _checked(form):
            return _page(link, 422, confirm_form=form)
        draft = services.ReportDraft(
            ReportKind.VISIT_CONFIRMED, visit_id=int(form.visit.data), once=form.once.data or ""
        )
        return _saved(link, form, "confirm_form", lambda: services.report(link, draft), "visit")
