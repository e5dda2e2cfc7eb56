"""The competence framework that ships with fieldapp.

Ten competences that matter on a work-experience placement, each with a short label and a
description of what one can *see* on the work floor, in plain words, in Dutch, French and English.
Organisations use it as it is, or copy it and adapt the copy; this one never changes under them.
"""

from __future__ import annotations

from typing import TypedDict


class Texts(TypedDict):
    nl: str
    fr: str
    en: str


class ShippedCompetence(TypedDict):
    key: str
    label: Texts
    description: Texts


NAME: Texts = {
    "nl": "Competenties op de werkvloer",
    "fr": "Compétences sur le lieu de travail",
    "en": "Competences at work",
}

COMPETENCES: tuple[ShippedCompetence, ...] = (
    {
        "key": "punctuality",
        "label": {
            "nl": "Op tijd en aanwezig",
            "fr": "Ponctualité et présence",
            "en": "Punctuality and attendance",
        },
        "description": {
            "nl": "Komt op tijd, is er op de afgesproken dagen en verwittigt als het niet lukt.",
            "fr": "Arrive à l'heure, est là les jours prévus et prévient en cas d'empêchement.",
            "en": "Arrives on time, is there on the agreed days and lets people know if not.",
        },
    },
    {
        "key": "instructions",
        "label": {
            "nl": "Volgt afspraken en instructies",
            "fr": "Suit les consignes",
            "en": "Follows instructions",
        },
        "description": {
            "nl": "Doet wat gevraagd is, zoals het gevraagd is, en vraagt het als iets niet "
            "duidelijk is.",
            "fr": "Fait ce qui est demandé, comme c'est demandé, et pose la question si ce "
            "n'est pas clair.",
            "en": "Does what was asked, the way it was asked, and asks when something is unclear.",
        },
    },
    {
        "key": "quality",
        "label": {
            "nl": "Kwaliteit van het werk",
            "fr": "Qualité du travail",
            "en": "Quality of work",
        },
        "description": {
            "nl": "Het werk is netjes en juist af; fouten worden zelf opgemerkt en verbeterd.",
            "fr": "Le travail est propre et bien fini ; les erreurs sont vues et corrigées.",
            "en": "The work is neat and correct; mistakes are noticed and put right.",
        },
    },
    {
        "key": "pace",
        "label": {"nl": "Werktempo", "fr": "Rythme de travail", "en": "Pace"},
        "description": {
            "nl": "Werkt door en krijgt het werk af in de tijd die ervoor staat.",
            "fr": "Travaille de façon régulière et termine le travail dans le temps prévu.",
            "en": "Keeps working steadily and finishes the work in the time it should take.",
        },
    },
    {
        "key": "teamwork",
        "label": {"nl": "Samenwerken", "fr": "Travail en équipe", "en": "Teamwork"},
        "description": {
            "nl": "Helpt collega's, deelt het werk en houdt rekening met anderen.",
            "fr": "Aide les collègues, partage le travail et tient compte des autres.",
            "en": "Helps colleagues, shares the work and takes others into account.",
        },
    },
    {
        "key": "communication",
        "label": {"nl": "Communicatie", "fr": "Communication", "en": "Communication"},
        "description": {
            "nl": "Zegt wat nodig is, luistert, en is vriendelijk tegen collega's en klanten.",
            "fr": "Dit ce qui est nécessaire, écoute, et reste aimable avec collègues et clients.",
            "en": "Says what is needed, listens, and is friendly to colleagues and customers.",
        },
    },
    {
        "key": "feedback",
        "label": {
            "nl": "Feedback aanvaarden",
            "fr": "Accepter les remarques",
            "en": "Accepting feedback",
        },
        "description": {
            "nl": "Luistert naar opmerkingen zonder boos te worden en doet er iets mee.",
            "fr": "Écoute les remarques sans se fâcher et en tient compte.",
            "en": "Listens to remarks without getting upset and acts on them.",
        },
    },
    {
        "key": "initiative",
        "label": {"nl": "Initiatief nemen", "fr": "Prendre des initiatives", "en": "Initiative"},
        "description": {
            "nl": "Ziet zelf wat er moet gebeuren en begint eraan zonder dat het gevraagd wordt.",
            "fr": "Voit ce qu'il faut faire et s'y met sans qu'on le demande.",
            "en": "Sees what needs doing and starts on it without being asked.",
        },
    },
    {
        "key": "safety",
        "label": {
            "nl": "Veiligheid en hygiëne",
            "fr": "Sécurité et hygiène",
            "en": "Safety and hygiene",
        },
        "description": {
            "nl": "Volgt de regels voor veiligheid en hygiëne en draagt de juiste kledij.",
            "fr": "Respecte les règles de sécurité et d'hygiène et porte la tenue prévue.",
            "en": "Follows the safety and hygiene rules and wears the right clothing.",
        },
    },
    {
        "key": "language",
        "label": {"nl": "Taal op het werk", "fr": "Langue au travail", "en": "Language at work"},
        "description": {
            "nl": "Begrijpt de uitleg op het werk en kan zich verstaanbaar maken.",
            "fr": "Comprend les explications au travail et se fait comprendre.",
            "en": "Understands what is explained at work and can make themselves understood.",
        },
    },
)
