"""The plan tracker: participants report on their approved plan; facilitators and admins see
stalled milestones, on the page and in the export."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select

from leans.assessments.plans.models import EvidenceFile, FollowUp, MilestoneReport, PlanUpdate
from leans.assessments.plans.states import PlanState
from leans.core.extensions import db
from leans.core.models import Cohort
from leans.reports.tracker import Summary, TrackerState, summaries, tracked_plans
from tests.fixtures.plans import BEST


def test_tracker_updates_after_approval(plan_people, post_form, grade_form, the_plan,
                                        submitted_plan, start_review, logged_in):
    plan = submitted_plan()
    grader = start_review("fasil", plan)
    participant = logged_in("peserta")
    early = post_form(participant, "/learn/k/plan/updates",
                      {"activity_index": 0, "status": "done", "reported_on": "2027-01-01"},
                      token_page="/learn/k/plan")
    assert early.status_code == 404  # not approved yet
    grade_form(plan.id, grader, the_plan().state_version, BEST, decision="approve")
    today = dt.date.today().isoformat()
    response = post_form(participant, "/learn/k/plan/updates",
                         {"activity_index": 1, "status": "blocked", "note": "Benih terlambat",
                          "indicator_value": "0", "reported_on": today},
                         token_page="/learn/k/plan")
    assert response.status_code == 302
    future = post_form(participant, "/learn/k/plan/updates",
                       {"activity_index": 0, "status": "done", "reported_on": "2099-01-01"},
                       token_page="/learn/k/plan")
    assert future.status_code == 422
    tracker = logged_in("fasil").get("/grading/tracker").get_data(as_text=True)
    assert "Macet" in tracker and "Nganti" in tracker  # blocked milestone -> stalled
    export = logged_in("admin").get("/grading/tracker.csv").get_data().decode("utf-8-sig")
    assert export.splitlines()[0].startswith('"Angkatan","NIP","Nama","Unit","Desa sasaran",'
                                             '"Judul"')
    assert "Macet" in export


# The full path: completed, stalled by a follow-up or an overdue milestone, evidence ---------

def _pk_tracked(today: dt.date, stalled_days: int = 30):
    db.session.expire_all()
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "pk"))
    return {t.plan.enrolment.user.username: t
            for t in tracked_plans([cohort.id], today=today, stalled_days=stalled_days)}


def _report(plan, index: int, status: str, at: dt.datetime, files: int = 0):
    report = MilestoneReport(plan_id=plan.id, activity_index=index, activity_label="x",
                             status=status, reported_at=at)
    report.files = [EvidenceFile(plan_id=plan.id, filename=f"bukti-{n}.jpg",
                                 content_type="image/jpeg", size=3, sha256="0" * 64,
                                 data=b"abc") for n in range(files)]
    db.session.add(report)
    db.session.commit()
    return report


def _follow_up(plan, months: int, status: str, at: dt.datetime) -> None:
    db.session.add(FollowUp(plan_id=plan.id, months=months, status=status, note="",
                            submitted_at=at))
    db.session.commit()


def test_completed_and_stalled_by_follow_ups_and_confirmed_milestones(plan_at):
    peserta, peserta2 = plan_at(PlanState.APPROVED), plan_at(PlanState.APPROVED, "peserta2")
    today = dt.date(2026, 12, 10)
    tracked = _pk_tracked(today)
    assert {n: t.state for n, t in tracked.items()} == {"peserta": TrackerState.MOVING,
                                                       "peserta2": TrackerState.MOVING}
    # The newest follow-up decides: stalled, then completed.
    _follow_up(peserta, 3, "stalled", dt.datetime(2026, 12, 5, tzinfo=dt.UTC))
    assert _pk_tracked(today)["peserta"].state is TrackerState.STALLED
    _follow_up(peserta, 6, "completed", dt.datetime(2026, 12, 9, tzinfo=dt.UTC))
    item = _pk_tracked(today)["peserta"]
    assert item.state is TrackerState.COMPLETED and item.follow_up.months == 6
    # Every milestone confirmed by the mentor: completed; one of two is not enough.
    _report(peserta2, 0, "confirmed", dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    item = _pk_tracked(today)["peserta2"]
    assert (item.state, item.confirmed) == (TrackerState.MOVING, 1)
    _report(peserta2, 1, "returned", dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    _report(peserta2, 1, "confirmed", dt.datetime(2026, 12, 3, tzinfo=dt.UTC))
    item = _pk_tracked(today)["peserta2"]
    assert (item.state, item.confirmed) == (TrackerState.COMPLETED, 2)


def test_a_completed_report_seminar_is_completed(plan_at):
    plan_at(PlanState.COMPLETED)
    # Long after, nothing reported, milestones past their dates: still completed.
    assert _pk_tracked(dt.date(2027, 9, 1))["peserta"].state is TrackerState.COMPLETED


def test_an_overdue_milestone_stalls_a_plan_and_reports_keep_it_moving(plan_at):
    """Milestone 1 is due 1 February 2027, milestone 2 on 1 May 2027."""
    peserta, peserta2 = plan_at(PlanState.APPROVED), plan_at(PlanState.APPROVED, "peserta2")
    today = dt.date(2027, 2, 2)
    # Peserta reported progress last week but milestone 1 is past its date, not done.
    peserta.updates.append(PlanUpdate(activity_index=0, activity_label="x",
                                      status="in_progress", reported_on=dt.date(2027, 1, 28)))
    db.session.commit()
    # Peserta2 reported milestone 1 with evidence (awaiting the mentor): the report is the
    # newest sign of progress (approval was 74 days ago) and the milestone is not overdue.
    _report(peserta2, 0, "reported", dt.datetime(2027, 1, 30, tzinfo=dt.UTC), files=2)
    tracked = _pk_tracked(today)
    assert (tracked["peserta"].state, tracked["peserta"].overdue) == (TrackerState.STALLED, 1)
    assert (tracked["peserta2"].state, tracked["peserta2"].overdue) == (TrackerState.MOVING, 0)
    assert tracked["peserta2"].evidence == 2 and tracked["peserta"].evidence == 0
    # Marked done by an update: no longer overdue.
    peserta.updates.append(PlanUpdate(activity_index=0, activity_label="x", status="done",
                                      reported_on=dt.date(2027, 2, 1)))
    db.session.commit()
    assert _pk_tracked(today)["peserta"].state is TrackerState.MOVING
    # A month of silence after the report: stalled again.
    assert _pk_tracked(dt.date(2027, 3, 5))["peserta2"].state is TrackerState.STALLED


def test_summaries_per_cohort_opd_kecamatan_and_desa(plan_at, project_people):
    for name, unit, desa in (("peserta", "Dinas Sosial", "Kolong"),
                             ("peserta2", "Bappeda", None)):
        person = project_people[name]
        person.unit, person.kecamatan, person.desa = unit, "Padangan", desa
    db.session.commit()
    plan = plan_at(PlanState.APPROVED)
    plan_at(PlanState.COMPLETED, "peserta2")
    _report(plan, 0, "reported", dt.datetime(2026, 12, 5, tzinfo=dt.UTC), files=3)
    groups = summaries(list(_pk_tracked(dt.date(2026, 12, 10)).values()))
    assert groups["kecamatan"] == [Summary("Padangan", plans=2, moving=1, completed=1,
                                           evidence=3)]
    assert groups["unit"] == [Summary("Bappeda", 1, completed=1),
                              Summary("Dinas Sosial", 1, moving=1, evidence=3)]
    assert groups["desa"] == [Summary("Kolong", 1, moving=1, evidence=3),
                              Summary("", 1, completed=1)]  # not recorded: listed last
    assert [(row.name, row.plans) for row in groups["village"]] == [
        ("Nganti", 2), ("Sumberarum", 2)]
    assert [(row.name, row.plans) for row in groups["cohort"]] == [
        (plan.enrolment.cohort.name, 2)]


def test_the_page_and_the_export_show_the_new_states_and_counts(plan_at, project_people,
                                                                logged_in, monkeypatch):
    # Four days after the last follow-up, before any milestone is due: moving.
    monkeypatch.setattr("leans.reports.tracker_views.local_today",
                        lambda: dt.date(2026, 12, 10))
    project_people["peserta"].kecamatan = "Padangan"
    db.session.commit()
    plan = plan_at(PlanState.APPROVED)
    plan_at(PlanState.COMPLETED, "peserta2")
    _report(plan, 0, "confirmed", dt.datetime(2026, 12, 5, tzinfo=dt.UTC), files=2)
    _follow_up(plan, 3, "moving", dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    coach = logged_in("coach")
    page = coach.get("/grading/tracker").get_data(as_text=True)
    assert "Padangan" in page and "Siti Aminah" in page and "Budi Santoso" in page
    rows = list(csv.DictReader(io.StringIO(
        coach.get("/grading/tracker.csv").get_data().decode("utf-8-sig"))))
    by_name = {row["Nama"]: row for row in rows}
    assert by_name["Budi Santoso"]["Status"] == "Tuntas"
    siti = by_name["Siti Aminah"]
    assert (siti["Tonggak terkonfirmasi"], siti["Berkas bukti"]) == ("1", "2")
    assert siti["Tindak lanjut terakhir"] == "3 bulan: Bergerak"
    assert siti["Status"] == "Bergerak"
    # Another cohort's facilitator sees none of them.
    assert "Siti Aminah" not in logged_in("fasil_lain").get("/grading/tracker").get_data(
        as_text=True)


def test_the_tracker_asks_the_same_number_of_queries_for_more_plans(plan_at, count_queries):
    plan = plan_at(PlanState.APPROVED)
    _report(plan, 0, "reported", dt.datetime(2026, 12, 5, tzinfo=dt.UTC), files=1)
    with count_queries() as one:
        _pk_tracked(dt.date(2026, 12, 10))
    other = plan_at(PlanState.APPROVED, "peserta2")
    _report(other, 0, "confirmed", dt.datetime(2026, 12, 5, tzinfo=dt.UTC), files=2)
    _follow_up(other, 3, "moving", dt.datetime(2026, 12, 6, tzinfo=dt.UTC))
    with count_queries() as two:
        _pk_tracked(dt.date(2026, 12, 10))
    assert two() == one()
