"""Who may see and grade which action plan: load-and-check helpers."""

from __future__ import annotations

from flask import abort, current_app
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.scoring import Threshold, parse_thresholds
from leans.content import get_catalogue
from leans.content.rubric import Rubric
from leans.core.extensions import db
from leans.core.models import Enrolment, User
from leans.core.permissions import can_grade


def get_plan_for_grader_or_404(plan_id: int, user: User) -> ActionPlan:
    plan = db.session.get(ActionPlan, plan_id)
    if plan is None or not plan.versions or not can_grade(user, plan):
        abort(404)
    return plan


def plan_rubric() -> Rubric:
    return get_catalogue().rubrics[current_app.config["LEANS_PLAN_RUBRIC"]]


def report_rubric() -> Rubric:
    return get_catalogue().rubrics[current_app.config["LEANS_REPORT_RUBRIC"]]


def rubric_for(stage: str) -> Rubric:
    """The rubric a seminar of STAGE scores with."""
    return report_rubric() if stage == "report" else plan_rubric()


def thresholds() -> list[Threshold]:
    return parse_thresholds(current_app.config["LEANS_PREDICATE_THRESHOLDS"])


def plan_of(enrolment: Enrolment) -> ActionPlan | None:
    return db.session.scalar(select(ActionPlan).where(ActionPlan.enrolment_id == enrolment.id))
