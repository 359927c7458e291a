"""What needs a facilitator's attention: plans waiting, reviews overdue, participants stuck
(``leans.reports.attention``), on real rows and fixed dates; and their two settings."""

from __future__ import annotations

import datetime as dt

import pytest

from leans.assessments.plans.models import ActionPlan, PlanUpdate, PlanVersion
from leans.assessments.plans.states import PlanState, UpdateStatus
from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.tasks.models import TaskAnswer
from leans.auth.services import create_user
from leans.content import get_catalogue
from leans.core.config import ConfigError, load_config
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role
from leans.modules.models import LessonCompletion
from leans.reports.attention import (
    overdue_reviews,
    plans_waiting,
    stuck_participants,
)
from tests.fixtures.tracking import send_tasks

MODULE = "kepemimpinan-kolaboratif"
#: Wednesday 25 November 2026, 10:00 in Bojonegoro.
NOW = dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


def ago(days: float, hours: float = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


def plan_of(enrolment: Enrolment, state: PlanState, submitted: list[dt.datetime] = (),
            title: str = "Kolam lele", **fields) -> ActionPlan:
    plan = ActionPlan(enrolment_id=enrolment.id, state=state, draft={}, draft_version=1,
                      state_version=2, **fields)
    for number, at in enumerate(submitted, 1):
        plan.versions.append(PlanVersion(number=number, content={"title": f"{title} {number}"},
                                         submitted_at=at))
    db.session.add(plan)
    db.session.commit()
    return plan


def read(enrolment: Enrolment, at: dt.datetime, count: int | None = None) -> None:
    for lesson in get_catalogue().module(MODULE).lessons[:count]:
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=MODULE,
                                        lesson_slug=lesson.slug, completed_at=at))
    db.session.commit()


def passed_post_test(enrolment: Enrolment, at: dt.datetime) -> None:
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, module_slug=MODULE, kind="post",
                               number=1, seed=1, bank_version="x", questions=[], pass_mark=70,
                               started_at=at, submitted_at=at, answers={}, score=90.0,
                               passed=True))
    db.session.commit()


@pytest.fixture
def cohorts(make_user, make_cohort):
    """Cohort k (running on TODAY, module 1) with participants a..f; cohort other (running)
    with g; cohort planned (starts later) with h. ``(k, other, planned, people)``."""
    people = {name: make_user(username=name, full_name=f"Peserta {name.upper()}")
              for name in "abcdefgh"}
    k = make_cohort("k", modules=[MODULE], participants=[people[n] for n in "abcdef"],
                    starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 12, 18))
    other = make_cohort("other", modules=[MODULE], participants=[people["g"]],
                        starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 12, 18))
    planned = make_cohort("planned", modules=[MODULE], participants=[people["h"]],
                          starts_on=dt.date(2027, 1, 4), ends_on=dt.date(2027, 3, 26))
    for cohort in (k, other, planned):
        for e in cohort.enrolments:
            e.enrolled_at = dt.datetime(2026, 10, 20, 3, tzinfo=dt.UTC)
    db.session.commit()
    return k, other, planned, people


def enrolment(cohort: Cohort, user) -> Enrolment:
    return next(e for e in cohort.enrolments if e.user_id == user.id)


# ---------------------------------------------------------------------------------------------
# Plans waiting and overdue reviews


def test_plans_waiting_are_those_a_grader_must_act_on_oldest_first(cohorts):
    k, other, _planned, people = cohorts
    first = plan_of(enrolment(k, people["a"]), PlanState.RESUBMITTED, [ago(9), ago(2)])
    second = plan_of(enrolment(k, people["b"]), PlanState.SUBMITTED, [ago(5)])
    third = plan_of(enrolment(k, people["c"]), PlanState.IN_REVIEW, [ago(1)])
    plan_of(enrolment(k, people["d"]), PlanState.DRAFT)
    plan_of(enrolment(k, people["e"]), PlanState.APPROVED, [ago(20)])
    plan_of(enrolment(k, people["f"]), PlanState.REVISION_REQUESTED, [ago(20)])
    plan_of(enrolment(other, people["g"]), PlanState.SUBMITTED, [ago(30)])
    waiting = plans_waiting([k], NOW)
    # oldest first by the version waiting (a's second one came after b's)
    assert [w.plan_id for w in waiting] == [second.id, first.id, third.id]
    assert waiting[0].state is PlanState.SUBMITTED and waiting[0].days == 5
    # the version waiting: its title, when it was submitted, for how many whole days
    assert (waiting[1].title, waiting[1].since, waiting[1].days) == ("Kolam lele 2", ago(2), 2)
    assert waiting[1].user.username == "a" and waiting[1].cohort is k
    assert len(plans_waiting([k, other], NOW)) == 4
    assert plans_waiting([], NOW) == []


def test_unenrolled_participants_plans_do_not_wait(cohorts):
    k, _other, _planned, people = cohorts
    plan_of(enrolment(k, people["a"]), PlanState.SUBMITTED, [ago(5)])
    enrolment(k, people["a"]).unenrolled_at = ago(1)
    db.session.commit()
    assert plans_waiting([k], NOW) == []


def test_a_review_is_overdue_after_more_than_the_days_and_only_until_it_starts(cohorts):
    k, _other, _planned, people = cohorts
    late = plan_of(enrolment(k, people["a"]), PlanState.SUBMITTED, [ago(3, hours=1)])
    plan_of(enrolment(k, people["b"]), PlanState.RESUBMITTED, [ago(10), ago(3)])  # exactly 3
    resubmitted = plan_of(enrolment(k, people["c"]), PlanState.RESUBMITTED,
                          [ago(10), ago(4)])
    plan_of(enrolment(k, people["d"]), PlanState.IN_REVIEW, [ago(10)])  # someone is on it
    overdue = overdue_reviews([k], NOW, 3)
    assert [p.plan_id for p in overdue] == [resubmitted.id, late.id]
    assert [p.days for p in overdue] == [4, 3]
    assert [p.plan_id for p in overdue_reviews([k], NOW, 4)] == []
    assert len(overdue_reviews([k], NOW, 1)) == 3


def test_waiting_and_overdue_run_a_fixed_number_of_queries(cohorts, count_queries):
    k, _other, _planned, people = cohorts

    def counted(function, *args) -> int:
        db.session.expire_all()
        k.module_slugs  # noqa: B018 - the cohort as the caller holds it, loaded
        with count_queries() as count:
            function(*args)
        return count()

    plan_of(enrolment(k, people["a"]), PlanState.SUBMITTED, [ago(5)])
    few = counted(overdue_reviews, [k], NOW, 3), counted(plans_waiting, [k], NOW)
    for name in "bcdef":
        plan_of(enrolment(k, people[name]), PlanState.RESUBMITTED, [ago(9), ago(8), ago(7)])
    assert (counted(overdue_reviews, [k], NOW, 3), counted(plans_waiting, [k], NOW)) == few
    assert few[0] <= 2  # the plans, and the users' roles


# ---------------------------------------------------------------------------------------------
# Stuck participants


def stuck_names(cohorts_, days: int = 7, today: dt.date = TODAY) -> dict[str, int]:
    return {s.user.username: s.days for s in stuck_participants(cohorts_, today, days)}


def test_nothing_done_counts_from_the_start_of_the_training(cohorts):
    k, _other, _planned, people = cohorts
    # every enrolment was made before the cohort started (2 November): 23 days
    assert stuck_names([k]) == dict.fromkeys("abcdef", 23)
    (first, *_rest) = stuck_participants([k], TODAY, 7)
    assert first.last_activity is None and first.since == dt.date(2026, 11, 2)
    # enrolled after the start: counted from the enrolment
    enrolment(k, people["a"]).enrolled_at = dt.datetime(2026, 11, 17, 20, tzinfo=dt.UTC)
    db.session.commit()
    assert stuck_names([k])["a"] == 7  # 18 November in Bojonegoro


def test_recent_lessons_tests_or_plan_work_keep_a_participant_off_the_list(cohorts):
    k, _other, _planned, people = cohorts
    read(enrolment(k, people["a"]), ago(2), count=1)
    read(enrolment(k, people["b"]), ago(8), count=1)  # too long ago
    db.session.add(QuizAttempt(enrolment_id=enrolment(k, people["c"]).id, module_slug=MODULE,
                               kind="pre", number=1, seed=1, bank_version="x", questions=[],
                               pass_mark=70, started_at=ago(3), submitted_at=ago(3),
                               answers={}, score=40.0, passed=False))
    plan_of(enrolment(k, people["d"]), PlanState.DRAFT, draft_saved_at=ago(1))
    plan_of(enrolment(k, people["e"]), PlanState.REVISION_REQUESTED, [ago(40), ago(6)])
    approved = plan_of(enrolment(k, people["f"]), PlanState.APPROVED, [ago(30)],
                       approved_at=ago(29))
    db.session.add(PlanUpdate(plan_id=approved.id, activity_index=0, activity_label="x",
                              status=UpdateStatus.IN_PROGRESS, reported_on=TODAY,
                              created_at=ago(0, hours=1)))
    db.session.commit()
    assert stuck_names([k]) == {"b": 8}
    (stuck,) = stuck_participants([k], TODAY, 7)
    assert stuck.last_activity == ago(8) and stuck.since == dt.date(2026, 11, 17)


def test_a_task_answer_saved_or_sent_is_activity_too(cohorts):
    k, _other, _planned, people = cohorts
    for name in ("a", "b", "c"):
        read(enrolment(k, people[name]), ago(20), count=1)
    db.session.add_all([
        TaskAnswer(enrolment_id=enrolment(k, people["a"]).id, module_slug=MODULE, task_id="t",
                   draft="x", draft_version=1, draft_saved_at=ago(3), submitted_text="x",
                   submitted_at=ago(2), first_submitted_at=ago(2)),
        TaskAnswer(enrolment_id=enrolment(k, people["b"]).id, module_slug=MODULE, task_id="t",
                   draft="x", draft_version=1, draft_saved_at=ago(1))])
    db.session.commit()
    assert {"a", "b"}.isdisjoint(stuck_names([k])) and stuck_names([k])["c"] == 20


def test_the_days_are_counted_in_days_where_leans_runs(cohorts):
    k, _other, _planned, people = cohorts
    # 18 November 23:30 UTC is already 19 November in Bojonegoro: 6 days, not 7
    read(enrolment(k, people["a"]), dt.datetime(2026, 11, 18, 23, 30, tzinfo=dt.UTC), 1)
    assert "a" not in stuck_names([k])
    assert stuck_names([k], days=6)["a"] == 6


def test_finished_or_waiting_for_a_grader_is_not_stuck(cohorts):
    k, _other, _planned, people = cohorts
    for name in "ab":
        read(enrolment(k, people[name]), ago(20))
        send_tasks(enrolment(k, people[name]), MODULE, ago(20))
    passed_post_test(enrolment(k, people["a"]), ago(20))  # module complete: finished
    # b: the post-test is still theirs to take
    assert "a" not in stuck_names([k]) and stuck_names([k])["b"] == 20


def test_waiting_for_the_plans_grading_is_the_facilitators_move(app, make_user, make_cohort):
    people = [make_user(username=f"w{i}") for i in range(2)]
    cohort = make_cohort("rencana", modules=["menyusun-rencana-aksi"], participants=people,
                         starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 12, 18))
    module = get_catalogue().module("menyusun-rencana-aksi")
    for e in cohort.enrolments:
        for lesson in module.lessons:
            db.session.add(LessonCompletion(enrolment_id=e.id, module_slug=module.slug,
                                            lesson_slug=lesson.slug, completed_at=ago(15)))
        db.session.add(QuizAttempt(enrolment_id=e.id, module_slug=module.slug, kind="post",
                                   number=1, seed=1, bank_version="x", questions=[],
                                   pass_mark=70, started_at=ago(15), submitted_at=ago(15),
                                   answers={}, score=90.0, passed=True))
        send_tasks(e, module.slug, ago(15))
    db.session.commit()
    plan_of(cohort.enrolments[0], PlanState.SUBMITTED, [ago(14)])  # waits for a grader
    plan_of(cohort.enrolments[1], PlanState.DRAFT, draft_saved_at=ago(14))  # theirs to submit
    assert stuck_names([cohort]) == {"w1": 14}


def test_only_running_cohorts_and_active_enrolments(cohorts):
    k, other, planned, people = cohorts
    enrolment(k, people["a"]).unenrolled_at = ago(1)
    db.session.commit()
    names = stuck_names([k, other, planned])
    assert "a" not in names and "g" in names and "h" not in names
    assert stuck_names([k, other], today=dt.date(2026, 12, 19)) == {}  # finished
    k.closed = True
    db.session.commit()
    assert set(stuck_names([k, other])) == {"g"}
    assert stuck_participants([], TODAY, 7) == []


def test_stuck_participants_run_a_fixed_number_of_queries(app, count_queries):
    def build(slug: str, size: int) -> Cohort:
        cohort = Cohort(slug=slug, name=slug, starts_on=dt.date(2026, 11, 2),
                        ends_on=dt.date(2026, 12, 18), place="BKPP")
        cohort.set_modules([MODULE, "menyusun-rencana-aksi"])
        db.session.add(cohort)
        for n in range(size):
            user = create_user(username=f"{slug}-{n}", full_name=f"Peserta {n}",
                               password="x" * 12, roles={Role.PARTICIPANT})
            cohort.enrolments.append(Enrolment(user=user))
            db.session.flush()
            e = cohort.enrolments[-1]
            read(e, ago(10 + n % 5), count=n % 4)
            if n % 3 == 0:
                plan_of(e, PlanState.SUBMITTED, [ago(9)])
        db.session.commit()
        return cohort

    def counted(cohort: Cohort) -> int:
        db.session.expire_all()
        cohort = db.session.get(Cohort, cohort.id)
        with count_queries() as count:
            stuck = stuck_participants([cohort], TODAY, 7)
            [(s.user.full_name, s.cohort.name) for s in stuck]
        return count()

    small, large = build("kecil", 5), build("besar", 60)
    assert counted(small) == counted(large) <= 4


# ---------------------------------------------------------------------------------------------
# The settings


def test_the_settings_default_and_come_from_the_environment():
    config = load_config({})
    assert (config["LEANS_REVIEW_OVERDUE_DAYS"], config["LEANS_STUCK_DAYS"]) == (3, 7)
    config = load_config({"LEANS_REVIEW_OVERDUE_DAYS": "5", "LEANS_STUCK_DAYS": " 14 "})
    assert (config["LEANS_REVIEW_OVERDUE_DAYS"], config["LEANS_STUCK_DAYS"]) == (5, 14)


@pytest.mark.parametrize("name", ["LEANS_REVIEW_OVERDUE_DAYS", "LEANS_STUCK_DAYS"])
@pytest.mark.parametrize("value", ["0", "-2"])
def test_the_settings_are_at_least_one_day(name, value):
    with pytest.raises(ConfigError, match=f"{name} must be at least 1"):
        load_config({name: value})
    with pytest.raises(ConfigError, match=f"{name} must be a whole number"):
        load_config({name: "tiga"})
