"""The loaded content, kept in memory and refreshed when files change.

The tree's fingerprint (every file's path, size and modification time) is checked at most once
per ``reload_seconds``; rendered HTML is cached until the tree changes, so a lesson page never
re-parses Markdown while the files stay the same, and an edit shows without a restart.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from flask import url_for

from leans.content.checks import link_kind, local_path
from leans.content.glossary import Glossary
from leans.content.loader import load_catalogue
from leans.content.markdown import LinkResolver, RenderedDoc, render
from leans.content.model import Catalogue, Lesson, Module

log = logging.getLogger("leans.content")

#: Builds the URL of a file inside a module folder: (module slug, path in the folder) -> URL.
FileUrl = Callable[[str, str], str]


def _glossary_url() -> str:
    try:
        return url_for("content.glossary")
    except RuntimeError:  # rendered outside a request
        return "/glosarium"


class ContentError(RuntimeError):
    """The content tree has problems; the message lists them as ``file:line: message``."""


def fingerprint(root: Path) -> tuple:
    entries = []
    for folder, _dirs, files in os.walk(root):
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            entries.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


class ContentStore:
    def __init__(self, root: Path, reload_seconds: float = 2.0) -> None:
        self.root = Path(root)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._catalogue: Catalogue | None = None
        self._fingerprint: tuple | None = None
        self._checked_at = 0.0
        self._rendered: dict[tuple[str, str], RenderedDoc] = {}

    def catalogue(self) -> Catalogue:
        """The newest good catalogue; a broken edit is logged and the last good one kept."""
        now = time.monotonic()
        if self._catalogue is not None and now - self._checked_at < self.reload_seconds:
            return self._catalogue
        with self._lock:
            self._checked_at = now
            current = fingerprint(self.root)
            if current != self._fingerprint or self._catalogue is None:
                loaded = load_catalogue(self.root)
                if loaded.ok or self._catalogue is None:
                    self._catalogue = loaded
                    self._rendered = {}
                else:
                    for problem in loaded.problems:
                        log.error("content not reloaded: %s", problem)
                self._fingerprint = current
        return self._catalogue

    def render_lesson(self, lesson: Lesson, file_url: FileUrl) -> RenderedDoc:
        return self._render(lesson.path, lesson.body, file_url)

    def render_overview(self, module: Module, file_url: FileUrl) -> RenderedDoc:
        return self._render(module.path, module.overview, file_url)

    def render_glossary(self, glossary: Glossary) -> RenderedDoc:
        """The glossary's HTML: only web links and its own anchors survive."""
        return self._cached(glossary.path, glossary.body, lambda: render(
            glossary.body,
            lambda target, _image: target if link_kind(target) in ("anchor", "external") else None))

    def _render(self, path: Path, body: str, file_url: FileUrl) -> RenderedDoc:
        return self._cached(path, body, lambda: render(body, self._resolver(path, file_url)))

    def _cached(self, path: Path, body: str, build: Callable[[], RenderedDoc]) -> RenderedDoc:
        key = (str(path), body)
        doc = self._rendered.get(key)
        if doc is None:
            doc = build()
            self._rendered[key] = doc
        return doc

    def _resolver(self, source: Path, file_url: FileUrl) -> LinkResolver:
        catalogue = self.catalogue()
        pages: dict[Path, tuple[str, str | None]] = {}
        folders: dict[Path, str] = {}
        for module in catalogue.modules:
            folders[module.folder.resolve()] = module.slug
            pages[module.path.resolve()] = (module.slug, None)
            for lesson in module.lessons:
                pages[lesson.path.resolve()] = (module.slug, lesson.slug)
        source_module = folders.get(source.parent.resolve())
        glossary = catalogue.glossary.path.resolve() if catalogue.glossary else None

        def resolve(target: str, is_image: bool) -> str | None:
            kind = link_kind(target)
            if kind in ("anchor", "external"):
                return target
            if kind != "relative":
                return None
            file = local_path(source, target)
            fragment = urlsplit(target).fragment
            suffix = f"#{fragment}" if fragment else ""
            if not is_image and file == glossary:
                return _glossary_url() + suffix
            if not is_image and file in pages:
                module_slug, lesson_slug = pages[file]
                page = lesson_slug or "./"
                if module_slug != source_module:
                    page = f"../{module_slug}/{lesson_slug or ''}"
                return page + suffix
            for folder, slug in folders.items():
                if file.is_relative_to(folder):
                    return file_url(slug, file.relative_to(folder).as_posix())
            return None

        return resolve
