"""HTML to PDF (WeasyPrint, with Debian's pango and fonts), without any network access.

The document may name this app's static files (its print stylesheet, icons) by their usual
addresses; they are read from disk. Every other address (another host, ``file:``, ``data:``, a
path outside the static folder) is refused, so that a name or a note typed by a user can never
make the server fetch something.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

BASE_URL = "https://fieldapp.invalid/"  # a name no resolver answers: nothing to fetch from


class StaticFilesOnly(URLFetcher):
    """Serves ``static_url_path`` addresses from ``static_folder``; refuses everything else."""

    def __init__(self, folder: str, url_path: str) -> None:
        super().__init__(allowed_protocols=())
        self.folder = folder
        self.prefix = url_path.rstrip("/") + "/"

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise ValueError(f"refused: {url[:80]}")
        path = unquote(parts.path)
        if not path.startswith(self.prefix):
            raise ValueError(f"refused: {url[:80]}")
        found = safe_join(self.folder, path[len(self.prefix) :])
        if found is None or not Path(found).is_file():
            raise ValueError(f"not a static file: {url[:80]}")
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime_type})


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (rendered from a template), reading only this app's static files."""
    fetcher = StaticFilesOnly(str(current_app.static_folder), current_app.static_url_path or "")
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
