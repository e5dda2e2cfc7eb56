"""The method every capability follows: schemes, the five phases with their checklists, outcomes;
and (``rules.py``) an organisation's own rules of when the moments of a file come, which
trajectories, mentorships and the agenda all read. Below the capabilities: it imports none.

After the method of seed 003 (Kina): 1 exploration, 2 mapping competences, 3 placement,
4 guidance during employment, 5 end of placement and aftercare.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l


class Scheme(StrEnum):
    ART60 = "art60"
    TWE = "twe"
    IBO = "ibo"
    STAGE = "stage"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(SCHEME_LABELS[self])


SCHEME_LABELS: dict[Scheme, Any] = {
    Scheme.ART60: _l("Article 60§7"),
    Scheme.TWE: _l("Temporary work experience (TWE)"),
    Scheme.IBO: _l("Individual vocational training (IBO)"),
    Scheme.STAGE: _l("Exploratory internship"),
    Scheme.OTHER: _l("Other"),
}

# The shipped evaluation moments, in months after the start; organisations may set their own.
EVALUATION_MONTHS: dict[Scheme, tuple[int, ...]] = {
    Scheme.ART60: (1, 3, 6, 12, 18),
    Scheme.TWE: (1, 3, 6, 12),
    Scheme.IBO: (1, 3),
    Scheme.STAGE: (1,),
    Scheme.OTHER: (),
}

ART60_MAX_MONTHS = 24  # the OCMW is the employer for at most two years


class Outcome(StrEnum):
    REGULAR_JOB = "regular_job"
    TRAINING = "training"
    SOCIAL_ECONOMY = "social_economy"
    OTHER_MEASURE = "other_measure"
    BENEFITS = "benefits"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS: dict[Outcome, Any] = {
    Outcome.REGULAR_JOB: _l("Regular job"),
    Outcome.TRAINING: _l("Training"),
    Outcome.SOCIAL_ECONOMY: _l("Social economy"),
    Outcome.OTHER_MEASURE: _l("Other employment measure"),
    Outcome.BENEFITS: _l("Back to benefits"),
    Outcome.OTHER: _l("Other"),
}

PHASES: dict[int, Any] = {
    1: _l("Exploration"),
    2: _l("Mapping competences"),
    3: _l("Placement"),
    4: _l("Guidance during employment"),
    5: _l("End and aftercare"),
}


def phase_labels() -> dict[int, str]:
    """The phases' labels in the request's language, made once per catalog (one per language,
    as ``fieldapp/i18n/catalog.py`` keeps its messages): a client's file shows them in its
    checklist tabs and once for each phase change on its timeline. The same dict every time:
    read it, never change it."""
    catalog = get_translations()
    labels = catalog.__dict__.get("_fieldapp_phase_labels")
    if labels is None:
        labels = catalog.__dict__["_fieldapp_phase_labels"] = {
            number: str(label) for number, label in PHASES.items()
        }
    return labels


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    phase: int
    label: Any
    sensitive: bool = False


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("health", 1, _l("Health"), sensitive=True),
    ChecklistItem("family", 1, _l("Family situation"), sensitive=True),
    ChecklistItem("addiction", 1, _l("Addiction"), sensitive=True),
    ChecklistItem("debts", 1, _l("Debts"), sensitive=True),
    ChecklistItem("housing", 1, _l("Housing")),
    ChecklistItem("childcare", 1, _l("Childcare")),
    ChecklistItem("diplomas", 2, _l("Diplomas")),
    ChecklistItem("training", 2, _l("Training")),
    ChecklistItem("computer_skills", 2, _l("Computer skills")),
    ChecklistItem("driving_licence", 2, _l("Driving licence")),
    ChecklistItem("languages", 2, _l("Languages")),
    ChecklistItem("attitude", 2, _l("Attitude")),
    ChecklistItem("motivation", 2, _l("Motivation")),
    ChecklistItem("job_search", 3, _l("Suitable vacancies or workplaces")),
    ChecklistItem("applications", 3, _l("Applications, CV, letters")),
    ChecklistItem("employer_contacts", 3, _l("Contacts with employers")),
    ChecklistItem("floor_agreements", 3, _l("Agreements on guidance at the workplace")),
    ChecklistItem("floor_follow_up", 4, _l("Follow-up on the work floor")),
    ChecklistItem("competence_growth", 4, _l("Competences growing")),
    ChecklistItem("ready_for_market", 4, _l("Readiness for the regular labour market")),
    ChecklistItem("stay_possible", 5, _l("Can the client stay at the workplace?")),
    ChecklistItem("measures", 5, _l("Employment measures the client qualifies for")),
    ChecklistItem("next_job", 5, _l("Search for the next job")),
    ChecklistItem("aftercare", 5, _l("Aftercare")),
)

CHECKLIST_BY_KEY = {item.key: item for item in CHECKLIST}


def checklist_for(phase: int) -> list[ChecklistItem]:
    return [item for item in CHECKLIST if item.phase == phase]
