"""Languages: Dutch by default, French and English too."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

LANGUAGES: dict[str, str] = {"nl": "Nederlands", "fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "nl"


def language_choices(with_browser_default: bool = False) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = list(LANGUAGES.items())
    if with_browser_default:
        choices.insert(0, ("", _l("Same as my browser")))
    return choices
