"""The 360° report: per competence and group, self against the others, with the anonymity rules.

Anonymity: a colleague or network group is shown (its figures and its comments) only when it has
at least the round's threshold of answers for that competence: the stricter of the threshold the
organisation had when the round started (what its raters were told) and the one it has now (see
:func:`threshold_of`). Answers of groups below it
are added to "all others" only when, together, they reach the threshold too; otherwise nobody can
subtract the named groups from "all others" and read what one colleague or one neighbour said.

Nor can anyone compare the report before and after one anonymous answer: while the round is open
the anonymous groups count nowhere (not in their column, not in "all others", no comments, no
count per competence), only in ``answers_per_group`` ("n answers"). They appear once the round is
closed, and a closed round takes no answers and never reopens; an answer stored after the moment
it closed (a submit racing the counsellor's "close") is left out. Their comments are listed by
competence and text, never in the order they came in.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, and_, bindparam, or_, select

from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import now_utc
from fieldapp.feedback.frameworks import in_language
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, RaterGroup, closing_moment


class Answer(Protocol):
    """What the figures read of a response (a whole ``FeedbackResponse`` or just these columns)."""

    @property
    def rater_group(self) -> str: ...
    @property
    def scores(self) -> dict[str, Any]: ...
    @property
    def submitted_at(self) -> datetime: ...


class Response(Answer, Protocol):
    """What the whole report reads of a response: its figures, its words and who helped."""

    @property
    def comments(self) -> dict[str, str]: ...
    @property
    def overall_comment(self) -> str: ...
    @property
    def assisted_by_id(self) -> int | None: ...


R = TypeVar("R", bound=Answer)
# Per competence: its key, the client's own mean and the others' mean (None where none is shown).
Means = list[tuple[str, float | None, float | None]]

GAP = 1.0  # a difference of a whole point between self and the others is worth talking about
# The groups in their order, and what the figures ask of them, worked out once: the enum's own
# call, iteration and property cost some hundred calls a report.
GROUPS = tuple(RaterGroup)
OTHERS = tuple(group for group in GROUPS if group is not RaterGroup.SELF)
ANONYMOUS = frozenset(group for group in GROUPS if group.anonymous)
# An answer's group by its stored code, as RaterGroup(code) gives it (a group itself, a str
# equal to its code and hashed as it, finds itself too).
_GROUP_OF: dict[str, RaterGroup] = {group.value: group for group in GROUPS}


class Flag(StrEnum):
    BLIND_SPOT = "blind_spot"  # the client rates themselves higher than the others do
    HIDDEN_STRENGTH = "hidden_strength"  # the others see more than the client does


@dataclass(frozen=True)
class Figures:
    """Mean, number of answers and spread (standard deviation) of some scores; ``shown`` is False
    when the anonymity rule hides them."""

    mean: float | None
    count: int
    spread: float | None
    shown: bool = True

    @classmethod
    def of(cls, scores: list[int], shown: bool = True) -> Figures:
        if not scores or not shown:
            return cls(None, len(scores), None, shown=bool(scores) and shown)
        return cls(statistics.fmean(scores), len(scores), _spread(scores), shown=True)


def _spread(scores: list[int]) -> float:
    """The standard deviation of whole-number scores (of all of them, as ``statistics.pstdev``),
    in whole numbers until the square root: pstdev's to the float's last bit, far beyond the
    decimal shown, without its exact fractions (fifteen times dearer; a report has dozens)."""
    count, total = len(scores), sum(scores)
    return math.sqrt(count * sum(score * score for score in scores) - total * total) / count


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    description: str
    groups: dict[RaterGroup, Figures]
    others: Figures

    @property
    def own(self) -> Figures:
        return self.groups[RaterGroup.SELF]

    @property
    def gap(self) -> float | None:
        if self.own.mean is None or self.others.mean is None:
            return None
        return self.own.mean - self.others.mean

    @property
    def flag(self) -> Flag | None:
        gap = self.gap
        if gap is None or abs(gap) < GAP:
            return None
        return Flag.BLIND_SPOT if gap > 0 else Flag.HIDDEN_STRENGTH


@dataclass(frozen=True)
class Comment:
    competence: str | None  # None: the overall comment
    text: str


@dataclass
class Report:
    round: FeedbackRound
    rows: list[Row]
    answers_per_group: dict[RaterGroup, int]
    comments: dict[RaterGroup, list[Comment]] = field(default_factory=dict)
    threshold: int = 3
    closed: bool = True  # False: the anonymous groups are withheld until the round closes
    # The client's self-assessment was filled in together with the counsellor (assisted mode).
    self_assisted: bool = False

    @property
    def means(self) -> Means:
        """What :func:`means` gives of this report's round."""
        return [(row.key, row.own.mean, row.others.mean) for row in self.rows]

    @property
    def groups_shown(self) -> list[RaterGroup]:
        return [group for group in GROUPS if any(row.groups[group].shown for row in self.rows)]


def threshold_of(feedback_round: FeedbackRound | EarlierRound, organisation_threshold: int) -> int:
    """The fewest answers an anonymous group of ``feedback_round`` needs to be shown: the stricter
    of the threshold its raters were told when it started and the organisation's threshold now.
    Lowering the organisation's threshold never shows a group its raters were told stays hidden;
    raising it protects the earlier rounds too."""
    return max(feedback_round.threshold, organisation_threshold)


def _shown(group: RaterGroup, count: int, threshold: int) -> bool:
    return count > 0 and (group not in ANONYMOUS or count >= threshold)


@cache
def _responses_statement() -> Select:
    """The responses of the rounds ``round_ids`` as they came in, as the columns of
    :class:`Response` rather than whole records, with its tenant's criteria (see
    ``tenancy.tenant_rows``). Built once: a statement is immutable, and building it and its cache
    key cost some 0.4 ms a report."""
    return (
        select(
            FeedbackResponse.round_id,
            FeedbackResponse.rater_group,
            FeedbackResponse.scores,
            FeedbackResponse.submitted_at,
            FeedbackResponse.comments,
            FeedbackResponse.overall_comment,
            FeedbackResponse.assisted_by_id,
        )
        .where(
            FeedbackResponse.round_id.in_(bindparam("round_ids", expanding=True)),
            of_tenant(FeedbackResponse),
        )
        .order_by(FeedbackResponse.id)
    )


def _responses_of(organisation_id: int, round_ids: list[int]) -> dict[int, list[Response]]:
    """The responses of the rounds ``round_ids`` of ``organisation_id``, by round: run through
    ``tenancy.tenant_rows``, without the ORM's execution (some three times the query itself)."""
    grouped: dict[int, list[Response]] = {round_id: [] for round_id in round_ids}
    for response in tenant_rows(_responses_statement(), organisation_id, {"round_ids": round_ids}):
        grouped[response.round_id].append(response)
    return grouped


def build(
    feedback_round: FeedbackRound,
    organisation_threshold: int,
    language: str,
    responses: list[Response] | None = None,
) -> Report:
    """The report of one round (its answers are read unless given), under the stricter of its
    own and the organisation's threshold (see :func:`threshold_of`)."""
    threshold = threshold_of(feedback_round, organisation_threshold)
    if responses is None:
        round_id = feedback_round.id
        responses = _responses_of(feedback_round.organisation_id, [round_id])[round_id]
    closed = feedback_round.is_closed()
    counted, per_group = _counted(feedback_round, closed, responses)
    scored = _scored(counted)
    rows = [
        _row(competence, scored, threshold, language) for competence in feedback_round.competences
    ]
    report = Report(
        feedback_round,
        rows,
        per_group,
        threshold=threshold,
        closed=closed,
        self_assisted=any(
            r.assisted_by_id is not None for group, r in counted if group is RaterGroup.SELF
        ),
    )
    labels = {row.key: row.label for row in rows}
    position = {row.key: index for index, row in enumerate(rows)}
    found: dict[RaterGroup, list[tuple[int, Comment]]] = {}
    for group, response in counted:
        if not _shown(group, per_group[group], threshold):
            continue  # a small anonymous group's words could say who wrote them
        comments = [
            (position.get(key, len(rows)), Comment(labels.get(key, key), text))
            for key, text in response.comments.items()
            if text
        ]
        if response.overall_comment:
            comments.append((len(rows) + 1, Comment(None, response.overall_comment)))
        if comments:
            found.setdefault(group, []).extend(comments)
    for group, comments in found.items():
        if group.anonymous:  # by competence, then text: the order says nothing about who wrote it
            comments.sort(key=lambda item: (item[0], item[1].text))
        report.comments[group] = [comment for _, comment in comments]
    return report


def _counted(
    feedback_round: FeedbackRound | EarlierRound, closed: bool, responses: list[R]
) -> tuple[list[tuple[RaterGroup, R]], dict[RaterGroup, int]]:
    """The answers that count in the round's figures, each with its group (read once), and how
    many answers each group gave."""
    if closed:
        closes_at = feedback_round.closes_at
        responses = [r for r in responses if r.submitted_at <= closes_at]
    counted = [(_GROUP_OF[response.rater_group], response) for response in responses]
    per_group = dict.fromkeys(GROUPS, 0)
    for group, _ in counted:
        per_group[group] += 1
    if not closed:  # anonymous groups count nowhere yet, only in ``answers_per_group``
        counted = [(group, r) for group, r in counted if group not in ANONYMOUS]
    return counted, per_group


def _scored(counted: list[tuple[RaterGroup, R]]) -> list[tuple[RaterGroup, dict[str, Any]]]:
    """Each answer's group and scores, read once rather than once per competence."""
    return [(group, response.scores) for group, response in counted]


def _scores(
    key: str, scored: list[tuple[RaterGroup, dict[str, Any]]]
) -> dict[RaterGroup, list[int]]:
    scores: dict[RaterGroup, list[int]] = {group: [] for group in GROUPS}
    for group, given in scored:
        score = given.get(key)
        if score is not None:
            scores[group].append(score)
    return scores


def _others(scores: dict[RaterGroup, list[int]], threshold: int) -> list[int]:
    """The scores in "all others": the groups shown, and the hidden ones only together."""
    shown = {group: _shown(group, len(scores[group]), threshold) for group in OTHERS}
    visible = [score for group in OTHERS if shown[group] for score in scores[group]]
    hidden = [score for group in OTHERS if not shown[group] for score in scores[group]]
    return visible + hidden if len(hidden) >= threshold else visible


def _row(
    competence: dict,
    scored: list[tuple[RaterGroup, dict[str, Any]]],
    threshold: int,
    language: str,
) -> Row:
    key = competence["key"]
    scores = _scores(key, scored)
    groups = {
        group: Figures.of(values, _shown(group, len(values), threshold))
        for group, values in scores.items()
    }
    return Row(
        key,
        in_language(competence["label"], language),
        in_language(competence["description"], language),
        groups,
        Figures.of(_others(scores, threshold)),
    )


def means(
    feedback_round: FeedbackRound | EarlierRound,
    responses: list[R],
    organisation_threshold: int,
    closed: bool | None = None,
) -> Means:
    """Per competence of the round, the client's own mean and the others' mean as the round's
    report shows them (None where it shows none), without the rest of the report (labels,
    spreads, comments): what the competence trend draws. ``responses`` need only their group,
    scores and moment of submission. ``closed``: whether the round is closed, when the caller
    looked at the clock already (the figures are then those of that moment). The threshold is
    the stricter of the round's and ``organisation_threshold`` (see :func:`threshold_of`)."""
    threshold = threshold_of(feedback_round, organisation_threshold)
    if closed is None:
        closed = feedback_round.is_closed()
    counted, _ = _counted(feedback_round, closed, responses)
    scored = _scored(counted)
    result = []
    for competence in feedback_round.competences:
        scores = _scores(competence["key"], scored)
        own = scores[RaterGroup.SELF]
        others = _others(scores, threshold)
        result.append(
            (
                competence["key"],
                statistics.fmean(own) if _shown(RaterGroup.SELF, len(own), threshold) else None,
                statistics.fmean(others) if others else None,
            )
        )
    return result


@dataclass(frozen=True)
class EarlierRound:
    """What the trend reads of an earlier round of the trajectory, its columns rather than the
    record: when it started, when it closes (as :attr:`FeedbackRound.closes_at`), its
    competences and the threshold its raters were told."""

    id: int
    created_at: datetime
    deadline: date
    closed_at: datetime | None
    competences: list[dict[str, Any]]
    threshold: int

    @property
    def closes_at(self) -> datetime:
        return closing_moment(self.deadline, self.closed_at)

    def is_closed(self) -> bool:
        return now_utc() >= self.closes_at


@cache
def _rounds_before() -> Select:
    """The rounds of the trajectory ``trajectory_id`` started before the round ``round_id``
    (started at ``created_at``), oldest first: those started earlier, and those started in the
    same instant with a smaller id; the columns of :class:`EarlierRound`, with its tenant's
    criteria (see ``tenancy.tenant_rows``). Built once (see :func:`_responses_statement`)."""
    created_at = bindparam("created_at")
    return (
        select(
            FeedbackRound.id,
            FeedbackRound.created_at,
            FeedbackRound.deadline,
            FeedbackRound.closed_at,
            FeedbackRound.competences,
            FeedbackRound.threshold,
        )
        .where(
            FeedbackRound.trajectory_id == bindparam("trajectory_id"),
            or_(
                FeedbackRound.created_at < created_at,
                and_(
                    FeedbackRound.created_at == created_at,
                    FeedbackRound.id < bindparam("round_id"),
                ),
            ),
            of_tenant(FeedbackRound),
        )
        .order_by(FeedbackRound.created_at, FeedbackRound.id)
    )


def with_history(
    feedback_round: FeedbackRound, organisation_threshold: int, language: str
) -> tuple[Report, list[tuple[FeedbackRound | EarlierRound, Means]]]:
    """This round's report, and the means of the trajectory's rounds up to and including this
    one, oldest first (this one last), for the trend: the whole report of this round only. Two
    queries however many rounds there are (this one, loaded already, is not read again), both
    through ``tenancy.tenant_rows``."""
    organisation_id = feedback_round.organisation_id
    values = {
        "trajectory_id": feedback_round.trajectory_id,
        "created_at": feedback_round.created_at,
        "round_id": feedback_round.id,
    }
    earlier = [EarlierRound(*row) for row in tenant_rows(_rounds_before(), organisation_id, values)]
    grouped = _responses_of(organisation_id, [*(r.id for r in earlier), feedback_round.id])
    report = build(feedback_round, organisation_threshold, language, grouped[feedback_round.id])
    history = [(r, means(r, grouped[r.id], organisation_threshold)) for r in earlier]
    return report, [*history, (feedback_round, report.means)]
