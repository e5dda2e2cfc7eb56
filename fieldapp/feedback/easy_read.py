"""The client's easy-read self-assessment: one question a screen, a picture for each answer, big
buttons, read aloud by the phone itself; and the same form filled in together with the counsellor.

Each screen posts the answer it shows; it is kept in the invitation's draft at once (the same
draft the full form saves), so going back, going on, closing the page or switching between the
two forms loses nothing. The last screen sends the draft as the answer, checked like the full
form's: every question answered, or "I don't know".

Assisted mode: the counsellor, signed in, fills the client's own form in with them on the
counsellor's phone (from the round's page); the answer records who helped, and the report says
the self-assessment was assisted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.frameworks import in_language
from fieldapp.feedback.models import FeedbackResponse, Invitation, RaterGroup


@dataclass(frozen=True)
class Question:
    number: int  # from 1
    key: str
    label: str
    description: str


def questions(invitation: Invitation, language: str) -> list[Question]:
    return [
        Question(
            number,
            competence["key"],
            in_language(competence["label"], language),
            in_language(competence["description"], language),
        )
        for number, competence in enumerate(invitation.round.competences, start=1)
    ]


def offered(invitation: Invitation) -> bool:
    """The easy-read form is the client's own: other raters keep the full form."""
    return invitation.group is RaterGroup.SELF


def unanswered(invitation: Invitation) -> list[str]:
    """The competences without an answer (nor "I don't know") in the draft, in the form's order."""
    scores = (invitation.draft or {}).get("scores", {})
    return [key for key in rounds.keys_of(invitation.round) if key not in scores]


def first_open_step(invitation: Invitation) -> int:
    """Where a client who comes back starts: the first question without an answer, else the last
    screen (check and send)."""
    keys = rounds.keys_of(invitation.round)
    open_keys = unanswered(invitation)
    return keys.index(open_keys[0]) + 1 if open_keys else len(keys) + 1


def keep(invitation: Invitation, formdata: Any) -> None:
    """Add what one screen sent to the draft: the answer shown on it, a comment, the closing
    words. What the screen did not send stays as it was. :class:`RuleBroken` for an answer that
    is not one of the choices, another round's question or a comment that is too long."""
    answers = rounds.read_answers(invitation.round, formdata, complete=False)
    draft = invitation.draft or {}
    invitation.draft = {
        "scores": {**draft.get("scores", {}), **answers.scores},
        "comments": {**draft.get("comments", {}), **answers.comments},
        "overall": answers.overall if "overall" in formdata else draft.get("overall", ""),
    }
    db.session.flush()


def _as_form(draft: dict[str, Any]) -> MultiDict[str, str]:
    data: MultiDict[str, str] = MultiDict()
    for key, score in draft.get("scores", {}).items():
        data[f"score-{key}"] = "na" if score is None else str(score)
    for key, comment in draft.get("comments", {}).items():
        data[f"comment-{key}"] = comment
    data["overall"] = draft.get("overall", "")
    return data


def send(invitation: Invitation, *, assisted_by: User | None = None) -> FeedbackResponse:
    """Send the draft as the answer, once (commits, see :func:`rounds.submit`).
    :class:`rounds.AnswersRefused` names the questions still open."""
    answers = rounds.read_answers(invitation.round, _as_form(invitation.draft or {}), complete=True)
    if assisted_by is not None:
        check_assisted(invitation)
        audit.record(
            "feedback.answered_together",
            organisation_id=invitation.organisation_id,
            actor=assisted_by,
            target=invitation,
        )
    return rounds.submit(invitation, answers, assisted_by=assisted_by)


def check_assisted(invitation: Invitation) -> None:
    """Raise :class:`RuleBroken` unless the counsellor may fill this form in with the client now.
    Only the client's own form: anyone else's answer is theirs (and a colleague's anonymous)."""
    if not offered(invitation):
        raise RuleBroken(_("Only the client's own form can be filled in together."))
    if invitation.round.is_closed():
        raise RuleBroken(_("This round is closed: it takes no more answers."))
    if invitation.submitted_at is not None:
        raise RuleBroken(_("This person has answered already."))
