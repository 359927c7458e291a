"""The change project's full path (LAN's shape): the mentor's endorsement, the design and
report seminars scored by the examiner and the coach independently, moderation, and the
implementation report.

Like :mod:`workflow`, each step changes the session and flushes; the caller commits, or
rolls back on an error. Every step is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.models import ActionPlan, PlanReview, Seminar, SeminarScore
from leans.assessments.plans.scoring import SeminarGrade, Threshold, combine, weighted_score
from leans.assessments.plans.states import (
    AT_SEMINAR,
    AssessorRole,
    PlanAction,
    PlanState,
    SeminarStage,
)
from leans.assessments.plans.workflow import (
    WAITING_FOR_A_GRADER,
    PlanError,
    _change_state,
    _checked_levels,
    _ensure_fresh,
    ask_coaches,
    lock_plan,
    plan_topic,
)
from leans.content.rubric import Rubric
from leans.core.audit import record
from leans.core.cohorts import cohort_examiners, cohort_facilitators
from leans.core.extensions import db
from leans.core.models import Enrolment, User
from leans.core.notifications import NotificationKind, notify, notify_all, resolve

#: Longest comment, reason or report field (characters).
MAX_TEXT = 5000
#: The implementation report's fields, in order; the first two are required.
REPORT_FIELDS = ("summary", "results", "obstacles", "sustainability", "lessons")
REQUIRED_REPORT_FIELDS = ("summary", "results")
#: Seminar states by stage: (scoring, moderation).
SEMINAR_STATES = {SeminarStage.DESIGN: (PlanState.DESIGN_SEMINAR, PlanState.DESIGN_MODERATION),
                  SeminarStage.REPORT: (PlanState.REPORT_SEMINAR, PlanState.REPORT_MODERATION)}


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise PlanError(_("Keep %(what)s under %(n)d characters (it has %(has)d).",
                          what=what, n=MAX_TEXT, has=len(value)))
    return value


# Endorsement ----------------------------------------------------------------------------------
def _mentor_note(plan: ActionPlan, mentor: User, action: PlanAction, comment: str,
                 now: dt.datetime) -> PlanReview:
    """The mentor's word on the latest version, kept with the coaches' reviews."""
    note = PlanReview(plan_id=plan.id, version_id=plan.latest_version.id, grader_id=mentor.id,
                      decision=action, rubric_slug="", levels={}, comments={},
                      overall_comment=comment, created_at=now)
    db.session.add(note)
    db.session.flush()
    return note


def endorse(plan: ActionPlan, mentor: User, *, comment: str, expected_state_version: int,
            now: dt.datetime) -> PlanReview:
    """The mentor agrees the plan fits the unit's goals; it goes to the coaches."""
    comment = _text(comment, _("the comment"))
    _change_state(plan, PlanAction.ENDORSE, expected_state_version, endorsed_at=now,
                  endorsed_by_id=mentor.id)
    note = _mentor_note(plan, mentor, PlanAction.ENDORSE, comment, now)
    record(mentor, "plan.endorse", "action_plan", plan.id, at=now,
           version=plan.latest_version.number)
    resolve(plan_topic(plan.id), [NotificationKind.ENDORSEMENT_REQUESTED], now)
    ask_coaches(plan, mentor, resubmitted=len(plan.versions) > 1, now=now)
    return note


def mentor_return(plan: ActionPlan, mentor: User, *, comment: str,
                  expected_state_version: int, now: dt.datetime) -> PlanReview:
    """The mentor sends the plan back with a comment saying what to change."""
    comment = _text(comment, _("the comment"))
    if not comment:
        raise PlanError(_("Write in the comment what the participant should change before "
                          "you can endorse the plan."))
    _change_state(plan, PlanAction.MENTOR_RETURN, expected_state_version)
    note = _mentor_note(plan, mentor, PlanAction.MENTOR_RETURN, comment, now)
    record(mentor, "plan.mentor_return", "action_plan", plan.id, at=now,
           version=plan.latest_version.number)
    resolve(plan_topic(plan.id), [NotificationKind.ENDORSEMENT_REQUESTED], now)
    notify(plan.enrolment.user, NotificationKind.REVISION_REQUESTED, "plans.plan",
           {"cohort_slug": plan.enrolment.cohort.slug}, cohort=plan.enrolment.cohort,
           detail=comment, topic=plan_topic(plan.id), at=now)
    return note


# Seminars -------------------------------------------------------------------------------------
def seminar_of(plan: ActionPlan, stage: SeminarStage) -> Seminar | None:
    return next((s for s in plan.seminars if s.stage == stage), None)


def _open_seminar(plan: ActionPlan, stage: SeminarStage, rubric: Rubric) -> Seminar:
    """The plan's seminar of STAGE, created with the cohort's weights as they are now."""
    seminar = seminar_of(plan, stage)
    if seminar is None:
        cohort = plan.enrolment.cohort
        seminar = Seminar(plan_id=plan.id, stage=stage, rubric_slug=rubric.slug,
                          version_id=plan.latest_version.id if stage is SeminarStage.DESIGN
                          else None, examiner_weight=cohort.examiner_weight,
                          moderation_gap=cohort.moderation_gap)
        db.session.add(seminar)
        db.session.flush()
        db.session.refresh(plan)
    return seminar


def _panel(plan: ActionPlan) -> list[User]:
    """The cohort's examiners and coaches: who scores at a seminar."""
    cohort = plan.enrolment.cohort
    people = {u.id: u for u in cohort_examiners(cohort) + cohort_facilitators(cohort)}
    return [u for u in people.values() if u.id != plan.enrolment.user_id]


def send_to_seminar(plan: ActionPlan, coach: User, rubric: Rubric, *, comment: str,
                    expected_state_version: int, now: dt.datetime) -> Seminar:
    """The coach finds the plan ready: it goes to the design seminar."""
    comment = _text(comment, _("the comment"))
    _change_state(plan, PlanAction.SEND_TO_SEMINAR, expected_state_version)
    seminar = _open_seminar(plan, SeminarStage.DESIGN, rubric)
    db.session.add(PlanReview(plan_id=plan.id, version_id=plan.latest_version.id,
                              grader_id=coach.id, decision=PlanAction.SEND_TO_SEMINAR,
                              rubric_slug="", levels={}, comments={}, overall_comment=comment,
                              created_at=now))
    record(coach, "plan.send_to_seminar", "action_plan", plan.id, at=now,
           version=plan.latest_version.number)
    resolve(plan_topic(plan.id), WAITING_FOR_A_GRADER, now)
    notify_all(_panel(plan), NotificationKind.SEMINAR_READY, "project.seminar",
               {"plan_id": plan.id, "stage": str(SeminarStage.DESIGN)},
               subject=plan.enrolment.user.full_name, cohort=plan.enrolment.cohort,
               topic=plan_topic(plan.id), at=now)
    return seminar


def schedule_seminar(plan: ActionPlan, actor: User, stage: SeminarStage, *,
                     scheduled_at: dt.datetime, place: str, panel: str,
                     now: dt.datetime) -> Seminar:
    """Record when and where the seminar is held and who sits on the panel; everyone around
    the participant is told."""
    if PlanState(plan.state) not in SEMINAR_STATES[stage]:
        raise PlanError(_("The seminar can be scheduled once the plan is at it."))
    place, panel = (place or "").strip(), (panel or "").strip()
    if not place:
        raise PlanError(_("Give the place of the seminar (a room, or the link of an online "
                          "meeting)."))
    if len(place) > 200 or len(panel) > 500:
        raise PlanError(_("Keep the place under 200 and the panel under 500 characters."))
    seminar = seminar_of(plan, stage)
    seminar.scheduled_at, seminar.place, seminar.panel = scheduled_at, place, panel
    db.session.flush()
    record(actor, "seminar.scheduled", "seminar", seminar.id, at=now, stage=str(stage),
           scheduled_at=scheduled_at.isoformat(), place=place, panel=panel)
    people = [plan.enrolment.user, *_panel(plan)]
    if plan.enrolment.mentor is not None:
        people.append(plan.enrolment.mentor)
    notify_all([p for p in people if p.id != actor.id], NotificationKind.SEMINAR_SCHEDULED,
               "project.seminar", {"plan_id": plan.id, "stage": str(stage)},
               subject=plan.enrolment.user.full_name, cohort=plan.enrolment.cohort,
               topic=plan_topic(plan.id), at=now)
    return seminar


def seminar_result(seminar: Seminar, rubric: Rubric,
                   thresholds: list[Threshold]) -> SeminarGrade | None:
    """The combined grade once both assessors have scored (None before)."""
    examiner = seminar.score_of(AssessorRole.EXAMINER)
    coach = seminar.score_of(AssessorRole.COACH)
    if examiner is None or coach is None:
        return None
    resolved = {c["criterion"]: c["level"] for c in seminar.disputed or [] if "level" in c}
    return combine(rubric, examiner.levels, coach.levels,
                   examiner_weight=seminar.examiner_weight, gap=seminar.moderation_gap,
                   thresholds=thresholds, resolved=resolved)


def can_see_scores(seminar: Seminar, role: AssessorRole | None) -> bool:
    """Blind scoring: an assessor sees the other's scores only once both are in; anyone else
    (participant, mentor, admin) only once the seminar is graded or in moderation."""
    if seminar.both_scored:
        return True
    return False if role is not None else seminar.completed_at is not None


def score_seminar(plan: ActionPlan, assessor: User, role: AssessorRole, rubric: Rubric,
                  thresholds: list[Threshold], *, levels: Mapping[str, int | None],
                  comments: Mapping[str, str], overall_comment: str, stage: SeminarStage,
                  expected_state_version: int, now: dt.datetime) -> SeminarScore:
    """One assessor's independent scoring; final once given. When both are in, the grade
    is combined, or the plan goes to moderation."""
    lock_plan(plan, *plan.seminars)
    _ensure_fresh(plan, expected_state_version)
    if PlanState(plan.state) != SEMINAR_STATES[stage][0]:
        raise PlanError(_("This seminar is not open for scoring."))
    seminar = seminar_of(plan, stage)
    if any(s.assessor_id == assessor.id for s in seminar.scores):
        raise PlanError(_("You have already scored this seminar: the second score must come "
                          "from another person."))
    if seminar.score_of(role) is not None:
        raise PlanError(_("The %(role)s's score for this seminar has already been given; it "
                          "cannot be changed.", role=role.label.lower()))
    chosen = _checked_levels(rubric, levels)
    entry = SeminarScore(seminar_id=seminar.id, assessor_id=assessor.id, assessor_role=role,
                         levels=chosen,
                         comments={k: _text(v, _("a comment")) for k, v in comments.items()
                                   if (v or "").strip()},
                         overall_comment=_text(overall_comment, _("the overall comment")),
                         score=weighted_score(rubric, chosen), submitted_at=now)
    db.session.add(entry)
    db.session.flush()
    db.session.refresh(seminar)
    # Blind until both are in: the trail names who scored; the levels are in the seminar's
    # scores, and the totals go into the entry that releases the grade.
    record(assessor, "seminar.scored", "seminar", seminar.id, at=now, stage=str(stage),
           role=str(role))
    result = seminar_result(seminar, rubric, thresholds)
    if result is not None:
        _after_both(plan, seminar, assessor, result, now)
    else:
        _bump(plan)
    return entry


def _bump(plan: ActionPlan) -> None:
    """A score changes what the other assessor's form may do: older forms are refused."""
    plan.state_version += 1
    db.session.flush()


def _after_both(plan: ActionPlan, seminar: Seminar, actor: User, result: SeminarGrade,
                now: dt.datetime) -> None:
    if result.grade is None:
        seminar.disputed = [{"criterion": cid} for cid in result.disputed]
        _change_state(plan, PlanAction.MODERATE, None)
        record(actor, "seminar.moderation", "seminar", seminar.id, at=now,
               stage=str(seminar.stage), disputed=list(result.disputed))
        examiners = [u for u in cohort_examiners(plan.enrolment.cohort)
                     if u.id != plan.enrolment.user_id]
        notify_all(examiners, NotificationKind.MODERATION_NEEDED, "project.seminar",
                   {"plan_id": plan.id, "stage": str(seminar.stage)},
                   subject=plan.enrolment.user.full_name, cohort=plan.enrolment.cohort,
                   topic=plan_topic(plan.id), at=now)
        return
    _finish(plan, seminar, actor, result, PlanAction.APPROVE
            if seminar.stage is SeminarStage.DESIGN else PlanAction.COMPLETE, now)


def _finish(plan: ActionPlan, seminar: Seminar, actor: User, result: SeminarGrade,
            action: PlanAction, now: dt.datetime) -> None:
    """Release the seminar's grade: the design approved, or the project completed."""
    grade = result.grade
    seminar.score, seminar.predicate, seminar.completed_at = grade.score, grade.predicate, now
    if seminar.stage is SeminarStage.DESIGN:
        values = {"score": grade.score, "predicate": grade.predicate, "approved_at": now}
    else:
        values = {"report_score": grade.score, "report_predicate": grade.predicate,
                  "completed_at": now}
    _change_state(plan, action, None, **values)
    record(actor, "seminar.graded", "seminar", seminar.id, at=now, stage=str(seminar.stage),
           score=grade.score, predicate=grade.predicate,
           below_minimum=list(grade.below_minimum),
           **{f"{s.assessor_role}_score": s.score for s in seminar.scores})
    resolve(plan_topic(plan.id), [NotificationKind.SEMINAR_READY,
                                  NotificationKind.MODERATION_NEEDED], now)
    if seminar.stage is SeminarStage.DESIGN:
        notify(plan.enrolment.user, NotificationKind.PLAN_APPROVED, "plans.plan",
               {"cohort_slug": plan.enrolment.cohort.slug}, cohort=plan.enrolment.cohort,
               topic=plan_topic(plan.id), at=now)


def resolve_moderation(plan: ActionPlan, examiner: User, rubric: Rubric,
                       thresholds: list[Threshold], *, stage: SeminarStage,
                       levels: Mapping[str, int | None], reason: str,
                       expected_state_version: int, now: dt.datetime) -> Seminar:
    """The examiner settles each disputed criterion at a level, with a written reason."""
    _ensure_fresh(plan, expected_state_version)
    if PlanState(plan.state) != SEMINAR_STATES[stage][1]:
        raise PlanError(_("This seminar is not in moderation."))
    reason = _text(reason, _("the reason"))
    if not reason:
        raise PlanError(_("Write the reason for the levels you settle on: it is shown to the "
                          "coach and the participant."))
    seminar = seminar_of(plan, stage)
    criteria = {c.id: c for c in rubric.criteria}
    settled, missing = [], []
    for entry in seminar.disputed or []:
        points = levels.get(entry["criterion"])
        criterion = criteria[entry["criterion"]]
        if points is None or criterion.level(points) is None:
            missing.append(criterion.title)
        settled.append({"criterion": entry["criterion"], "level": points})
    if missing:
        raise PlanError(_("Choose a level for every disputed criterion: %(list)s.",
                          list=", ".join(missing)))
    seminar.disputed = settled
    seminar.moderation_reason, seminar.moderated_by_id, seminar.moderated_at = \
        reason, examiner.id, now
    db.session.flush()
    record(examiner, "seminar.resolved", "seminar", seminar.id, at=now, stage=str(stage),
           levels={e["criterion"]: e["level"] for e in settled}, reason=reason)
    _finish(plan, seminar, examiner, seminar_result(seminar, rubric, thresholds),
            PlanAction.RESOLVE, now)
    return seminar


# The implementation report --------------------------------------------------------------------
def submit_report(plan: ActionPlan, participant: User, rubric: Rubric, *,
                  content: Mapping[str, str], unreported: list[str],
                  now: dt.datetime) -> Seminar:
    """The participant's implementation report goes to the report seminar. UNREPORTED names
    the short-term milestones not yet reported: they must be, first."""
    if unreported:
        raise PlanError(_("Report every short-term milestone before the implementation "
                          "report: %(list)s.", list="; ".join(unreported)))
    report = {name: _text(content.get(name, ""), _("each part of the report"))
              for name in REPORT_FIELDS}
    missing = [name for name in REQUIRED_REPORT_FIELDS if not report[name]]
    if missing:
        raise PlanError(_("Write the summary of what was achieved and the results for the "
                          "people the plan serves."))
    _change_state(plan, PlanAction.SUBMIT_REPORT, None, report=report, report_submitted_at=now)
    seminar = _open_seminar(plan, SeminarStage.REPORT, rubric)
    record(participant, "plan.submit_report", "action_plan", plan.id, at=now)
    notify_all(_panel(plan), NotificationKind.SEMINAR_READY, "project.seminar",
               {"plan_id": plan.id, "stage": str(SeminarStage.REPORT)},
               subject=plan.enrolment.user.full_name, cohort=plan.enrolment.cohort,
               topic=plan_topic(plan.id), at=now)
    return seminar


def plans_at_seminar(cohort_ids: list[int]) -> list[ActionPlan]:
    """Plans of these cohorts at a seminar or in moderation, oldest first."""
    return list(db.session.scalars(
        select(ActionPlan).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .where(Enrolment.cohort_id.in_(cohort_ids), Enrolment.unenrolled_at.is_(None),
               ActionPlan.state.in_([str(s) for s in AT_SEMINAR]))
        .options(selectinload(ActionPlan.enrolment).selectinload(Enrolment.user),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.cohort),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.mentor),
                 selectinload(ActionPlan.seminars).selectinload(Seminar.scores))
        .order_by(ActionPlan.id)))


def plans_of(enrolment_ids: list[int]) -> dict[int, ActionPlan]:
    """The plans of these enrolments by enrolment id, with what a list of them shows (the
    mentor's mentees), in one round of queries."""
    if not enrolment_ids:
        return {}
    return {plan.enrolment_id: plan for plan in db.session.scalars(
        select(ActionPlan).where(ActionPlan.enrolment_id.in_(enrolment_ids))
        .options(selectinload(ActionPlan.versions),
                 selectinload(ActionPlan.milestone_reports)))}
