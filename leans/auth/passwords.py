"""Password policy (OWASP ASVS level 2) and hashing."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

#: Stored instead of a hash for accounts that must first choose a password through a setup
#: link: no password ever matches it.
NO_PASSWORD = "!"  # noqa: S105 - a marker, not a password
MIN_LENGTH = 12
MAX_LENGTH = 128
#: zxcvbn scores 0-4; 0 and 1 are guessable within about a million tries.
MIN_ZXCVBN_SCORE = 2
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
#: Words every LEANS user knows; a password built on them alone is weak.
LOCAL_WORDS = ("leans", "bojonegoro", "bkpp", "angkatan", "kemiskinan", "password", "katasandi")


def password_problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Why this password cannot be used; an empty list when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return [_("Use at least %(n)s characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("Use at most %(n)s characters.", n=MAX_LENGTH)]
    if password.lower() in _COMMON:
        return [_("This password is on the list of common passwords; choose another.")]
    inputs = [word for word in (*LOCAL_WORDS, *user_inputs) if word]
    result = zxcvbn(password[:100], user_inputs=inputs)
    if result["score"] < MIN_ZXCVBN_SCORE:
        return [_("This password is too easy to guess (for example a common word, a name, your "
                  "NIP or a simple pattern). A few unrelated words together work well.")]
    return []


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; without a hash (no account, an account awaiting its setup link,
    a locked account: pass None), spend the same time so timing reveals nothing."""
    if not password_hash or password_hash == NO_PASSWORD or password_hash.count("$") < 2:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("leans_dummy_hash", {})
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in cache:
        cache[method] = generate_password_hash("not-a-real-password", method=method)
    return cache[method]
