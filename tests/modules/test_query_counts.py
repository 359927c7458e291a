"""Pages stay free of N+1 queries: the count does not grow with participants or modules."""

from __future__ import annotations

import datetime as dt

import pytest

from leans.auth.services import create_user
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role
from leans.modules.models import LessonCompletion

T0 = dt.datetime(2026, 10, 6, tzinfo=dt.UTC)


def build_cohort(slug: str, participants: int, module_count: int) -> Cohort:
    modules = list(get_catalogue().modules)[:module_count]
    cohort = Cohort(slug=slug, name=slug, starts_on=dt.date(2026, 10, 5),
                    ends_on=dt.date(2026, 12, 18), place="BKPP")
    cohort.set_modules([m.slug for m in modules])
    facilitator = create_user(username=f"f-{slug}", full_name="Fasil", password="x" * 12,
                              roles={Role.FACILITATOR})
    cohort.facilitator_rows.append(CohortFacilitator(user=facilitator))
    db.session.add(cohort)
    for n in range(participants):
        user = create_user(username=f"p{n}-{slug}", full_name=f"Peserta {n}",
                           password="x" * 12, roles={Role.PARTICIPANT}, unit=f"Unit {n % 4}")
        enrolment = Enrolment(user=user)
        cohort.enrolments.append(enrolment)
        db.session.flush()
        for lesson in modules[0].lessons[: n % 4]:
            db.session.add(LessonCompletion(enrolment_id=enrolment.id,
                                            module_slug=modules[0].slug,
                                            lesson_slug=lesson.slug, completed_at=T0))
    db.session.commit()
    return cohort


@pytest.fixture
def queries_for(logged_in, count_queries):
    """``queries_for(username, url)``: the statements a second GET of URL runs, as USERNAME."""

    def count_for(username: str, url: str) -> int:
        client = logged_in(username, "x" * 12)
        client.get(url)  # warm caches that are not per request
        with count_queries() as count:
            assert client.get(url).status_code == 200
        return count()

    return count_for


def test_cohort_view_and_export_queries_do_not_grow(queries_for):
    build_cohort("kecil", participants=5, module_count=2)
    build_cohort("besar", participants=200, module_count=7)
    for suffix in ("/progress", "/progress.xlsx", "/progress.csv"):
        small = queries_for("f-kecil", f"/cohorts/kecil{suffix}")
        large = queries_for("f-besar", f"/cohorts/besar{suffix}")
        assert small == large, suffix
        assert large <= 10


def test_participant_dashboard_queries_do_not_grow(queries_for):
    build_cohort("kecil", participants=1, module_count=1)
    build_cohort("besar", participants=1, module_count=7)
    small = queries_for("p0-kecil", "/dashboard")
    large = queries_for("p0-besar", "/dashboard")
    assert small == large and large <= 10


def test_summary_reports_agree_with_the_full_progress(app):
    from leans.modules.cohort_progress import cohort_report

    cohort = build_cohort("sama", participants=12, module_count=3)
    full = cohort_report(cohort, get_catalogue())
    summary = cohort_report(cohort, get_catalogue(), summary=True)
    assert {r.enrolment.id: (r.overall_percent, r.complete, [p.status for p in r.progress])
            for r in full.rows} == \
        {r.enrolment.id: (r.overall_percent, r.complete, [p.status for p in r.progress])
         for r in summary.rows}
