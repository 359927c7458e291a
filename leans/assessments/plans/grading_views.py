"""Facilitators: the grading queue, the grading screen (plan and rubric side by side),
decisions, grade changes, and the version history with per-field differences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.access import (
    get_plan_for_grader_or_404,
    plan_rubric,
    thresholds,
)
from leans.assessments.plans.content import diff
from leans.assessments.plans.forms import GradeForm, SendToSeminarForm
from leans.assessments.plans.models import ActionPlan, PlanVersion
from leans.assessments.plans.states import AWAITING_GRADER, PlanAction, PlanState
from leans.assessments.plans.workflow import PlanError, change_grade, decide, start_review
from leans.core.cohorts import staff_cohorts
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.models import Enrolment, Role, utcnow
from leans.core.permissions import can_grade, role_required

bp = Blueprint("grading", __name__, url_prefix="/grading")


@bp.route("/")
@role_required(Role.FACILITATOR, Role.ADMIN)
def queue():
    """Submitted plans of my cohorts, oldest first; filter by cohort and state."""
    cohorts = staff_cohorts(current_user)
    chosen = request.args.get("cohort", "")
    state = request.args.get("state", "waiting")
    ids = [c.id for c in cohorts if not chosen or c.slug == chosen]
    query = (select(ActionPlan).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
             .where(Enrolment.cohort_id.in_(ids), Enrolment.unenrolled_at.is_(None))
             .options(selectinload(ActionPlan.versions),
                      selectinload(ActionPlan.enrolment).selectinload(Enrolment.user)))
    if state == "waiting":
        query = query.where(ActionPlan.state.in_([str(s) for s in AWAITING_GRADER]))
    elif state in {str(s) for s in PlanState}:
        query = query.where(ActionPlan.state == state)
    plans = [p for p in db.session.scalars(query) if p.versions and can_grade(current_user, p)]
    plans.sort(key=lambda p: p.latest_version.submitted_at)
    return render_template("plans/queue.html", plans=plans, cohorts=cohorts, chosen=chosen,
                           state=state, states=list(PlanState))


def _screen(plan: ActionPlan, form: GradeForm | None = None, status: int = 200,
            entered: dict | None = None):
    versions = plan.versions
    changes = diff(versions[-2].content, versions[-1].content) if len(versions) > 1 else []
    if form is None:
        form = GradeForm(state_version=plan.state_version)
    full_path = plan.enrolment.cohort.full_path
    if full_path:  # graded at the design seminar: the coach reviews and sends it on
        form.decision.choices = [c for c in form.decision.choices if c[0] == "request_revision"]
    return render_template("plans/grade.html", plan=plan, rubric=plan_rubric(), form=form,
                           changes=changes, entered=entered or _entered_from(plan),
                           full_path=full_path,
                           send_form=SendToSeminarForm(state_version=plan.state_version)
                           ), status


def _entered_from(plan: ActionPlan) -> dict:
    """Start from the last review's levels and comments, so a grade change edits them."""
    last = plan.reviews[-1] if plan.reviews else None
    if last is None or last.version_id != plan.latest_version.id:
        return {"levels": {}, "comments": {}}
    return {"levels": dict(last.levels), "comments": dict(last.comments)}


@bp.route("/plans/<int:plan_id>")
@role_required(Role.FACILITATOR, Role.ADMIN)
def screen(plan_id: int):
    """The plan and the rubric side by side, with what changed since the last version."""
    return _screen(get_plan_for_grader_or_404(plan_id, current_user))


@bp.route("/plans/<int:plan_id>/start", methods=["POST"])
@role_required(Role.FACILITATOR, Role.ADMIN)
def start(plan_id: int):
    """Take the plan into review."""
    plan = get_plan_for_grader_or_404(plan_id, current_user)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        start_review(plan, current_user, request.form.get("state_version", 0, type=int),
                     utcnow())
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
    return redirect(url_for("grading.screen", plan_id=plan.id))


def _rubric_input(rubric) -> tuple[dict, dict]:
    levels, comments = {}, {}
    for criterion in rubric.criteria:
        raw = request.form.get(f"level-{criterion.id}", "")
        levels[criterion.id] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 \
            else None
        comments[criterion.id] = request.form.get(f"comment-{criterion.id}", "")[:10000]
    return levels, comments


@bp.route("/plans/<int:plan_id>/grade", methods=["POST"])
@role_required(Role.FACILITATOR, Role.ADMIN)
def grade(plan_id: int):
    """Decide (request revision / approve), or change a released grade with a reason."""
    plan = get_plan_for_grader_or_404(plan_id, current_user)
    form = GradeForm()
    rubric = plan_rubric()
    levels, comments = _rubric_input(rubric)
    entered = {"levels": levels, "comments": comments}
    if not form.validate_on_submit():
        return _screen(plan, form, 400, entered)
    common = {"levels": levels, "comments": comments,
              "overall_comment": form.overall_comment.data or "",
              "expected_state_version": form.state_version.data, "now": utcnow()}
    try:
        if request.form.get("mode") == "change":
            change_grade(plan, current_user, rubric, thresholds(),
                         reason=form.reason.data or "", **common)
            db.session.commit()
            flash(_("The grade was changed and the reason recorded."), "success")
        else:
            review = decide(plan, current_user, rubric, thresholds(),
                            decision=form.decision.data or "", **common)
            db.session.commit()
            flash(_("Revision requested; the participant sees your feedback.")
                  if review.decision is PlanAction.REQUEST_REVISION
                  else _("Plan approved with %(score)s (%(predicate)s).",
                         score=f"{review.score:g}", predicate=review.predicate), "success")
    except PlanError as error:
        db.session.rollback()
        db.session.refresh(plan)
        flash(str(error), "error")
        return _screen(plan, form, 409, entered)
    return redirect(url_for("grading.screen", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/versions/<int:number>")
@role_required(Role.FACILITATOR, Role.ADMIN)
def version(plan_id: int, number: int):
    """One submitted version and the reviews of it."""
    plan = get_plan_for_grader_or_404(plan_id, current_user)
    chosen = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                         PlanVersion.number == number))
    if chosen is None:
        abort(404)
    return render_template("plans/version.html", plan=plan, version=chosen,
                           rubric=plan_rubric(), cohort=plan.enrolment.cohort,
                           back=url_for("grading.screen", plan_id=plan.id))
