"""What pages show of numbers, sentences and a cohort's state: Indonesian number formats,
one full stop after a name with degrees, and a cohort's status from its dates."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from leans.core.cohorts import CohortStatus, cohort_status
from leans.core.labels import label_id
from leans.core.models import Role
from leans.core.templating import format_number, format_percentage, sentence_end
from tests.fixtures.web import visible_text


@pytest.mark.parametrize(("text", "shown"), [
    ("Budi Santoso", "Budi Santoso."),
    ("Ir. Budi Santoso, S.T., M.T.", "Ir. Budi Santoso, S.T., M.T."),
    ("Sangat Memuaskan ", "Sangat Memuaskan."),
    ("", ""),
    (None, ""),
])
def test_sentence_end_adds_a_full_stop_only_when_missing(text, shown):
    assert sentence_end(text) == shown


@pytest.mark.parametrize(("locale", "number", "places", "shown"), [
    ("id", 1234.56, 1, "1.234,6"),
    ("en", 1234.56, 1, "1,234.6"),
    ("id", 72.0, 1, "72"),
    ("id", 0.456, 2, "0,46"),
    ("en", 0.456, 2, "0.46"),
    ("id", 84.6, 0, "85"),
    ("id", None, 1, "\u2014"),
])
def test_decimal_follows_the_language(app, locale, number, places, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_number(number, places) == shown


@pytest.mark.parametrize(("locale", "share", "places", "shown"), [
    ("id", 0.855, 0, "86%"),
    ("en", 0.855, 0, "86%"),
    ("id", 0.125, 1, "12,5%"),
    ("en", 0.125, 1, "12.5%"),
    ("id", 12.345, 0, "1.234%"),
    ("en", 12.345, 0, "1,234%"),
    ("id", None, 0, "\u2014"),
])
def test_percent_follows_the_language(app, locale, share, places, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_percentage(share, places) == shown


def test_a_document_can_fix_its_language(app):
    with app.test_request_context(), force_locale("en"):
        assert format_number(2.5, 2, locale="id") == "2,5"


def test_filters_are_registered(app):
    with app.test_request_context(), force_locale("id"):
        template = app.jinja_env.from_string(
            "{{ 1234.5|decimal }} {{ 0.5|percent }} {{ 'S.T., M.T.'|sentence_end }}")
        assert template.render() == "1.234,5 50% S.T., M.T."


TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(("starts_on", "ends_on", "closed", "status"), [
    (dt.date(2027, 2, 1), dt.date(2027, 4, 30), False, CohortStatus.PLANNED),
    (dt.date(2026, 12, 2), dt.date(2027, 1, 30), False, CohortStatus.PLANNED),
    (dt.date(2026, 12, 1), dt.date(2026, 12, 18), False, CohortStatus.RUNNING),
    (dt.date(2026, 10, 5), dt.date(2026, 12, 1), False, CohortStatus.RUNNING),
    (dt.date(2026, 8, 3), dt.date(2026, 11, 30), False, CohortStatus.FINISHED),
    (dt.date(2026, 8, 3), dt.date(2026, 11, 30), True, CohortStatus.CLOSED),
    (dt.date(2027, 2, 1), dt.date(2027, 4, 30), True, CohortStatus.CLOSED),
])
def test_cohort_status_from_its_dates(starts_on, ends_on, closed, status):
    cohort = SimpleNamespace(starts_on=starts_on, ends_on=ends_on, closed=closed)
    assert cohort_status(cohort, TODAY) is status


def test_cohort_status_labels_in_indonesian(app):
    """Depends on the new translation "Planned" -> "Direncanakan"."""
    assert [label_id(s) for s in CohortStatus] == ["Direncanakan", "Berjalan", "Selesai",
                                                    "Ditutup"]


def test_a_future_cohort_shows_as_planned(client, auth, make_user, make_cohort):
    """Depends on the new translation "Planned" -> "Direncanakan"."""
    make_user({Role.ADMIN}, username="admin")
    make_cohort("angkatan-2027", name="Angkatan 2027", starts_on=dt.date(2027, 2, 1),
                ends_on=dt.date(2027, 4, 30))
    auth.login("admin")
    admin_home = visible_text(client.get("/admin/").get_data(as_text=True))
    assert "Angkatan 2027" in admin_home and "Direncanakan" in admin_home
    assert "Berjalan" not in admin_home
    assert "Direncanakan" in visible_text(client.get("/cohorts/angkatan-2027").get_data(
        as_text=True))
