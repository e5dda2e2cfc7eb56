"""Every user-facing string has a Dutch and a French translation; the language is chosen well.

The other languages raters read (Arabic, Turkish: ``fieldapp.i18n.RATER_LANGUAGES``, every catalog
beyond nl, fr and en) need only what raters and the client see: the files of ``RATER_FACING``
and the messages of ``RATER_FACING_MESSAGES``. Staff pages stay in Dutch, French and English.
"""

from __future__ import annotations

import functools
import os
import shlex
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract, extract_from_dir
from babel.messages.frontend import CommandLineInterface, parse_mapping_cfg
from babel.messages.pofile import read_po

from fieldapp import PROJECT_ROOT
from fieldapp.i18n import LANGUAGES, RATER_LANGUAGES

CATALOGS = Path(PROJECT_ROOT, "fieldapp/translations")

# What a rater or the client sees at a secret link, whole files: the form, the easy-read form,
# the thank-you and refusal pages, the released report, the invitation and reminder e-mails.
RATER_FACING = (
    "templates/feedback/_rater_page.html",
    "templates/feedback/_shared.html",
    "templates/feedback/form.html",
    "templates/feedback/easy.html",
    "templates/feedback/thanks.html",
    "templates/feedback/link_problem.html",
    "templates/feedback/own_report.html",
    "templates/mail/feedback_invitation.txt",
    "templates/mail/feedback_reminder.txt",
    "fieldapp/feedback/answers_form.py",
)
# ... and the messages of modules that speak to staff too, which a rater's form can show.
RATER_FACING_MESSAGES = (
    "Answer every question, or choose \u201ccannot judge\u201d.",  # rounds.AnswersRefused
    "This form does not belong to this round. Reload the page.",  # rounds.read_answers
    "This form has no such question.",  # easy_views
)


def makefile_extract_command() -> list[str]:
    """The ``pybabel extract`` command of the Makefile's ``translations`` target, as arguments."""
    makefile = Path(PROJECT_ROOT, "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    return shlex.split(line.strip().removeprefix("$(BIN)/pybabel"))


def extraction_keywords() -> dict:
    """Babel's default keywords (``_``, ``gettext``, ``ngettext``…) plus the Makefile's ``-k``."""
    arguments = makefile_extract_command()
    extra = {arguments[i + 1] for i, argument in enumerate(arguments) if argument == "-k"}
    assert {"_l", "lazy_gettext"} <= extra
    return {**DEFAULT_KEYWORDS, **dict.fromkeys(extra)}


def msgid(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


@functools.cache
def source_messages() -> dict[str, str]:
    """Every msgid that the code and the templates use (files named by babel.cfg), with a file
    that uses it. Every folder is searched but hidden ones: Babel's own default also skips folders
    whose name starts with an underscore, and so missed everything in ``templates/_macros/``."""
    with Path(PROJECT_ROOT, "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT),
        method_map=method_map,
        options_map=options_map,
        keywords=extraction_keywords(),
        directory_filter=lambda path: not os.path.basename(path).startswith("."),
    ):
        found.setdefault(msgid(message), filename)
    return found


def catalog_messages(language: str, *, translated_only: bool = True) -> set[str]:
    with (CATALOGS / language / "LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        msgid(message.id)
        for message in catalog
        if message.id
        and not (
            translated_only
            and (
                "fuzzy" in message.flags
                or not all(
                    message.string if isinstance(message.string, tuple) else [message.string]
                )
            )
        )
    }


def rater_facing_messages() -> set[str]:
    """Every msgid of ``RATER_FACING`` and ``RATER_FACING_MESSAGES``."""
    found = set(RATER_FACING_MESSAGES)
    for name in RATER_FACING:
        method = "python" if name.endswith(".py") else "jinja2"
        with Path(PROJECT_ROOT, name).open("rb") as handle:
            found.update(
                msgid(message)
                for _lineno, message, _comments, _context in extract(
                    method, handle, keywords=extraction_keywords()
                )
            )
    return found


def test_strings_in_underscore_folders_are_found():
    """The pager's words live in ``templates/_macros/``: the search must reach them."""
    assert {"Next", "Previous"} <= source_messages().keys()


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_string_is_translated(language):
    used = source_messages()
    missing = sorted(set(used) - catalog_messages(language))
    assert missing == [], f"translate these in {language}: " + ", ".join(
        f"{message!r} ({used[message]})" for message in missing
    )


def test_every_string_is_in_the_english_catalog():
    """The en catalog lists every msgid too (with an empty msgstr), as ``make translations``
    leaves it."""
    assert sorted(set(source_messages()) - catalog_messages("en", translated_only=False)) == []


@pytest.mark.parametrize("language", sorted(set(RATER_LANGUAGES) - set(LANGUAGES)))
def test_what_raters_see_is_translated_in_every_rater_language(language):
    """Arabic and Turkish (and any catalog added): complete for raters' pages, nothing more."""
    used = source_messages()
    wanted = rater_facing_messages()
    assert wanted <= used.keys(), "RATER_FACING_MESSAGES names a message the code no longer has"
    missing = sorted(wanted - catalog_messages(language))
    assert missing == [], f"translate these in {language}: {missing}"


def test_rater_languages_are_the_catalogs_present():
    """Adding a language for raters is adding its catalog; each is named in itself."""
    present = {path.name for path in CATALOGS.iterdir() if (path / "LC_MESSAGES").is_dir()}
    assert set(RATER_LANGUAGES) == present
    assert set(LANGUAGES) < set(RATER_LANGUAGES)
    assert {"ar": "العربية", "tr": "Türkçe"}.items() <= RATER_LANGUAGES.items()


def test_make_translations_extracts_every_string(tmp_path, monkeypatch):
    """``make translations`` must not drop what the code uses (it once skipped ``_macros/``)."""
    arguments = makefile_extract_command()
    output = arguments.index("-o") + 1
    arguments[output] = str(tmp_path / "messages.pot")
    monkeypatch.chdir(PROJECT_ROOT)
    CommandLineInterface().run(["pybabel", "--quiet", *arguments])
    with (tmp_path / "messages.pot").open("rb") as handle:
        extracted = {msgid(message.id) for message in read_po(handle) if message.id}
    assert sorted(set(source_messages()) - extracted) == []


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


def test_mail_goes_out_in_the_recipients_language(client, make, sent_mail, db, send_resets):
    user = make.user(email="an@example.org")
    user.language = "fr"
    db.session.commit()
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    (mail,) = sent_mail()
    assert mail.subject == "Choisissez un nouveau mot de passe fieldapp"
    assert "Bonjour" in mail.body


@pytest.mark.parametrize(
    ("language", "previous", "following"),
    [("nl", "Vorige", "Volgende"), ("fr", "Précédent", "Suivant")],
)
def test_the_pager_speaks_the_pages_language(client, auth, make, language, previous, following):
    counsellor = make.user(email="an@example.org")
    for i in range(26):  # a page holds 25
        make.client(counsellor, f"Naam{i:02d}")
    auth.login("an@example.org")
    headers = {"Accept-Language": language}
    first = client.get("/clients/", headers=headers).get_data(as_text=True)
    second = client.get("/clients/?page=2", headers=headers).get_data(as_text=True)
    assert f">{following}</a>" in first
    assert f">{previous}</a>" in second
    assert ">Next<" not in first
    assert ">Previous<" not in second
