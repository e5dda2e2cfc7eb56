"""A downloaded document's file name is in its reader's language: plain ASCII in ``filename``,
as written (accents) in the RFC 5987 ``filename*``."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

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
