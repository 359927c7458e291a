"""Notifications end to end: the events that create them, the list and its count in the header,
the banner that shows a sent-back plan's comment on the next page, opening and marking read,
per-kind email settings, and the emails themselves through a real SMTP server (aiosmtpd),
sent by the queue after the transaction commits, never inside the request."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import event, select, update

from leans.certificates.issuing import candidate_for, issue_batch
from leans.certificates.jobs import run
from leans.certificates.models import BulkJob, JobKind, JobStatus
from leans.core.extensions import db
from leans.core.models import User
from leans.core.notifications import (
    EmailState,
    Notification,
    NotificationKind,
    email_opt_outs,
    notify,
    set_email_kinds,
)
from tests.fixtures.certificates import MODULE
from tests.fixtures.plans import BEST, COMPLETE
from tests.fixtures.web import fetch_csrf_token, post_with_csrf, visible_text

COMMENT = "Tambahkan data baseline dari DTSEN untuk desa Nganti, bukan perkiraan."


def notifications_of(username: str) -> list[Notification]:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def give_emails(*usernames: str) -> None:
    for name in usernames:
        db.session.execute(update(User).where(User.username == name)
                           .values(email=f"{name}@contoh.go.id"))
    db.session.commit()


def send_back(plan, grader_client, grade_form) -> None:
    """The grader (already reviewing) asks for a revision with COMMENT."""
    response = grade_form(plan.id, grader_client, plan.state_version, BEST,
                          decision="request_revision", overall_comment=COMMENT)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_sent_back_plan_reaches_the_participant_on_the_next_page_and_by_email(
        plan_people, mail_app, smtp_server, logged_in, post_plan, the_plan, grade_form,
        auth_for):
    give_emails("peserta", "fasil", "fasil2")
    mapp = mail_app(smtp_server.port)
    participant = logged_in("peserta", app=mapp)
    assert post_plan(participant, "k", COMPLETE, "submit").status_code == 302
    # Both facilitators of the cohort are told, in the app and by mail, with a link to grade.
    plan = the_plan()
    for facilitator in ("fasil", "fasil2"):
        [told] = notifications_of(facilitator)
        assert told.kind is NotificationKind.PLAN_SUBMITTED and told.email_state is EmailState.SENT
        [mail] = smtp_server.to(f"{facilitator}@contoh.go.id")
        assert "Peserta Satu" in mail.message["Subject"]
        assert f"/grading/plans/{plan.id}" in mail.body
    grader = logged_in("fasil", app=mapp)
    post_with_csrf(grader, f"/grading/plans/{plan.id}/start",
                   {"state_version": plan.state_version}, token_page=f"/grading/plans/{plan.id}")
    # Fasil took it: the request to grade is done for fasil2 too.
    assert all(n.read_at is not None for n in notifications_of("fasil2"))
    send_back(the_plan(), grader, grade_form)

    # The next page the participant opens, whatever it is, shows the comment and a way there.
    page = participant.get("/learn/k/").get_data(as_text=True)
    text = visible_text(page)
    assert "direvisi" in text or "revision" in text
    assert COMMENT in text
    assert re.search(r'Notifikasi <span class="count">1', page)
    # And their mail, in Bahasa Indonesia, with the comment and the full address of the plan.
    [mail] = smtp_server.to("peserta@contoh.go.id")
    assert "dikembalikan untuk direvisi" in mail.message["Subject"]
    assert COMMENT in mail.body and "http://localhost/learn/k/plan" in mail.body
    assert "http://localhost/notifications/settings" in mail.body

    # Opening it marks it read and lands on the plan; the banner and the count are gone.
    [notification] = notifications_of("peserta")
    response = post_with_csrf(participant, f"/notifications/{notification.id}/open", {},
                              token_page="/notifications/")
    assert response.status_code == 302 and response.headers["Location"] == "/learn/k/plan"
    page = participant.get("/learn/k/").get_data(as_text=True)
    assert COMMENT not in visible_text(page) and 'class="count"' not in page
    assert notifications_of("peserta")[0].read_at is not None

    # A resubmission tells the facilitators it is a revised plan; approval tells the participant.
    assert post_plan(participant, "k", COMPLETE, "submit").status_code == 302
    assert notifications_of("fasil")[-1].kind is NotificationKind.PLAN_RESUBMITTED
    plan = the_plan()
    post_with_csrf(grader, f"/grading/plans/{plan.id}/start",
                   {"state_version": plan.state_version}, token_page=f"/grading/plans/{plan.id}")
    plan = the_plan()
    assert grade_form(plan.id, grader, plan.state_version, BEST,
                      decision="approve").status_code == 302
    assert notifications_of("peserta")[-1].kind is NotificationKind.PLAN_APPROVED
    assert "disetujui" in smtp_server.to("peserta@contoh.go.id")[-1].message["Subject"]


def test_an_issued_certificate_tells_its_holder(certificate_cohort, logged_in):
    enrolment = certificate_cohort.enrolments[0]
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    issue_batch([candidate_for(enrolment)], admin)
    db.session.commit()
    [issued] = [n for n in notifications_of(enrolment.user.username)
                if n.kind is NotificationKind.CERTIFICATE_ISSUED]
    client = logged_in(enrolment.user.username)
    page = visible_text(client.get("/notifications/").get_data(as_text=True))
    assert "Sertifikat Anda untuk LEANS Angkatan I sudah terbit" in page


def test_reading_the_last_lesson_opens_the_post_test_once(app, make_user, make_cohort,
                                                          logged_in):
    from leans.content import get_catalogue

    person = make_user(username="pembaca")
    make_cohort("baca", modules=[MODULE], participants=[person])
    client = logged_in("pembaca")
    lessons = [lesson.slug for lesson in get_catalogue().module(MODULE).lessons]
    for slug in lessons:
        assert not [n for n in notifications_of("pembaca")
                    if n.kind is NotificationKind.TEST_OPENED]
        post_with_csrf(client, f"/learn/baca/{MODULE}/{slug}/done", {},
                       token_page=f"/learn/baca/{MODULE}/{slug}")
    post_with_csrf(client, f"/learn/baca/{MODULE}/{lessons[-1]}/done", {},
                   token_page=f"/learn/baca/{MODULE}/{lessons[-1]}")  # again: no second one
    [opened] = [n for n in notifications_of("pembaca") if n.kind is NotificationKind.TEST_OPENED]
    with app.test_request_context():
        assert opened.link == f"/learn/baca/{MODULE}/test/post"


def test_a_finished_or_failed_job_tells_the_admin_who_started_it(app, certificate_cohort,
                                                                monkeypatch):
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    job = BulkJob(cohort_id=certificate_cohort.id, kind=JobKind.ISSUE, status=JobStatus.QUEUED,
                  created_by=admin)
    db.session.add(job)
    db.session.commit()
    run(job)
    [finished] = notifications_of("admin")
    assert finished.kind is NotificationKind.JOB_FINISHED
    with app.test_request_context():
        assert finished.link == f"/admin/jobs/{job.id}"
    failing = BulkJob(cohort_id=certificate_cohort.id, kind=JobKind.EXPORT,
                      status=JobStatus.QUEUED, created_by=admin)
    db.session.add(failing)
    db.session.commit()
    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("leans.certificates.jobs.build_zip", disk_full)
    run(failing)
    assert failing.status is JobStatus.FAILED
    failed = notifications_of("admin")[-1]
    assert failed.kind is NotificationKind.JOB_FAILED and "No space left" in failed.detail


def test_someone_else_s_notification_is_not_found_and_csrf_is_required(plan_people, logged_in):
    owner = plan_people["peserta"]
    notification = notify(owner, NotificationKind.PLAN_APPROVED, "plans.plan",
                          {"cohort_slug": "k"})
    db.session.commit()
    other = logged_in("lain")
    assert post_with_csrf(other, f"/notifications/{notification.id}/open", {},
                          token_page="/notifications/").status_code == 404
    mine = logged_in("peserta")
    assert mine.post(f"/notifications/{notification.id}/open").status_code == 400
    assert notifications_of("peserta")[0].read_at is None


def test_email_can_be_turned_off_per_kind_and_the_list_keeps_everything(
        plan_people, mail_app, smtp_server, logged_in):
    give_emails("peserta")
    mapp = mail_app(smtp_server.port)
    client = logged_in("peserta", app=mapp)
    page = client.get("/notifications/settings").get_data(as_text=True)
    offered = set(re.findall(r'name="email" value="([a-z_]+)"', page))
    assert offered == {"revision_requested", "plan_approved", "certificate_issued",
                       "test_opened", "task_commented", "seminar_scheduled",
                       "milestone_returned", "follow_up_due"}  # a participant's kinds only
    response = client.post("/notifications/settings", data={
        "email": ["plan_approved", "certificate_issued", "test_opened"],
        "csrf_token": fetch_csrf_token(client, "/notifications/settings")})
    assert response.status_code == 302
    with mapp.app_context():
        peserta = db.session.scalar(select(User).where(User.username == "peserta"))
        notify(peserta, NotificationKind.REVISION_REQUESTED, "plans.plan", {"cohort_slug": "k"},
               detail=COMMENT)
        notify(peserta, NotificationKind.PLAN_APPROVED, "plans.plan", {"cohort_slug": "k"})
        db.session.commit()
    [approved] = smtp_server.to("peserta@contoh.go.id")
    assert "disetujui" in approved.message["Subject"]
    states = {n.kind: n.email_state for n in notifications_of("peserta")}
    assert states == {NotificationKind.REVISION_REQUESTED: EmailState.SKIPPED,
                      NotificationKind.PLAN_APPROVED: EmailState.SENT}
    # A kind that is not the person's is refused whole.
    response = client.post("/notifications/settings", data={
        "email": ["job_failed"], "csrf_token": fetch_csrf_token(client, "/notifications/settings")})
    assert response.status_code == 400


def test_the_email_is_queued_after_commit_and_sent_by_the_worker_not_the_request(
        plan_people, mail_app, smtp_server):
    give_emails("peserta")
    mapp = mail_app(smtp_server.port)
    huey = mapp.extensions["leans.queue"].huey
    huey.immediate = False
    huey.flush()
    try:
        with mapp.app_context():
            peserta = db.session.scalar(select(User).where(User.username == "peserta"))
            notify(peserta, NotificationKind.PLAN_APPROVED, "plans.plan", {"cohort_slug": "k"})
            db.session.rollback()  # an event that did not happen sends nothing
            assert huey.pending_count() == 0
            notify(peserta, NotificationKind.PLAN_APPROVED, "plans.plan", {"cohort_slug": "k"})
            assert huey.pending_count() == 0  # not before the commit
            db.session.commit()
            assert huey.pending_count() == 1 and smtp_server.messages == []
            huey.execute(huey.dequeue())  # what `leans worker` does
        assert len(smtp_server.to("peserta@contoh.go.id")) == 1
    finally:
        huey.flush()
        huey.immediate = True


def test_without_smtp_nothing_is_emailed_and_set_email_kinds_round_trips(plan_people):
    peserta = plan_people["peserta"]
    peserta.email = "peserta@contoh.go.id"
    notification = notify(peserta, NotificationKind.PLAN_APPROVED, "plans.plan",
                          {"cohort_slug": "k"})
    assert notification.email_state is EmailState.SKIPPED
    set_email_kinds(peserta, [NotificationKind.TEST_OPENED])
    set_email_kinds(peserta, [NotificationKind.TEST_OPENED, NotificationKind.PLAN_APPROVED])
    assert email_opt_outs(peserta) == {NotificationKind.REVISION_REQUESTED,
                                       NotificationKind.CERTIFICATE_ISSUED,
                                       NotificationKind.TASK_COMMENTED,
                                       NotificationKind.SEMINAR_SCHEDULED,
                                       NotificationKind.MILESTONE_RETURNED,
                                       NotificationKind.FOLLOW_UP_DUE}


def test_a_queue_that_is_down_loses_no_email_and_breaks_no_page(plan_people, mail_app,
                                                                 smtp_server, monkeypatch):
    """The event commits and the page works; the email waits as pending, and the daily run
    queues it again once the queue is back. A name with a line break (an Excel cell typed
    with Alt+Enter) still gets a one-line subject."""
    from leans.core.models import utcnow
    from leans.core.notifications import requeue_unsent

    give_emails("peserta")
    mapp = mail_app(smtp_server.port)
    real = mapp.extensions["leans.send_notification_email"]

    def queue_down(_notification_id):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setitem(mapp.extensions, "leans.send_notification_email", queue_down)
    with mapp.app_context():
        peserta = db.session.scalar(select(User).where(User.username == "peserta"))
        notify(peserta, NotificationKind.TASK_COMMENTED, "dashboard.index",
               subject="Petakan aktor\ndi desa")
        db.session.commit()  # no error: the comment itself is saved
        assert smtp_server.messages == []
        [waiting] = notifications_of("peserta")
        assert waiting.email_state is EmailState.PENDING
        monkeypatch.setitem(mapp.extensions, "leans.send_notification_email", real)
        assert requeue_unsent(utcnow()) == 0  # too recent: it may still be on its way
        assert requeue_unsent(utcnow() + dt.timedelta(hours=1)) == 1
    [mail] = smtp_server.to("peserta@contoh.go.id")
    subject = mail.message["Subject"]
    assert "\n" not in subject and "Petakan aktor di desa" in subject
    assert notifications_of("peserta")[0].email_state is EmailState.SENT



def test_every_page_asks_one_cheap_question_when_nothing_is_unread(plan_people, logged_in):
    """The header's count is one COUNT on the user's unread rows; the urgent banner's query
    runs only when something is unread, and the list page does not count twice."""
    client = logged_in("peserta")
    for path in ("/dashboard", "/notifications/"):
        asked: list[str] = []

        def record(conn, cursor, statement, *args, asked=asked):
            asked.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        unread = [s for s in asked if "FROM notifications" in s and "read_at IS NULL" in s]
        assert len(unread) == 1, (path, unread)
        assert "count(" in unread[0].lower()
