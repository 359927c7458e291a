"""What pages show of numbers, money, dates, sentences and a cohort's state: Indonesian
formats, one full stop after a name with degrees, and a cohort's status from its dates."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from leans.core.cohorts import CohortStatus, cohort_status
from leans.core.i18n import date_text_id, local_date
from leans.core.labels import label_id
from leans.core.models import Role
from leans.core.spreadsheets import Table
from leans.core.templating import (
    format_cell,
    format_number,
    format_percentage,
    format_rupiah,
    sentence_end,
)
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


@pytest.mark.parametrize(("locale", "number", "places", "shown"), [
    ("id", 12.5, 1, "+12,5"),
    ("en", 12.5, 1, "+12.5"),
    ("id", -3.0, 0, "-3"),
    ("id", 0, 0, "+0"),
    ("id", 1234.5, 1, "+1.234,5"),
    ("id", None, 1, "\u2014"),
])
def test_a_change_shows_its_sign(app, locale, number, places, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_number(number, places, signed=True) == shown


@pytest.mark.parametrize(("locale", "amount", "shown"), [
    ("id", 40000000, "Rp40.000.000"),
    ("en", 40000000, "IDR\u00a040,000,000"),
    ("id", 1500.5, "Rp1.500,50"),
    ("id", -5000, "-Rp5.000"),
    # What people type in a plan's budget: read as the amount it says.
    ("id", "40000000", "Rp40.000.000"),
    ("id", "40.000.000", "Rp40.000.000"),
    ("id", "Rp 40.000.000,-", "Rp40.000.000"),
    ("id", "Rp. 1.250.000,50", "Rp1.250.000,50"),
    ("en", "40.000.000", "IDR\u00a040,000,000"),
    # Not an amount: shown as typed; nothing: a dash.
    ("id", "lihat RAB desa", "lihat RAB desa"),
    ("id", "40,000,000", "40,000,000"),
    ("id", "", "\u2014"),
    ("id", None, "\u2014"),
])
def test_rupiah_follows_the_language(app, locale, amount, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_rupiah(amount) == shown


def test_rupiah_can_fix_its_language(app):
    with app.test_request_context(), force_locale("en"):
        assert format_rupiah(2500000, locale="id") == "Rp2.500.000"


@pytest.mark.parametrize(("locale", "value", "share", "shown"), [
    ("id", 41.88, False, "41,88"),
    ("en", 41.88, False, "41.88"),
    ("id", 1250, False, "1.250"),
    ("id", 0.857, True, "85,7%"),
    ("en", 1.0, True, "100%"),
    ("id", dt.date(2026, 12, 1), False, "1 Des 2026"),
    ("en", dt.date(2026, 12, 1), False, "Dec 1, 2026"),
    ("id", None, False, "\u2014"),
    ("id", "", False, "\u2014"),
    ("id", "Kecamatan Ngraho", False, "Kecamatan Ngraho"),
])
def test_a_table_cell_on_a_page(app, locale, value, share, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_cell(value, share) == shown


def test_a_cell_holding_a_code_shows_its_label(app):
    from leans.assessments.plans.states import PlanState

    with app.test_request_context(), force_locale("id"):
        assert format_cell(PlanState.REVISION_REQUESTED) == "Perlu revisi"


def test_a_report_table_renders_in_the_readers_format(app):
    """How a page shows a report table: ``{{ cell|cell(loop.index0 in t.shares) }}``."""
    table = Table("tests", ["Modul", "Rata-rata", "Tingkat kelulusan"],
                  [["1. Kepemimpinan", 41.88, 0.857], ["2. Kemiskinan", None, 1.0]],
                  shares=frozenset({2}))
    template = app.jinja_env.from_string(
        "{% for row in t.rows %}{% for cell in row %}{{ cell|cell(loop.index0 in t.shares) }}"
        "{{ ' | ' if not loop.last }}{% endfor %}\n{% endfor %}")
    with app.test_request_context(), force_locale("id"):
        assert template.render(t=table).splitlines() == [
            "1. Kepemimpinan | 41,88 | 85,7%", "2. Kemiskinan | \u2014 | 100%"]


@pytest.mark.parametrize(("locale", "value", "shown"), [
    ("id", dt.date(2026, 12, 1), "1 Desember 2026"),
    ("en", dt.date(2026, 12, 1), "December 1, 2026"),
    # An ISO date as text (the dates of a plan, as typed): the date; other text as it is.
    ("id", "2027-01-31", "31 Januari 2027"),
    ("id", "akhir Januari", "akhir Januari"),
    ("id", None, ""),
])
def test_date_filter_reads_iso_text(app, locale, value, shown):
    with app.test_request_context(), force_locale(locale):
        assert app.jinja_env.filters["date_id"](value) == shown


def test_dates_written_out_for_exports_are_indonesian_and_local(app):
    """The human date columns of exports: Bahasa Indonesia whatever the reader's language,
    and the day in Bojonegoro (20:00 UTC on 30 November is already 1 December there)."""
    late = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)
    with app.test_request_context(), force_locale("en"):
        assert date_text_id(dt.date(2026, 12, 1)) == "1 Desember 2026"
        assert date_text_id(late) == "1 Desember 2026"
        assert date_text_id(late.replace(tzinfo=None)) == "1 Desember 2026"  # naive = UTC
        assert date_text_id(None) == ""
        assert local_date(late) == dt.date(2026, 12, 1)
        assert date_text_id(dt.date(2027, 8, 17)) == "17 Agustus 2027"


def test_a_document_can_fix_its_language(app):
    with app.test_request_context(), force_locale("en"):
        assert format_number(2.5, 2, locale="id") == "2,5"


def test_filters_are_registered(app):
    with app.test_request_context(), force_locale("id"):
        template = app.jinja_env.from_string(
            "{{ 1234.5|decimal }} {{ 0.5|percent }} {{ 'S.T., M.T.'|sentence_end }} "
            "{{ 40000000|rupiah }} {{ 2.5|decimal(1, signed=True) }} {{ 0.25|cell(true) }}")
        assert template.render() == "1.234,5 50% S.T., M.T. Rp40.000.000 +2,5 25%"


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
