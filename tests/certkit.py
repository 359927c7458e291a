"""Making participants eligible for a certificate by recording the facts directly."""

from __future__ import annotations

import datetime as dt

from leans.assessments.plans.models import ActionPlan, PlanVersion
from leans.assessments.quizzes.models import QuizAttempt
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Enrolment
from leans.modules.models import LessonCompletion

MODULE = "kepemimpinan-kolaboratif"
T = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


def make_eligible(enrolment: Enrolment, predicate: str = "Sangat Memuaskan",
                  score: float = 95.0) -> None:
    """All lessons and the post-test of MODULE done, and an approved action plan."""
    module = get_catalogue().module(MODULE)
    for lesson in module.lessons:
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=MODULE,
                                        lesson_slug=lesson.slug, completed_at=T))
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, module_slug=MODULE, kind="post",
                               number=1, seed=1, bank_version="x", questions=[], pass_mark=70,
                               started_at=T, submitted_at=T, answers={}, score=90.0,
                               passed=True))
    plan = ActionPlan(enrolment_id=enrolment.id, state="approved", draft={}, draft_version=1,
                      state_version=5, score=score, predicate=predicate, approved_at=T)
    plan.versions.append(PlanVersion(number=1, content={"title": "Rencana"}, submitted_at=T))
    db.session.add(plan)
    db.session.commit()
