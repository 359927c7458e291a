"""Running cohorts: saving a cohort's settings (the change project's path among them),
closing and reopening it, enrolling and unenrolling people, assigning examiners and linking
mentors; every change audited. The functions flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import PlanState
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.models import (
    Cohort,
    CohortExaminer,
    CohortFacilitator,
    Enrolment,
    PlanPath,
    Role,
    User,
    utcnow,
)

#: The cohort's own fields an admin sets (the change-project settings among them).
FIELDS = ("name", "slug", "starts_on", "ends_on", "place", "plan_path", "endorsement_required",
          "examiner_weight", "moderation_gap", "report_required", "followup_months")
#: The change-project settings, recorded in full when a cohort is created.
PROJECT_FIELDS = FIELDS[5:]
#: States only the full path reaches: a cohort with a plan in one stays on the full path.
FULL_ONLY_STATES = (PlanState.AWAITING_ENDORSEMENT, PlanState.DESIGN_SEMINAR,
                    PlanState.DESIGN_MODERATION, PlanState.REPORT_SEMINAR,
                    PlanState.REPORT_MODERATION, PlanState.COMPLETED)
#: Follow-up check-ins: at most this many, each this many months after the cohort at most.
MAX_FOLLOWUPS = 4
MAX_FOLLOWUP_MONTHS = 36


class CohortError(ValueError):
    """A change that cannot be made; the message says why."""


def module_order(known: Sequence[str], chosen: Sequence[str],
                 positions: Mapping[str, str]) -> list[str]:
    """The chosen modules that exist, in the order the admin numbered them (unnumbered ones
    last, in the catalogue's order)."""
    def position(slug: str) -> tuple[int, int]:
        raw = positions.get(slug, "")
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 999
        return number, known.index(slug)

    return sorted((slug for slug in chosen if slug in known), key=position)


def parse_followup_months(text: str) -> str:
    """The follow-up months as stored ("3,6"), from what an admin typed ("3, 6"; empty for
    none): whole numbers from 1 to 36, at most four, ascending, each once."""
    cleaned = re.sub(r"\s+", "", text or "")
    if not cleaned:
        return ""
    parts = cleaned.split(",")
    if not all(re.fullmatch(r"[0-9]{1,3}", part) for part in parts):
        raise CohortError(_("Write whole numbers of months separated by commas, e.g. 3,6."))
    months = [int(part) for part in parts]
    if len(months) > MAX_FOLLOWUPS:
        raise CohortError(_("At most %(n)d follow-ups.", n=MAX_FOLLOWUPS))
    if any(not 1 <= month <= MAX_FOLLOWUP_MONTHS for month in months):
        raise CohortError(_("Each follow-up is 1 to %(n)d months after the training.",
                            n=MAX_FOLLOWUP_MONTHS))
    if months != sorted(set(months)):
        raise CohortError(_("Write the months in ascending order, each once, e.g. 3,6."))
    return ",".join(str(month) for month in months)


def full_only_plans(cohort: Cohort) -> dict[PlanState, int]:
    """How many of the cohort's plans are in each state only the full path reaches."""
    rows = db.session.execute(
        select(ActionPlan.state, func.count(ActionPlan.id))
        .join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id, ActionPlan.state.in_(FULL_ONLY_STATES))
        .group_by(ActionPlan.state))
    return {PlanState(state): count for state, count in rows}


def _check_path_change(cohort: Cohort, path: object) -> None:
    """Refuse taking a cohort back to the light path while a plan is at a full-path stage."""
    if not cohort.id or cohort.plan_path != PlanPath.FULL or path != PlanPath.LIGHT:
        return
    stages = full_only_plans(cohort)
    if stages:
        total = sum(stages.values())
        states = ", ".join(f"{state.label}: {count}" for state, count in
                           sorted(stages.items(), key=lambda item: FULL_ONLY_STATES.index(
                               item[0])))
        raise CohortError(ngettext(
            "The cohort cannot go back to the light path: %(num)d plan is at a stage only "
            "the full path has (%(states)s).",
            "The cohort cannot go back to the light path: %(num)d plans are at a stage only "
            "the full path has (%(states)s).", total, states=states))


def _plain(value: object) -> object:
    """A value as the audit trail's JSON holds it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def save_cohort(cohort: Cohort | None, admin: User, *, fields: Mapping[str, object],
                modules: list[str], facilitator_ids: set[int],
                examiner_ids: set[int] | None = None) -> Cohort:
    """Create (``cohort`` None) or change a cohort: its fields, modules in order,
    facilitators and (when given) examiners."""
    taken = db.session.scalar(select(Cohort.id).where(Cohort.slug == fields["slug"]))
    if taken and (cohort is None or taken != cohort.id):
        raise CohortError(_("This slug is already used by another cohort."))
    if not modules:
        raise CohortError(_("Choose at least one module."))
    new = cohort is None
    cohort = cohort or Cohort()
    if "plan_path" in fields:
        _check_path_change(cohort, fields["plan_path"])
    before = {name: None if new else _plain(getattr(cohort, name)) for name in fields}
    for name, value in fields.items():
        setattr(cohort, name, value)
    changed = {name: [before[name], _plain(value)] for name, value in fields.items()
               if before[name] != _plain(value)}
    if cohort.module_slugs != modules:
        cohort.set_modules(modules)
    cohort.facilitator_rows = [row for row in cohort.facilitator_rows
                               if row.user_id in facilitator_ids]
    have = {row.user_id for row in cohort.facilitator_rows}
    cohort.facilitator_rows += [CohortFacilitator(user_id=i) for i in facilitator_ids - have]
    db.session.add(cohort)
    db.session.flush()
    if new:
        record(admin, "cohort.created", "cohort", cohort.id, modules=modules,
               facilitators=sorted(facilitator_ids),
               settings={name: _plain(getattr(cohort, name)) for name in PROJECT_FIELDS})
    else:
        record(admin, "cohort.changed", "cohort", cohort.id, modules=modules,
               facilitators=sorted(facilitator_ids), changed=changed)
    if examiner_ids is not None:
        set_examiners(cohort, admin, examiner_ids)
    return cohort


def set_examiners(cohort: Cohort, admin: User, examiner_ids: set[int]) -> None:
    """Assign exactly these examiners (users holding the examiner role) to the cohort;
    recorded with the ids added and removed, when any."""
    holders = set(db.session.scalars(select(User.id).where(
        User.id.in_(examiner_ids), User.role_rows.any(role=Role.EXAMINER)))) \
        if examiner_ids else set()
    if holders != examiner_ids:
        raise CohortError(_("Only accounts with the examiner role can examine a cohort."))
    coaches = examiner_ids & {row.user_id for row in cohort.facilitator_rows}
    if coaches:
        names = db.session.scalars(select(User.full_name).where(User.id.in_(coaches)))
        raise CohortError(_("%(names)s cannot both coach and examine this cohort: the seminar "
                            "needs two different assessors.", names=", ".join(sorted(names))))
    have = {row.user_id for row in cohort.examiner_rows}
    added, removed = examiner_ids - have, have - examiner_ids
    if not added and not removed:
        return
    cohort.examiner_rows = [row for row in cohort.examiner_rows if row.user_id not in removed]
    cohort.examiner_rows += [CohortExaminer(user_id=i) for i in sorted(added)]
    db.session.flush()
    record(admin, "cohort.examiners_changed", "cohort", cohort.id, added=sorted(added),
           removed=sorted(removed))


def link_mentor(enrolment: Enrolment, mentor: User | None, admin: User) -> bool:
    """Make MENTOR (None: nobody) the participant's mentor in this cohort; False when that
    is already so. A mentor holds the mentor role and is never the participant."""
    if mentor is not None:
        if mentor.id == enrolment.user_id:
            raise CohortError(_("%(name)s cannot be their own mentor.",
                                name=enrolment.user.full_name))
        if not mentor.has_role(Role.MENTOR):
            raise CohortError(_("%(name)s does not have the mentor role: give it on the "
                                "account's page first.", name=mentor.full_name))
    new_id = mentor.id if mentor is not None else None
    if enrolment.mentor_id == new_id:
        return False
    old_id = enrolment.mentor_id
    enrolment.mentor = mentor
    db.session.flush()
    record(admin, "enrolment.mentor_linked", "enrolment", enrolment.id, mentor=new_id,
           previous=old_id, user=enrolment.user.username)
    return True


def set_closed(cohort: Cohort, admin: User, closed: bool) -> None:
    """Close (read-only for participants, all data kept) or reopen a cohort."""
    cohort.closed = closed
    record(admin, "cohort.closed" if closed else "cohort.reopened", "cohort", cohort.id)
    db.session.flush()


def set_enrolled(cohort: Cohort, user: User, admin: User, enrolled: bool) -> Enrolment:
    """Enrol (again) or unenrol; unenrolling keeps every record and can be undone."""
    row = db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                                    Enrolment.user_id == user.id))
    if row is None:
        row = Enrolment(cohort_id=cohort.id, user_id=user.id)
        db.session.add(row)
    row.unenrolled_at = None if enrolled else utcnow()
    if enrolled and not user.has_role(Role.PARTICIPANT):
        user.set_roles(user.roles | {Role.PARTICIPANT})
    db.session.flush()
    record(admin, "enrolment.enrol" if enrolled else "enrolment.unenrol", "enrolment", row.id,
           user=user.username)
    return row
