"""What a record's page and PDF show: per competence the evidence beside the judgement."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from fieldapp.common.file_names import file_name, name_part
from fieldapp.evaluations.evidence import CompetenceEvidence, Evidence, gather
from fieldapp.evaluations.models import EvaluationRecord, ParticipantKind
from fieldapp.feedback.frameworks import framework_in_use


@dataclass(frozen=True)
class Line:
    """One competence of a record: its label, the evidence, the agreed score."""

    key: str
    label: str
    evidence: CompetenceEvidence | None
    score: int | None


def lines_of(record: EvaluationRecord, evidence: Evidence) -> list[Line]:
    return [
        Line(row.competence_key, row.label, evidence.of(row.competence_key), row.score)
        for row in record.judgements
    ]


def contents(record: EvaluationRecord, language: str) -> dict[str, Any]:
    """The record's lines (labels in ``language`` where the framework still has them), evidence,
    participants, growth points with their competence's label."""
    framework = framework_in_use(record.organisation_id, language)
    labels = framework.labels()
    evidence = gather(
        record.client, record.trajectory, record.evaluation, framework, record.held_on, language
    )
    lines = [
        Line(line.key, labels.get(line.key, line.label), line.evidence, line.score)
        for line in lines_of(record, evidence)
    ]
    return {
        "lines": lines,
        "evidence": evidence,
        "participants": [
            (ParticipantKind(p["kind"]).label, p["name"]) for p in record.participants
        ],
        "growth_points": [
            (p["text"], labels.get(p.get("competence") or "", "")) for p in record.growth_points
        ],
        "supervisor_name": next(
            (p["name"] for p in record.participants if p["kind"] == "supervisor"),
            record.trajectory.supervisor.name if record.trajectory.supervisor else "",
        ),
        "counsellor_name": next(
            (p["name"] for p in record.participants if p["kind"] == "counsellor"),
            record.client.counsellor.name,
        ),
    }


def filename(record: EvaluationRecord) -> str:
    """``evaluation-<name>-<day>-v<version>.pdf`` in the reader's language, as written (see
    :mod:`fieldapp.common.file_names`); the client's number where their name has no letter that
    plain ASCII keeps."""
    who = record.client.full_name if name_part(record.client.full_name) else str(record.client_id)
    day = record.held_on.isoformat() if record.held_on else _("draft")
    return file_name(_("Evaluation"), who, day, f"v{record.version}", extension="pdf")
