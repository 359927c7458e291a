"""Which cohorts a user belongs to, and who may see a cohort."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from leans.extensions import db
from leans.models import Cohort, CohortFacilitator, Enrolment, Role, User


def facilitated_cohorts(user: User) -> list[Cohort]:
    """Cohorts the user facilitates, newest first."""
    return list(db.session.scalars(
        select(Cohort).join(CohortFacilitator)
        .where(CohortFacilitator.user_id == user.id)
        .order_by(Cohort.starts_on.desc())
    ))


def all_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc())))


def is_enrolled(user: User, cohort: Cohort) -> bool:
    return active_enrolment(user, cohort) is not None


def is_facilitator_of(user: User, cohort: Cohort) -> bool:
    return db.session.scalar(
        select(CohortFacilitator.id).where(
            CohortFacilitator.user_id == user.id, CohortFacilitator.cohort_id == cohort.id
        )
    ) is not None


def can_view_cohort(user: User, cohort: Cohort) -> bool:
    """Admins see every cohort; facilitators their own; participants the one they are in."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    if user.has_role(Role.FACILITATOR) and is_facilitator_of(user, cohort):
        return True
    return user.has_role(Role.PARTICIPANT) and is_enrolled(user, cohort)


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Facilitators of the cohort and admins may see its participants' work."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.FACILITATOR) and is_facilitator_of(user, cohort)


def get_cohort_or_404(slug: str, for_user: User) -> Cohort:
    """Load a cohort the user may see; 404 for others, so slugs reveal nothing."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None or not can_view_cohort(for_user, cohort):
        abort(404)
    return cohort


def active_participants(cohort: Cohort) -> list[User]:
    """Enrolled participants of a cohort, by name."""
    return list(db.session.scalars(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None))
        .order_by(User.full_name)
    ))


def active_enrolment(user: User, cohort: Cohort) -> Enrolment | None:
    """The user's current enrolment in the cohort, if any."""
    return db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.cohort_id == cohort.id,
        Enrolment.unenrolled_at.is_(None)))
