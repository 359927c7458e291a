"""The action plan's workflow: which action moves a plan from which state to which."""

from __future__ import annotations

from leans.core.labels import Labelled


class PlanState(Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    REVISION_REQUESTED = "revision_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"


class PlanAction(Labelled):
    """What a participant or grader does to a plan; a review records its decision as one."""

    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_REVISION = "request_revision"
    APPROVE = "approve"
    CHANGE_GRADE = "change_grade"


S, A = PlanState, PlanAction
#: (state, action) -> new state. Anything else is refused.
TRANSITIONS: dict[tuple[PlanState, PlanAction], PlanState] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.REVISION_REQUESTED, A.SUBMIT): S.RESUBMITTED,
    (S.SUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.RESUBMITTED, A.START_REVIEW): S.IN_REVIEW,
    (S.IN_REVIEW, A.REQUEST_REVISION): S.REVISION_REQUESTED,
    (S.IN_REVIEW, A.APPROVE): S.APPROVED,
    (S.APPROVED, A.CHANGE_GRADE): S.APPROVED,
}
#: States in which the participant may edit the draft.
EDITABLE = {S.DRAFT, S.REVISION_REQUESTED}
#: States that wait for a facilitator.
AWAITING_GRADER = {S.SUBMITTED, S.RESUBMITTED, S.IN_REVIEW}


class UpdateStatus(Labelled):
    """Where a milestone of an approved plan stands, as its latest progress update says."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"


class TransitionError(ValueError):
    def __init__(self, state: PlanState, action: PlanAction) -> None:
        super().__init__(f"'{action}' is not possible while the plan is '{state}'")
        self.state, self.action = state, action


def next_state(state: PlanState, action: PlanAction) -> PlanState:
    try:
        return TRANSITIONS[(PlanState(state), PlanAction(action))]
    except KeyError:
        raise TransitionError(PlanState(state), PlanAction(action)) from None
