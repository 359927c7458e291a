"""Notifications: what happened that someone must act on, listed in the app and, when SMTP is
configured, emailed by the background queue (never inside a request).

A feature calls :func:`notify` where the event happens (a plan sent back, a certificate
issued, a job finished); the row stores the kind, the words that fill its message, and the
endpoint of the page where the person acts, so the message is written in the reader's
language when shown and the link follows the site's routes. Rows with an email to send are
queued once their transaction commits; a rolled-back event sends nothing. Each person can
turn email off per kind (:class:`EmailOptOut`); the in-app list always has everything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from flask import Flask, current_app, has_app_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, relationship
from werkzeug.routing import BuildError

from leans.core import mail, metrics
from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.labels import Labelled
from leans.core.models import Cohort, Role, User, utcnow
from leans.core.urls import absolute_url

log = logging.getLogger("leans.core.notifications")

#: Longest comment or error text a notification keeps (the full text stays on its page).
MAX_DETAIL = 2000
#: Notifications per page of the list.
PAGE_SIZE = 25


class NotificationKind(Labelled):
    # participants
    REVISION_REQUESTED = "revision_requested"
    PLAN_APPROVED = "plan_approved"
    CERTIFICATE_ISSUED = "certificate_issued"
    TEST_OPENED = "test_opened"
    TASK_COMMENTED = "task_commented"
    # facilitators
    PLAN_SUBMITTED = "plan_submitted"
    PLAN_RESUBMITTED = "plan_resubmitted"
    REVIEW_OVERDUE = "review_overdue"
    PARTICIPANT_STUCK = "participant_stuck"
    # administrators
    JOB_FINISHED = "job_finished"
    JOB_FAILED = "job_failed"
    # the change project's full path
    ENDORSEMENT_REQUESTED = "endorsement_requested"
    SEMINAR_SCHEDULED = "seminar_scheduled"
    SEMINAR_READY = "seminar_ready"
    MODERATION_NEEDED = "moderation_needed"
    MILESTONE_REPORTED = "milestone_reported"
    MILESTONE_RETURNED = "milestone_returned"
    FOLLOW_UP_DUE = "follow_up_due"


#: The kinds each role can receive: the settings page offers these.
KINDS_BY_ROLE: dict[Role, tuple[NotificationKind, ...]] = {
    Role.PARTICIPANT: (NotificationKind.REVISION_REQUESTED, NotificationKind.PLAN_APPROVED,
                       NotificationKind.CERTIFICATE_ISSUED, NotificationKind.TEST_OPENED,
                       NotificationKind.TASK_COMMENTED, NotificationKind.SEMINAR_SCHEDULED,
                       NotificationKind.MILESTONE_RETURNED, NotificationKind.FOLLOW_UP_DUE),
    Role.FACILITATOR: (NotificationKind.PLAN_SUBMITTED, NotificationKind.PLAN_RESUBMITTED,
                       NotificationKind.REVIEW_OVERDUE, NotificationKind.PARTICIPANT_STUCK,
                       NotificationKind.SEMINAR_SCHEDULED, NotificationKind.SEMINAR_READY,
                       NotificationKind.MODERATION_NEEDED, NotificationKind.MILESTONE_REPORTED,
                       NotificationKind.ENDORSEMENT_REQUESTED),
    Role.ADMIN: (NotificationKind.JOB_FINISHED, NotificationKind.JOB_FAILED),
    Role.MENTOR: (NotificationKind.ENDORSEMENT_REQUESTED, NotificationKind.SEMINAR_SCHEDULED,
                  NotificationKind.MILESTONE_REPORTED, NotificationKind.FOLLOW_UP_DUE),
    Role.EXAMINER: (NotificationKind.SEMINAR_SCHEDULED, NotificationKind.SEMINAR_READY,
                    NotificationKind.MODERATION_NEEDED),
}

#: Kinds shown on every page until read, with their detail (the facilitator's comment).
URGENT = frozenset({NotificationKind.REVISION_REQUESTED, NotificationKind.MILESTONE_RETURNED})

#: The message of each kind; ``subject`` is a person or module, ``cohort`` the cohort's name.
MESSAGES = {
    NotificationKind.REVISION_REQUESTED: _l(
        "Your action plan in %(cohort)s was sent back for revision."),
    NotificationKind.PLAN_APPROVED: _l("Your action plan in %(cohort)s was approved."),
    NotificationKind.CERTIFICATE_ISSUED: _l(
        "Your certificate for %(cohort)s has been issued: you can download it."),
    NotificationKind.TEST_OPENED: _l(
        "The post-test of %(subject)s is open: you have read every lesson."),
    NotificationKind.TASK_COMMENTED: _l(
        "A facilitator commented on your answer to the task %(subject)s (%(cohort)s)."),
    NotificationKind.PLAN_SUBMITTED: _l(
        "%(subject)s submitted an action plan for review (%(cohort)s)."),
    NotificationKind.PLAN_RESUBMITTED: _l(
        "%(subject)s resubmitted a revised action plan (%(cohort)s)."),
    NotificationKind.REVIEW_OVERDUE: _l(
        "The action plan of %(subject)s has waited %(days)s days for review (%(cohort)s)."),
    NotificationKind.PARTICIPANT_STUCK: _l(
        "%(subject)s has made no progress for %(days)s days (%(cohort)s)."),
    NotificationKind.JOB_FINISHED: _l("The background job for %(cohort)s has finished."),
    NotificationKind.JOB_FAILED: _l("The background job for %(cohort)s failed."),
    NotificationKind.ENDORSEMENT_REQUESTED: _l(
        "%(subject)s asks you, as mentor, to endorse their action plan (%(cohort)s)."),
    NotificationKind.SEMINAR_SCHEDULED: _l(
        "A seminar on the action plan of %(subject)s has been scheduled (%(cohort)s)."),
    NotificationKind.SEMINAR_READY: _l(
        "The action plan of %(subject)s is ready to be scored at its seminar (%(cohort)s)."),
    NotificationKind.MODERATION_NEEDED: _l(
        "The two seminar scores for %(subject)s differ too much: moderation is needed "
        "(%(cohort)s)."),
    NotificationKind.MILESTONE_REPORTED: _l(
        "%(subject)s reported a milestone as carried out: please confirm or return it "
        "(%(cohort)s)."),
    NotificationKind.MILESTONE_RETURNED: _l(
        "Your mentor returned the milestone %(subject)s with a comment (%(cohort)s)."),
    NotificationKind.FOLLOW_UP_DUE: _l(
        "The %(days)s-month follow-up check-in on the action plan of %(subject)s is due "
        "(%(cohort)s)."),
}


class EmailState(Labelled):
    SKIPPED = "skipped"  # no SMTP, no address, or turned off by the person
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key"),
                      Index("ix_notifications_user_unread", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who it is for.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(code_type(NotificationKind, 32))
    #: The cohort it concerns, if any (its name goes into the message).
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    #: The person or module the message names.
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: Numbers the message names (``days``).
    numbers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: A comment or error message shown with it.
    detail: Mapped[str] = mapped_column(Text, default="")
    #: The page where the person acts: an endpoint and its URL values.
    endpoint: Mapped[str] = mapped_column(String(100))
    endpoint_values: Mapped[dict] = mapped_column(JSON, default=dict)
    #: What it is about (``plan:12``): acting on it there marks it read (:func:`resolve`).
    topic: Mapped[str | None] = mapped_column(String(100), index=True)
    #: Sent once per key and person (reminders that repeat daily).
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email_state: Mapped[EmailState] = mapped_column(code_type(EmailState, 16),
                                                    default=EmailState.SKIPPED)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    cohort: Mapped[Cohort | None] = relationship()

    @property
    def message(self) -> str:
        """The message in the current language."""
        return str(MESSAGES[self.kind]) % {
            "subject": self.subject, "cohort": self.cohort.name if self.cohort else "",
            "days": self.numbers.get("days", "")}

    @property
    def link(self) -> str:
        """The path of the page where the person acts (the dashboard if it is gone)."""
        try:
            return url_for(self.endpoint, **self.endpoint_values)
        except BuildError:
            return url_for("dashboard.index")


class EmailOptOut(db.Model):
    """A kind of notification the person does not want by email."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(code_type(NotificationKind, 32))


def _wants_email(user: User, kind: NotificationKind) -> bool:
    if not (mail.enabled() and user.email and user.active):
        return False
    return db.session.scalar(select(EmailOptOut.id).where(
        EmailOptOut.user_id == user.id, EmailOptOut.kind == kind)) is None


def notify(user: User, kind: NotificationKind, endpoint: str,
           endpoint_values: Mapping[str, object] | None = None, *, subject: str = "",
           cohort: Cohort | None = None, detail: str = "", days: int | None = None,
           topic: str | None = None, dedupe_key: str | None = None,
           at: dt.datetime | None = None) -> Notification | None:
    """Record a notification for USER at AT (now by default; flushed, the caller commits).
    With DEDUPE_KEY, a second one with the same key is not recorded (None)."""
    if dedupe_key is not None and db.session.scalar(select(Notification.id).where(
            Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)):
        return None
    notification = Notification(
        user_id=user.id, kind=kind, cohort_id=cohort.id if cohort else None,
        subject=subject[:300], detail=(detail or "")[:MAX_DETAIL], endpoint=endpoint,
        endpoint_values=dict(endpoint_values or {}),
        numbers={"days": days} if days is not None else {}, topic=topic,
        dedupe_key=dedupe_key, created_at=at or utcnow(),
        email_state=EmailState.PENDING if _wants_email(user, kind) else EmailState.SKIPPED)
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:  # the same reminder recorded at the same moment elsewhere
        return None
    metrics.notification_sent("in_app", kind)
    return notification


def notify_all(users: Iterable[User], kind: NotificationKind, endpoint: str,
               endpoint_values: Mapping[str, object] | None = None,
               **fields: object) -> int:
    """:func:`notify` each of USERS; how many were recorded."""
    return sum(notify(user, kind, endpoint, endpoint_values, **fields) is not None  # type: ignore[arg-type]
               for user in users)


def resolve(topic: str, kinds: Iterable[NotificationKind], now: dt.datetime,
            user: User | None = None) -> None:
    """Someone acted on TOPIC: its unread notifications of KINDS (USER's only, if given) are
    read now, so no one is sent to do what is done (a revision resubmitted, a plan taken
    for review by another facilitator)."""
    condition = [Notification.topic == topic, Notification.read_at.is_(None),
                 Notification.kind.in_(list(kinds))]
    if user is not None:
        condition.append(Notification.user_id == user.id)
    db.session.execute(update(Notification).where(*condition).values(read_at=now))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def newest_urgent(user: User) -> Notification | None:
    """The newest unread notification of a kind shown on every page (:data:`URGENT`)."""
    return db.session.scalar(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None),
                                   Notification.kind.in_(list(URGENT)))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(1))


def page_of(user: User, page: int) -> tuple[list[Notification], int]:
    """One page of the user's notifications, newest first, and the number of pages."""
    total = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), pages


def mark_read(notifications: Iterable[Notification], now: dt.datetime) -> None:
    for notification in notifications:
        if notification.read_at is None:
            notification.read_at = now
    db.session.flush()


def mark_all_read(user: User, now: dt.datetime) -> int:
    """Every unread notification of USER marked read; how many."""
    unread = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))))
    mark_read(unread, now)
    return len(unread)


def kinds_for(user: User) -> list[NotificationKind]:
    """The kinds USER can receive, by their roles."""
    return [kind for role, kinds in KINDS_BY_ROLE.items() if user.has_role(role)
            for kind in kinds]


def email_opt_outs(user: User) -> set[NotificationKind]:
    return set(db.session.scalars(select(EmailOptOut.kind).where(
        EmailOptOut.user_id == user.id)))


def set_email_kinds(user: User, wanted: Iterable[NotificationKind]) -> None:
    """Email USER exactly the kinds in WANTED (of those their roles receive)."""
    wanted = set(wanted)
    current = {row.kind: row for row in db.session.scalars(
        select(EmailOptOut).where(EmailOptOut.user_id == user.id))}
    for kind in kinds_for(user):
        if kind in wanted and kind in current:
            db.session.delete(current[kind])
        elif kind not in wanted and kind not in current:
            db.session.add(EmailOptOut(user_id=user.id, kind=kind))
    db.session.flush()


def email_text(notification: Notification) -> tuple[str, str]:
    """The subject and body of NOTIFICATION's email, in the current language."""
    user = notification.user
    lines = [_("Dear %(name)s,", name=user.full_name), "", notification.message]
    if notification.detail:
        lines += ["", notification.detail]
    lines += ["", _("Open it in LEANS LMS:"), absolute_url(notification.link), "",
              _("You receive this email because of your LEANS LMS notification settings; "
                "change them here:"), absolute_url(url_for("notifications.settings")), "",
              "BKPP Kabupaten Bojonegoro"]
    subject = " ".join(f"LEANS LMS: {notification.message}".split())  # never a line break
    return subject, "\n".join(lines) + "\n"


def send_email(notification_id: int) -> None:
    """The queue's task: send one notification's email, once, and record how it went."""
    # Claimed atomically: two workers given the same id never both send it.
    claimed = db.session.execute(
        update(Notification).where(Notification.id == notification_id,
                                   Notification.email_state == EmailState.PENDING)
        .values(email_state=EmailState.SENT, emailed_at=utcnow())).rowcount
    db.session.commit()
    notification = db.session.get(Notification, notification_id)
    if not claimed or notification is None:
        return
    if not mail.enabled():  # SMTP removed from the settings since: nothing to send with
        notification.email_state = EmailState.SKIPPED
        db.session.commit()
        return
    with current_app.test_request_context(base_url=absolute_url("/")), \
            force_locale(notification.user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = email_text(notification)
    if not mail.send(notification.user.email or "", subject, body):
        notification.email_state = EmailState.FAILED
        db.session.commit()
    else:
        metrics.notification_sent("email", notification.kind)


def requeue_unsent(now: dt.datetime, older_than: dt.timedelta = dt.timedelta(minutes=15)) -> int:
    """Queue again the emails still waiting after OLDER_THAN (the queue was down when their
    event committed); how many."""
    ids = list(db.session.scalars(select(Notification.id).where(
        Notification.email_state == EmailState.PENDING,
        Notification.created_at < now - older_than)))
    enqueue = current_app.extensions["leans.send_notification_email"]
    for notification_id in ids:
        enqueue(notification_id)
    return len(ids)


_QUEUED = "leans.notifications.unsent"


def _collect_unsent(session: Session, _context: object) -> None:
    for obj in session.new:
        if isinstance(obj, Notification) and obj.email_state is EmailState.PENDING:
            session.info.setdefault(_QUEUED, []).append(obj.id)


def _enqueue_unsent(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction may still fail
        return
    ids = session.info.pop(_QUEUED, [])
    if ids and has_app_context():
        enqueue = current_app.extensions["leans.send_notification_email"]
        for notification_id in ids:
            try:
                enqueue(notification_id)
            except Exception as error:  # the queue is down: the row stays pending, swept later
                log.warning("email of notification %s not queued (%s); the daily run queues "
                            "it again", notification_id, error)


def _forget_unsent(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:  # a savepoint rolled back keeps what was flushed before it
        session.info.pop(_QUEUED, None)


def _template_globals() -> dict:
    """``unread_notifications()`` and ``urgent_notification()`` for the page header, each
    asked once per request."""
    from flask import g
    from flask_login import current_user

    def unread_notifications() -> int:
        if "leans_unread" not in g:
            g.leans_unread = unread_count(current_user) if current_user.is_authenticated else 0
        return g.leans_unread

    def urgent_notification() -> Notification | None:
        return newest_urgent(current_user) if unread_notifications() else None

    return {"unread_notifications": unread_notifications,
            "urgent_notification": urgent_notification}


def init_app(app: Flask) -> None:
    app.context_processor(_template_globals)
    app.extensions["leans.send_notification_email"] = \
        app.extensions["leans.queue"].task("leans.send_notification_email")(send_email)
    if not event.contains(Session, "after_flush", _collect_unsent):
        event.listen(Session, "after_flush", _collect_unsent)
        event.listen(Session, "after_commit", _enqueue_unsent)
        event.listen(Session, "after_soft_rollback", _forget_unsent)
