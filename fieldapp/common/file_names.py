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
    and digits one hyphen."""
    words = (
        re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", part).lower()).strip("-")
        for part in parts
    )
    return "-".join(word for word in words if word) + "." + extension


def name_part(text: str) -> str:
    """A name as part of a file name, in plain ASCII: "Élise Van Damme" -> "elise-van-damme"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
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
