"""Identity data of Indonesian civil servants: NIP, NI PPPK and pangkat/golongan.

Plain functions, no app needed. Rules come from ``shared/DOMAIN.md``.
"""

from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _

NIP_LENGTH = 18
#: Youngest plausible age at CPNS appointment; guards against swapped or mistyped dates.
MIN_AGE_AT_APPOINTMENT = 15

#: Pangkat per golongan ruang, in order.
PANGKAT_GOLONGAN: dict[str, str] = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}

class IdentityError(ValueError):
    """An identifier that cannot be accepted; the message says which check failed."""


def _digits(raw: str, label: str) -> str:
    text = raw.strip()
    if not re.fullmatch(r"[0-9 ]+", text):
        raise IdentityError(_("%(label)s may contain only digits and spaces.", label=label))
    digits = text.replace(" ", "")
    if len(digits) != NIP_LENGTH:
        raise IdentityError(_("%(label)s must have 18 digits, this one has %(count)s.",
                               label=label, count=len(digits)))
    return digits


def parse_nip(raw: str, today: dt.date | None = None) -> str:
    """Validate a NIP written with or without spaces; return its 18 digits.

    Layout: birth date YYYYMMDD, CPNS start YYYYMM, sex (1 or 2), sequence (001 upward).
    """
    digits = _digits(raw, "NIP")
    today = today or dt.date.today()
    try:
        birth = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise IdentityError(_(
            "NIP digits 1-8 must be a real birth date (YYYYMMDD); %(value)s is not.",
            value=digits[0:8])) from exc
    if birth.year < 1900 or birth > today:
        raise IdentityError(_("NIP digits 1-8: birth date %(value)s is impossible.",
                               value=digits[0:8]))
    start_year, start_month = int(digits[8:12]), int(digits[12:14])
    if not 1 <= start_month <= 12:
        raise IdentityError(_(
            "NIP digits 13-14 must be the CPNS start month 01-12; %(value)s is not.",
            value=digits[12:14]))
    if (start_year, start_month) > (today.year + 1, today.month):
        raise IdentityError(_("NIP digits 9-14: CPNS start %(value)s is in the future.",
                               value=digits[8:14]))
    if start_year - birth.year < MIN_AGE_AT_APPOINTMENT:
        raise IdentityError(_(
            "NIP digits 9-14: CPNS start %(start)s is too soon after the birth date %(birth)s.",
            start=digits[8:14], birth=digits[0:8]))
    if digits[14] not in "12":
        raise IdentityError(_(
            "NIP digit 15 is the sex code and must be 1 (male) or 2 (female), not %(value)s.",
            value=digits[14]))
    if digits[15:18] == "000":
        raise IdentityError(_("NIP digits 16-18 are a sequence number and start at 001."))
    return digits


def format_nip(digits: str) -> str:
    """Group a stored NIP the way it is printed: ``19860926 201505 1 001``."""
    if len(digits) != NIP_LENGTH:
        return digits
    return f"{digits[0:8]} {digits[8:14]} {digits[14]} {digits[15:18]}"


def mask_nip(digits: str) -> str:
    """Hide the middle of a NIP for logs and public pages: ``1986**********1001``."""
    if len(digits) != NIP_LENGTH:
        return "*" * len(digits)
    return digits[:4] + "*" * 10 + digits[14:]


def parse_ni_pppk(raw: str) -> str:
    """Validate an NI PPPK: 18 digits; its inner layout is unconfirmed, so not checked."""
    return _digits(raw, "NI PPPK")


def parse_golongan(raw: str) -> str:
    """Normalise ``iii/a``, ``III / a`` or ``Penata Muda (III/a)`` to ``III/a``."""
    text = raw.strip()
    match = re.search(r"\b(IV|III|II|I)\s*/\s*([a-e])\b", text, flags=re.IGNORECASE)
    if match:
        code = f"{match.group(1).upper()}/{match.group(2).lower()}"
    else:
        named = {name.lower(): gol for gol, name in PANGKAT_GOLONGAN.items()}
        spelled = re.sub(r"\btk\.?\s", "tingkat ", text.lower() + " ").strip()
        code = named.get(spelled, text)
    if code not in PANGKAT_GOLONGAN:
        raise IdentityError(_(
            "Unknown pangkat/golongan \"%(value)s\": use a code from I/a to IV/e, e.g. III/b.",
            value=raw))
    return code


def pangkat_label(code: str | None) -> str:
    """``III/a`` -> ``Penata Muda (III/a)``; empty for no golongan."""
    if not code:
        return ""
    name = PANGKAT_GOLONGAN.get(code)
    return f"{name} ({code})" if name else code
