"""Who may receive a certificate, and exactly why not: plain functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leans.assessments.plans.states import DESIGN_APPROVED, PlanState
from leans.modules.progress import ModuleProgress

#: A reason: (module title or "" for the plan, the unmet rule kinds).
Reason = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    #: Per incomplete module: its title and the kinds of what is missing (lesson, post_test,
    #: action_plan, prerequisite); the action plan as ("", (state,)) when not approved.
    reasons: tuple[Reason, ...]


def eligibility(progress: Sequence[ModuleProgress], plan_state: str | None,
                report_required: bool = False) -> Eligibility:
    """Every module of the training complete, and the action plan approved (its design; and
    on a full-path cohort that asks for it, the report seminar graded too). A plan reason
    names the state it is in, or ``report_missing`` for an approved design whose report is
    still to come."""
    reasons: list[Reason] = []
    for p in progress:
        if not p.complete:
            kinds = tuple(dict.fromkeys(m.kind for m in p.missing))
            reasons.append((p.module.title, kinds))
    state = PlanState(plan_state) if plan_state else None
    if report_required and state is not PlanState.COMPLETED:
        reasons.append(("", ("report_missing" if state is PlanState.APPROVED
                             else plan_state or "none",)))
    elif not report_required and state not in DESIGN_APPROVED:
        reasons.append(("", (plan_state or "none",)))
    return Eligibility(not reasons and bool(progress), tuple(reasons))
