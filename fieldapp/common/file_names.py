"""A downloaded document's file name in the reader's language, as its words are written
("évaluation-élise-van-damme-2026-11-22-v1.pdf"), and the header that names it: the plain ASCII
form in ``filename`` for every system, the written one in ``filename*`` (RFC 6266, RFC 5987) for
the browsers that read it (all current ones do)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def file_name(*parts: str, extension: str) -> str:
    """``parts`` as one file name: lower case, accents kept, every run of anything but letters
    (with their marks) and digits one hyphen."""
    return "-".join(word for word in map(_written, parts) if word) + "." + extension


def _written(part: str) -> str:
    """One part, lower case as written. Lower-casing the Turkish capital dotted I gives an i with
    a combining dot above (Unicode keeps the dot so that the letter can be cased back): the i has
    its dot already. A combining mark that no letter takes in (an Arabic vowel sign, an accent
    typed apart from its letter in an unusual pair) belongs to its word: not a hyphen."""
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", part).lower())
    text = text.replace("i\u0307", "i")
    kept = (char if char.isalnum() or _is_mark(char) else " " for char in text)
    return "-".join("".join(kept).split())


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


# Letters that NFKD does not take apart into a plain letter and marks.
_ASCII_LETTERS = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th"}
)


def name_part(text: str) -> str:
    """A name as part of a file name, in plain ASCII: "Élise Van Damme" -> "elise-van-damme",
    "İbrahim Yılmaz" -> "ibrahim-yilmaz", "Straße" -> "strasse". Case-folded first ("ß" is
    "ss"), then taken apart (NFKD) so that the marks drop and the letters stay; a script
    without Latin letters (Arabic) leaves nothing."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_ASCII_LETTERS))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def plain(name: str) -> str:
    """``name`` in plain ASCII: "évaluation-élise.pdf" -> "evaluation-elise.pdf"."""
    stem, dot, extension = name.rpartition(".")
    return f"{name_part(stem)}{dot}{extension}"


def content_disposition(name: str) -> str:
    """The header that has the file saved as ``name`` (its plain form where it is plain)."""
    header = f'attachment; filename="{plain(name)}"'
    if plain(name) != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
