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
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_limiter.errors import RateLimitExceeded

from fieldapp.common import secret_links
from fieldapp.common.access import public
from fieldapp.common.errors import render_error
from fieldapp.common.secret_links import REFUSAL_STATUS, LinkRefused
from fieldapp.common.tenancy import activate_tenant
from fieldapp.common.time import now_utc
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


# The form each posting route takes, by endpoint and by its name on the page.
_FORMS: dict[str, tuple[str, type[Any]]] = {
    "supervisor_page.pulse": ("pulse_form", PulseForm),
    "supervisor_page.report": ("report_form", ReportForm),
    "supervisor_page.propose_visit": ("propose_form", ProposeVisitForm),
    "supervisor_page.confirm_visit": ("confirm_form", ConfirmVisitForm),
}


def _post_limit() -> str:
    return current_app.config["FIELDAPP_SUPERVISOR_POST_LIMIT"]


def _was_saved(response: Response) -> bool:
    return response.status_code == 303


def _paused(limit: RequestLimit) -> Response | None:
    """The page again, with what the supervisor typed and when they can send it (429)."""
    try:
        link = services.placement_of(str((request.view_args or {}).get("token", "")))
    except LinkRefused:
        return None  # answered as any refusal by the view's own limits and checks
    activate_tenant(link.organisation_id)
    now = now_utc()
    wait = max(1, math.ceil(limit.reset_at - now.timestamp()))
    again = now + timedelta(seconds=wait)
    name, form_class = _FORMS[request.endpoint or ""]
    with force_locale(_language(link)):
        form = form_class()
        moment = format_datetime(again, "HH:mm" if wait < 12 * 3600 else "EEEE HH:mm")
        form.form_errors.append(
            _(
                "Many messages were sent through this link in a short time, so it is paused for "
                "a while. What you typed is still here: send it again after %(moment)s. If it "
                "is urgent, call %(name)s.",
                moment=moment,
                name=link.trajectory.client.counsellor.name,
            )
        )
        body, status = _page(link, 429, **{name: form})
    response = make_response(body, status)
    response.headers["Retry-After"] = str(wait)
    return response


# What lands in the counsellor's inbox: a real supervisor sends a few things a day (an absence, a
# question, the monthly pulse, a visit time), not thirty a minute. Only saved posts count, so a
# form sent back with a problem costs nothing; one leaked link cannot flood the counsellor.
_posting = limiter.shared_limit(
    _post_limit,
    scope="supervisor-link-posts",
    key_func=_per_link,
    deduct_when=_was_saved,
    on_breach=_paused,
)


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
    """Run ``change`` and commit, then back to the page; a refusal shows it on the form."""
    if not saved(form, change):
        return _page(link, 422, **{form_name: form})
    return _back((request.view_args or {}).get("token", ""), done)


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded) -> ResponseReturnValue:
    """The page kept with what was typed (a pause in posting), or the error page in the
    language the page was asked in, else the browser's: the link is not looked up, so that the
    answer to a guess tells nothing."""
    if error.response is not None:
        return error.response
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
@_posting
def pulse(token: str) -> ResponseReturnValue:
    """This month's pulse: three questions with three choices each, one optional line."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = PulseForm()
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
@_posting
def report(token: str) -> ResponseReturnValue:
    """An absence, an incident (maybe urgent) or a question, for the counsellor at once."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ReportForm()
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
@_posting
def propose_visit(token: str) -> ResponseReturnValue:
    """A moment the supervisor proposes for the next visit."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ProposeVisitForm()
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
@_posting
def confirm_visit(token: str) -> ResponseReturnValue:
    """The supervisor confirms the planned visit the page showed."""
    link = _open(token)
    if not isinstance(link, SupervisorLink):
        return link
    with force_locale(_language(link)):
        form = ConfirmVisitForm()
        if not _checked(form):
            return _page(link, 422, confirm_form=form)
        draft = services.ReportDraft(
            ReportKind.VISIT_CONFIRMED, visit_id=int(form.visit.data), once=form.once.data or ""
        )
        return _saved(link, form, "confirm_form", lambda: services.report(link, draft), "visit")
