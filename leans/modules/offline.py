"""Reading offline: what a module's download holds, and lessons marked done on the device.

A participant downloads a module's lesson pages, images and the stylesheet to the phone (the
service worker, ``static/js/sw.js``, serves them when there is no connection); "mark done"
pressed offline is queued on the device and sent later with the time it happened there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from leans.content.model import Module
from leans.content.store import ContentStore, FileUrl

#: How far ahead of the server's clock a phone's clock may be.
CLOCK_SKEW = dt.timedelta(minutes=5)
#: What a lesson page weighs besides the lesson's own HTML (layout, navigation, forms), in
#: bytes: the size shown before downloading is an estimate.
PAGE_OVERHEAD = 6_000
_IMAGE_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


class DeviceTimeRefused(ValueError):
    """A completion's device time outside its bounds; the message says why, for the reader."""


@dataclass(frozen=True)
class StoredFile:
    #: The URL the page fetches and the worker serves.
    url: str
    #: Its size in bytes (an estimate for lesson pages, exact for files).
    bytes: int
    #: "lesson", "image", "style", "script" or "page".
    kind: str
    #: A lesson's title; empty for files.
    title: str = ""


@dataclass
class ModuleDownload:
    """What "download to read offline" stores for one module."""

    module_slug: str
    title: str
    version: str
    files: list[StoredFile] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def as_json(self) -> dict:
        return {"module": self.module_slug, "title": self.title, "version": self.version,
                "bytes": self.bytes,
                "files": [{"url": f.url, "bytes": f.bytes, "kind": f.kind, "title": f.title}
                          for f in self.files]}


def module_download(module: Module, store: ContentStore, lesson_url: Callable[[str], str],
                    file_url: FileUrl, static: list[tuple[str, Path, str]]) -> ModuleDownload:
    """The module's lesson pages with their images, and the STATIC files (url, path, kind)
    every stored page needs. Test pages and staff pages are never part of it."""
    digest = hashlib.sha256()
    download = ModuleDownload(module.slug, module.title, "")
    images: dict[str, int] = {}
    for lesson in module.lessons:
        html = store.render_lesson(lesson, file_url).html
        digest.update(lesson.slug.encode() + b"\0" + html.encode())
        download.files.append(StoredFile(lesson_url(lesson.slug),
                                          len(html.encode()) + PAGE_OVERHEAD, "lesson",
                                          lesson.title))
        for src in _IMAGE_SRC.findall(html):
            images.setdefault(src, _image_size(module, src))
    download.files += [StoredFile(url, size, "image") for url, size in images.items() if size]
    for url, path, kind in static:
        size = path.stat().st_size if path.is_file() else 0
        download.files.append(StoredFile(url, size, kind))
        digest.update(url.encode())
    download.version = digest.hexdigest()[:16]
    return download


def _image_size(module: Module, src: str) -> int:
    """The size of an image of the module's folder named by its URL; 0 when not one."""
    name = src.split("?", 1)[0].rsplit(f"/{module.slug}/", 1)[-1]
    path = (module.folder / name).resolve()
    if module.folder.resolve() not in path.parents or not path.is_file():
        return 0
    return path.stat().st_size


def device_user_key(secret: str, user_id: int) -> str:
    """The name the device's stored pages go under for this user: not the account id."""
    return hmac.new(secret.encode(), f"offline:{user_id}".encode(),
                    hashlib.sha256).hexdigest()[:16]


def parse_device_time(text: str) -> dt.datetime:
    """A device time as ISO 8601 with its offset (``2026-10-06T09:15:00+07:00``), in UTC."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise DeviceTimeRefused(_("The time sent by your device could not be read.")) from None
    if when.tzinfo is None:
        raise DeviceTimeRefused(_("The time sent by your device has no time zone."))
    return when.astimezone(dt.UTC)


def check_device_time(when: dt.datetime, *, now: dt.datetime, enrolled_at: dt.datetime,
                      ends_on: dt.date, timezone: str) -> None:
    """Refuse a completion time in the future (beyond CLOCK_SKEW), before the enrolment, or
    after the cohort's last day (in the cohort's time zone)."""
    if when > now + CLOCK_SKEW:
        raise DeviceTimeRefused(_("The time on your device is in the future. Check the date "
                                  "and time of your phone, then mark the lesson done again."))
    if when < enrolled_at:
        raise DeviceTimeRefused(_("The time on your device is before you were enrolled in "
                                  "this training. Check the date and time of your phone."))
    closes = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(),
                                 tzinfo=ZoneInfo(timezone))
    if when >= closes:
        raise DeviceTimeRefused(_("The time on your device is after the training ended, so "
                                  "the lesson cannot be recorded as done."))
