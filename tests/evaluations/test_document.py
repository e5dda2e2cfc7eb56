"""The evaluation document: a PDF with the record and signature lines, in the client's language
when it is Dutch or French, made without any network access."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fieldapp.common.pdf import BASE_URL, StaticFilesOnly
from fieldapp.evaluations.models import EvaluationRecord
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of
from tests.documents.test_file_names import names_in
from tests.evaluations.conftest import FIRST, record_json, visit_with_note
from tests.factories import days_from_today


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def closed_record(client, db, setting, **overrides) -> EvaluationRecord:
    payload = record_json(**overrides)
    client.post(setting.url + ".json", json=payload)
    [record] = db.session.scalars(select(EvaluationRecord))
    from fieldapp.evaluations import services

    services.close(setting.world.counsellor, setting.evaluation, record)
    db.session.commit()
    return record


def test_the_pdf_holds_the_record_and_the_signature_lines(client, db, signed_in):
    visit_with_note(db, signed_in.world, 12, {FIRST: 4})
    record = closed_record(
        client,
        db,
        signed_in,
        participants=[
            {"kind": "client", "name": "Mina Peeters"},
            {"kind": "supervisor", "name": "Sofie Supervisor"},
            {"kind": "counsellor", "name": "Ilse Janssens"},
        ],
    )

    response = client.get(f"/evaluation-records/{record.id}/document.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="evaluation-mina-')
    assert disposition.endswith(f'-{days_from_today(-1).isoformat()}-v1.pdf"')
    text = text_of(response.data)
    for expected in (
        "Mina Peeters",
        "Sofie Supervisor",
        "Ilse Janssens",
        "Op tijd en aanwezig",  # a competence, in the client's language (Dutch)
        "Elke vrijdag een kort overleg met Sofie.",
        "Hulp vragen als iets niet lukt",
        "Cliënt:",  # the signature lines
        "Werkvloerbegeleider:",
        "Trajectbegeleider:",
    ):
        assert expected in text, expected
    # The plan's goal with who acts and its status, in the client's language.
    assert re.search(r"Elke dag om 8 uur op de werkvloer Cliënt \d+ \w+ \d{4} open ", text)


def test_a_french_client_gets_the_document_in_french(client, db, signed_in):
    signed_in.world.client.language = "fr"
    db.session.commit()
    record = closed_record(client, db, signed_in)

    text = text_of(client.get(f"/evaluation-records/{record.id}/document.pdf").data)

    assert "Évaluation après" in text
    assert "Date et signature" in text
    assert "Ponctualité" in text or "ponctuel" in text.lower()


def test_the_pdf_fetches_only_the_apps_static_files(app):
    fetcher = StaticFilesOnly(str(app.static_folder), app.static_url_path)
    served = fetcher.fetch(BASE_URL + "static/css/print-document.css?v=abc")
    assert b"@page" in served.read()
    for refused in (
        "https://example.org/x.css",
        "file:///etc/passwd",
        BASE_URL + "static/../pyproject.toml",
        BASE_URL + "static/%2e%2e/pyproject.toml",
        BASE_URL + "login",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):  # noqa: PT011 (WeasyPrint catches any exception)
            fetcher.fetch(refused)


def test_reading_the_pdf_is_audited_as_an_opening_of_the_file(client, db, signed_in):
    record = closed_record(client, db, signed_in)
    world = signed_in.world

    response = client.get(
        f"/evaluation-records/{record.id}/document.pdf", headers={"User-Agent": USER_AGENT}
    )

    assert response.status_code == 200
    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("nl", "evaluatie-élise-van-damme-"),
        ("fr", "évaluation-élise-van-damme-"),
        ("en", "evaluation-élise-van-damme-"),
    ],
)
def test_the_pdf_is_named_in_the_readers_language(client, db, signed_in, language, written):
    """Named in the counsellor's language (the document itself is in the client's): plain ASCII
    in ``filename`` for any system, with accents in ``filename*`` for those that read it."""
    world = signed_in.world
    world.client.first_name, world.client.last_name = "Élise", "Van Damme"
    world.counsellor.language = language
    db.session.commit()
    record = closed_record(client, db, signed_in)

    response = client.get(f"/evaluation-records/{record.id}/document.pdf")

    name, accented = names_in(response.headers["Content-Disposition"])
    day = record.held_on.isoformat()
    assert accented == f"{written}{day}-v1.pdf"
    plain = written.replace("é", "e")
    assert name == f"{plain}{day}-v1.pdf"
