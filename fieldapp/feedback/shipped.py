"""The competence framework that ships with fieldapp.

Ten competences that matter on a work-experience placement, each with a short label and a
description of what one can *see* on the work floor, in plain words: in Dutch, French and English,
and in every other language raters may read (``fieldapp.i18n.RATER_LANGUAGES``: Arabic, Turkish;
tests/feedback/test_frameworks.py checks that none is missing).
Organisations use it as it is, or copy it and adapt the copy; this one never changes under them.
"""

from __future__ import annotations

from typing import TypedDict


class Texts(TypedDict):
    nl: str
    fr: str
    en: str
    ar: str
    tr: str


class ShippedCompetence(TypedDict):
    key: str
    label: Texts
    description: Texts


NAME: Texts = {
    "nl": "Competenties op de werkvloer",
    "fr": "Compétences sur le lieu de travail",
    "en": "Competences at work",
    "ar": "الكفاءات في العمل",
    "tr": "İş yerinde yetkinlikler",
}

COMPETENCES: tuple[ShippedCompetence, ...] = (
    {
        "key": "punctuality",
        "label": {
            "nl": "Op tijd en aanwezig",
            "fr": "Ponctualité et présence",
            "en": "Punctuality and attendance",
            "ar": "الالتزام بالمواعيد والحضور",
            "tr": "Dakiklik ve devam",
        },
        "description": {
            "nl": "Komt op tijd, is er op de afgesproken dagen en verwittigt als het niet lukt.",
            "fr": "Arrive à l'heure, est là les jours prévus et prévient en cas d'empêchement.",
            "en": "Arrives on time, is there on the agreed days and lets people know if not.",
            "ar": "يصل في الوقت، ويحضر في الأيام المتفق عليها، ويُخبر إذا لم يستطع الحضور.",
            "tr": "Zamanında gelir, kararlaştırılan günlerde oradadır ve gelemezse haber verir.",
        },
    },
    {
        "key": "instructions",
        "label": {
            "nl": "Volgt afspraken en instructies",
            "fr": "Suit les consignes",
            "en": "Follows instructions",
            "ar": "يتبع الاتفاقات والتعليمات",
            "tr": "Kurallara ve talimatlara uyar",
        },
        "description": {
            "nl": "Doet wat gevraagd is, zoals het gevraagd is, en vraagt het als iets niet "
            "duidelijk is.",
            "fr": "Fait ce qui est demandé, comme c'est demandé, et pose la question si ce "
            "n'est pas clair.",
            "en": "Does what was asked, the way it was asked, and asks when something is unclear.",
            "ar": "يفعل ما يُطلب منه كما طُلب، ويسأل إذا لم يكن شيء واضحًا.",
            "tr": "İsteneni istendiği gibi yapar, bir şey açık değilse sorar.",
        },
    },
    {
        "key": "quality",
        "label": {
            "nl": "Kwaliteit van het werk",
            "fr": "Qualité du travail",
            "en": "Quality of work",
            "ar": "جودة العمل",
            "tr": "İşin kalitesi",
        },
        "description": {
            "nl": "Het werk is netjes en juist af; fouten worden zelf opgemerkt en verbeterd.",
            "fr": "Le travail est propre et bien fini ; les erreurs sont vues et corrigées.",
            "en": "The work is neat and correct; mistakes are noticed and put right.",
            "ar": "العمل مرتب وصحيح؛ يلاحظ الأخطاء بنفسه ويصححها.",
            "tr": "İş düzgün ve doğru biter; hatalar fark edilir ve düzeltilir.",
        },
    },
    {
        "key": "pace",
        "label": {
            "nl": "Werktempo",
            "fr": "Rythme de travail",
            "en": "Pace",
            "ar": "سرعة العمل",
            "tr": "Çalışma hızı",
        },
        "description": {
            "nl": "Werkt door en krijgt het werk af in de tijd die ervoor staat.",
            "fr": "Travaille de façon régulière et termine le travail dans le temps prévu.",
            "en": "Keeps working steadily and finishes the work in the time it should take.",
            "ar": "يعمل باستمرار وينهي العمل في الوقت المحدد له.",
            "tr": "Düzenli çalışır ve işi gereken sürede bitirir.",
        },
    },
    {
        "key": "teamwork",
        "label": {
            "nl": "Samenwerken",
            "fr": "Travail en équipe",
            "en": "Teamwork",
            "ar": "العمل مع الآخرين",
            "tr": "Ekip çalışması",
        },
        "description": {
            "nl": "Helpt collega's, deelt het werk en houdt rekening met anderen.",
            "fr": "Aide les collègues, partage le travail et tient compte des autres.",
            "en": "Helps colleagues, shares the work and takes others into account.",
            "ar": "يساعد الزملاء، ويتقاسم العمل، ويراعي الآخرين.",
            "tr": "İş arkadaşlarına yardım eder, işi paylaşır ve başkalarını dikkate alır.",
        },
    },
    {
        "key": "communication",
        "label": {
            "nl": "Communicatie",
            "fr": "Communication",
            "en": "Communication",
            "ar": "التواصل",
            "tr": "İletişim",
        },
        "description": {
            "nl": "Zegt wat nodig is, luistert, en is vriendelijk tegen collega's en klanten.",
            "fr": "Dit ce qui est nécessaire, écoute, et reste aimable avec collègues et clients.",
            "en": "Says what is needed, listens, and is friendly to colleagues and customers.",
            "ar": "يقول ما يلزم، ويستمع، ويكون لطيفًا مع الزملاء والزبائن.",
            "tr": "Gerekeni söyler, dinler; iş arkadaşlarına ve müşterilere karşı nazik davranır.",
        },
    },
    {
        "key": "feedback",
        "label": {
            "nl": "Feedback aanvaarden",
            "fr": "Accepter les remarques",
            "en": "Accepting feedback",
            "ar": "تقبّل الملاحظات",
            "tr": "Geri bildirimi kabul etme",
        },
        "description": {
            "nl": "Luistert naar opmerkingen zonder boos te worden en doet er iets mee.",
            "fr": "Écoute les remarques sans se fâcher et en tient compte.",
            "en": "Listens to remarks without getting upset and acts on them.",
            "ar": "يستمع إلى الملاحظات دون أن يغضب ويعمل بها.",
            "tr": "Söylenenleri kızmadan dinler ve dikkate alır.",
        },
    },
    {
        "key": "initiative",
        "label": {
            "nl": "Initiatief nemen",
            "fr": "Prendre des initiatives",
            "en": "Initiative",
            "ar": "المبادرة",
            "tr": "İnisiyatif alma",
        },
        "description": {
            "nl": "Ziet zelf wat er moet gebeuren en begint eraan zonder dat het gevraagd wordt.",
            "fr": "Voit ce qu'il faut faire et s'y met sans qu'on le demande.",
            "en": "Sees what needs doing and starts on it without being asked.",
            "ar": "يرى بنفسه ما يجب فعله ويبدأ به دون أن يُطلب منه.",
            "tr": "Ne yapılması gerektiğini kendisi görür ve istenmeden işe başlar.",
        },
    },
    {
        "key": "safety",
        "label": {
            "nl": "Veiligheid en hygiëne",
            "fr": "Sécurité et hygiène",
            "en": "Safety and hygiene",
            "ar": "السلامة والنظافة",
            "tr": "Güvenlik ve hijyen",
        },
        "description": {
            "nl": "Volgt de regels voor veiligheid en hygiëne en draagt de juiste kledij.",
            "fr": "Respecte les règles de sécurité et d'hygiène et porte la tenue prévue.",
            "en": "Follows the safety and hygiene rules and wears the right clothing.",
            "ar": "يتبع قواعد السلامة والنظافة ويلبس الملابس المناسبة.",
            "tr": "Güvenlik ve hijyen kurallarına uyar ve doğru kıyafeti giyer.",
        },
    },
    {
        "key": "language",
        "label": {
            "nl": "Taal op het werk",
            "fr": "Langue au travail",
            "en": "Language at work",
            "ar": "اللغة في العمل",
            "tr": "İş yerinde dil",
        },
        "description": {
            "nl": "Begrijpt de uitleg op het werk en kan zich verstaanbaar maken.",
            "fr": "Comprend les explications au travail et se fait comprendre.",
            "en": "Understands what is explained at work and can make themselves understood.",
            "ar": "يفهم الشرح في العمل ويستطيع أن يُفهم الآخرين ما يريد.",
            "tr": "İş yerindeki açıklamaları anlar ve kendini anlatabilir.",
        },
    },
)
