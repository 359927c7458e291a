"""The full path's pages: mentors (their mentees, endorsement), the seminars (schedule,
blind scoring by the examiner and the coach, moderation), sending a plan to the seminar,
and the participant's implementation report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.assessments.plans import project
from leans.assessments.plans.access import (
    own_approved_plan_or_404,
    plan_rubric,
    project_plan_or_404,
    rubric_for,
    thresholds,
)
from leans.assessments.plans.forms import (
    EndorsementForm,
    ModerationForm,
    ReportForm,
    ScheduleForm,
    SeminarScoreForm,
    SendToSeminarForm,
)
from leans.assessments.plans.milestones import unreported_short_term
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import (
    DESIGN_APPROVED,
    AssessorRole,
    PlanState,
    SeminarStage,
)
from leans.assessments.plans.workflow import PlanError
from leans.core.cohorts import examined_cohorts, mentee_enrolments, staff_cohorts
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Role, utcnow
from leans.core.permissions import (
    can_endorse,
    can_grade,
    can_read_plan,
    can_report_milestones,
    can_schedule_seminar,
    can_score_as_coach,
    can_score_as_examiner,
    role_required,
)

bp = Blueprint("project", __name__)


def _plan_or_404(plan_id: int) -> ActionPlan:
    return project_plan_or_404(db.session.get(ActionPlan, plan_id), current_user)


def _stage_or_404(stage: str) -> SeminarStage:
    if stage not in {str(s) for s in SeminarStage}:
        abort(404)
    return SeminarStage(stage)


def assessor_role(plan: ActionPlan) -> AssessorRole | None:
    """The role in which the current user scores this plan's seminars, if any."""
    if can_score_as_examiner(current_user, plan):
        return AssessorRole.EXAMINER
    if can_score_as_coach(current_user, plan):
        return AssessorRole.COACH
    return None


# Mentors ----------------------------------------------------------------------------------
@bp.route("/mentor")
@role_required(Role.MENTOR)
def mentees():
    """The participants I mentor, with what waits for me."""
    enrolments = mentee_enrolments(current_user)
    plans = project.plans_of([e.id for e in enrolments])
    rows = [(e, plans.get(e.id)) for e in enrolments]
    return render_template("plans/mentees.html", rows=rows)


@bp.route("/project/plans/<int:plan_id>")
@login_required
def mentor_plan(plan_id: int):
    """A full-path plan for the people around the participant: the plan, the mentor's and
    coaches' notes, the seminars, milestones and the report."""
    plan = _plan_or_404(plan_id)
    form = EndorsementForm(state_version=plan.state_version)
    return render_template("plans/project_plan.html", plan=plan, form=form,
                           reviews=_reviews_shown(plan),
                           rubric=plan_rubric(), send_form=SendToSeminarForm(
                               state_version=plan.state_version),
                           can_endorse_now=can_endorse(current_user, plan)
                           and plan.state == PlanState.AWAITING_ENDORSEMENT)


def _reviews_shown(plan: ActionPlan) -> list:
    """The notes and reviews of the plan; an examiner who is not also its coach sees the
    coaches' rubric levels only once the design seminar is graded, so that the examiner's own
    scoring stays independent."""
    if (can_score_as_examiner(current_user, plan) and not can_grade(current_user, plan)
            and PlanState(plan.state) not in DESIGN_APPROVED):
        return [r for r in plan.reviews if not r.levels]
    return list(plan.reviews)


@bp.route("/project/plans/<int:plan_id>/endorsement", methods=["POST"])
@login_required
def endorsement(plan_id: int):
    """The mentor endorses the plan, or returns it with a comment."""
    plan = _plan_or_404(plan_id)
    if not can_endorse(current_user, plan):
        abort(403)
    form = EndorsementForm()
    if not form.validate_on_submit():
        flash(_("Choose whether you endorse the plan or return it."), "error")
        return redirect(url_for("project.mentor_plan", plan_id=plan.id))
    step = project.endorse if form.decision.data == "endorse" else project.mentor_return
    try:
        step(plan, current_user, comment=form.comment.data or "",
             expected_state_version=form.state_version.data, now=utcnow())
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        db.session.refresh(plan)
        flash(str(error), "error")
        return render_template("plans/project_plan.html", plan=plan, form=form,
                               reviews=_reviews_shown(plan), rubric=plan_rubric(),
                               send_form=None,
                               can_endorse_now=plan.state == PlanState.AWAITING_ENDORSEMENT
                               ), 422
    flash(_("You endorsed the plan; the coaches will review it.")
          if form.decision.data == "endorse"
          else _("The plan was returned to the participant with your comment."), "success")
    return redirect(url_for("project.mentor_plan", plan_id=plan.id))


# Sending to the seminar -------------------------------------------------------------------
@bp.route("/project/plans/<int:plan_id>/send-to-seminar", methods=["POST"])
@login_required
def send(plan_id: int):
    """The coach finds the plan ready for the design seminar."""
    plan = _plan_or_404(plan_id)
    if not can_score_as_coach(current_user, plan) and not can_schedule_seminar(
            current_user, plan):
        abort(403)
    form = SendToSeminarForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        project.send_to_seminar(plan, current_user, plan_rubric(),
                                comment=form.comment.data or "",
                                expected_state_version=form.state_version.data, now=utcnow())
        db.session.commit()
        flash(_("The plan is at the design seminar: schedule it, then the examiner and the "
                "coach score it independently."), "success")
    except PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("grading.screen", plan_id=plan.id))
    return redirect(url_for("project.seminar", plan_id=plan.id, stage="design"))


# Seminars -----------------------------------------------------------------------------------
@bp.route("/project/seminars")
@role_required(Role.EXAMINER, Role.FACILITATOR, Role.ADMIN)
def seminars():
    """Plans at a seminar in my cohorts (examined, facilitated, or all for admins)."""
    cohorts = {c.id: c for c in examined_cohorts(current_user)}
    if current_user.roles & {Role.FACILITATOR, Role.ADMIN}:
        cohorts.update({c.id: c for c in staff_cohorts(current_user)})
    plans = [p for p in project.plans_at_seminar(list(cohorts)) if can_read_plan(current_user, p)]
    return render_template("plans/seminars.html", plans=plans, seminar_of=project.seminar_of,
                           assessor_role=assessor_role, assessor_roles=list(AssessorRole))


def _seminar_page(plan: ActionPlan, stage: SeminarStage, *, score_form=None,
                  moderation_form=None, schedule_form=None, entered=None, status=200):
    seminar = project.seminar_of(plan, stage)
    if seminar is None:
        abort(404)
    role = assessor_role(plan)
    rubric = rubric_for(str(stage))
    own = seminar.score_of(role) if role else None
    return render_template(
        "plans/seminar.html", plan=plan, stage=stage, seminar=seminar, rubric=rubric,
        role=role, own=own, result=project.seminar_result(seminar, rubric, thresholds()),
        scores_visible=project.can_see_scores(seminar, role),
        score_form=score_form or SeminarScoreForm(state_version=plan.state_version),
        moderation_form=moderation_form or ModerationForm(state_version=plan.state_version),
        schedule_form=schedule_form or ScheduleForm(),
        can_schedule=can_schedule_seminar(current_user, plan),
        entered=entered or {}, AssessorRole=AssessorRole), status


@bp.route("/project/plans/<int:plan_id>/seminars/<stage>")
@login_required
def seminar(plan_id: int, stage: str):
    """A seminar: its schedule, the scoring (blind until both are in), the moderation, the
    grade."""
    return _seminar_page(_plan_or_404(plan_id), _stage_or_404(stage))


def _levels_from_form(rubric) -> dict[str, int | None]:
    levels = {}
    for criterion in rubric.criteria:
        raw = request.form.get(f"level-{criterion.id}", "")
        levels[criterion.id] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 \
            else None
    return levels


@bp.route("/project/plans/<int:plan_id>/seminars/<stage>/score", methods=["POST"])
@login_required
def score(plan_id: int, stage: str):
    """The examiner's or the coach's independent scoring."""
    plan, chosen = _plan_or_404(plan_id), _stage_or_404(stage)
    role = assessor_role(plan)
    if role is None:
        abort(403)
    rubric = rubric_for(str(chosen))
    form = SeminarScoreForm()
    levels = _levels_from_form(rubric)
    comments = {c.id: request.form.get(f"comment-{c.id}", "")[:5000] for c in rubric.criteria}
    entered = {"levels": levels, "comments": comments}
    if not form.validate_on_submit():
        return _seminar_page(plan, chosen, score_form=form, entered=entered, status=400)
    return _seminar_step(
        plan, chosen, lambda: project.score_seminar(
            plan, current_user, role, rubric, thresholds(), levels=levels, comments=comments,
            overall_comment=form.overall_comment.data or "", stage=chosen,
            expected_state_version=form.state_version.data, now=utcnow()),
        _("Your score is recorded."), score_form=form, entered=entered)


def _seminar_step(plan: ActionPlan, stage: SeminarStage, step: Callable[[], object],
                  done: str, **page: object):
    """Take STEP and commit, then back to the seminar with DONE; or, refused, the seminar
    page again (409) with the form as sent and why."""
    try:
        step()
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        db.session.refresh(plan)
        flash(str(error), "error")
        return _seminar_page(plan, stage, status=409, **page)
    flash(done, "success")
    return redirect(url_for("project.seminar", plan_id=plan.id, stage=str(stage)))


@bp.route("/project/plans/<int:plan_id>/seminars/<stage>/moderation", methods=["POST"])
@login_required
def moderate(plan_id: int, stage: str):
    """The examiner settles the disputed criteria, with a reason."""
    plan, chosen = _plan_or_404(plan_id), _stage_or_404(stage)
    if not can_score_as_examiner(current_user, plan):
        abort(403)
    rubric = rubric_for(str(chosen))
    form = ModerationForm()
    levels = _levels_from_form(rubric)
    if not form.validate_on_submit():
        return _seminar_page(plan, chosen, moderation_form=form,
                             entered={"levels": levels}, status=400)
    return _seminar_step(
        plan, chosen, lambda: project.resolve_moderation(
            plan, current_user, rubric, thresholds(), stage=chosen, levels=levels,
            reason=form.reason.data or "", expected_state_version=form.state_version.data,
            now=utcnow()),
        _("Moderation resolved; the grade is released."), moderation_form=form,
        entered={"levels": levels})


@bp.route("/project/plans/<int:plan_id>/seminars/<stage>/schedule", methods=["POST"])
@login_required
def schedule(plan_id: int, stage: str):
    """Record the seminar's date, time, place and panel."""
    plan, chosen = _plan_or_404(plan_id), _stage_or_404(stage)
    if not can_schedule_seminar(current_user, plan):
        abort(403)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return _seminar_page(plan, chosen, schedule_form=form, status=400)
    hours, minutes = (int(x) for x in form.time.data.strip().split(":"))
    local = dt.datetime.combine(form.day.data, dt.time(hours, minutes),
                                ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return _seminar_step(
        plan, chosen, lambda: project.schedule_seminar(
            plan, current_user, chosen, scheduled_at=local.astimezone(dt.UTC),
            place=form.place.data, panel=form.panel.data or "", now=utcnow()),
        _("The seminar is scheduled; the participant, the mentor and the panel are told."),
        schedule_form=form)


# The implementation report ----------------------------------------------------------------
@bp.route("/learn/<cohort_slug>/plan/report", methods=["GET", "POST"])
@login_required
def report(cohort_slug: str):
    """My implementation report, for the report seminar."""
    cohort, plan = own_approved_plan_or_404(cohort_slug, current_user, full_path=True)
    form = ReportForm(data=plan.report or None)
    unreported = _unreported(plan)
    if request.method == "POST":
        if not can_report_milestones(current_user, plan):
            flash(_("This cohort is closed: its records can be read but no longer changed."),
                  "warning")
            return redirect(url_for("project.report", cohort_slug=cohort.slug))
        if plan.state != PlanState.APPROVED:
            abort(409)
        if form.validate_on_submit():
            try:
                project.submit_report(plan, current_user, rubric_for("report"),
                                      content=form.data, unreported=unreported, now=utcnow())
                db.session.commit()
                flash(_("Your implementation report was submitted for the report seminar."),
                      "success")
                return redirect(url_for("project.report", cohort_slug=cohort.slug))
            except PlanError as error:
                db.session.rollback()
                db.session.refresh(plan)
                flash(str(error), "error")
        return render_template("plans/report.html", cohort=cohort, plan=plan, form=form,
                               unreported=unreported), 422
    return render_template("plans/report.html", cohort=cohort, plan=plan, form=form,
                           unreported=unreported)


def _unreported(plan: ActionPlan) -> list[str]:
    """The short-term milestones not yet reported."""
    return unreported_short_term(plan, local_today())
