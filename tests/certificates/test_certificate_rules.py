"""Eligibility reasons and the numbering pattern, as plain functions."""

from __future__ import annotations

import pytest

from leans.certificates.eligibility import eligibility
from leans.certificates.export import safe_name
from leans.certificates.numbering import PatternError, check_pattern, format_number
from leans.modules.progress import ModuleFacts, module_progress
from tests.fixtures.content import make_module


def test_eligible_only_when_every_module_is_complete_and_the_plan_approved():
    module = make_module("m", ["a"])
    done = module_progress(module, ModuleFacts({"a": object()}))
    missing = module_progress(module, ModuleFacts({}))
    assert eligibility([done], "approved").eligible
    result = eligibility([done, missing], "revision_requested")
    assert not result.eligible
    assert result.reasons == (("Modul m", ("lesson",)), ("", ("revision_requested",)))
    assert eligibility([done], None).reasons == (("", ("none",)),)


@pytest.mark.parametrize(("pattern", "number"), [
    ("{seq:03d}/LEANS/BKPP/{year}", "007/LEANS/BKPP/2026"),
    ("BKPP-{year}-{seq:05d}", "BKPP-2026-00007"),
    ("{seq}/{year}", "7/2026"),
])
def test_number_patterns(pattern, number):
    check_pattern(pattern)
    assert format_number(pattern, 7, 2026) == number


@pytest.mark.parametrize("pattern", ["LEANS/{year}", "{seq:03d}/LEANS", "{nomor}/{year}",
                                     "{seq:03d}/{year"])
def test_patterns_that_would_repeat_or_break_are_refused(pattern):
    with pytest.raises(PatternError):
        check_pattern(pattern)


def test_safe_file_names():
    assert safe_name("001/LEANS/BKPP/2026") == "001-LEANS-BKPP-2026"
    assert safe_name("Dr. H. Ahmad Fauzi, S.Sos., M.Si.") == "Dr-H-Ahmad-Fauzi-S-Sos-M-Si"
    assert safe_name("Siti Nurhayati ../../etc") == "Siti-Nurhayati-etc"
    assert safe_name("Ñoño Çelik") == "Nono-Celik"
    assert safe_name("///") == "sertifikat"
