"""Who may see and grade which action plan: load-and-check helpers."""

from __future__ import annotations

from flask import abort, current_app
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.scoring import Threshold, parse_thresholds
from leans.assessments.plans.states import DESIGN_APPROVED
from leans.content import get_catalogue
from leans.content.rubric import Rubric
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User
from leans.core.permissions import can_grade, can_read_plan, get_own_enrolment_or_404


def get_plan_for_grader_or_404(plan_id: int, user: User) -> ActionPlan:
    plan = db.session.get(ActionPlan, plan_id)
    if plan is None or not plan.versions or not can_grade(user, plan):
        abort(404)
    return plan


def own_approved_plan_or_404(cohort_slug: str, user: User, *,
                             full_path: bool) -> tuple[Cohort, ActionPlan]:
    """The user's own plan in this cohort once its design is approved (and, with FULL_PATH,
    only on a full-path cohort): the pages of the implementation period; 404 otherwise."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, user)
    plan = plan_of(enrolment)
    if (plan is None or plan.state not in DESIGN_APPROVED or plan.latest_version is None
            or (full_path and not cohort.full_path)):
        abort(404)
    return cohort, plan


def project_plan_or_404(plan: ActionPlan | None, user: User, *,
                        approved: bool = False) -> ActionPlan:
    """A submitted full-path plan the user may read (with APPROVED, only once its design is
    approved); 404 otherwise, so ids reveal nothing."""
    if (plan is None or not plan.versions or not plan.enrolment.cohort.full_path
            or (approved and plan.state not in DESIGN_APPROVED)
            or not can_read_plan(user, plan)):
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
