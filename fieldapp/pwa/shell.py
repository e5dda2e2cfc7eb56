"""The app shell: the static files the service worker keeps so that pages work without a network.

The list is read from the files, never kept by hand. It starts at the templates every page of the
app is built on, follows what they extend, include and import, takes every
``url_for('static', filename=...)`` in them, and then every module each JavaScript file imports
(``import ... from "./x.js"``, ``export ... from``, ``import("./x.js")``). A new stylesheet or a new
module imported by ``app.js`` is kept for offline use without anyone editing a list; a file that a
page names but that does not exist fails here, when the worker is served, not offline on a phone.
The worker keeps each file under the versioned address the pages ask for
(fieldapp/common/static_files.py), and its version changes with any file's content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, meta, nodes

from fieldapp.common.static_files import with_imports

# The pages a counsellor opens (base.html) and the page shown when one cannot be loaded.
ENTRY_TEMPLATES = ("base.html", "pwa/offline.html")
# The templates that make the worker itself: a change to them must reach the phones too.
WORKER_TEMPLATES = ("pwa/sw.js", "pwa/worker.js", "pwa/offline.html")


@dataclass(frozen=True)
class Shell:
    files: tuple[str, ...]  # paths under the static folder, sorted
    version: str  # changes whenever one of the files or the worker's templates changes
    worker_code: str  # templates/pwa/worker.js, which templates/pwa/sw.js embeds as it is


@cache
def shell_for(static_folder: str, env: Environment) -> Shell:
    """The shell of the app whose static files are in ``static_folder`` and templates in ``env``.

    Cached for the life of the process: the files change with a release, and a release restarts
    the app servers.
    """
    root = Path(static_folder)
    files = sorted(with_imports(root, _static_files_of_templates(env, ENTRY_TEMPLATES)))
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    for template in WORKER_TEMPLATES:
        digest.update(_source(env, template).encode())
    return Shell(
        files=tuple(files),
        version=digest.hexdigest()[:12],
        worker_code=_source(env, "pwa/worker.js"),
    )


def _source(env: Environment, template: str) -> str:
    if env.loader is None:
        raise ValueError("the app's templates have no loader")
    source, _filename, _uptodate = env.loader.get_source(env, template)
    return source


def _static_files_of_templates(env: Environment, entries: Iterable[str]) -> set[str]:
    """Every constant ``url_for('static', filename=...)`` in ``entries`` and what they use."""
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        template = todo.pop()
        if template in seen:
            continue
        seen.add(template)
        tree = env.parse(_source(env, template))
        todo.extend(name for name in meta.find_referenced_templates(tree) if name is not None)
        found.update(_static_filenames(tree, template))
    return found


def _static_filenames(tree: nodes.Template, template: str) -> Iterator[str]:
    for call in tree.find_all(nodes.Call):
        if not (isinstance(call.node, nodes.Name) and call.node.name == "url_for"):
            continue
        if not (call.args and isinstance(call.args[0], nodes.Const)):
            continue
        if call.args[0].value != "static":
            continue
        filename = next((kw.value for kw in call.kwargs if kw.key == "filename"), None)
        if not isinstance(filename, nodes.Const):
            raise ValueError(f"{template}: a static file named by a variable cannot be kept")
        yield filename.value
