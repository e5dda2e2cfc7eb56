"""A downloaded document's file name is in its reader's language: plain ASCII in ``filename``,
as written (accents) in the RFC 5987 ``filename*``."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

import pytest

from fieldapp.common.file_names import content_disposition, file_name, name_part
from tests.documents.test_handover import ended_world


def names_in(disposition: str) -> tuple[str, str | None]:
    """The ``filename`` and the decoded ``filename*`` of a Content-Disposition header."""
    assert disposition.startswith("attachment;")
    plain = re.search(r'filename="([^"]*)"', disposition).group(1)
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    return plain, unquote(encoded.group(1)) if encoded else None


@pytest.mark.parametrize(
    ("language", "plain"),
    [
        ("nl", "overdrachtsverslag-"),
        ("fr", "rapport-de-transmission-"),
        ("en", "hand-over-summary-"),
    ],
)
def test_the_handover_pdf_is_named_in_the_readers_language(client, auth, make, db, language, plain):
    world = ended_world(make, db, "fr", "5000 Namur")
    world.counsellor.language = language
    db.session.commit()
    auth.login(world.counsellor.email)

    response = client.get(f"/trajectories/{world.trajectory.id}/handover-summary.pdf")

    name, accented = names_in(response.headers["Content-Disposition"])
    assert name.isascii()
    assert name.startswith(plain)
    assert name.endswith(f"-{world.trajectory.started_on.isoformat()}.pdf")
    assert accented is None  # the client's name and these words are plain ASCII already


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("Élise Van Damme", "elise-van-damme"),
        ("İbrahim Yılmaz", "ibrahim-yilmaz"),  # before: "ibrahim-ylmaz"
        ("Çelik", "celik"),
        ("DOĞAN Yağmur", "dogan-yagmur"),
        ("Straße", "strasse"),  # before: "strae"
        ("Łukasz Øster-Ærø", "lukasz-oster-aero"),
        ("محمد العلي", ""),  # no letter that ASCII keeps: the callers name the file by number
    ],
)
def test_a_name_in_plain_ascii_keeps_its_letters(name, plain):
    assert name_part(name) == plain


@pytest.mark.parametrize(
    ("parts", "written"),
    [
        (("Evaluatie", "İbrahim Yılmaz", "2026-11-22"), "evaluatie-ibrahim-yılmaz-2026-11-22"),
        (("Évaluation", "Çelik DOĞAN"), "évaluation-çelik-doğan"),
        (("Evaluation", "Groß"), "evaluation-groß"),
        (("تقييم", "مُحَمَّد العلي"), "تقييم-مُحَمَّد-العلي"),  # vowel marks stay in their word
        (("Evaluatie", "e\u0301lise"), "evaluatie-élise"),  # typed as e + a combining accent
    ],
)
def test_a_file_name_is_written_as_the_words_are(parts, written):
    """Before, the capital dotted I lower-cased to i + a combining dot, which (like an Arabic
    vowel mark) cut its word with a hyphen: "evaluatie-i-brahim-yılmaz"."""
    assert file_name(*parts, extension="pdf") == unicodedata.normalize("NFC", written) + ".pdf"


def test_a_turkish_name_is_plain_ascii_in_the_header_and_written_in_its_utf_8_form():
    name = file_name("Evaluatie", "İbrahim Yılmaz", extension="pdf")
    assert names_in(content_disposition(name)) == (
        "evaluatie-ibrahim-yilmaz.pdf",
        "evaluatie-ibrahim-yılmaz.pdf",
    )
