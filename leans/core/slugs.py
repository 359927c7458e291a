"""Slugs: the stable identifiers in URLs, content files and the command line
(``angkatan-1``, ``kepemimpinan-kolaboratif``): lower-case letters and digits in words joined
by single hyphens."""

from __future__ import annotations

import re

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def is_slug(text: object) -> bool:
    return isinstance(text, str) and SLUG_RE.match(text) is not None
