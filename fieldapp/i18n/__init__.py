"""Languages: Dutch by default, French and English too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

LANGUAGES: dict[str, str] = {"nl": "Nederlands", "fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "nl"


def language_choices(with_browser_default: bool = False) -> list[SelectChoice]:
    choices = [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGES.items()
    ]
    if with_browser_default:
        choices.insert(0, SelectChoice("", _l("Same as my browser")))
    return choices
