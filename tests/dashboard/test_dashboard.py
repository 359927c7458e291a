"""The participant's dashboard: progress and JP, and one next step per training, first in its
card."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from leans.assessments.plans.models import ActionPlan, PlanReview, PlanVersion
from leans.assessments.plans.states import PlanAction, PlanState
from leans.assessments.quizzes.models import QuizAttempt
from leans.certificates.issuing import candidates, issue_batch
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Role
from leans.modules.models import LessonCompletion
from tests.fixtures.tracking import MODULES, send_tasks


def test_dashboard_shows_progress_and_jp(client, auth, progress_cohort, mark_done, send_answers,
                                         pass_post_test):
    auth.login("peserta")
    for lesson in get_catalogue().module(MODULES[0]).lessons:
        mark_done(client, lesson.slug)
    send_answers(client)
    pass_post_test(client, "angkatan-1", MODULES[0])
    page = client.get("/dashboard").get_data(as_text=True)
    # 5 lessons + 5 tasks + 1 post-test of (5 + 5 + 1) * 2
    assert "50%" in page
    assert "4 JP" in page and "dari standar 20 JP per tahun" in page
    assert "Masih kurang 16 JP tahun ini." in page


def test_jp_length_is_configurable(app, client, auth, progress_cohort):
    app.config["LEANS_JP_MINUTES"] = 50
    try:
        auth.login("peserta")
        assert "Satu JP = 50 menit." in client.get("/dashboard").get_data(as_text=True)
    finally:
        app.config["LEANS_JP_MINUTES"] = 45


# ---------------------------------------------------------------------------------------------
# One next step per training

MOD1, MOD7 = "kepemimpinan-kolaboratif", "menyusun-rencana-aksi"
T0 = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
#: A plan nothing required is missing from.
READY = {
    "title": "Kolam lele bersama di Nganti", "problem": "Tidak ada penghasilan tetap.",
    "evidence": "DTSEN desil 1, dicek kader.", "target_group": "Rumah tangga desil 1",
    "villages": ["Nganti"],
    "indicators": [{"name": "Pendapatan", "unit": "Rp/bulan", "baseline": "600000",
                    "baseline_date": "2026-11-01", "target": "1200000",
                    "target_date": "2027-11-01"}],
    "stakeholders": [
        {"role": "pemerintah", "name": "Pemerintah Desa", "contribution": "Lahan"},
        {"role": "dunia_usaha", "name": "Pengepul", "contribution": "Membeli panen"}],
    "activities": [{"activity": "Pelatihan", "milestone": "20 orang lulus",
                    "date": "2027-02-01"}],
    "budget": [{"source": "APBDes", "purpose": "Benih", "amount": "15000000"}],
    "risks": [{"risk": "Kemarau", "mitigation": "Sumur bor"}],
    "sustainability": "Dikelola BUMDes.",
}


@pytest.fixture
def training(make_user, make_cohort):
    """Cohort k, running today, on modules 1 and 7: participant peserta, facilitator fasil;
    ``(enrolment, fasil)``."""
    today = local_today()
    peserta = make_user(username="peserta")
    fasil = make_user({Role.FACILITATOR}, username="fasil", full_name="Fasil Satu")
    cohort = make_cohort("k", modules=[MOD1, MOD7], participants=[peserta],
                         facilitators=[fasil], starts_on=today - dt.timedelta(days=20),
                         ends_on=today + dt.timedelta(days=40))
    return cohort.enrolments[0], fasil


def read(enrolment, module_slug: str, count: int | None = None) -> None:
    """The first COUNT lessons of the module read (all by default); their tasks not sent."""
    module = get_catalogue().module(module_slug)
    for lesson in module.lessons[:count]:
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=module_slug,
                                        lesson_slug=lesson.slug, completed_at=T0))
    db.session.commit()


def took_test(enrolment, module_slug: str, kind: str, passed: bool = True) -> None:
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, module_slug=module_slug, kind=kind,
                               number=1, seed=1, bank_version="x", questions=[], pass_mark=70,
                               started_at=T0, submitted_at=T0, answers={},
                               score=90.0 if passed else 40.0, passed=passed))
    db.session.commit()


def finish(enrolment, *modules: str) -> None:
    for slug in modules:
        took_test(enrolment, slug, "pre")
        read(enrolment, slug)
        send_tasks(enrolment, slug, T0)
        took_test(enrolment, slug, "post")


def make_plan(enrolment, state: PlanState, draft: dict | None = None,
              submitted_at: dt.datetime | None = None) -> ActionPlan:
    plan = ActionPlan(enrolment_id=enrolment.id, state=state, draft=draft or {},
                      draft_version=1, state_version=3,
                      approved_at=T0 if state is PlanState.APPROVED else None)
    if submitted_at:
        plan.versions.append(PlanVersion(number=1, content=READY, submitted_at=submitted_at))
    db.session.add(plan)
    db.session.commit()
    return plan


def card_in(page: str) -> str:
    """The training card of cohort k, its list of modules included."""
    start = page.index('id="training-k"')
    return page[start:page.index("</ol>", start)]


def card_of(client) -> str:
    return card_in(client.get("/dashboard").get_data(as_text=True))


def first_step_link(card: str) -> str:
    """The first link after the card's title (the cohort's link)."""
    links = re.findall(r'href="([^"]+)"', card)
    assert links[0] == "/learn/k/"
    return links[1]


def assert_first(card: str, text: str) -> None:
    """TEXT comes before anything else of the card but its title: plan state, dates, bar."""
    assert text in card, text
    position = card.index(text)
    assert position < card.index('class="progress"')
    assert position < card.index('<ol class="module-rows">')
    assert position < card.index("/learn/k/plan\">Rencana aksi saya")


def test_first_the_pre_test(training, logged_in):
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == f"/learn/k/{MOD1}/test/pre"
    assert_first(card, f"/learn/k/{MOD1}/test/pre")


def test_then_the_next_lesson(training, logged_in):
    enrolment, _fasil = training
    took_test(enrolment, MOD1, "pre")
    read(enrolment, MOD1, 2)
    card = card_of(logged_in("peserta"))
    target = f"/learn/k/{MOD1}/memimpin-tanpa-kewenangan"
    assert first_step_link(card) == target
    assert_first(card, target)
    assert "Lanjutkan belajar" in card


def test_every_lesson_read_then_the_tasks_not_sent(training, logged_in):
    enrolment, _fasil = training
    took_test(enrolment, MOD1, "pre")
    read(enrolment, MOD1)
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == f"/learn/k/{MOD1}/mengapa-kolaborasi"  # its first task's
    assert "Lanjutkan belajar" in card


def test_then_the_post_test(training, logged_in):
    enrolment, _fasil = training
    took_test(enrolment, MOD1, "pre")
    read(enrolment, MOD1)
    send_tasks(enrolment, MOD1, T0)
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == f"/learn/k/{MOD1}/test/post"


def test_a_plan_sent_back_comes_first_with_the_facilitators_comment(training, logged_in):
    enrolment, fasil = training
    took_test(enrolment, MOD1, "pre")
    read(enrolment, MOD1, 1)  # still reading: the revision comes first all the same
    plan = make_plan(enrolment, PlanState.REVISION_REQUESTED, {"title": "Kolam lele"},
                     submitted_at=T0)
    db.session.add(PlanReview(plan_id=plan.id, version_id=plan.versions[0].id,
                              grader_id=fasil.id, decision=PlanAction.REQUEST_REVISION,
                              rubric_slug="rencana-aksi", levels={}, comments={},
                              overall_comment="Pisahkan indikator hasil dari kegiatan.",
                              created_at=T0 + dt.timedelta(days=1)))
    db.session.commit()
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == "/learn/k/plan"
    assert_first(card, "Pisahkan indikator hasil dari kegiatan.")
    assert card.index("Pisahkan indikator") < card.index(f"/learn/k/{MOD1}/")
    assert "Fasil Satu" in card and "Perlu revisi" in card  # who, and the plan's state


def test_a_complete_draft_is_to_be_submitted_before_reading_on(training, logged_in):
    enrolment, _fasil = training
    took_test(enrolment, MOD1, "pre")
    make_plan(enrolment, PlanState.DRAFT, READY)
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == "/learn/k/plan"
    assert "Draf" in card


def test_after_the_reading_write_and_submit_the_plan(training, logged_in):
    enrolment, _fasil = training
    finish(enrolment, MOD1, MOD7)
    card = card_of(logged_in("peserta"))
    assert first_step_link(card) == "/learn/k/plan"


def test_waiting_for_grading_says_since_when(training, logged_in):
    enrolment, _fasil = training
    finish(enrolment, MOD1, MOD7)
    make_plan(enrolment, PlanState.SUBMITTED, READY,
              submitted_at=dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC))
    card = card_of(logged_in("peserta"))
    assert_first(card, "1 Desember 2026")
    assert first_step_link(card) == "/learn/k/plan"
    assert "Diajukan" in card  # the plan's state


def test_download_the_certificate(app, certificate_cohort, logged_in):
    issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    card = card_of(logged_in("p0"))
    link = first_step_link(card)
    assert re.fullmatch(r"/certificates/\d+\.pdf", link)
    assert "Disetujui" in card


def test_training_complete(training, logged_in):
    enrolment, _fasil = training
    finish(enrolment, MOD1, MOD7)
    make_plan(enrolment, PlanState.APPROVED, READY, submitted_at=T0)
    card = card_of(logged_in("peserta"))
    assert 'class="flash flash-success next-step"' in card
    assert re.findall(r'href="([^"]+)"', card)[1] == "/learn/k/plan"  # no step to link
    assert "Disetujui" in card
