"""The implementation period of the full path: the milestone checklist (a pure function with a
frozen day), reports with evidence through the real pages, the mentor's confirmation or
return, who may see what, and evidence files served safely."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from leans.assessments.plans.evidence import MAX_FILE_BYTES
from leans.assessments.plans.milestones import (
    MEDIUM,
    SHORT,
    ReportRefused,
    milestone_list,
    read_upload,
    report_milestone,
    reviewers,
    unreported_short_term,
)
from leans.assessments.plans.models import EvidenceFile, MilestoneReport
from leans.assessments.plans.states import MilestoneStatus, PlanState
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import PlanPath
from leans.core.notifications import Notification, NotificationKind
from tests.fixtures.web import fetch_csrf_token, post_with_csrf

GPS = {1: "S", 2: (7.0, 9.0, 12.5), 3: "E", 4: (111.0, 53.0, 7.25)}  # Bojonegoro
PAGE = "/learn/pk/plan/milestones"


def jpeg(exif: Image.Exif | None = None, color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = GPS
    exif[0x010F] = "Kamera HP"
    data = jpeg(exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS is there
    return data


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "PNG")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "GIF")
    return out.getvalue()


def polyglot() -> bytes:
    """A real JPEG with a ZIP archive appended."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(1)</script>")
    return jpeg() + archive.getvalue()


def post_report(client, index: int, *, text: str = "", links: str = "",
                files: tuple[tuple[str, bytes], ...] = ()):
    """POST the report form of milestone INDEX the way a browser does (multipart)."""
    data = {"text": text, "links": links, "csrf_token": fetch_csrf_token(client, PAGE),
            "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"{PAGE}/{index}", data=data, content_type="multipart/form-data")


def review(client, report_id: int, decision: str, comment: str = ""):
    return post_with_csrf(client, f"/project/milestone-reports/{report_id}/review",
                          {"decision": decision, "comment": comment})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def reports() -> list[MilestoneReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(MilestoneReport).order_by(MilestoneReport.id)))


def audit_actions() -> list[str]:
    return [str(a) for a in db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "milestone")
        .order_by(AuditEvent.id))]


@pytest.fixture
def approved(plan_at):
    """Peserta's plan, design approved; the cohort ends 2027-03-01, so milestone 0 (due
    2027-02-01) is short-term and milestone 1 (due 2027-05-01) medium-term."""
    plan = plan_at(PlanState.APPROVED)
    plan.enrolment.cohort.ends_on = dt.date(2027, 3, 1)
    db.session.commit()
    return plan


# The checklist, a pure function -----------------------------------------------------------
def fake_plan(rows: list[tuple[str, str, str]], found: list[SimpleNamespace],
              ends_on: dt.date = dt.date(2026, 12, 18)) -> SimpleNamespace:
    content = {"activities": [{"activity": a, "milestone": m, "date": d} for a, m, d in rows]}
    return SimpleNamespace(latest_version=SimpleNamespace(content=content),
                           enrolment=SimpleNamespace(cohort=SimpleNamespace(ends_on=ends_on)),
                           milestone_reports=found)


def fake_report(id_: int, index: int, status: str) -> SimpleNamespace:
    return SimpleNamespace(id=id_, activity_index=index, status=status)


ROWS = [("Pendataan", "Data desil 1 lengkap", "2026-11-01"),  # short, past
        ("Pelatihan", "20 orang lulus", "2026-11-15"),  # short, past
        ("Penebaran bibit", "Kolam terisi", "2026-12-18"),  # short, the last day
        ("Panen", "Panen terjual", "2027-03-01"),  # medium, past on 2027-04-01
        ("Pemasaran", "Mitra tetap", "2027-06-01")]  # medium, future


def test_milestone_list_gives_terms_the_newest_report_and_overdue_on_a_frozen_day():
    found = [fake_report(1, 1, "reported"), fake_report(2, 2, "returned"),
             fake_report(3, 1, "confirmed"), fake_report(4, 2, "reported"),
             fake_report(5, 3, "returned")]
    today = dt.date(2026, 12, 1)
    milestones = milestone_list(fake_plan(ROWS, found), today)
    assert [m.label for m in milestones][:2] == ["Pendataan — Data desil 1 lengkap",
                                                 "Pelatihan — 20 orang lulus"]
    assert [m.term for m in milestones] == [SHORT, SHORT, SHORT, MEDIUM, MEDIUM]
    assert [m.due for m in milestones][2] == dt.date(2026, 12, 18)
    assert [m.status for m in milestones] == [None, MilestoneStatus.CONFIRMED,
                                              MilestoneStatus.REPORTED,
                                              MilestoneStatus.RETURNED, None]
    assert [m.report.id if m.report else None for m in milestones] == [None, 3, 4, 5, None]
    assert [[r.id for r in m.history] for m in milestones][1] == [3, 1]
    # Overdue: due before today, and neither waiting for the mentor nor confirmed.
    assert [m.overdue for m in milestones] == [True, False, False, False, False]
    later = milestone_list(fake_plan(ROWS, found), dt.date(2027, 4, 1))
    assert [m.overdue for m in later] == [True, False, False, True, False]
    on_the_day = milestone_list(fake_plan(ROWS, []), dt.date(2026, 11, 1))
    assert not on_the_day[0].overdue  # due today is not overdue yet
    assert [m.reportable for m in milestones] == [True, False, False, True, True]


def test_milestone_list_without_a_version_or_with_a_broken_date():
    assert milestone_list(SimpleNamespace(latest_version=None), dt.date(2026, 12, 1)) == []
    plan = fake_plan([("A", "B", "")], [])
    only = milestone_list(plan, dt.date(2030, 1, 1))[0]
    assert only.due is None and only.term == SHORT and not only.overdue


def test_unreported_short_term_names_missing_and_returned_short_term_milestones():
    found = [fake_report(1, 1, "reported"), fake_report(2, 2, "returned"),
             fake_report(3, 3, "returned")]
    assert unreported_short_term(fake_plan(ROWS, found), dt.date(2026, 12, 1)) == [
        "Pendataan — Data desil 1 lengkap", "Penebaran bibit — Kolam terisi"]
    everything = [fake_report(i + 1, i, "confirmed") for i in range(3)]
    assert unreported_short_term(fake_plan(ROWS, everything), dt.date(2026, 12, 1)) == []


def test_unreported_short_term_on_a_real_plan(approved):
    assert unreported_short_term(approved, dt.date(2026, 12, 1)) == [
        "Pelatihan budi daya — 20 orang lulus pelatihan"]


# Reporting with evidence ----------------------------------------------------------------------
def test_a_gps_photo_is_stored_without_its_location_and_served_as_an_attachment(
        approved, logged_in):
    participant = logged_in("peserta")
    assert participant.get(PAGE).status_code == 200
    response = post_report(participant, 0, text="Pelatihan selesai.",
                           files=(("lokasi rumah.jpg", gps_jpeg()),))
    assert response.status_code == 302
    stored = db.session.scalar(select(EvidenceFile))
    assert stored.filename == "lokasi_rumah.jpg" and stored.plan_id == approved.id
    download = logged_in("mentor").get(f"/evidence/{stored.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="lokasi_rumah.jpg"'
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    assert download.mimetype == "image/jpeg"
    image = Image.open(io.BytesIO(download.data))
    assert image.size == (40, 30)
    assert not image.getexif().get_ifd(0x8825) and len(image.getexif()) == 0


def test_a_report_with_two_files_and_links_then_the_mentor_confirms(approved, logged_in):
    participant = logged_in("peserta")
    response = post_report(participant, 0, text="Dua puluh orang lulus.",
                           links="https://bojonegorokab.go.id/berita/1\n\n"
                                 "http://desa-kolong.id/pelatihan\n",
                           files=(("foto.png", png()), ("daftar hadir.jpg", jpeg())))
    assert response.status_code == 302
    [report] = reports()
    assert report.status == MilestoneStatus.REPORTED and report.activity_index == 0
    assert report.links == ["https://bojonegorokab.go.id/berita/1",
                            "http://desa-kolong.id/pelatihan"]
    assert [f.content_type for f in report.files] == ["image/png", "image/jpeg"]
    assert all(len(f.sha256) == 64 and f.size == len(f.data) for f in report.files)
    mentor_note = db.session.scalar(select(Notification).where(
        Notification.kind == NotificationKind.MILESTONE_REPORTED))
    assert mentor_note.user.username == "mentor"
    assert mentor_note.endpoint == "milestones.review_page"
    page = participant.get(PAGE).get_data(as_text=True)
    assert "https://bojonegorokab.go.id/berita/1" in page
    assert f"/evidence/{report.files[0].id}" in page

    mentor = logged_in("mentor")
    review_page = mentor.get(f"/project/plans/{approved.id}/milestones")
    assert review_page.status_code == 200
    assert f"/project/milestone-reports/{report.id}/review" in review_page.get_data(as_text=True)
    assert review(mentor, report.id, "confirm").status_code == 302
    [report] = reports()
    assert report.status == MilestoneStatus.CONFIRMED and report.reviewer.username == "mentor"
    assert db.session.get(Notification, mentor_note.id).read_at is not None
    assert audit_actions() == ["milestone.reported", "milestone.confirmed"]
    # Confirmed is final: neither reported again nor reviewed again.
    assert post_report(participant, 0, text="Lagi").status_code == 422
    assert review(mentor, report.id, "return", "Tidak jadi").status_code == 422
    assert len(reports()) == 1 and reports()[0].status == MilestoneStatus.CONFIRMED


def test_return_needs_a_comment_then_the_participant_is_told_and_reports_again(
        approved, logged_in):
    participant, mentor = logged_in("peserta"), logged_in("mentor")
    post_report(participant, 0, text="Sudah dilaksanakan.")
    [first] = reports()
    refused = review(mentor, first.id, "return", "   ")
    assert refused.status_code == 422
    assert reports()[0].status == MilestoneStatus.REPORTED
    assert review(mentor, first.id, "return", "Lampirkan daftar hadir.").status_code == 302
    assert reports()[0].status == MilestoneStatus.RETURNED
    note = db.session.scalar(select(Notification).where(
        Notification.kind == NotificationKind.MILESTONE_RETURNED))
    assert note.user.username == "peserta" and note.detail == "Lampirkan daftar hadir."
    assert note.subject == "Pelatihan budi daya — 20 orang lulus pelatihan"
    assert note.endpoint == "milestones.checklist"
    assert "Lampirkan daftar hadir." in participant.get(PAGE).get_data(as_text=True)
    again = post_report(participant, 0, text="Dengan daftar hadir.",
                        files=(("hadir.jpg", jpeg()),))
    assert again.status_code == 302
    assert [r.status for r in reports()] == [MilestoneStatus.RETURNED, MilestoneStatus.REPORTED]
    assert db.session.get(Notification, note.id).read_at is not None
    assert audit_actions() == ["milestone.reported", "milestone.returned",
                               "milestone.reported"]
    # Only the newest report of a milestone can be reviewed.
    assert review(mentor, first.id, "confirm").status_code == 422


def test_a_report_awaiting_the_mentor_cannot_be_sent_again(approved, logged_in):
    participant = logged_in("peserta")
    assert post_report(participant, 0, text="Pertama").status_code == 302
    response = post_report(participant, 0, text="Kedua", files=(("x.jpg", jpeg()),))
    assert response.status_code == 422
    assert len(reports()) == 1 and count(EvidenceFile) == 0
    assert post_report(participant, 1, text="Milestone lain").status_code == 302


@pytest.mark.parametrize("name, content", [
    ("kwitansi.jpg", polyglot()),
    ("besar sekali.jpg", b"\xff\xd8\xff" + b"\0" * MAX_FILE_BYTES),
    ("kosong.pdf", b""),
    ("animasi.gif", gif()),
    ("catatan.pdf", b"just some text, not a PDF"),
])
def test_a_bad_file_is_named_and_nothing_is_stored(approved, logged_in, name, content):
    participant = logged_in("peserta")
    response = post_report(participant, 0, text="Teks yang diketik",
                           links="https://contoh.id/bukti",
                           files=(("baik.png", png()), (name, content)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert name in page
    assert "Teks yang diketik" in page and "https://contoh.id/bukti" in page  # kept
    assert 'id="files-0-error"' in page
    assert count(MilestoneReport) == 0 and count(EvidenceFile) == 0
    assert audit_actions() == []


def test_the_service_adds_no_row_before_every_file_is_checked(approved, project_people):
    """All or nothing in the service itself, before any rollback: the refusal comes first."""
    with pytest.raises(ReportRefused) as refused:
        report_milestone(approved, project_people["peserta"], index=0, text="Teks",
                         links=["https://contoh.id"], now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                         files=[("baik.jpg", jpeg()), ("rusak.jpg", b"\xff\xd8\xff rusak")])
    assert refused.value.field == "files" and "rusak.jpg" in str(refused.value)
    assert not [o for o in db.session.new if isinstance(o, (MilestoneReport, EvidenceFile))]
    assert count(MilestoneReport) == 0 and count(EvidenceFile) == 0
    db.session.rollback()


def test_a_report_may_carry_more_than_the_sites_request_limit(app, approved, logged_in):
    """Three files of 4 MB (12 MB) are read and checked, not refused whole with a 413."""
    assert app.config["MAX_CONTENT_LENGTH"] < 12 * 1024 * 1024
    big = b"not an image " * (4 * 1024 * 1024 // 13)
    response = post_report(logged_in("peserta"), 0, text="Teks tetap ada",
                           files=tuple((f"berkas{i}.txt", big) for i in range(3)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "berkas0.txt" in page and "Teks tetap ada" in page
    assert count(MilestoneReport) == 0


def test_a_report_beyond_its_own_limit_gets_the_413_page_that_says_what_to_do(
        approved, logged_in):
    """Above five full files the request is refused whole: the page names the report's
    limit (26 MB, not the site's 10 MB) and how to send evidence, and nothing is stored."""
    big = b"x" * (9 * 1024 * 1024)
    response = post_report(logged_in("peserta"), 0, text="Teks",
                           files=tuple((f"besar{i}.jpg", big) for i in range(3)))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "26 MB" in page and "5 MB" in page and "XLSX" not in page
    assert count(MilestoneReport) == 0


@pytest.mark.parametrize("fields, field_id, shown", [
    ({"links": "www.contoh.id"}, "links-0", "www.contoh.id"),
    ({"links": "javascript:alert(1)"}, "links-0", "javascript:alert(1)"),
    ({"links": "ftp://contoh.id/berkas.pdf"}, "links-0", "ftp://contoh.id/berkas.pdf"),
    ({"links": "https://contoh.id/" + "a" * 500}, "links-0", "https://contoh.id/aaa"),
    ({"links": "\n".join(f"https://contoh.id/{i}" for i in range(6))}, "links-0", "6"),
    ({"text": "x" * 5001}, "text-0", "5001"),
    ({"text": "   "}, "text-0", None),
])
def test_bad_text_or_links_are_refused_beside_their_field(approved, logged_in, fields,
                                                         field_id, shown):
    response = post_report(logged_in("peserta"), 0, **{"text": "Ada teks", **fields})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'href="#{field_id}"' in page and f'id="{field_id}-error"' in page
    if shown:
        assert shown in page
    assert count(MilestoneReport) == 0


class CountingStream(io.BytesIO):
    """A file's stream that remembers how many bytes were read from it."""

    taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def test_an_oversized_file_is_refused_by_its_size_without_reading_it_all(app):
    stream = CountingStream(b"\xff\xd8\xff" + b"\0" * (3 * MAX_FILE_BYTES - 3))  # 15 MB
    with app.test_request_context(), pytest.raises(ReportRefused) as refused:
        read_upload(SimpleNamespace(filename="C:\\foto\\besar.jpg", stream=stream))
    assert refused.value.field == "files"
    assert str(refused.value).startswith("besar.jpg ") and "15,0" in str(refused.value)
    assert stream.taken == MAX_FILE_BYTES + 1


def test_an_empty_file_input_is_ignored(approved, logged_in):
    """A browser sends the file input even when nothing is chosen: a nameless empty part."""
    response = post_report(logged_in("peserta"), 0, text="Tanpa berkas", files=(("", b""),))
    assert response.status_code == 302
    assert count(MilestoneReport) == 1 and count(EvidenceFile) == 0


def test_a_milestone_that_is_not_in_the_plan_is_refused(approved, logged_in):
    assert post_report(logged_in("peserta"), 7, text="Tidak ada").status_code == 422
    assert count(MilestoneReport) == 0


# Who sees what --------------------------------------------------------------------------------
@pytest.fixture
def reported(approved, logged_in):
    """Milestone 0 reported with one photo: ``(report, file)``."""
    post_report(logged_in("peserta"), 0, text="Laporan", files=(("foto.jpg", jpeg()),))
    [report] = reports()
    return report, report.files[0]


@pytest.mark.parametrize("username", ["mentor2", "penguji_lain", "peserta2", "fasil_lain",
                                      "lain"])
def test_outsiders_get_404_for_the_review_page_the_review_and_the_evidence(
        reported, logged_in, username):
    report, file = reported
    client = logged_in(username)
    assert client.get(f"/project/plans/{report.plan_id}/milestones").status_code == 404
    assert client.get(f"/evidence/{file.id}").status_code == 404
    assert review(client, report.id, "confirm").status_code == 404
    assert reports()[0].status == MilestoneStatus.REPORTED


@pytest.mark.parametrize("username", ["coach", "penguji", "admin", "peserta"])
def test_the_coach_examiner_admin_and_owner_read_but_do_not_confirm(reported, logged_in,
                                                                    username):
    report, file = reported
    client = logged_in(username)
    page = client.get(f"/project/plans/{report.plan_id}/milestones")
    assert page.status_code == 200
    assert f"/milestone-reports/{report.id}/review" not in page.get_data(as_text=True)
    assert client.get(f"/evidence/{file.id}").status_code == 200
    assert review(client, report.id, "confirm").status_code == 403
    assert reports()[0].status == MilestoneStatus.REPORTED


def test_anonymous_visitors_are_sent_to_the_login(reported, client):
    report, file = reported
    for url in (PAGE, f"/project/plans/{report.plan_id}/milestones", f"/evidence/{file.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_a_mentor_the_coaches_are_asked_and_confirm(approved, logged_in):
    approved.enrolment.mentor = None
    db.session.commit()
    assert sorted(u.username for u in reviewers(approved)) == ["coach", "coach2"]
    post_report(logged_in("peserta"), 0, text="Tanpa mentor")
    asked = db.session.scalars(select(Notification).where(
        Notification.kind == NotificationKind.MILESTONE_REPORTED)).all()
    assert sorted(n.user.username for n in asked) == ["coach", "coach2"]
    [report] = reports()
    assert review(logged_in("penguji"), report.id, "confirm").status_code == 403
    assert review(logged_in("coach"), report.id, "confirm").status_code == 302
    assert reports()[0].status == MilestoneStatus.CONFIRMED
    assert all(db.session.get(Notification, n.id).read_at for n in asked)


def test_a_closed_cohort_keeps_the_milestones_readable_but_unchanged(reported, logged_in):
    report, _file = reported
    report.plan.enrolment.cohort.closed = True
    db.session.commit()
    participant = logged_in("peserta")
    page = participant.get(PAGE)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' not in page.get_data(
        as_text=True)
    assert post_report(participant, 1, text="Terlambat").status_code == 302
    assert review(logged_in("mentor"), report.id, "confirm").status_code == 403
    assert [r.status for r in reports()] == [MilestoneStatus.REPORTED]


def test_pages_are_404_before_the_design_is_approved_and_on_the_light_path(plan_at,
                                                                           logged_in):
    early = plan_at(PlanState.IN_REVIEW, "peserta2")
    assert logged_in("peserta2").get(PAGE).status_code == 404
    assert logged_in("mentor2").get(f"/project/plans/{early.id}/milestones").status_code == 404
    participant, mentor = logged_in("peserta"), logged_in("mentor")
    plan = plan_at(PlanState.APPROVED)
    assert participant.get(PAGE).status_code == 200
    plan.enrolment.cohort.plan_path = PlanPath.LIGHT
    db.session.commit()
    assert participant.get(PAGE).status_code == 404
    assert mentor.get(f"/project/plans/{plan.id}/milestones").status_code == 404
    assert post_report(participant, 0, text="x").status_code == 404
    assert count(MilestoneReport) == 0


# Overdue, for the participant, the mentor and the coach ------------------------------------
def test_overdue_milestones_are_counted_and_marked_for_everyone_around(approved, logged_in):
    version = approved.latest_version
    content = dict(version.content)
    content["activities"] = [dict(row) for row in content["activities"]]
    content["activities"][0]["date"] = "2020-01-01"
    version.content = content
    db.session.commit()
    pages = {"peserta": PAGE, "mentor": f"/project/plans/{approved.id}/milestones",
             "coach": f"/project/plans/{approved.id}/milestones"}
    for username, url in pages.items():
        page = logged_in(username).get(url).get_data(as_text=True)
        assert 'id="overdue-count"' in page, username
        assert page.count('class="badge warn">') == 1, username
    # Reported, it waits for the mentor: no longer overdue.
    post_report(logged_in("peserta"), 0, text="Akhirnya")
    assert 'id="overdue-count"' not in logged_in("coach").get(pages["coach"]).get_data(
        as_text=True)
