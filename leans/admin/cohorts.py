"""Running cohorts: saving a cohort's settings, closing and reopening it, enrolling and
unenrolling people; every change audited. The functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from sqlalchemy import select

from leans.core.audit import record
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User, utcnow


class CohortError(ValueError):
    """A change that cannot be made; the message says why."""


def module_order(known: Sequence[str], chosen: Sequence[str],
                 positions: Mapping[str, str]) -> list[str]:
    """The chosen modules that exist, in the order the admin numbered them (unnumbered ones
    last, in the catalogue's order)."""
    def position(slug: str) -> tuple[int, int]:
        raw = positions.get(slug, "")
        return (int(raw) if raw.isdigit() else 999, known.index(slug))

    return sorted((slug for slug in chosen if slug in known), key=position)


def save_cohort(cohort: Cohort | None, admin: User, *, fields: Mapping[str, object],
                modules: list[str], facilitator_ids: set[int]) -> Cohort:
    """Create (``cohort`` None) or change a cohort: its fields, modules in order, and
    facilitators."""
    taken = db.session.scalar(select(Cohort.id).where(Cohort.slug == fields["slug"]))
    if taken and (cohort is None or taken != cohort.id):
        raise CohortError(_("This slug is already used by another cohort."))
    if not modules:
        raise CohortError(_("Choose at least one module."))
    new = cohort is None
    cohort = cohort or Cohort()
    for name, value in fields.items():
        setattr(cohort, name, value)
    if cohort.module_slugs != modules:
        cohort.set_modules(modules)
    cohort.facilitator_rows = [row for row in cohort.facilitator_rows
                               if row.user_id in facilitator_ids]
    have = {row.user_id for row in cohort.facilitator_rows}
    cohort.facilitator_rows += [CohortFacilitator(user_id=i) for i in facilitator_ids - have]
    db.session.add(cohort)
    db.session.flush()
    record(admin, "cohort.created" if new else "cohort.changed", "cohort", cohort.id,
           modules=modules, facilitators=sorted(facilitator_ids))
    return cohort


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
