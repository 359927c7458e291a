"""Who may receive a certificate, and exactly why not: plain functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leans.assessments.plans.states import PlanState
from leans.modules.progress import ModuleProgress

#: A reason: (module title or "" for the plan, the unmet rule kinds).
Reason = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    #: Per incomplete module: its title and the kinds of what is missing (lesson, post_test,
    #: action_plan, prerequisite); the action plan as ("", (state,)) when not approved.
    reasons: tuple[Reason, ...]


def eligibility(progress: Sequence[ModuleProgress], plan_state: str | None) -> Eligibility:
    """Every module of the training complete, and the action plan approved."""
    reasons: list[Reason] = []
    for p in progress:
        if not p.complete:
            kinds = tuple(dict.fromkeys(m.kind for m in p.missing))
            reasons.append((p.module.title, kinds))
    if plan_state != PlanState.APPROVED:
        reasons.append(("", (plan_state or "none",)))
    return Eligibility(not reasons and bool(progress), tuple(reasons))
