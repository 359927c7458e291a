"""NIP, NI PPPK and golongan rules from DOMAIN.md, tested without an app."""

from __future__ import annotations

import datetime as dt

import pytest
from flask_babel import force_locale

from leans.core.identity import (
    IdentityError,
    format_nip,
    mask_nip,
    pangkat_label,
    parse_golongan,
    parse_ni_pppk,
    parse_nip,
)

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(autouse=True)
def _english():
    """These tests check the rules; the messages' translation is tested in test_i18n."""
    with force_locale("en"):
        yield


@pytest.mark.parametrize("raw", ["198609262015051001", "19860926 201505 1 001",
                                 "  19860926 201505 1 001 ", "19860926201505 2 017"])
def test_valid_nip_in_both_forms_is_stored_as_digits(raw):
    digits = parse_nip(raw, today=TODAY)
    assert digits == raw.replace(" ", "").strip()
    assert len(digits) == 18 and digits.isdigit()


def test_nip_is_shown_grouped_and_masked():
    assert format_nip("198609262015051001") == "19860926 201505 1 001"
    assert mask_nip("198609262015051001") == "1986**********1001"


@pytest.mark.parametrize(("raw", "message"), [
    ("19860926201505100", "must have 18 digits, this one has 17"),
    ("1986092620150510011", "must have 18 digits, this one has 19"),
    ("19860926-201505-1-001", "only digits and spaces"),
    ("198602302015051001", "real birth date"),          # 30 February
    ("198613012015051001", "real birth date"),          # month 13 of birth
    ("203001012050011001", "birth date 20300101 is impossible"),  # born in the future
    ("198609262015131001", "start month 01-12; 13 is not"),
    ("198609262015001001", "start month 01-12; 00 is not"),
    ("198609262030011001", "is in the future"),
    ("198609261995011001", "too soon after the birth date"),
    ("198609262015053001", "must be 1 (male) or 2 (female), not 3"),
    ("198609262015051000", "start at 001"),
])
def test_impossible_nip_is_rejected_with_the_failing_check(raw, message):
    with pytest.raises(IdentityError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_nip(raw, today=TODAY)


def test_ni_pppk_is_its_own_type_and_skips_nip_layout_rules():
    # Digit 15 is 2 but the middle block would be an impossible NIP month; NI PPPK accepts it.
    assert parse_ni_pppk("1995 0214 2023 2120 11") == "199502142023212011"
    with pytest.raises(IdentityError, match="NI PPPK must have 18 digits"):
        parse_ni_pppk("12345")


@pytest.mark.parametrize(("raw", "code"), [
    ("III/a", "III/a"), ("iii / b", "III/b"), ("IV/E", "IV/e"), ("Penata Muda (III/a)", "III/a"),
    ("Penata Muda Tk I", "III/b"), ("pembina utama", "IV/e"), ("I/a", "I/a"),
])
def test_golongan_is_normalised(raw, code):
    assert parse_golongan(raw) == code


@pytest.mark.parametrize("raw", ["III/f", "V/a", "Penata Super", "3/a"])
def test_unknown_golongan_is_rejected(raw):
    with pytest.raises(IdentityError, match="Unknown pangkat/golongan"):
        parse_golongan(raw)


def test_pangkat_label():
    assert pangkat_label("III/a") == "Penata Muda (III/a)"
    assert pangkat_label(None) == ""
