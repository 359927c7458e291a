"""The action plan's workflow: which action moves a plan from which state to which."""

from __future__ import annotations

import enum


class PlanState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    REVISION_REQUESTED = "revision_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    START_REVIEW = "start_review"
    REQUEST_REVISION = "request_revision"
    APPROVE = "approve"
    CHANGE_GRADE = "change_grade"


S, A = PlanState, Action
#: (state, action) -> new state. Anything else is refused.
TRANSITIONS: dict[tuple[PlanState, Action], PlanState] = {
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


class TransitionError(ValueError):
    def __init__(self, state: PlanState, action: Action) -> None:
        super().__init__(f"'{action}' is not possible while the plan is '{state}'")
        self.state, self.action = state, action


def next_state(state: PlanState, action: Action) -> PlanState:
    try:
        return TRANSITIONS[(PlanState(state), Action(action))]
    except KeyError:
        raise TransitionError(PlanState(state), Action(action)) from None
