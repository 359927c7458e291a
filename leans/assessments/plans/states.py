"""The action plan's workflow: which action moves a plan from which state to which."""

from __future__ import annotations

from leans.core.labels import Labelled


class PlanState(Labelled):
    DRAFT = "draft"
    #: Full path: submitted, waiting for the mentor's endorsement.
    AWAITING_ENDORSEMENT = "awaiting_endorsement"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    REVISION_REQUESTED = "revision_requested"
    RESUBMITTED = "resubmitted"
    #: Full path: at the design seminar, scored by the examiner and the coach, blind.
    DESIGN_SEMINAR = "design_seminar"
    #: Full path: the two assessors differ too much; the examiner resolves.
    DESIGN_MODERATION = "design_moderation"
    #: Design approved with a grade; on the full path, the implementation period.
    APPROVED = "approved"
    #: Full path: the implementation report is in, scored at the report seminar.
    REPORT_SEMINAR = "report_seminar"
    REPORT_MODERATION = "report_moderation"
    #: Full path: the report seminar graded; the change project is complete.
    COMPLETED = "completed"


class PlanAction(Labelled):
    """What a participant, mentor, coach or examiner does to a plan; a review records its
    decision as one."""

    SUBMIT = "submit"
    SUBMIT_TO_MENTOR = "submit_to_mentor"
    ENDORSE = "endorse"
    MENTOR_RETURN = "mentor_return"
    START_REVIEW = "start_review"
    REQUEST_REVISION = "request_revision"
    APPROVE = "approve"
    CHANGE_GRADE = "change_grade"
    SEND_TO_SEMINAR = "send_to_seminar"
    MODERATE = "moderate"
    RESOLVE = "resolve"
    SUBMIT_REPORT = "submit_report"
    COMPLETE = "complete"


S, A = PlanState, PlanAction
#: (state, action) -> new state, on both paths.
COMMON: dict[tuple[PlanState, PlanAction], PlanState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.REVISION_REQUESTED, A.SUBMIT): S.RESUBMITTED,
    (S.SUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.RESUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.IN_REVIEW, A.REQUEST_REVISION): S.REVISION_REQUESTED,
    (S.APPROVED, A.CHANGE_GRADE): S.APPROVED,
}
#: Only on the light path: the coach approves with a grade.
LIGHT_ONLY: dict[tuple[PlanState, PlanAction], PlanState] = {
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
}
#: Only on the full path: endorsement, the two seminars and moderation.
FULL_ONLY: dict[tuple[PlanState, PlanAction], PlanState] = {
    (S.DRAFT, A.SUBMIT_TO_MENTOR): S.AWAITING_ENDORSEMENT,
    (S.REVISION_REQUESTED, A.SUBMIT_TO_MENTOR): S.AWAITING_ENDORSEMENT,
    (S.AWAITING_ENDORSEMENT, A.ENDORSE): S.SUBMITTED,
    (S.AWAITING_ENDORSEMENT, A.MENTOR_RETURN): S.REVISION_REQUESTED,
    (S.IN_REVIEW, A.SEND_TO_SEMINAR): S.DESIGN_SEMINAR,
    (S.DESIGN_SEMINAR, A.APPROVE): S.APPROVED,
    (S.DESIGN_SEMINAR, A.MODERATE): S.DESIGN_MODERATION,
    (S.DESIGN_MODERATION, A.RESOLVE): S.APPROVED,
    (S.APPROVED, A.SUBMIT_REPORT): S.REPORT_SEMINAR,
    (S.REPORT_SEMINAR, A.COMPLETE): S.COMPLETED,
    (S.REPORT_SEMINAR, A.MODERATE): S.REPORT_MODERATION,
    (S.REPORT_MODERATION, A.RESOLVE): S.COMPLETED,
}
#: Kept for readers of the light path: every transition it allows.
TRANSITIONS = {**COMMON, **LIGHT_ONLY}
#: States in which the participant may edit the draft.
EDITABLE = {S.DRAFT, S.REVISION_REQUESTED}
#: States that wait for a facilitator (the coach).
AWAITING_GRADER = {S.SUBMITTED, S.RESUBMITTED, S.IN_REVIEW}
#: States at a seminar, waiting for the examiner and the coach to score (or to moderate).
AT_SEMINAR = {S.DESIGN_SEMINAR, S.DESIGN_MODERATION, S.REPORT_SEMINAR, S.REPORT_MODERATION}
#: States in which the design is approved (graded): implementation and after.
DESIGN_APPROVED = {S.APPROVED, S.REPORT_SEMINAR, S.REPORT_MODERATION, S.COMPLETED}


class UpdateStatus(Labelled):
    """Where a milestone of an approved plan stands, as its latest progress update says."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"


class SeminarStage(Labelled):
    DESIGN = "design"
    REPORT = "report"


class AssessorRole(Labelled):
    """Who scores at a seminar: both, independently."""

    EXAMINER = "examiner"
    COACH = "coach"


class MilestoneStatus(Labelled):
    """A milestone of the approved plan during implementation: reported with evidence by the
    participant, then confirmed or returned by the mentor."""

    REPORTED = "reported"
    CONFIRMED = "confirmed"
    RETURNED = "returned"


class FollowUpStatus(Labelled):
    """What a follow-up check-in says about the plan's later milestones."""

    MOVING = "moving"
    STALLED = "stalled"
    COMPLETED = "completed"


class TransitionError(ValueError):
    def __init__(self, state: PlanState, action: PlanAction) -> None:
        super().__init__(f"'{action}' is not possible while the plan is '{state}'")
        self.state, self.action = state, action


def transitions(full_path: bool) -> dict[tuple[PlanState, PlanAction], PlanState]:
    """Every transition a cohort's path allows."""
    return {**COMMON, **(FULL_ONLY if full_path else LIGHT_ONLY)}


def next_state(state: PlanState, action: PlanAction, full_path: bool = False) -> PlanState:
    """The state ACTION leads to from STATE on the cohort's path; refused otherwise."""
    try:
        return transitions(full_path)[(PlanState(state), PlanAction(action))]
    except KeyError:
        raise TransitionError(PlanState(state), PlanAction(action)) from None
