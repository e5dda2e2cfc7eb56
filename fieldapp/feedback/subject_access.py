"""What the 360° rounds hold about a client, for the subject-access export, as the client sees it.

Named raters (the client, the floor supervisor, the counsellor) are shown with their name and
answers. Anonymous groups (colleagues, the client's network) appear only as the report shows them:
while the round is open, how many answered; once it is closed, figures and comments where the
group reaches the round's threshold (see ``report.threshold_of``), a count otherwise; never who an
anonymous rater is.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fieldapp.clients.models import Client
from fieldapp.extensions import db
from fieldapp.feedback import report as reports
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation, RaterGroup
from fieldapp.organisation.models import Organisation


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def held_about(client: Client, language: str) -> dict[str, list[dict[str, Any]]]:
    """Rounds, named answers and the anonymous groups' report figures and comments."""
    organisation = db.session.get(Organisation, client.organisation_id)
    threshold = organisation.feedback_threshold if organisation else 3
    rounds = list(
        db.session.scalars(
            select(FeedbackRound)
            .where(FeedbackRound.client_id == client.id)
            .order_by(FeedbackRound.id)
        )
    )
    held: dict[str, list[dict[str, Any]]] = {
        "feedback_rounds": [],
        "feedback_named_answers": [],
        "feedback_anonymous_figures": [],
        "feedback_anonymous_comments": [],
    }
    for feedback_round in rounds:
        invited = dict.fromkeys((group.value for group in RaterGroup), 0)
        for invitation in feedback_round.invitations:
            invited[invitation.rater_group] += 1
        held["feedback_rounds"].append(
            {
                "round": feedback_round.id,
                "framework": feedback_round.framework_name,
                "started_at": _moment(feedback_round.created_at),
                "deadline": _moment(feedback_round.deadline),
                "released_at": _moment(feedback_round.released_at),
                "invited_per_group": invited,
            }
        )
        held["feedback_named_answers"].extend(_named_answers(feedback_round))
        report = reports.build(feedback_round, threshold, language)
        held["feedback_anonymous_figures"].extend(_anonymous_figures(report))
        held["feedback_anonymous_comments"].extend(_anonymous_comments(report))
    return held


def _named_answers(feedback_round: FeedbackRound) -> list[dict[str, Any]]:
    named = [group.value for group in RaterGroup if not group.anonymous]
    rows = db.session.execute(
        select(FeedbackResponse, Invitation.name)
        .join(Invitation, Invitation.id == FeedbackResponse.invitation_id)
        .where(
            FeedbackResponse.round_id == feedback_round.id,
            FeedbackResponse.rater_group.in_(named),
        )
        .order_by(FeedbackResponse.id)
    )
    return [
        {
            "round": feedback_round.id,
            "group": response.rater_group,
            "rater": name,
            "submitted_at": _moment(response.submitted_at),
            "scores": response.scores,
            "comments": response.comments,
            "overall_comment": response.overall_comment,
        }
        for response, name in rows
    ]


def _anonymous(report: reports.Report) -> list[RaterGroup]:
    return [g for g in RaterGroup if g.anonymous and report.answers_per_group[g]]


def _anonymous_figures(report: reports.Report) -> list[dict[str, Any]]:
    if not report.closed:  # as the report shows them: how many answered, nothing per competence
        return [
            {
                "round": report.round.id,
                "group": group.value,
                "competence": None,
                "answers": report.answers_per_group[group],
                "mean": None,
                "shown": False,
            }
            for group in _anonymous(report)
        ]
    return [
        {
            "round": report.round.id,
            "group": group.value,
            "competence": row.label,
            "answers": row.groups[group].count,
            "mean": row.groups[group].mean if row.groups[group].shown else None,
            "shown": row.groups[group].shown,
        }
        for group in _anonymous(report)
        for row in report.rows
    ]


def _anonymous_comments(report: reports.Report) -> list[dict[str, Any]]:
    return [
        {
            "round": report.round.id,
            "group": group.value,
            "competence": comment.competence,
            "comment": comment.text,
        }
        for group in _anonymous(report)
        for comment in report.comments.get(group, [])
    ]
