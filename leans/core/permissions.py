"""Who may do what: every permission question of LEANS answered in this one module.

Named predicates (``can_*``) take the user and the object and return a bool; views call
them, and templates call the same functions (registered as template globals by
:func:`init_app`). Load-and-check helpers (``*_or_404``) answer 404 for objects a user may
not see, so identifiers reveal nothing. ``role_required`` is the one role decorator.

The predicates read the objects' attributes only (``plan.enrolment.cohort``), so core needs
no import of the features whose objects it judges.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from flask import Blueprint, Flask, abort
from flask_login import current_user, login_required
from sqlalchemy import select

from leans.core.cohorts import (
    active_enrolment,
    is_enrolled,
    is_examiner_of,
    is_facilitator_of,
)
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role, User
from leans.core.notifications import Notification


class EnrolmentRecord(Protocol):
    """Anything that belongs to one enrolment: a quiz attempt, an action plan, a
    certificate."""

    enrolment: Enrolment


class PlanPart(Protocol):
    """Anything that belongs to one action plan: an evidence file."""

    plan: EnrolmentRecord


class Attempt(EnrolmentRecord, Protocol):
    @property
    def is_open(self) -> bool: ...


class Answer(EnrolmentRecord, Protocol):
    """An answer to a lesson's task: sent, or still a draft (``submitted`` False)."""

    @property
    def submitted(self) -> bool: ...


def role_required(*roles: Role) -> Callable:
    """Require a logged-in user holding at least one of ``roles`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            # login_required lets OPTIONS through unauthenticated: refuse it here, not 500.
            if not current_user.is_authenticated or not current_user.roles & set(roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def restrict_blueprint(blueprint: Blueprint, *roles: Role) -> None:
    """Every route of BLUEPRINT needs one of ROLES (its pages share one door)."""

    @blueprint.before_request
    @role_required(*roles)
    def _door() -> None:
        """Runs before each of the blueprint's views."""


# Cohorts ------------------------------------------------------------------------------------
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
    if not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.FACILITATOR) and is_facilitator_of(user, cohort)


def can_administer(user: User) -> bool:
    """BKPP administrators: cohorts, imports, accounts, certificates, reports."""
    return user.is_authenticated and user.has_role(Role.ADMIN)


def is_participant(user: User) -> bool:
    """Participants: their own trainings, tests, plans and certificates."""
    return user.is_authenticated and user.has_role(Role.PARTICIPANT)


def is_facilitator(user: User) -> bool:
    """Facilitators (coaches): their cohorts' participants and plans."""
    return user.is_authenticated and user.has_role(Role.FACILITATOR)


def is_staff(user: User) -> bool:
    """Facilitators and admins: the grading queue, the tracker, cohort reports."""
    return user.is_authenticated and bool(user.roles & {Role.FACILITATOR, Role.ADMIN})


def can_change(cohort: Cohort | None) -> bool:
    """Whether participants' records in the cohort may still change: a closed cohort is
    read-only (everything stays readable)."""
    return cohort is not None and not cohort.closed


def can_administer_account(admin: User, person: User) -> bool:
    """An admin may deactivate, reset, unlock or demote accounts, but not their own here
    (whoever holds an admin's session must not lock the admin out or get endless password
    guesses at it)."""
    return can_administer(admin) and admin.id != person.id


# Participants' records -------------------------------------------------------------------
def owns(user: User, record: EnrolmentRecord) -> bool:
    """The record is the user's own (their enrolment)."""
    return user.is_authenticated and record.enrolment.user_id == user.id


def can_grade(user: User, plan: EnrolmentRecord) -> bool:
    """Facilitators of the plan's cohort, and admins; never one's own plan."""
    return can_manage_cohort(user, plan.enrolment.cohort) and not owns(user, plan)


# The change project's full path ----------------------------------------------------------
def is_mentor_of(user: User, enrolment: Enrolment) -> bool:
    """The participant's linked mentor, still holding the mentor role."""
    return (user.is_authenticated and enrolment.mentor_id == user.id
            and user.has_role(Role.MENTOR))


def mentor_can_act(enrolment: Enrolment) -> bool:
    """A mentor is linked to the participant, active and still holding the mentor role:
    otherwise a coach of the cohort (or an admin) acts in the mentor's place."""
    mentor = enrolment.mentor
    return mentor is not None and mentor.active and mentor.has_role(Role.MENTOR)


def _open_record(plan: EnrolmentRecord) -> bool:
    """The plan's participant is still enrolled and the cohort open: its work may change."""
    return plan.enrolment.unenrolled_at is None and can_change(plan.enrolment.cohort)


def can_read_plan(user: User, plan: EnrolmentRecord) -> bool:
    """The participant, the mentor, the cohort's coaches and examiners, and admins."""
    if not user.is_authenticated:
        return False
    return (owns(user, plan) or can_grade(user, plan) or is_mentor_of(user, plan.enrolment)
            or is_examiner_of(user, plan.enrolment.cohort))


def can_endorse(user: User, plan: EnrolmentRecord) -> bool:
    """The mentor endorses (or returns) the plan of their mentee; when no mentor can act
    (none linked, inactive, no longer a mentor), a coach of the cohort or an admin does, so
    no plan waits for nobody. Never one's own; while enrolled and the cohort open."""
    if owns(user, plan) or not _open_record(plan):
        return False
    if mentor_can_act(plan.enrolment):
        return is_mentor_of(user, plan.enrolment)
    return can_grade(user, plan)


def can_confirm_milestones(user: User, plan: EnrolmentRecord) -> bool:
    """The mentor confirms or returns the milestones their mentee reports; when the
    participant has no mentor who can act (none linked, or the account is inactive or no
    longer a mentor), a coach of the cohort does. Never one's own; while the cohort is open."""
    if owns(user, plan) or not _open_record(plan):
        return False
    if mentor_can_act(plan.enrolment):
        return is_mentor_of(user, plan.enrolment)
    return can_score_as_coach(user, plan)  # defined below; looked up when called


def can_read_evidence(user: User, evidence_file: PlanPart) -> bool:
    """An evidence file of a milestone report: whoever may read its plan."""
    return can_read_plan(user, evidence_file.plan)


def can_score_as_examiner(user: User, plan: EnrolmentRecord) -> bool:
    """An assigned examiner of the plan's cohort, never on their own plan."""
    return (is_examiner_of(user, plan.enrolment.cohort) and not owns(user, plan)
            and _open_record(plan))


def can_score_as_coach(user: User, plan: EnrolmentRecord) -> bool:
    """A facilitator (coach) of the plan's cohort; admins schedule but do not score."""
    return (user.is_authenticated and user.has_role(Role.FACILITATOR)
            and is_facilitator_of(user, plan.enrolment.cohort) and not owns(user, plan)
            and _open_record(plan))


def can_schedule_seminar(user: User, plan: EnrolmentRecord) -> bool:
    """Coaches of the cohort and admins record when and where a seminar takes place."""
    return can_grade(user, plan) and _open_record(plan)


def can_report_milestones(user: User, plan: EnrolmentRecord) -> bool:
    """The participant reports milestones and follow-ups on their own plan, also after the
    training's dates (follow-ups come months later), until an admin closes the cohort."""
    return owns(user, plan) and _open_record(plan)


def can_read_attempt(user: User, attempt: Attempt) -> bool:
    """The participant's own attempt; staff of the cohort once it is submitted."""
    if owns(user, attempt):
        return True
    return not attempt.is_open and can_manage_cohort(user, attempt.enrolment.cohort)


def can_answer_attempt(user: User, attempt: Attempt) -> bool:
    """Only the participant answers their own attempt (staff may read, never answer)."""
    return owns(user, attempt)


def can_answer_task(user: User, enrolment: Enrolment) -> bool:
    """Only the participant answers the tasks of their own training, and only while its
    cohort is open (staff read answers, never write them)."""
    return (user.is_authenticated and enrolment.user_id == user.id
            and enrolment.unenrolled_at is None and can_change(enrolment.cohort))


def can_read_task_answer(user: User, answer: Answer) -> bool:
    """The participant's own answer, drafts included; facilitators of the cohort and admins
    once it is sent (drafts stay private)."""
    if owns(user, answer):
        return True
    return answer.submitted and can_manage_cohort(user, answer.enrolment.cohort)


def can_comment_on_task(user: User, answer: Answer) -> bool:
    """Facilitators of the cohort and admins, on a sent answer, while the cohort is open;
    never on one's own answer."""
    return (can_read_task_answer(user, answer) and not owns(user, answer)
            and can_change(answer.enrolment.cohort))


def can_download_certificate(user: User, certificate: EnrolmentRecord) -> bool:
    """The holder and BKPP administrators."""
    return owns(user, certificate) or can_administer(user)


def can_read_notification(user: User, notification: Notification) -> bool:
    """A notification is its recipient's alone (admins included)."""
    return notification.user_id == user.id


# Load and check ------------------------------------------------------------------------------
def get_notification_or_404(notification_id: int, for_user: User) -> Notification:
    """The user's own notification; 404 for anyone else's."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can_read_notification(for_user, notification):
        abort(404)
    return notification


def get_cohort_or_404(slug: str, for_user: User) -> Cohort:
    """Load a cohort the user may see; 404 for others, so slugs reveal nothing."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None or not can_view_cohort(for_user, cohort):
        abort(404)
    return cohort


def get_own_enrolment_or_404(cohort_slug: str, user: User) -> tuple[Cohort, Enrolment]:
    """A cohort the user is enrolled in, with the enrolment (their own training pages: plan,
    tasks); 404 for anyone not enrolled."""
    cohort = get_cohort_or_404(cohort_slug, for_user=user)
    enrolment = active_enrolment(user, cohort)
    if enrolment is None:
        abort(404)
    return cohort, enrolment


def get_managed_cohort_or_404(slug: str, for_user: User) -> Cohort:
    """A cohort the user facilitates or administers: 404 when they may not see it, 403 for
    its own participants."""
    cohort = get_cohort_or_404(slug, for_user=for_user)
    if not can_manage_cohort(for_user, cohort):
        abort(403)
    return cohort


def init_app(app: Flask) -> None:
    """Templates ask the same questions as views."""
    predicates = (can_view_cohort, can_manage_cohort, can_administer, is_participant,
                  is_facilitator, is_staff,
                  can_change, can_grade, can_read_attempt, can_answer_attempt,
                  can_answer_task, can_read_task_answer, can_comment_on_task,
                  can_download_certificate, can_read_plan, can_endorse,
                  can_confirm_milestones, can_score_as_examiner, can_score_as_coach,
                  can_schedule_seminar, can_report_milestones, can_read_evidence)
    app.jinja_env.globals.update({predicate.__name__: predicate for predicate in predicates})


def can_download_module_offline(user: User, enrolment: Enrolment | None) -> bool:
    """A participant stores the modules of their own active training on the device to read
    offline; staff previews and other people's trainings never."""
    return (enrolment is not None and enrolment.user_id == user.id
            and enrolment.unenrolled_at is None)
