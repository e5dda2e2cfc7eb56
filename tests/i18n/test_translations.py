"""Every user-facing string has a Dutch and a French translation; the language is chosen well."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from fieldapp import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [
    ("fieldapp/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_string_is_translated(language):
    path = Path(PROJECT_ROOT, "fieldapp/translations", language, "LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
        and message.string
        and "fuzzy" not in message.flags
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    missing = sorted(source_messages() - translated)
    assert missing == [], f"run 'make translations' and translate these in {language}: {missing}"


def test_dutch_is_the_default(client):
    page = client.get("/login", headers={"Accept-Language": ""}).get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Aanmelden" in page


@pytest.mark.parametrize(
    ("header", "lang", "word"),
    [
        ("fr-BE,fr;q=0.9", "fr", "Se connecter"),
        ("en-GB", "en", "Sign in"),
        ("de-DE", "nl", "Aanmelden"),
    ],
)
def test_browser_language_is_followed(client, header, lang, word):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert word in page


def test_switching_language_before_signing_in(client):
    response = client.post("/language", data={"language": "fr", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    response = client.post("/language", data={"language": "de"})
    assert response.status_code == 400
    assert "This language is not available" in response.get_data(as_text=True)


def test_the_users_setting_wins_over_the_browser(client, auth, make, db):
    user = make.user(email="an@example.org")
    user.language = "fr"
    db.session.commit()
    auth.login("an@example.org")
    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Bonjour" in page


def test_mail_goes_out_in_the_recipients_language(client, make, outbox, db):
    user = make.user(email="an@example.org")
    user.language = "fr"
    db.session.commit()
    client.post("/password/forgot", data={"email": "an@example.org"})
    assert outbox[0].subject == "Choisissez un nouveau mot de passe fieldapp"
    assert "Bonjour" in outbox[0].body
