"""The demo's full-path cohort: the change project as LAN runs it, with a mentor for each
participant, two coaches and an examiner, and plans at every stage of it (awaiting the
mentor, returned by the mentor, in the coach's review, at the design seminar, in moderation,
carried out with milestones and evidence, at the report seminar, completed and followed up).

Everything is written through the real services, dated as it happened (times in Bojonegoro,
WIB), so that reviews, seminars, notifications and the audit trail agree. Every person is
fictional; their units are real units of Kabupaten Bojonegoro. The people themselves are in
:mod:`leans.demo.data` (``PROJECT_PEOPLE``); this module says who mentors whom and what each
one's plan went through.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select

from leans.assessments.plans import project
from leans.assessments.plans.access import plan_rubric, report_rubric, thresholds
from leans.assessments.plans.followups import submit_follow_up
from leans.assessments.plans.milestones import (
    report_milestone,
    review_milestone,
    unreported_short_term,
)
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import AssessorRole, PlanState, SeminarStage
from leans.assessments.plans.workflow import get_or_create_plan, save_draft, start_review, submit
from leans.core.extensions import db
from leans.core.models import Cohort, CohortExaminer, PlanPath, User
from leans.demo.plans import LEVELS, PROJECT_PLANS

PROJECT_COHORT_SLUG = "angkatan-1-aksi"
#: (slug, name, first day, last day): the training ended three months before the demo's day,
#: so the 3-month follow-up is due.
PROJECT_COHORT = (PROJECT_COHORT_SLUG, "LEANS Angkatan I — Aksi Perubahan (jalur lengkap)",
                  dt.date(2026, 6, 1), dt.date(2026, 8, 21))
#: Participant -> mentor (the direct superior); two mentors have two mentees each.
MENTORS = {"nanang": "wiwik", "anik": "wiwik", "indah": "sulistyo", "eko.kanor": "mashudi",
           "eko.naker": "purwanto", "tri": "purwanto", "yuli": "bagus", "rudi": "bagus"}
EXAMINER = "lestari"
#: The demo's facilitators coach this cohort too.
COACHES = ("retno", "bambang")
#: Everyone read every lesson during the training: (lessons, first day, days per lesson).
#: Those whose plans went through first read fastest, before writing their plans in July.
PROJECT_PROGRESS = {"nanang": (37, 2, 2.0), "indah": (37, 1, 1.9), "eko.kanor": (37, 3, 1.8),
                    "eko.naker": (37, 1, 1.5), "yuli": (37, 2, 1.7), "anik": (37, 0, 0.95),
                    "rudi": (37, 1, 0.95), "tri": (37, 0, 0.9)}
#: Completed (report seminar graded) and certified.
PROJECT_CERTIFIED = ("tri",)
SEMINAR_PLACE = "Ruang Rapat BKPP Kabupaten Bojonegoro"
WIB = ZoneInfo("Asia/Jakarta")


def wib(text: str) -> dt.datetime:
    """A moment written as people in Bojonegoro tell it ("2026-07-07 09:00"), in UTC."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=WIB).astimezone(dt.UTC)


@dataclass(frozen=True)
class Milestone:
    """A milestone report and the mentor's answer to it (none yet: it waits)."""

    index: int
    reported: str
    text: str
    files: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    decision: str | None = None
    reviewed: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Story:
    """What one participant's plan went through, step by step up to STAGE; TIMES (WIB) of
    each step: draft, submitted, mentor, review, sent, seminar (held), examiner, coach,
    moderated."""

    username: str
    stage: PlanState
    coach: str
    times: Mapping[str, str]
    #: The design seminar's levels: the examiner's, the coach's (overrides of LEVELS["good"]).
    examiner: Mapping[str, int] = field(default_factory=dict)
    coach_levels: Mapping[str, int] = field(default_factory=dict)
    milestones: tuple[Milestone, ...] = ()


ENDORSED = "Sesuai sasaran kinerja unit dan rencana kerja tahun ini. Saya setujui."
RETURNED = ("Pisahkan papan data untuk umum dari daftar nama: tulis siapa yang boleh membuka "
            "daftar nama, untuk apa, dan dasar hukumnya. Setelah itu kirim lagi.")
SENT = "Rancangan sudah lengkap; siap diuji di seminar rancangan."
MODERATION = ("Rumah kompos layak dibiayai APBDes, tetapi jadwal produksi pertama terlalu rapat "
              "untuk satu musim: kelayakan Baik, bukan Sangat baik.")

STORIES = (
    Story("tri", PlanState.COMPLETED, "retno", {
        "draft": "2026-07-10 15:20", "submitted": "2026-07-13 10:05",
        "mentor": "2026-07-14 08:40", "review": "2026-07-15 09:15", "sent": "2026-07-16 13:30",
        "seminar": "2026-07-22 09:00", "examiner": "2026-07-22 11:30",
        "coach": "2026-07-22 11:45"},
        coach_levels={"kelayakan": 4, "inovasi": 4},
        milestones=(
            Milestone(0, "2026-08-05 15:00", "Pelatihan abon dan keripik lele selesai untuk 20 "
                      "peserta di balai desa; daftar hadir dan foto kegiatan terlampir.",
                      files=("pelatihan-olahan-lele.jpg",), decision="confirm",
                      reviewed="2026-08-06 09:00",
                      comment="Sesuai daftar hadir yang saya terima dari kepala desa."),
            Milestone(1, "2026-08-13 14:00", "Izin PIRT untuk abon lele kelompok sudah terbit; "
                      "salinannya terlampir.", files=("izin-pirt-abon-lele.pdf",),
                      decision="confirm", reviewed="2026-08-14 10:00",
                      comment="Izin sudah saya cek di dinas."))),
    Story("rudi", PlanState.REPORT_SEMINAR, "bambang", {
        "draft": "2026-07-11 20:00", "submitted": "2026-07-14 09:30",
        "mentor": "2026-07-15 10:00", "review": "2026-07-16 08:30", "sent": "2026-07-17 14:00",
        "seminar": "2026-07-23 09:00", "examiner": "2026-07-23 11:00",
        "coach": "2026-07-23 11:15"},
        examiner={"inovasi": 2},
        milestones=(
            Milestone(0, "2026-07-31 15:00", "Bibit sayur dan polybag dibagikan ke 31 keluarga; "
                      "kader mencatat tanaman tumbuh di tiap pekarangan.",
                      files=("pekarangan-bergizi.jpg",), decision="confirm",
                      reviewed="2026-08-03 09:00",
                      comment="Sudah saya lihat langsung di dua desa."),
            Milestone(1, "2026-08-14 15:30", "Kelas masak bergizi berjalan empat kali di "
                      "posyandu; menu mingguan dibagikan ke keluarga sasaran.",
                      links=("https://berita.leans.example/dander/kelas-masak-bergizi",),
                      decision="confirm", reviewed="2026-08-18 10:00"),
            Milestone(2, "2026-10-16 14:00", "Panen pertama: 27 keluarga memanen sayur; "
                      "kelebihan panen dijual di pasar desa dan dicatat kader.",
                      decision="confirm", reviewed="2026-10-20 09:30",
                      comment="Catatan kader rapi. Lanjutkan."))),
    Story("anik", PlanState.APPROVED, "retno", {
        "draft": "2026-07-12 21:00", "submitted": "2026-07-15 09:00",
        "mentor": "2026-07-16 10:30", "review": "2026-07-17 08:45", "sent": "2026-07-20 15:00",
        "seminar": "2026-07-24 09:00", "examiner": "2026-07-24 11:30",
        "coach": "2026-07-24 11:40", "moderated": "2026-07-27 10:00"},
        examiner={"kelayakan": 2}, coach_levels={"kelayakan": 4},
        milestones=(
            Milestone(0, "2026-07-30 16:00", "Musyawarah dusun dihadiri 38 warga; 22 rumah "
                      "tangga desil 1 mendaftar. Berita acara dan foto terlampir.",
                      files=("musyawarah-dusun.jpg", "berita-acara-musyawarah.pdf"),
                      links=("https://berita.leans.example/tondomulo/musyawarah-kompos",),
                      decision="confirm", reviewed="2026-08-03 09:00",
                      comment="Berita acara lengkap dan ditandatangani kepala desa."),
            Milestone(1, "2026-11-10 15:00", "Rumah kompos sudah berdiri di lahan desa.",
                      files=("rumah-kompos.jpg",), decision="return",
                      reviewed="2026-11-13 10:00",
                      comment="Fotonya baru menunjukkan rangka, belum atap dan bak kompos. "
                              "Kirim foto setelah selesai, dengan catatan pemakaian pertama."),
            Milestone(2, "2026-11-20 14:30", "Produksi pertama: 1,6 ton kompos dari enam bak; "
                      "14 rumah tangga ikut membalik kompos tiap minggu."))),
    Story("yuli", PlanState.DESIGN_MODERATION, "bambang", {
        "draft": "2026-11-05 20:00", "submitted": "2026-11-09 09:00",
        "mentor": "2026-11-10 10:00", "review": "2026-11-11 09:00", "sent": "2026-11-13 14:00",
        "seminar": "2026-11-24 09:00", "examiner": "2026-11-24 11:00",
        "coach": "2026-11-24 11:20"},
        examiner={"hasil-terukur": 2}, coach_levels={"hasil-terukur": 4}),
    Story("eko.naker", PlanState.DESIGN_SEMINAR, "retno", {
        "draft": "2026-11-09 19:00", "submitted": "2026-11-12 09:30",
        "mentor": "2026-11-13 10:00", "review": "2026-11-16 09:00", "sent": "2026-11-18 14:00",
        "seminar": "2026-11-26 09:00", "examiner": "2026-11-26 11:00"},
        examiner={"inklusi": 4}),
    Story("eko.kanor", PlanState.IN_REVIEW, "bambang", {
        "draft": "2026-11-15 20:00", "submitted": "2026-11-18 09:00",
        "mentor": "2026-11-20 10:00", "review": "2026-11-23 09:00"}),
    Story("indah", PlanState.REVISION_REQUESTED, "retno", {
        "draft": "2026-11-11 19:00", "submitted": "2026-11-13 10:00",
        "mentor": "2026-11-17 09:30"}),
    Story("nanang", PlanState.AWAITING_ENDORSEMENT, "bambang", {
        "draft": "2026-11-20 20:00", "submitted": "2026-11-24 09:00"}),
)

#: The implementation reports: username -> (submitted, scheduled on, seminar held, report).
REPORTS = {
    "tri": ("2026-08-14 16:00", "2026-08-14 17:10", "2026-08-20 09:00", {
        "summary": "Dua puluh perempuan desil 1 di Nganti terlatih mengolah lele; kelompok "
                   "memproduksi abon dan keripik dengan izin PIRT.",
        "results": "Sejak pelatihan terjual 60 kemasan di bazar desa; dengan izin PIRT, dua "
                   "toko oleh-oleh menerima produk mulai September.",
        "obstacles": "Pasokan lele sempat berhenti seminggu; kelompok kolam kini memasok "
                     "dengan jadwal.",
        "sustainability": "Kas kelompok menyisihkan 10% penjualan untuk bahan baku.",
        "lessons": "Izin edar dan kemasan membuka pintu toko; pelatihan saja tidak cukup."}),
    "rudi": ("2026-11-16 10:00", "2026-11-17 09:00", "2026-12-02 09:00", {
        "summary": "Tiga puluh satu keluarga berisiko stunting menanam sayur di pekarangan dan "
                   "ikut kelas masak di posyandu.",
        "results": "Dua puluh tujuh keluarga panen; konsumsi sayur tercatat naik di buku kader.",
        "obstacles": "Kemarau Agustus: empat keluarga gagal panen.",
        "sustainability": "Desa menganggarkan bibit tahun depan dalam APBDes.",
        "lessons": "Kader posyandu adalah penggerak yang paling dipercaya keluarga."}),
}
#: The report seminar's levels (of every criterion of the report rubric, then overrides).
REPORT_LEVELS = {AssessorRole.EXAMINER: (4, {"refleksi": 3}),
                 AssessorRole.COACH: (3, {"bukti": 4})}
#: The follow-ups submitted: username -> (months, status, note, when).
FOLLOW_UPS = {"tri": (3, "moving", "Penjualan rutin ke dua toko oleh-oleh berjalan sejak "
                      "Oktober, rata-rata 40 kemasan abon per bulan; pemasaran daring mulai "
                      "Januari.", "2026-11-23 19:30")}


def upsert_project_cohort(modules: list[str]) -> Cohort:
    """The full-path cohort, created or brought back to the demo's settings."""
    slug, name, starts, ends = PROJECT_COHORT
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        cohort = Cohort(slug=slug)
        db.session.add(cohort)
    cohort.name, cohort.starts_on, cohort.ends_on = name, starts, ends
    cohort.place, cohort.closed = "BKPP Kabupaten Bojonegoro", False
    cohort.plan_path, cohort.endorsement_required, cohort.report_required = \
        PlanPath.FULL, True, True
    cohort.examiner_weight, cohort.moderation_gap, cohort.followup_months = 60, 1, "3,6"
    if cohort.module_slugs != modules:
        cohort.set_modules(modules)
    return cohort


def link_mentors_and_examiner(cohort: Cohort, users: Mapping[str, User]) -> None:
    """Each participant's mentor, and the cohort's examiner (once)."""
    db.session.flush()
    for enrolment in cohort.enrolments:
        mentor = MENTORS.get(enrolment.user.username)
        if mentor is not None:
            enrolment.mentor = users[mentor]
    examiner = users[EXAMINER]
    if examiner.id not in {row.user_id for row in cohort.examiner_rows}:
        cohort.examiner_rows.append(CohortExaminer(user=examiner))


# Evidence files ---------------------------------------------------------------------------
#: Colours (sky, ground, building) of each demo photo: pictures without any text or person.
PHOTOS = {"pelatihan-olahan-lele.jpg": ((170, 205, 230), (120, 150, 90), (190, 120, 80)),
          "pekarangan-bergizi.jpg": ((180, 210, 235), (90, 140, 70), (110, 170, 90)),
          "musyawarah-dusun.jpg": ((200, 215, 230), (150, 130, 100), (210, 200, 170)),
          "rumah-kompos.jpg": ((175, 200, 225), (130, 110, 80), (160, 140, 110))}
#: The demo documents: file name -> (title, lines).
DOCUMENTS = {
    "izin-pirt-abon-lele.pdf": ("Salinan Sertifikat Produksi Pangan Industri Rumah Tangga", [
        "Produk: abon lele dan keripik lele kelompok perempuan Desa Nganti.",
        "Dokumen contoh untuk demo LEANS; bukan izin yang sebenarnya."]),
    "berita-acara-musyawarah.pdf": ("Berita Acara Musyawarah Dusun", [
        "Pada hari Kamis, 30 Juli 2026, di balai Desa Tondomulo, 38 warga bermusyawarah "
        "tentang rumah kompos bersama.",
        "Hasil: 22 rumah tangga mendaftar sebagai anggota kelompok kompos.",
        "Dokumen contoh untuk demo LEANS."]),
}


def photo(name: str) -> bytes:
    """A small landscape JPEG in the photo's colours (sky, ground, a building)."""
    from PIL import Image, ImageDraw

    sky, ground, building = PHOTOS[name]
    image = Image.new("RGB", (480, 360), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 360), fill=ground)
    draw.rectangle((150, 140, 330, 260), fill=building)
    draw.polygon([(130, 140), (240, 80), (350, 140)], fill=(120, 70, 50))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def document(name: str) -> bytes:
    """A one-page PDF with the document's title and lines."""
    from weasyprint import HTML

    title, lines = DOCUMENTS[name]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return HTML(string=f"<h1>{html.escape(title)}</h1>{body}").write_pdf()


def evidence(names: tuple[str, ...]) -> list[tuple[str, bytes]]:
    return [(name, photo(name) if name in PHOTOS else document(name)) for name in names]


# The stories ------------------------------------------------------------------------------
def _levels(overrides: Mapping[str, int]) -> dict[str, int]:
    return {**LEVELS["good"], **overrides}


def _score(plan: ActionPlan, who: User, role: AssessorRole, stage: SeminarStage,
           levels: dict[str, int], at: dt.datetime, comment: str = "") -> None:
    rubric = plan_rubric() if stage is SeminarStage.DESIGN else report_rubric()
    project.score_seminar(plan, who, role, rubric, thresholds(), levels=levels, comments={},
                          overall_comment=comment, stage=stage,
                          expected_state_version=plan.state_version, now=at)


def _panel(users: Mapping[str, User], coach: str) -> str:
    return f"Penguji: {users[EXAMINER].full_name}; Coach: {users[coach].full_name}"


def _design(plan: ActionPlan, story: Story, users: Mapping[str, User]) -> None:
    """From the first draft to the design's grade, stopping at the story's stage."""
    at = {key: wib(value) for key, value in story.times.items()}
    user, mentor, coach = (users[story.username], users[MENTORS[story.username]],
                           users[story.coach])
    content = PROJECT_PLANS[story.username]
    save_draft(plan, {**content, "sustainability": ""}, plan.draft_version, at["draft"])
    submit(plan, user, content, plan.draft_version, at["submitted"])
    if story.stage is PlanState.REVISION_REQUESTED:
        project.mentor_return(plan, mentor, comment=RETURNED,
                              expected_state_version=plan.state_version, now=at["mentor"])
        return
    if story.stage is PlanState.AWAITING_ENDORSEMENT:
        return
    project.endorse(plan, mentor, comment=ENDORSED, expected_state_version=plan.state_version,
                    now=at["mentor"])
    start_review(plan, coach, plan.state_version, at["review"])
    if story.stage is PlanState.IN_REVIEW:
        return
    project.send_to_seminar(plan, coach, plan_rubric(), comment=SENT,
                            expected_state_version=plan.state_version, now=at["sent"])
    project.schedule_seminar(plan, coach, SeminarStage.DESIGN, scheduled_at=at["seminar"],
                             place=SEMINAR_PLACE, panel=_panel(users, story.coach),
                             now=at["sent"])
    _score(plan, users[EXAMINER], AssessorRole.EXAMINER, SeminarStage.DESIGN,
           _levels(story.examiner), at["examiner"],
           "Data sasaran kuat; perjelas siapa yang menanggung biaya setelah tahun pertama.")
    if story.stage is PlanState.DESIGN_SEMINAR:
        return
    _score(plan, coach, AssessorRole.COACH, SeminarStage.DESIGN, _levels(story.coach_levels),
           at["coach"], "Kolaborasi dengan desa dan mitra usaha sudah nyata.")
    if plan.state == PlanState.DESIGN_MODERATION and "moderated" in at:
        seminar = project.seminar_of(plan, SeminarStage.DESIGN)
        project.resolve_moderation(
            plan, users[EXAMINER], plan_rubric(), thresholds(), stage=SeminarStage.DESIGN,
            levels={entry["criterion"]: 3 for entry in seminar.disputed}, reason=MODERATION,
            expected_state_version=plan.state_version, now=at["moderated"])


def _milestones(plan: ActionPlan, story: Story, users: Mapping[str, User]) -> None:
    """The milestone reports of the story, and the mentor's confirmations and returns."""
    user, mentor = users[story.username], users[MENTORS[story.username]]
    for step in story.milestones:
        report = report_milestone(plan, user, index=step.index, text=step.text,
                                  links=list(step.links), files=evidence(step.files),
                                  now=wib(step.reported))
        if step.decision:
            review_milestone(report, mentor, decision=step.decision, comment=step.comment,
                             now=wib(step.reviewed))


def _report(plan: ActionPlan, story: Story, users: Mapping[str, User]) -> None:
    """The implementation report and its seminar: scheduled, and graded when completed."""
    submitted, scheduled_on, held, content = REPORTS[story.username]
    project.submit_report(plan, users[story.username], report_rubric(), content=content,
                          unreported=unreported_short_term(plan, wib(submitted).date()),
                          now=wib(submitted))
    project.schedule_seminar(plan, users[story.coach], SeminarStage.REPORT,
                             scheduled_at=wib(held), place=SEMINAR_PLACE,
                             panel=_panel(users, story.coach), now=wib(scheduled_on))
    if story.stage is not PlanState.COMPLETED:
        return
    criteria = [c.id for c in report_rubric().criteria]
    for role, who, minutes in ((AssessorRole.EXAMINER, EXAMINER, 120),
                               (AssessorRole.COACH, story.coach, 140)):
        level, overrides = REPORT_LEVELS[role]
        _score(plan, users[who], role, SeminarStage.REPORT,
               {**dict.fromkeys(criteria, level), **overrides},
               wib(held) + dt.timedelta(minutes=minutes))


def _follow_up(plan: ActionPlan, story: Story, users: Mapping[str, User],
               today: dt.date) -> None:
    if story.username in FOLLOW_UPS:
        months, status, note, at = FOLLOW_UPS[story.username]
        submit_follow_up(plan, users[story.username], months=months, status=status, note=note,
                         now=wib(at), today=today)


def load_project_plans(cohort: Cohort, users: Mapping[str, User], today: dt.date) -> None:
    """Each story's plan, walked through the services up to its stage; a plan that exists
    is left as it is (a second run changes nothing). Commits each plan."""
    enrolments = {e.user.username: e for e in cohort.enrolments}
    for story in STORIES:
        enrolment = enrolments.get(story.username)
        if enrolment is None or db.session.scalar(
                select(ActionPlan.id).where(ActionPlan.enrolment_id == enrolment.id)):
            continue
        plan = get_or_create_plan(enrolment)
        _design(plan, story, users)
        _milestones(plan, story, users)
        if story.username in REPORTS:
            _report(plan, story, users)
        _follow_up(plan, story, users, today)
        if plan.state != story.stage:
            raise RuntimeError(f"The demo plan of {story.username} ended at {plan.state}, "
                               f"not {story.stage}: a service changed; update the story.")
        db.session.commit()
