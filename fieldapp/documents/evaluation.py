"""The evaluation document: the record of an evaluation meeting with the development plan and the
competence trend, and signature lines for the client, the floor supervisor and the counsellor."""

from __future__ import annotations

from typing import Any

from fieldapp.competence_trend.services import trend_of
from fieldapp.development_plan.services import goals_of
from fieldapp.evaluations import document
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.feedback.frameworks import framework_in_use


def contents(record: EvaluationRecord, language: str) -> dict[str, Any]:
    """What the document shows: the record as its page shows it, the trajectory's goals (as they
    stand today) and its competence trend."""
    return {
        **document.contents(record, language),
        "goals": goals_of(record.trajectory),
        "goal_labels": framework_in_use(record.organisation_id, language).labels(),
        "chart": trend_of(record.client, language, record.trajectory),
    }
