"""Languages: Dutch by default, French and English too; more for the people who answer a link.

Staff pages speak :data:`LANGUAGES`. The pages that raters and the client see at a secret link
(the form, the easy-read form, their thank-you and refusal pages, the invitation e-mail) speak
:data:`RATER_LANGUAGES`: those three and every other language that has a catalog in
``fieldapp/translations/``. Adding a language for raters is adding its catalog (and the shipped
framework's texts in it, ``fieldapp/feedback/shipped.py``); nothing lists it anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

LANGUAGES: dict[str, str] = {"nl": "Nederlands", "fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "nl"
CATALOGS = Path(__file__).resolve().parent.parent / "translations"


def _named(code: str) -> str:
    """A language named in itself, with a capital where its script has one (``Türkçe``)."""
    name = Locale.parse(code).display_name or code
    return name[:1].upper() + name[1:]


def _rater_languages() -> dict[str, str]:
    found = sorted(
        path.name
        for path in CATALOGS.iterdir()
        if (path / "LC_MESSAGES" / "messages.po").is_file() and path.name not in LANGUAGES
    )
    return {**LANGUAGES, **{code: _named(code) for code in found}}


RATER_LANGUAGES: dict[str, str] = _rater_languages()


def direction(code: str) -> str:
    """``rtl`` for a language written right to left (Arabic), else ``ltr``: the page's ``dir``."""
    return "rtl" if Locale.parse(code).text_direction == "rtl" else "ltr"


def language_choices(
    with_browser_default: bool = False, languages: dict[str, str] = LANGUAGES
) -> list[SelectChoice]:
    choices = [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in languages.items()
    ]
    if with_browser_default:
        choices.insert(0, SelectChoice("", _l("Same as my browser")))
    return choices
