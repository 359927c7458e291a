"""The one permissions module: its predicates, as views and templates use them."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import select

from leans.core.models import CohortFacilitator, Enrolment, Role
from leans.core.permissions import (
    can_administer,
    can_answer_attempt,
    can_change,
    can_download_certificate,
    can_grade,
    can_manage_cohort,
    can_read_attempt,
    can_view_cohort,
    is_staff,
)
from tests.fixtures.plans import COMPLETE


def record_of(enrolment, **fields):
    """Anything that belongs to an enrolment (attempt, plan, certificate), as the predicates
    see it."""
    return SimpleNamespace(enrolment=enrolment, **fields)


def test_cohort_predicates(make_user, make_cohort):
    participant, other = make_user(), make_user()
    coach = make_user({Role.FACILITATOR})
    admin = make_user({Role.ADMIN})
    cohort = make_cohort(participants=[participant], facilitators=[coach])
    assert [can_view_cohort(u, cohort) for u in (participant, other, coach, admin)] == \
        [True, False, True, True]
    assert [can_manage_cohort(u, cohort) for u in (participant, other, coach, admin)] == \
        [False, False, True, True]
    assert [is_staff(u) for u in (participant, coach, admin)] == [False, True, True]
    assert [can_administer(u) for u in (participant, coach, admin)] == [False, False, True]
    assert can_change(cohort)
    cohort.closed = True
    assert not can_change(cohort) and not can_change(None)


def test_records_predicates(make_user, make_cohort):
    participant, classmate = make_user(), make_user()
    coach, admin = make_user({Role.FACILITATOR}), make_user({Role.ADMIN})
    cohort = make_cohort(participants=[participant, classmate], facilitators=[coach])
    mine = next(e for e in cohort.enrolments if e.user_id == participant.id)
    open_attempt = record_of(mine, is_open=True)
    submitted = record_of(mine, is_open=False)
    assert can_read_attempt(participant, open_attempt) and can_answer_attempt(participant,
                                                                             open_attempt)
    assert not can_read_attempt(coach, open_attempt) and can_read_attempt(coach, submitted)
    assert not can_answer_attempt(coach, submitted) and not can_answer_attempt(admin, submitted)
    assert not can_read_attempt(classmate, submitted)
    certificate = record_of(mine)
    assert [can_download_certificate(u, certificate) for u in
            (participant, classmate, coach, admin)] == [True, False, False, True]
    plan = record_of(mine)
    assert [can_grade(u, plan) for u in (participant, classmate, coach, admin)] == \
        [False, False, True, True]


def test_a_facilitator_never_grades_their_own_plan(app, plan_people, logged_in, post_plan,
                                                    the_plan):
    """A facilitator enrolled in the cohort they facilitate may write a plan, and the other
    facilitator grades it; they never reach their own plan's grading page."""
    from leans.core.extensions import db

    fasil = plan_people["fasil"]
    k = db.session.scalar(select(CohortFacilitator).where(
        CohortFacilitator.user_id == fasil.id)).cohort
    db.session.add(Enrolment(cohort_id=k.id, user_id=fasil.id))
    db.session.commit()
    client = logged_in("fasil")
    assert post_plan(client, "k", COMPLETE, "submit").status_code == 302
    plan = the_plan()
    assert plan.enrolment.user_id == fasil.id
    assert not can_grade(fasil, plan) and can_grade(plan_people["fasil2"], plan)
    assert client.get(f"/grading/plans/{plan.id}").status_code == 404
    assert f"/grading/plans/{plan.id}" not in client.get("/grading/").get_data(as_text=True)
    assert logged_in("fasil2").get(f"/grading/plans/{plan.id}").status_code == 200
