"""A training's one next step: the rule's order (``next_step``), and what
``participant_overview`` loads for it from real rows."""

from __future__ import annotations

import datetime as dt

import pytest

from leans.assessments.plans.models import ActionPlan, PlanReview, PlanVersion
from leans.assessments.plans.states import PlanAction, PlanState
from leans.assessments.quizzes.models import QuizAttempt
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Role
from leans.modules.models import LessonCompletion
from leans.modules.overview import (
    NextStepKind,
    PlanSnapshot,
    RevisionNote,
    next_step,
    participant_overview,
)
from leans.modules.progress import ModuleFacts, training_progress

M1, M7 = "kepemimpinan-kolaboratif", "menyusun-rencana-aksi"
T0 = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
K = NextStepKind


@pytest.fixture
def modules(app):
    """Module 1 (lessons, pre- and post-test) and module 7 (also the action plan)."""
    catalogue = get_catalogue()
    return [catalogue.module(M1), catalogue.module(M7)]


def progress(modules, lessons: dict[str, int] | None = None, passed: set[str] = frozenset(),
             approved: bool = False, unsent: set[str] = frozenset()):
    """Progress with the first N lessons of each module done and their tasks sent (but the
    tasks UNSENT), post-tests passed, the plan approved."""
    facts = {}
    for module in modules:
        read = module.lessons[:(lessons or {}).get(module.slug, 0)]
        sent = {task.id: T0 for lesson in read for task in lesson.tasks
                if task.id not in unsent}
        facts[module.slug] = ModuleFacts({lesson.slug: T0 for lesson in read},
                                         T0 if module.slug in passed else None,
                                         T0 if approved else None, sent)
    return training_progress(modules, facts)


def every_lesson(modules) -> dict[str, int]:
    return {m.slug: len(m.lessons) for m in modules}


def plan(state: PlanState, *, ready: bool = False, content: bool = True,
         revision: RevisionNote | None = None) -> PlanSnapshot:
    return PlanSnapshot(1, state, content or ready, ready, T0, revision)


class Certificate:
    id, number = 7, "001/LEANS/BKPP/2026"


def test_the_pre_test_comes_before_the_first_lesson_and_only_then(modules):
    step = next_step(progress(modules))
    assert step.kind is K.PRE_TEST and step.module.slug == M1
    step = next_step(progress(modules), pre_tests_taken={M1})
    assert step.kind is K.CONTINUE_LESSON and step.lesson.slug == "mengapa-kolaborasi"
    # once a lesson is read the pre-test is no longer offered (as the test pages do)
    step = next_step(progress(modules, {M1: 1}))
    assert step.kind is K.CONTINUE_LESSON and step.lesson.slug == "masalah-teknis-dan-adaptif"
    # a closed cohort offers no test
    assert next_step(progress(modules), closed=True).kind is K.CONTINUE_LESSON


def test_post_test_after_the_lessons_then_the_next_module(modules):
    step = next_step(progress(modules, {M1: 5}), pre_tests_taken={M1})
    assert step.kind is K.POST_TEST and step.module.slug == M1
    step = next_step(progress(modules, {M1: 5}, {M1}), pre_tests_taken={M1})
    assert step.kind is K.PRE_TEST and step.module.slug == M7


def test_a_task_not_sent_leads_back_to_its_lesson_before_the_post_test(modules):
    step = next_step(progress(modules, {M1: 5}, unsent={"peta-pemangku"}),
                     pre_tests_taken={M1})
    assert step.kind is K.CONTINUE_LESSON and step.module.slug == M1
    assert step.lesson.slug == "memimpin-tanpa-kewenangan"
    # the post-test passed all the same: still the task, not the next module
    step = next_step(progress(modules, {M1: 5}, {M1}, unsent={"peta-pemangku"}),
                     pre_tests_taken={M1})
    assert step.kind is K.CONTINUE_LESSON and step.lesson.slug == "memimpin-tanpa-kewenangan"


def test_a_plan_sent_back_beats_everything_with_its_comment(modules):
    note = RevisionNote("Perjelas indikator hasil.", "Fasil Satu", T0)
    step = next_step(progress(modules, {M1: 1}),
                     plan=plan(PlanState.REVISION_REQUESTED, revision=note))
    assert step.kind is K.REVISE_PLAN and step.revision == note


def test_submitting_the_plan(modules):
    reading = progress(modules, {M1: 1})
    # a complete draft is one click from grading: that comes before reading on
    step = next_step(reading, plan=plan(PlanState.DRAFT, ready=True))
    assert step.kind is K.SUBMIT_PLAN and step.plan_has_content and step.plan_ready
    # a draft with gaps waits until the reading is done
    assert next_step(reading, plan=plan(PlanState.DRAFT)).kind is K.CONTINUE_LESSON
    done = progress(modules, every_lesson(modules), {M1, M7})
    step = next_step(done, plan=plan(PlanState.DRAFT))
    assert step.kind is K.SUBMIT_PLAN and step.plan_has_content and not step.plan_ready
    step = next_step(done)
    assert step.kind is K.SUBMIT_PLAN and not step.plan_has_content


def test_waiting_for_grading_only_when_nothing_else_is_left(modules):
    submitted = plan(PlanState.SUBMITTED)
    assert next_step(progress(modules, {M1: 2}), plan=submitted).kind is K.CONTINUE_LESSON
    done = progress(modules, every_lesson(modules), {M1, M7})
    for state in (PlanState.SUBMITTED, PlanState.IN_REVIEW, PlanState.RESUBMITTED):
        step = next_step(done, plan=plan(state))
        assert step.kind is K.AWAIT_GRADING and step.since == T0


def test_certificate_then_complete(modules):
    done = progress(modules, every_lesson(modules), {M1, M7}, approved=True)
    approved = plan(PlanState.APPROVED)
    assert next_step(done, plan=approved).kind is K.COMPLETE
    step = next_step(done, plan=approved, certificate=Certificate())
    assert step.kind is K.DOWNLOAD_CERTIFICATE and step.certificate.number.startswith("001")


def test_every_kind_has_a_label(app):
    assert all(kind.label for kind in NextStepKind)


# ---------------------------------------------------------------------------------------------
# What participant_overview loads, from real rows


@pytest.fixture
def world(make_user, make_cohort):
    """Cohort k (modules 1 and 7) with participant peserta and facilitator fasil."""
    peserta = make_user(username="peserta")
    fasil = make_user({Role.FACILITATOR}, username="fasil", full_name="Fasil Satu")
    cohort = make_cohort("k", modules=[M1, M7], participants=[peserta], facilitators=[fasil])
    return peserta, fasil, cohort.enrolments[0]


def overview_of(user):
    return participant_overview(user, get_catalogue(), annual_target=20,
                                today=dt.date(2026, 11, 27), timezone="Asia/Jakarta")


def test_overview_knows_the_pre_tests_taken(world):
    peserta, _fasil, enrolment = world
    assert overview_of(peserta).step_of(overview_of(peserta).trainings[0]).kind is K.PRE_TEST
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, module_slug=M1, kind="pre", number=1,
                               seed=1, bank_version="x", questions=[], pass_mark=70,
                               started_at=T0, submitted_at=T0, answers={}, score=40.0,
                               passed=False))
    db.session.commit()
    overview = overview_of(peserta)
    (training,) = overview.trainings
    assert training.pre_tests_taken == {M1}
    assert overview.step_of(training).kind is K.CONTINUE_LESSON


def test_overview_loads_the_plan_and_the_latest_revision_comment(world):
    peserta, fasil, enrolment = world
    plan = ActionPlan(enrolment_id=enrolment.id, state=PlanState.REVISION_REQUESTED,
                      draft={"title": "Kolam lele"}, draft_version=2, state_version=4)
    for number in (1, 2):
        plan.versions.append(PlanVersion(number=number, content={"title": "Kolam lele"},
                                         submitted_at=T0 + dt.timedelta(days=number)))
    db.session.add(plan)
    db.session.flush()
    for number, comment in ((1, "Komentar lama."), (2, "")):
        db.session.add(PlanReview(plan_id=plan.id, version_id=plan.versions[number - 1].id,
                                  grader_id=fasil.id, decision=PlanAction.REQUEST_REVISION,
                                  rubric_slug="rencana-aksi", levels={},
                                  comments={"hasil-terukur": f"Indikator versi {number}."},
                                  overall_comment=comment,
                                  created_at=T0 + dt.timedelta(days=number, hours=5)))
    db.session.commit()
    (training,) = overview_of(peserta).trainings
    snapshot = training.plan
    assert snapshot.state is PlanState.REVISION_REQUESTED and snapshot.has_content
    assert not snapshot.ready and snapshot.submitted_at == T0 + dt.timedelta(days=2)
    # the latest review that asked for a revision; no overall comment: the criteria's
    assert snapshot.revision == RevisionNote("Indikator versi 2.", "Fasil Satu",
                                             T0 + dt.timedelta(days=2, hours=5))
    step = training.next_step()
    assert step.kind is K.REVISE_PLAN and step.revision.comment == "Indikator versi 2."


def test_overview_queries_do_not_grow_with_lessons_plans_or_reviews(world, count_queries,
                                                                    make_user, make_cohort):
    peserta, fasil, enrolment = world

    def counted() -> int:
        db.session.expire_all()
        with count_queries() as count:
            overview = overview_of(peserta)
            [overview.step_of(t) for t in overview.trainings]
        return count()

    before = counted()
    for lesson in get_catalogue().module(M1).lessons:
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=M1,
                                        lesson_slug=lesson.slug, completed_at=T0))
    second = make_cohort("k-lain", modules=[M7], participants=[peserta])
    for e in (enrolment, second.enrolments[0]):
        db.session.add(ActionPlan(enrolment_id=e.id, state=PlanState.DRAFT,
                                  draft={"title": "x"}, draft_version=1, state_version=1))
    db.session.commit()
    assert counted() == before
