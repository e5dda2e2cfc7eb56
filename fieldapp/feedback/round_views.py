"""A counsellor's side of a 360° round: start it, see who answered, links, deadline, close it.

Who answered is shown per person for the named groups only; for colleagues and the client's
network only how many of the group answered (see :mod:`fieldapp.feedback.report`)."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import Permission, opened_file, requires
from fieldapp.common.dates import today
from fieldapp.common.downloads import download
from fieldapp.common.forms import form_status, show_rule_error
from fieldapp.common.rules import RuleBroken
from fieldapp.common.urls import public_url
from fieldapp.common.views import acted, commit_rendered, made, saved
from fieldapp.extensions import db
from fieldapp.feedback import charts, links, rounds
from fieldapp.feedback import report as report_service
from fieldapp.feedback.loaders import INVITATION, ROUND
from fieldapp.feedback.models import FeedbackRound, Invitation, RaterGroup
from fieldapp.feedback.report import ANONYMOUS
from fieldapp.feedback.report_export import as_table
from fieldapp.feedback.round_forms import (
    GROUP_LABELS,
    DeadlineForm,
    StartRoundForm,
    group_labels,
)
from fieldapp.trajectories.loaders import TRAJECTORY
from fieldapp.trajectories.models import Trajectory

bp = Blueprint("feedback_rounds", __name__)


@bp.route("/trajectories/<id:trajectory_id>/feedback/new", methods=["GET", "POST"])
@requires(Permission.CHANGE, TRAJECTORY)
def start(trajectory: Trajectory) -> ResponseReturnValue:
    """The form to start a round, then a page that asks once (starting queues the e-mails), with
    what was filled in carried along: ``step=start`` starts, ``step=change`` goes back to it."""
    user = acting_user()
    client = opened_file().client
    form = StartRoundForm()
    if request.method == "GET":
        form.deadline.data = today() + timedelta(days=14)
        form.raters[0].form.group.data = RaterGroup.SELF.value
        form.raters[0].form.name.data = client.first_name
        form.raters[0].form.language.data = client.language
        form.raters[1].form.group.data = RaterGroup.SUPERVISOR.value
        # The other rows are for more people around the client: a name typed there without a
        # look at "Who" gave a second self-assessment, counted as the client's own answers.
        for row in form.raters[2:]:
            row.form.group.data = RaterGroup.COLLEAGUE.value
    step = request.form.get("step")
    if step != "change" and form.validate_on_submit():
        if step == "start":
            started = _start(user, trajectory, form)
            if started is not None:
                flash(
                    _("Round started. Links are being e-mailed to people with an address."),
                    "success",
                )
                return redirect(url_for("feedback_rounds.show", round_id=started.id))
        elif _may_start(form, trajectory):
            # New each time it asks: this confirmation sent twice starts one round (see _start).
            form.start_key.data = uuid.uuid4().hex
            raters = _raters(form)
            return render_template(
                "feedback/start_confirm.html",
                form=form,
                raters=raters,
                too_few=_too_few(raters, user.organisation.feedback_threshold),
                threshold=user.organisation.feedback_threshold,
                client=client,
                form_trajectory_id=trajectory.id,
                group_labels=GROUP_LABELS,
            )
    page = render_template("feedback/start.html", form=form, client=client, trajectory=trajectory)
    return page, 200 if step == "change" else form_status(form)


def _start(user: User, trajectory: Trajectory, form: StartRoundForm) -> FeedbackRound | None:
    """Start the round as confirmed, or None with the reason on the form. A confirmation sent
    twice at once fails on the round's unique start key: the round of the first is the answer."""
    key = form.start_key.data or None
    try:
        return made(
            form,
            lambda: rounds.start(
                user, trajectory, form.deadline.data, _raters(form), today(), start_key=key
            )[0],
        )
    except IntegrityError:
        # Not a rule the helper shows: the twin confirmation won the commit; answer its round.
        db.session.rollback()
        earlier = rounds.started_with(trajectory, key) if key else None
        if earlier is None:
            raise
        return earlier


def _may_start(form: StartRoundForm, trajectory: Trajectory) -> bool:
    """Whether the round can start as filled in; if not, the reason goes on the form."""
    try:
        rounds.check_start(trajectory, form.deadline.data, _raters(form), today())
    except RuleBroken as error:
        show_rule_error(form, error)
        return False
    return True


def _raters(form: StartRoundForm) -> list[rounds.Rater]:
    """The filled-in rows (the form has validated the choices)."""
    return [
        rounds.Rater(
            RaterGroup(row.group.data),
            row.name.data,
            row.email.data or "",
            row.language.data,
            easy_read=row.easy_read.data,
        )
        for row in (entry.form for entry in form.raters)
        if row.name.data
    ]


def _too_few(raters: list[rounds.Rater], threshold: int) -> list[RaterGroup]:
    """The anonymous groups invited with fewer people than the report shows a group from: told
    before the round starts, when another colleague or relative can still be added."""
    counts = Counter(rater.group for rater in raters)
    return [group for group in RaterGroup if group in ANONYMOUS and 0 < counts[group] < threshold]


def _round_page(feedback_round: FeedbackRound, deadline_form: DeadlineForm) -> str:
    return render_template(
        "feedback/round.html",
        round=feedback_round,
        closed=feedback_round.is_closed(),
        progress=rounds.anonymous_progress(feedback_round),
        may_remind=rounds.may_remind(feedback_round),
        group_labels=GROUP_LABELS,
        mails=rounds.link_mails(feedback_round),
        assisted=rounds.assisted_invitations(feedback_round),
        handed_out=links.handed_out(feedback_round.invitations),
        action_form=FlaskForm(),
        deadline_form=deadline_form,
    )


@bp.get("/feedback/rounds/<id:round_id>")
@requires(Permission.READ, ROUND)
def show(feedback_round: FeedbackRound) -> ResponseReturnValue:
    """Who has answered: each named rater, and how many of each anonymous group; whose link went
    out by e-mail; links, the deadline."""
    return _round_page(feedback_round, DeadlineForm(deadline=feedback_round.deadline))


@bp.route("/feedback/rounds/<id:round_id>/close", methods=["GET", "POST"])
@requires(Permission.CHANGE, ROUND)
def close(feedback_round: FeedbackRound) -> ResponseReturnValue:
    """GET asks first (closing cannot be undone); POST closes the round."""
    user = acting_user()
    if request.method == "GET":
        if feedback_round.is_closed():
            return redirect(url_for("feedback_rounds.show", round_id=feedback_round.id))
        return render_template(
            "feedback/confirm_close.html", round=feedback_round, action_form=FlaskForm()
        )
    acted(lambda: rounds.close(user, feedback_round))
    flash(_("Round closed. The report shows every group that reached the threshold."), "success")
    return redirect(url_for("feedback_rounds.report", round_id=feedback_round.id))


@bp.get("/feedback/rounds/<id:round_id>/report")
@requires(Permission.READ, ROUND)
def report(feedback_round: FeedbackRound) -> ResponseReturnValue:
    """Self against the others per competence, the anonymity rules applied; radar and trend."""
    user = acting_user()
    language = str(get_locale())
    threshold = user.organisation.feedback_threshold
    current, rounds = report_service.with_history(feedback_round, threshold, language)
    trend = None
    if len(rounds) > 1:  # a trend of one round is not drawn: its day is not written either
        trend = charts.trend(
            [(format_date(earlier.created_at, "d/M/yy"), means) for earlier, means in rounds]
        )
    page = render_template(
        "feedback/report.html",
        report=current,
        radar=charts.radar(current),
        trend=trend,
        group_labels=group_labels(),
        action_form=FlaskForm(),
    )
    client_services.record_viewed(user, feedback_round.client)  # what others say of the client
    commit_rendered()
    return page


@bp.get("/feedback/rounds/<id:round_id>/report.csv")
@requires(Permission.READ, ROUND)
def report_csv(feedback_round: FeedbackRound) -> ResponseReturnValue:
    return _report_download(feedback_round, "csv")


@bp.get("/feedback/rounds/<id:round_id>/report.xlsx")
@requires(Permission.READ, ROUND)
def report_xlsx(feedback_round: FeedbackRound) -> ResponseReturnValue:
    return _report_download(feedback_round, "xlsx")


def _report_download(feedback_round: FeedbackRound, kind: str) -> ResponseReturnValue:
    user = acting_user()
    current = report_service.build(
        feedback_round, user.organisation.feedback_threshold, str(get_locale())
    )
    response = download(as_table(current), f"feedback-{feedback_round.id}", kind)
    client_services.record_viewed(user, feedback_round.client)
    commit_rendered()
    return response


@bp.post("/feedback/rounds/<id:round_id>/release")
@requires(Permission.CHANGE, ROUND)
def release(feedback_round: FeedbackRound) -> ResponseReturnValue:
    user = acting_user()
    acted(lambda: rounds.release(user, feedback_round))
    flash(_("The report is released to the client."), "success")
    return redirect(url_for("feedback_rounds.report", round_id=feedback_round.id))


@bp.route("/feedback/invitations/<id:invitation_id>/link", methods=["GET", "POST"])
@requires(Permission.CHANGE, INVITATION)
def new_link(invitation: Invitation) -> ResponseReturnValue:
    """GET asks first (the link handed out before stops, say so); POST makes a fresh link to hand
    over, shown once (only its hash is kept). The round's page posts at once when no link was
    handed out yet: nothing is lost, so nothing to ask."""
    user = acting_user()
    if request.method == "GET":
        return _ask(invitation, "new")
    replaces = bool(links.handed_out([invitation]))
    secret = acted(lambda: rounds.renew_link(user, invitation))
    link = public_url("feedback_form.answer", token=secret)
    return render_template(
        "feedback/link.html",
        invitation=invitation,
        link=link,
        qr_code=links.qr_code(link),
        replaces=replaces,
    )


def _ask(invitation: Invitation, action: str) -> ResponseReturnValue:
    """The page that asks once before a rater's link is stopped or replaced; it changes nothing."""
    try:
        rounds.check_link_change(invitation)
    except RuleBroken as error:
        abort(409, description=error.message)
    if action == "stop" and invitation.revoked_at is not None:
        return redirect(url_for("feedback_rounds.show", round_id=invitation.round_id))
    return render_template(
        "feedback/confirm_link.html",
        invitation=invitation,
        action=action,
        # No link reached the rater yet and none is stopped: the first one, which stops nothing.
        first=not links.handed_out([invitation]) and invitation.revoked_at is None,
        action_form=FlaskForm(),
    )


@bp.post("/feedback/rounds/<id:round_id>/remind")
@requires(Permission.CHANGE, ROUND)
def remind(feedback_round: FeedbackRound) -> ResponseReturnValue:
    user = acting_user()
    acted(lambda: rounds.remind(user, feedback_round, today()))
    flash(
        _("A new link is being e-mailed to whoever has not answered and has an e-mail address."),
        "success",
    )
    return redirect(url_for("feedback_rounds.show", round_id=feedback_round.id))


@bp.route("/feedback/invitations/<id:invitation_id>/revoke", methods=["GET", "POST"])
@requires(Permission.CHANGE, INVITATION)
def revoke(invitation: Invitation) -> ResponseReturnValue:
    """GET asks first; POST stops the rater's link."""
    user = acting_user()
    if request.method == "GET":
        return _ask(invitation, "stop")
    acted(lambda: rounds.revoke(user, invitation))
    flash(_("The link no longer works."), "success")
    return redirect(url_for("feedback_rounds.show", round_id=invitation.round_id))


@bp.post("/feedback/rounds/<id:round_id>/deadline")
@requires(Permission.CHANGE, ROUND)
def extend(feedback_round: FeedbackRound) -> ResponseReturnValue:
    user = acting_user()
    form = DeadlineForm()
    if form.validate_on_submit() and saved(
        form, lambda: rounds.extend(user, feedback_round, form.deadline.data, today())
    ):
        flash(_("Deadline moved."), "success")
        return redirect(url_for("feedback_rounds.show", round_id=feedback_round.id))
    return _round_page(feedback_round, form), 422
