"""``leans demo``: the demo data, the same every time, never in production."""

from __future__ import annotations

from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, User
from leans.demo.data import DEMO_COHORT_SLUG, DEMO_PASSWORD


def snapshot() -> dict:
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return {
        "users": [(u.username, u.full_name, u.nip, u.unit, sorted(r.value for r in u.roles))
                  for u in users],
        "cohorts": sorted(db.session.scalars(select(Cohort.slug)).all()),
        "enrolments": db.session.scalar(select(func.count(Enrolment.id))),
        "facilitators": db.session.scalar(select(func.count(CohortFacilitator.id))),
        "modules": db.session.scalar(select(Cohort).where(Cohort.slug == DEMO_COHORT_SLUG))
        .module_slugs,
    }


def test_demo_twice_gives_the_same_data(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output and "admin" in first.output
    before = snapshot()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert snapshot() == before
    # angkatan-1 (light path), angkatan-1-aksi (the change project's full path), angkatan-2
    assert before["cohorts"] == [DEMO_COHORT_SLUG, "angkatan-1-aksi", "angkatan-2"]
    roles = [roles for *_, roles in before["users"]]
    assert roles.count(["participant"]) >= 18
    assert roles.count(["facilitator"]) == 2 and roles.count(["admin"]) == 1
    assert before["enrolments"] == roles.count(["participant"])  # each in one cohort


def test_demo_people_can_log_in(runner, auth):
    runner.invoke(args=["demo"])
    assert auth.login("fauzi", DEMO_PASSWORD).status_code == 302


def test_demo_includes_participants_without_nip_from_the_pilot_villages(runner):
    runner.invoke(args=["demo"])
    villagers = db.session.scalars(select(User).where(User.desa.is_not(None))).all()
    assert {u.desa for u in villagers} == {"Tondomulo", "Kolong", "Nganti"}
    assert all(u.nip is None for u in villagers)


def test_demo_refuses_production(runner, app):
    app.config["LEANS_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo"])
    finally:
        app.config["LEANS_ENV"] = "development"
    assert result.exit_code != 0 and "Refusing" in result.output


def demo_steps(today) -> dict:
    """username -> the next step of each demo participant's training."""
    from leans.certificates.queries import valid_certificates
    from leans.content import get_catalogue
    from leans.modules.overview import participant_overview

    steps = {}
    for user in db.session.scalars(select(User).order_by(User.username)):
        overview = participant_overview(user, get_catalogue(), annual_target=20, today=today,
                                        timezone="Asia/Jakarta")
        overview.certificates.update(valid_certificates(t.enrolment.id
                                                        for t in overview.trainings))
        for training in overview.trainings:
            steps[user.username] = overview.step_of(training)
    return steps


def test_demo_shows_every_next_step(runner):
    from leans.demo.plans import DEMO_TODAY
    from leans.modules.overview import NextStepKind

    assert runner.invoke(args=["demo"]).exit_code == 0
    steps = demo_steps(DEMO_TODAY)
    assert {step.kind for step in steps.values()} == set(NextStepKind)
    assert steps["siti"].kind is NextStepKind.REVISE_PLAN and steps["siti"].revision.comment
    assert steps["hartono"].kind is NextStepKind.AWAIT_GRADING
    assert steps["ratna"].kind is NextStepKind.SUBMIT_PLAN and steps["ratna"].plan_ready
    assert steps["kholis"].kind is NextStepKind.COMPLETE
    assert steps["wahyu"].kind is NextStepKind.DOWNLOAD_CERTIFICATE


def test_demo_facilitators_have_overdue_reviews_and_stuck_participants(runner):
    import datetime as dt

    from leans.core.cohorts import facilitated_cohorts
    from leans.demo.plans import DEMO_TODAY
    from leans.reports.attention import overdue_reviews, stuck_participants

    assert runner.invoke(args=["demo"]).exit_code == 0
    now = dt.datetime.combine(DEMO_TODAY, dt.time(5), tzinfo=dt.UTC)
    for username in ("retno", "bambang"):
        facilitator = db.session.scalar(select(User).where(User.username == username))
        cohorts = facilitated_cohorts(facilitator)
        overdue = {p.user.username for p in overdue_reviews(cohorts, now, 3)}
        stuck = {s.user.username for s in stuck_participants(cohorts, DEMO_TODAY, 7)}
        assert {"budi", "agus", "hartono"} <= overdue
        assert {"dwi", "mulyono", "tutik"} <= stuck
        # finished, certified, or waiting for their plan's grading: not stuck
        assert not {"kholis", "wahyu", "sugeng", "hartono"} & stuck


def test_demo_dashboard_puts_the_revision_comment_first(runner, app, auth_for):
    assert runner.invoke(args=["demo"]).exit_code == 0
    client = app.test_client()
    auth_for(client).login("siti", DEMO_PASSWORD)
    page = client.get("/dashboard").get_data(as_text=True)
    card = page[page.index('id="training-angkatan-1"'):]
    comment = card.index("perjelas indikator hasil dan keberlanjutan")
    assert comment < card.index('class="progress"')
    assert comment < card.index('href="/learn/angkatan-1/plan"')


def test_demo_notifications_are_as_people_left_them(runner):
    """Reminders of the demo's morning are there, once; what was acted on is read (Agus
    resubmitted; a facilitator took Lilik's plan); what waits for someone is not (Siti's plan
    sent back, and Retno's comment on her task)."""
    from leans.core.notifications import Notification, NotificationKind

    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # the same reminders, not twice

    def unread(username: str) -> list[tuple[NotificationKind, str]]:
        user = db.session.scalar(select(User).where(User.username == username))
        return sorted((n.kind, n.subject) for n in db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))))

    assert [kind for kind, _ in unread("siti")] == [NotificationKind.REVISION_REQUESTED,
                                                     NotificationKind.TASK_COMMENTED]
    assert unread("agus") == []
    retno = unread("retno")
    overdue = [s for kind, s in retno if kind is NotificationKind.REVIEW_OVERDUE]
    assert len(overdue) == len(set(overdue)) >= 1
    assert any(kind is NotificationKind.PARTICIPANT_STUCK for kind, _ in retno)
    assert not [s for kind, s in retno if kind is NotificationKind.PLAN_SUBMITTED
                and s.startswith("Lilik")]  # in review: someone is on it
