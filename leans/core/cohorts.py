"""Which cohorts a user belongs to, and who is in a cohort: queries. Who may see or do what
is decided in ``leans.core.permissions``."""

from __future__ import annotations

import datetime as dt

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.labels import Labelled
from leans.core.models import (
    Cohort,
    CohortExaminer,
    CohortFacilitator,
    Enrolment,
    Role,
    User,
    UserRole,
)


class CohortStatus(Labelled):
    """Where a cohort stands, from its dates; a closed cohort is closed whatever its dates."""

    PLANNED = "planned"
    RUNNING = "running"
    FINISHED = "finished"
    CLOSED = "closed"


def cohort_status(cohort: Cohort, today: dt.date | None = None) -> CohortStatus:
    """Planned before ``starts_on``, running through ``ends_on``, finished after; closed when
    closed. ``today`` defaults to today where LEANS runs."""
    if cohort.closed:
        return CohortStatus.CLOSED
    today = today or local_today()
    if today < cohort.starts_on:
        return CohortStatus.PLANNED
    if today > cohort.ends_on:
        return CohortStatus.FINISHED
    return CohortStatus.RUNNING


def facilitated_cohorts(user: User) -> list[Cohort]:
    """Cohorts the user facilitates, newest first."""
    return list(db.session.scalars(
        select(Cohort).join(CohortFacilitator)
        .where(CohortFacilitator.user_id == user.id)
        .order_by(Cohort.starts_on.desc())
    ))


def cohort_facilitators(cohort: Cohort) -> list[User]:
    """The facilitators of a cohort who can act as such now (active accounts that still hold
    the facilitator role), by name."""
    return list(db.session.scalars(
        select(User).join(CohortFacilitator, CohortFacilitator.user_id == User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.FACILITATOR))
        .where(CohortFacilitator.cohort_id == cohort.id, User.active.is_(True))
        .order_by(User.full_name)))


def cohort_examiners(cohort: Cohort) -> list[User]:
    """The examiners assigned to a cohort who can act as such now, by name."""
    return list(db.session.scalars(
        select(User).join(CohortExaminer, CohortExaminer.user_id == User.id)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.EXAMINER))
        .where(CohortExaminer.cohort_id == cohort.id, User.active.is_(True))
        .order_by(User.full_name)))


def examined_cohorts(user: User) -> list[Cohort]:
    """Cohorts whose seminars the user examines, newest first."""
    return list(db.session.scalars(
        select(Cohort).join(CohortExaminer)
        .where(CohortExaminer.user_id == user.id)
        .order_by(Cohort.starts_on.desc())))


def is_examiner_of(user: User, cohort: Cohort) -> bool:
    """Whether USER is an assigned examiner of COHORT (and still holds the role)."""
    return user.has_role(Role.EXAMINER) and _assigned(CohortExaminer, user, cohort)


def mentee_enrolments(user: User) -> list[Enrolment]:
    """The active enrolments whose participant USER mentors, newest cohort first."""
    return list(db.session.scalars(
        select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.mentor_id == user.id, Enrolment.unenrolled_at.is_(None))
        .options(selectinload(Enrolment.user), selectinload(Enrolment.cohort))
        .order_by(Cohort.starts_on.desc(), Enrolment.id)))


def all_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.starts_on.desc())))


def staff_cohorts(user: User) -> list[Cohort]:
    """The cohorts a facilitator or admin works on: all for admins, else those facilitated."""
    return all_cohorts() if user.has_role(Role.ADMIN) else facilitated_cohorts(user)


def is_enrolled(user: User, cohort: Cohort) -> bool:
    return active_enrolment(user, cohort) is not None


def is_facilitator_of(user: User, cohort: Cohort) -> bool:
    """Whether USER facilitates COHORT."""
    return _assigned(CohortFacilitator, user, cohort)


def _assigned(link: type[CohortFacilitator] | type[CohortExaminer], user: User,
              cohort: Cohort) -> bool:
    """Whether a LINK row (facilitator, examiner) ties USER to COHORT; asked once per request,
    link and pair (a page of answers asks it for every row)."""
    known = g.setdefault("leans_assigned", {}) if has_request_context() else {}
    key = (link.__tablename__, user.id, cohort.id)
    if key not in known:
        known[key] = db.session.scalar(select(link.id).where(
            link.user_id == user.id, link.cohort_id == cohort.id)) is not None
    return known[key]


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
