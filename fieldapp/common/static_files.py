"""Static files under addresses that name their content, so that a browser keeps each for a year.

``url_for('static', filename=...)`` adds ``?v=`` and the first 12 hex digits of the file's SHA-256
(an ``url_defaults`` hook). A release changes the address of every file that changed and of no
other. A request with the current version is answered with a year-long immutable cache; one
without a version or with an old one (a page of the previous release still open) gets
``no-cache``, so that no browser keeps a wrong file under an address for a year.

A query string rather than hashed file names: the files keep their names on disk, Flask's own
static route serves them, and no build step renames anything.

JavaScript modules import each other by relative address (``./page-data.js``), without a version.
The import map in every page that loads modules (``import_map``) sends those imports to the
versioned addresses; the Content-Security-Policy allows that one inline script by its hash
(``import_map_hash``), never with 'unsafe-inline'.

Hashes are computed once per process, when a file is first named; in development (the files
change under a running server) a file whose modification time changed is hashed again.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, Response, current_app, g, request, url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from werkzeug.security import safe_join

VERSION_ARG = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# A module specifier the browser resolves against the importing file: "./x.js" or "../y/x.js",
# in `import ... from`, `export ... from`, `import "./x.js"` and `import("./x.js")`.
_IMPORT = re.compile(r"""\b(?:import|from)\s*\(?\s*["'](\.\.?/[^"']+)["']""")
_MODULE_SUFFIXES = (".js", ".mjs")


class StaticVersions:
    """The version of each static file: the start of its SHA-256, computed once."""

    def __init__(self, watch: bool) -> None:
        self._watch = watch  # hash a file again when its modification time changes
        self._known: dict[str, tuple[int, str]] = {}
        # (folder, filename) -> version, of files found under their plain name (a name that finds
        # none, or another spelling of a path that a request can send, is not kept).
        self._by_name: dict[tuple[str, str], str] = {}
        self._import_maps: dict[tuple[str, str], tuple[object, Markup, str]] = {}

    def of(self, folder: str, filename: str) -> str | None:
        """The version of ``filename`` under ``folder``; None when there is no such file."""
        if not self._watch and (version := self._by_name.get((folder, filename))) is not None:
            return version  # every page asks for its stylesheet and scripts: no path work
        path = safe_join(folder, filename)
        if path is None:
            return None
        known = self._known.get(path)
        if known is not None and not self._watch:
            if path == posixpath.join(folder, filename):  # kept under its one plain spelling,
                self._by_name[folder, filename] = known[1]  # not "css/./app.css" from a URL
            return known[1]
        try:
            stamp = os.stat(path).st_mtime_ns
            if known is None or known[0] != stamp:
                known = (stamp, hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12])
                self._known[path] = known
        except (OSError, ValueError):  # no such file, a folder, a name the system refuses
            return None
        return known[1]

    def import_map(self, folder: str) -> tuple[Markup, str]:
        """The import map's JSON for this request's app root, and its CSP source, made once
        (when watching, again after a module changed: a page asks for it twice a request, and
        reading every module each time cost some 7 ms a page)."""
        key = (folder, request.script_root)
        stamp = _modules_stamp_of_this_request(folder) if self._watch else None
        made = self._import_maps.get(key)
        if made is None or made[0] != stamp:
            imports = {}
            for name in imported_modules(Path(folder)):
                versioned = url_for("static", filename=name)
                imports[versioned.partition("?")[0]] = versioned
            text = htmlsafe_json_dumps({"imports": imports}, sort_keys=True)
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            made = (stamp, text, f"'sha256-{digest}'")
            self._import_maps[key] = made
        return made[1], made[2]


def _modules_stamp_of_this_request(folder: str) -> tuple[tuple[str, int], ...]:
    """:func:`_modules_stamp`, read once a request: a page asks for its import map twice (the
    script and its Content-Security-Policy), and each reading walks the whole static folder."""
    stamps: dict[str, tuple[tuple[str, int], ...]] = g.setdefault("fieldapp_module_stamps", {})
    stamp = stamps.get(folder)
    if stamp is None:
        stamp = stamps[folder] = _modules_stamp(Path(folder))
    return stamp


def _modules_stamp(root: Path) -> tuple[tuple[str, int], ...]:
    """Each module under ``root`` with its modification time: what the import map depends on."""
    return tuple(
        sorted(
            (str(path), path.stat().st_mtime_ns)
            for path in root.rglob("*")
            if path.name.endswith(_MODULE_SUFFIXES)
        )
    )


def module_imports(root: Path, name: str) -> list[str]:
    """The static files that the module ``name`` (a path under ``root``) imports."""
    text = (root / name).read_text(encoding="utf-8")
    return [_resolve(name, specifier) for specifier in _IMPORT.findall(text)]


def imported_modules(root: Path) -> list[str]:
    """Every module under ``root`` that another module there imports, sorted."""
    modules = [
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.name.endswith(_MODULE_SUFFIXES)
    ]
    return sorted({imported for name in modules for imported in module_imports(root, name)})


def with_imports(root: Path, files: Iterable[str]) -> set[str]:
    """``files`` and, transitively, every module their JavaScript imports."""
    found: set[str] = set()
    todo = list(files)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        if name.endswith(_MODULE_SUFFIXES):
            todo.extend(module_imports(root, name))
    return found


def _resolve(importer: str, specifier: str) -> str:
    name = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    if name.startswith("../"):
        raise ValueError(f"{importer} imports {specifier}, outside the static folder")
    return name


def _versions() -> StaticVersions:
    versions: StaticVersions = current_app.extensions["fieldapp_static_versions"]
    return versions


def import_map() -> Markup:
    """The ``<script type="importmap">`` a page puts before its first module script."""
    text, _source = _versions().import_map(str(current_app.static_folder))
    return Markup('<script type="importmap">{}</script>').format(text)


def import_map_hash() -> str:
    """The Content-Security-Policy source that allows the import map, e.g. ``'sha256-…'``."""
    _text, source = _versions().import_map(str(current_app.static_folder))
    return source


def _add_version(endpoint: str, values: dict[str, object]) -> None:
    if endpoint != "static" or VERSION_ARG in values:
        return
    filename = values.get("filename")
    if isinstance(filename, str):
        version = _versions().of(str(current_app.static_folder), filename)
        if version is not None:
            values[VERSION_ARG] = version


# The url_defaults hooks of this module: they add values to the static files' addresses only.
URL_HOOKS = (_add_version,)


def _cache_for_a_year_when_current(response: Response) -> Response:
    """A static file asked for under its current version is kept a year; any other is checked."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    current = _versions().of(str(current_app.static_folder), filename)
    current_version = current is not None and request.args.get(VERSION_ARG) == current
    response.headers["Cache-Control"] = IMMUTABLE if current_version else REVALIDATE
    response.headers.pop("Expires", None)
    config = current_app.config
    if (
        response.status_code == 200
        and config["COMPRESS_REGISTER"]
        and response.mimetype in config["COMPRESS_MIMETYPES"]
    ):
        # Flask-Compress leaves streamed responses alone (COMPRESS_STREAMS is off, for
        # downloads); a static file is small and sent whole, so that CSS and JS are compressed.
        response.direct_passthrough = False
        response.set_data(response.get_data())
    return response


def watched(app: Flask) -> bool:
    """Whether the static files' versions follow changes of the files (in development)."""
    return app.debug or app.config["FIELDAPP_ENV"] == "development"


def init_app(app: Flask) -> None:
    watch = watched(app)
    app.extensions["fieldapp_static_versions"] = StaticVersions(watch=watch)
    app.url_defaults(_add_version)
    app.after_request(_cache_for_a_year_when_current)
    app.add_template_global(import_map)
