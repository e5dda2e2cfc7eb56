"""Conditional requests for the copies of pages a device keeps for working without a network.

The service worker refreshes every kept page each time the home screen opens. Each copy carries an
``ETag`` made from the data the page shows (a *version* the view computes from the rows it loaded,
before rendering), the person and the session it was made for, the language and the release; the
worker sends it back as ``If-None-Match``. When nothing changed the view answers ``304 Not
Modified`` without rendering its template, and the worker keeps its copy.

Nothing else about caching changes: the copies stay ``Cache-Control: no-store`` like every page
(``fieldapp.common.security``), so no shared cache and no browser cache holds them; the worker keeps
them in its own storage, which signing out wipes. The tag names the session, so a copy made for
one person (or one sign-in) is never confirmed to another, and a new sign-in renders every page
afresh. Live pages (without the copy header) are never answered 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from flask import Response, current_app, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user

from fieldapp.common.requests import COPY_HEADER, is_offline_copy


def kept_copy(version: object, render: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """``render()`` with an ``ETag`` for the copy a device keeps, or 304 when the device's copy
    is of the same ``version`` (a value whose ``repr`` changes whenever what the page shows
    changes: the view builds it from the rows it loaded). A live page is simply rendered."""
    if not is_offline_copy():
        return render()
    tag = _tag(version)
    response = Response(status=304) if _sent_back(tag) else make_response(render())
    response.set_etag(tag)
    response.vary.add(COPY_HEADER)
    return response


def _sent_back(tag: str) -> bool:
    """Whether the device's copy has ``tag``: as sent, or as compression marked it (a compressed
    answer's tag gets ``:br`` or ``:gzip``, see Flask-Compress)."""
    sent = request.if_none_match.as_set(include_weak=True)
    return any(value.split(":", 1)[0] == tag for value in sent)


def _tag(version: object) -> str:
    signed_in = current_user.is_authenticated
    parts = (
        _release(current_app.root_path, current_app.static_folder, current_app.template_folder),
        f"{current_user.id}:{current_user.role}" if signed_in else "",  # the menu shows the role
        (current_user.get_id() or "") if signed_in else "",  # the session; hashed, never shown
        str(get_locale()),
        repr(version),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


@cache
def _release(root_path: str, *folders: str | None) -> str:
    """A stamp of the static files and templates: a new release renders every page afresh (the
    pages name the files by their content's hash). Computed once per process."""
    digest = hashlib.sha256()
    for folder in folders:
        root = Path(root_path, folder or "")
        if not folder or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
