"""Demo action plans at every stage of the workflow, written through the real services so
that versions, reviews and the audit trail are all consistent. Every plan is fictional;
figures in them are the (imagined) participants' own estimates."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.scoring import parse_thresholds
from leans.assessments.plans.workflow import (
    decide,
    get_or_create_plan,
    post_update,
    save_draft,
    start_review,
    submit,
)
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, User


def _plan(title, village, programme, problem, evidence, group, partners, activities, risks,
          budget, baseline_date="2026-11-15") -> dict:
    return {
        "title": title, "problem": problem, "evidence": evidence, "target_group": group,
        "villages": [village] if village else [],
        "indicators": [
            {"name": f"Pendapatan rumah tangga sasaran dari {programme}", "unit": "Rp/bulan",
             "baseline": "550.000", "baseline_date": baseline_date, "target": "1.100.000",
             "target_date": "2027-11-30"},
            {"name": "Rumah tangga sasaran yang naik dari desil 1", "unit": "rumah tangga",
             "baseline": "0", "baseline_date": baseline_date, "target": "8",
             "target_date": "2028-06-30"}],
        "stakeholders": [{"role": role, "name": name, "contribution": what}
                         for role, name, what in partners],
        "activities": [{"activity": a, "milestone": m, "date": d} for a, m, d in activities],
        "budget": [{"source": s, "purpose": p, "amount": a} for s, p, a in budget],
        "risks": [{"risk": r, "mitigation": m} for r, m in risks],
        "sustainability": (f"Usaha {programme} dikelola kelompok dan dicatat BUMDes; sebagian "
                           "hasil disisihkan sebagai modal siklus berikutnya, dan desa "
                           "menganggarkan pendampingan lanjutan dalam APBDes."),
    }


HENS = _plan(
    "GAYATRI Tondomulo: ayam petelur untuk 15 rumah tangga desil 1", "Tondomulo",
    "ayam petelur",
    "Lima belas rumah tangga desil 1 di Tondomulo bergantung pada buruh tani musiman, sehingga "
    "penghasilan hilang di luar musim tanam.",
    "Daftar DTSEN desa (desil 1) dicocokkan dengan kunjungan rumah oleh kader Posyandu dan "
    "perangkat desa pada Oktober 2026; 15 rumah tangga terverifikasi.",
    "Rumah tangga desil 1 dengan anggota usia produktif",
    [("pemerintah", "Pemerintah Desa Tondomulo", "Lahan kandang kolektif dan APBDes"),
     ("pemerintah", "Dinas Peternakan dan Perikanan", "Penyuluh dan vaksinasi"),
     ("dunia_usaha", "Pengepul telur Kedungadem", "Membeli telur dengan harga kontrak"),
     ("akademisi", "Mahasiswa KKN peternakan", "Pencatatan produksi mingguan"),
     ("masyarakat", "TP PKK Desa", "Pendampingan pembukuan keluarga")],
    [("Verifikasi akhir calon penerima", "Daftar 15 rumah tangga disahkan musdes", "2026-12-15"),
     ("Pelatihan pemeliharaan ayam", "15 orang lulus pelatihan", "2027-01-31"),
     ("Pengadaan kandang dan bibit", "Kandang terisi 750 ekor", "2027-03-15"),
     ("Penjualan telur pertama", "Telur terjual ke pengepul", "2027-05-31")],
    [("Kematian ayam karena penyakit", "Jadwal vaksin dari penyuluh dan biosekuriti kandang"),
     ("Harga telur turun", "Kontrak harga minimum dengan pengepul")],
    [("APBDes", "Kandang kolektif, untuk kenaikan pendapatan", "40000000"),
     ("CSR", "Bibit dan pakan awal", "35000000")])

CATFISH = _plan(
    "KOLEGA Nganti: kolam lele bersama dan pemasaran terjamin", "Nganti", "kolam lele",
    "Rumah tangga desil 1 di Nganti punya pekarangan sempit dan tidak punya modal usaha.",
    "Data desil DTSEN desa dan hasil musyawarah dusun; dicek ulang oleh kader.",
    "Rumah tangga desil 1 dan 2 di dua dusun",
    [("pemerintah", "Pemerintah Desa Nganti", "Lahan kas desa untuk kolam"),
     ("dunia_usaha", "Rumah makan di Ngraho", "Pembeli tetap hasil panen"),
     ("media", "Radio komunitas", "Cerita keberhasilan untuk menarik mitra")],
    [("Pembentukan kelompok", "Kelompok berakta desa", "2026-12-20"),
     ("Pembangunan kolam terpal", "10 kolam siap tebar", "2027-02-28"),
     ("Panen pertama", "Panen terjual", "2027-06-15")],
    [("Kemarau panjang", "Sumur bor bersama dan jadwal air")],
    [("APBDes", "Kolam terpal, untuk pendapatan rumah tangga", "30000000"),
     ("lainnya", "Swadaya kelompok (tenaga)", "")])

SHEEP = _plan(
    "Domba Kesejahteraan di Kolong: bergulir yang tercatat", "Kolong", "domba",
    "Bantuan ternak di masa lalu sering dijual sebelum beranak karena kebutuhan mendesak.",
    "Catatan desa atas bantuan sebelumnya dan daftar DTSEN desil 1.",
    "Rumah tangga desil 1 yang memiliki lahan pakan",
    [("pemerintah", "Pemerintah Desa Kolong", "Aturan perguliran dalam Perdes"),
     ("akademisi", "Dosen peternakan", "Pelatihan pakan fermentasi"),
     ("masyarakat", "Kelompok ternak", "Pengawasan perguliran")],
    [("Penyusunan aturan perguliran", "Perdes disahkan", "2027-01-31"),
     ("Penyaluran indukan", "20 indukan tersalur", "2027-03-31")],
    [("Ternak dijual sebelum beranak", "Perjanjian kelompok dan pencatatan bulanan")],
    [("APBD", "Indukan dan pelatihan, untuk aset produktif", "60000000")])

DATA = _plan(
    "Satu data sasaran: verifikasi DTSEN lintas OPD di Kecamatan Ngasem", "",
    "program tepat sasaran",
    "Tiga OPD memakai daftar penerima berbeda untuk desa yang sama sehingga ada warga ganda "
    "dan warga terlewat.",
    "Perbandingan daftar penerima tiga program 2026 dengan DTSEN: banyak nama tidak cocok "
    "(rekapan kecamatan).",
    "Rumah tangga desil 1-2 di Kecamatan Ngasem",
    [("pemerintah", "Kecamatan Ngasem", "Forum verifikasi bulanan"),
     ("pemerintah", "Dinas Sosial", "Akses data dan pemutakhiran"),
     ("masyarakat", "Kader desa", "Kunjungan rumah")],
    [("Forum verifikasi pertama", "Daftar bersama disepakati", "2027-01-15")],
    [("OPD tidak hadir", "Surat camat dan agenda tetap")],
    [("APBD", "Honor kader verifikasi, untuk ketepatan sasaran", "12000000")])

RICE = _plan(
    "Beras Tondomulo: penggilingan kelompok untuk 12 rumah tangga petani gurem desil 1",
    "Tondomulo", "beras kemasan kelompok",
    "Petani gurem desil 1 di Tondomulo menjual gabah basah dengan harga rendah karena tidak "
    "punya pengering dan penggilingan.",
    "Daftar DTSEN desa (desil 1) dicocokkan dengan data kelompok tani dan survei harga gabah "
    "oleh penyuluh pada Oktober 2026.",
    "Rumah tangga petani gurem desil 1",
    [("pemerintah", "Pemerintah Desa Tondomulo", "Gedung penggilingan milik desa"),
     ("pemerintah", "Dinas Ketahanan Pangan dan Pertanian", "Pendampingan pascapanen"),
     ("dunia_usaha", "Toko beras di Kedungadem", "Membeli beras kemasan kelompok")],
    [("Pembentukan kelompok pengolah", "Kelompok berakta desa", "2027-01-15"),
     ("Pengadaan pengering dan mesin giling", "Mesin terpasang dan diuji", "2027-03-31"),
     ("Penjualan beras kemasan pertama", "Beras terjual ke toko mitra", "2027-05-31")],
    [("Mesin rusak", "Kontrak servis dengan bengkel dan kas perawatan kelompok")],
    [("APBDes", "Pengering dan mesin giling, untuk nilai tambah gabah", "45000000")])

#: The day the demo's story stands at: plans, reviews and progress updates lead up to it.
DEMO_TODAY = dt.date(2026, 11, 27)

#: username -> (plan content, stage). Stages walk the real workflow.
PLANS: dict[str, tuple[dict, str]] = {
    "wahyu": (CATFISH, "approved_moving"),
    "fauzi": (HENS, "approved_blocked"),
    "sugeng": (HENS, "approved_moving"),
    "kholis": (SHEEP, "approved_quiet"),
    "agus": (DATA, "resubmitted"),
    "siti": (CATFISH, "revision_requested"),
    "lilik": (SHEEP, "in_review"),
    "budi": (HENS, "submitted"),
    "suparno": ({**CATFISH, "indicators": [], "risks": [], "sustainability": ""}, "draft"),
    "endang": ({"title": "Pekarangan pangan bergizi untuk keluarga berisiko stunting"},
               "draft"),
    "hartono": (RICE, "submitted"),
    "ratna": (SHEEP, "draft"),
}
#: Rubric levels (content/rubrics/rencana-aksi.md). "good" (approvals): Sangat baik but Baik on
#: feasibility, innovation and inclusion, 95.5, Sangat Memuaskan. "fair" (revision requests):
#: mostly Baik, Cukup on results, sustainability and inclusion, and Kurang on data protection,
#: which is below its minimum: 77.25, capped at Kurang Memuaskan, shown in the feedback.
LEVELS = {
    "good": {"relevansi-data": 4, "kolaborasi-lintas-sektor": 4, "kepemimpinan": 4,
             "hasil-terukur": 4, "kelayakan": 3, "keberlanjutan": 4, "inovasi": 3,
             "keselarasan-skp": 4, "inklusi": 3, "pelindungan-data": 4},
    "fair": {"relevansi-data": 3, "kolaborasi-lintas-sektor": 3, "kepemimpinan": 3,
             "hasil-terukur": 2, "kelayakan": 3, "keberlanjutan": 2, "inovasi": 3,
             "keselarasan-skp": 3, "inklusi": 2, "pelindungan-data": 1},
}
COMMENTS = {"hasil-terukur": "Pisahkan indikator hasil (pendapatan) dari indikator kegiatan.",
            "keberlanjutan": "Siapa yang membiayai pendampingan setelah tahun pertama?",
            "relevansi-data": "Data sasaran sudah diverifikasi di lapangan: bagus.",
            "inklusi": "Jadwalkan pelatihan di balai desa yang mudah dijangkau lansia dan "
                       "penyandang disabilitas, di luar jam mengasuh anak.",
            "pelindungan-data": "Daftar nama dan NIK dari DTSEN dibagikan ke mitra hanya "
                                "dengan kesepakatan tertulis (tujuan, akses, penghapusan), "
                                "bukan lewat grup percakapan."}


def _walk(plan: ActionPlan, user: User, graders: list[User], content: dict, stage: str,
          start: dt.datetime) -> None:
    rubric = get_catalogue().rubrics[current_app.config["LEANS_PLAN_RUBRIC"]]
    ranges = parse_thresholds(current_app.config["LEANS_PREDICATE_THRESHOLDS"])
    if stage == "draft":
        save_draft(plan, content, plan.draft_version, start)
        return
    submit(plan, user, content, plan.draft_version, start)
    if stage == "submitted":
        return
    grader = graders[len(user.username) % len(graders)]
    start_review(plan, grader, plan.state_version, start + dt.timedelta(days=1))
    if stage == "in_review":
        return
    first_round = stage in ("revision_requested", "resubmitted")
    decide(plan, grader, rubric, ranges,
           decision="request_revision" if first_round else "approve",
           levels=LEVELS["fair" if first_round else "good"], comments=COMMENTS,
           overall_comment="Rencana menjanjikan; perjelas indikator hasil dan keberlanjutan."
           if first_round else "Siap dijalankan. Laporkan kemajuan tiap tonggak.",
           expected_state_version=plan.state_version, now=start + dt.timedelta(days=2))
    if stage == "resubmitted":
        revised = {**content, "sustainability": content["sustainability"]
                   + " Pendampingan tahun kedua dianggarkan Kecamatan."}
        submit(plan, user, revised, plan.draft_version, start + dt.timedelta(days=5))
    if stage.startswith("approved"):
        _updates(plan, user, stage)


def _updates(plan: ActionPlan, user: User, stage: str) -> None:
    today = DEMO_TODAY
    reports = {
        "approved_moving": [(0, "done", "Daftar disahkan musdes", "", 10),
                            (1, "in_progress", "Pelatihan hari pertama berjalan", "", 3)],
        "approved_blocked": [(0, "done", "Verifikasi selesai", "", 12),
                             (2, "blocked", "Dana CSR belum cair", "", 4)],
        "approved_quiet": [],
    }[stage]
    for index, status, note, value, days_ago in reports:
        reported_on = today - dt.timedelta(days=days_ago)
        update = post_update(plan, activity_index=index, status=status, note=note,
                             indicator_value=value, reported_on=reported_on, today=today)
        # Reported that day, not whenever the demo is loaded: "last activity" stays fixed.
        update.created_at = dt.datetime.combine(reported_on, dt.time(2), tzinfo=dt.UTC)


def load_demo_plans(cohort: Cohort, users: list[User]) -> None:
    """Create the demo plans that do not exist yet (a second run changes nothing)."""
    enrolments = {e.user_id: e for e in cohort.enrolments}
    graders = sorted((row.user for row in cohort.facilitator_rows), key=lambda u: u.username)
    for user in users:
        if user.username not in PLANS or user.id not in enrolments:
            continue
        enrolment = enrolments[user.id]
        if db.session.scalar(select(ActionPlan.id).where(
                ActionPlan.enrolment_id == enrolment.id)):
            continue
        content, stage = PLANS[user.username]
        plan = get_or_create_plan(enrolment)
        days = {"approved_quiet": 60, "approved_moving": 30, "approved_blocked": 25}
        start = dt.datetime(2026, 11, 26, 3, tzinfo=dt.UTC) - dt.timedelta(
            days=days.get(stage, 10 + len(user.username)))
        _walk(plan, user, graders, content, stage, start)
        db.session.commit()


# The full-path cohort (leans.demo.project): plans written in June–November 2026, with
# short-term milestones on or before the training's last day (21 August 2026) and medium-term
# ones after it.
def _project_plan(*args) -> dict:
    return _plan(*args, baseline_date="2026-06-15")


PROJECT_PLANS: dict[str, dict] = {
    "nanang": _project_plan(
        "Bank sampah Kolong: sampah rumah tangga menjadi tabungan keluarga desil 1", "Kolong",
        "bank sampah",
        "Rumah tangga desil 1 di Kolong membakar sampah atau membuangnya ke sungai, padahal "
        "plastik dan kardus yang mereka buang laku dijual.",
        "Survei DLH bersama kader lingkungan (Juni 2026): 9 dari 10 rumah tangga desil 1 belum "
        "memilah sampah; pengepul membeli plastik bersih Rp2.000–3.500 per kilogram.",
        "Rumah tangga desil 1 yang dipimpin perempuan",
        [("pemerintah", "Pemerintah Desa Kolong", "Gudang bank sampah di aset desa"),
         ("pemerintah", "Dinas Lingkungan Hidup", "Timbangan, pelatihan pemilahan"),
         ("dunia_usaha", "Pengepul plastik di Ngasem", "Membeli hasil pilahan"),
         ("masyarakat", "TP PKK Desa Kolong", "Pengurus dan pencatat tabungan")],
        [("Pendataan calon nasabah bersama kader", "40 rumah tangga terverifikasi",
          "2026-08-14"),
         ("Pembentukan pengurus", "SK kepala desa tentang pengurus", "2027-01-15"),
         ("Pelatihan pemilahan dan pembukuan", "30 nasabah aktif menabung", "2027-03-31")],
        [("Harga plastik turun", "Kontrak harga minimum tiga bulanan dengan pengepul")],
        [("APBDes", "Gudang dan timbangan, untuk tabungan keluarga", "15000000"),
         ("APBD", "Pelatihan pemilahan dan pendampingan", "8000000")]),
    "indah": _project_plan(
        "Papan data sasaran Nganti: satu daftar untuk musyawarah desa", "Nganti",
        "program tepat sasaran",
        "Perangkat Desa Nganti menyusun daftar penerima bantuan dari catatan yang berbeda-beda, "
        "sehingga musyawarah desa tidak punya satu daftar sasaran yang disepakati.",
        "Daftar penerima 2026 di Nganti dibandingkan dengan DTSEN desil 1–2: 23 nama tidak "
        "cocok; wawancara dengan sekretaris desa dan operator SID (Juni 2026).",
        "Rumah tangga desil 1–2 di Desa Nganti",
        [("pemerintah", "Pemerintah Desa Nganti", "Operator SID dan jadwal musdes"),
         ("pemerintah", "Dinas Sosial", "Pemutakhiran DTSEN"),
         ("akademisi", "Universitas Bojonegoro", "Pendampingan teknis papan data")],
        [("Pemetaan sumber data penerima", "Peta data disahkan kepala desa", "2026-08-07"),
         ("Uji coba papan data di musdes", "Musdes memakai satu daftar", "2026-12-15"),
         ("Pelatihan operator desa", "Data dimutakhirkan tiap bulan", "2027-02-28")],
        [("Operator berganti", "Panduan tertulis dan dua operator terlatih")],
        [("APBD", "Pendampingan teknis, untuk ketepatan sasaran", "18000000"),
         ("APBDes", "Honor operator SID", "6000000")]),
    "eko.kanor": _project_plan(
        "Satu data sasaran: verifikasi DTSEN lintas OPD di Kecamatan Kanor", "",
        "program tepat sasaran",
        "Tiga OPD memakai daftar penerima berbeda untuk desa yang sama di Kanor, sehingga ada "
        "warga yang menerima dua kali dan warga yang terlewat.",
        "Rekap kecamatan (Juni 2026): daftar tiga program dibandingkan dengan DTSEN; 58 nama "
        "ganda dan 41 rumah tangga desil 1 tanpa bantuan.",
        "Rumah tangga desil 1–2 di Kecamatan Kanor",
        [("pemerintah", "Kecamatan Kanor", "Forum verifikasi bulanan"),
         ("pemerintah", "Dinas Sosial", "Akses data dan pemutakhiran"),
         ("masyarakat", "Kader desa", "Kunjungan rumah")],
        [("Forum verifikasi pertama", "Daftar bersama disepakati", "2026-08-19"),
         ("Kunjungan rumah oleh kader", "300 rumah tangga terverifikasi", "2027-01-31"),
         ("Forum verifikasi kedua", "Daftar terbaru dikirim ke Dinas Sosial", "2027-04-30")],
        [("OPD tidak hadir", "Surat camat dan agenda tetap")],
        [("APBD", "Honor kader verifikasi, untuk ketepatan sasaran", "12000000")]),
    "eko.naker": _project_plan(
        "Kerja layak untuk pemuda desil 1 Tondomulo: pelatihan las dan penempatan",
        "Tondomulo", "upah pemuda yang bekerja",
        "Pemuda dari rumah tangga desil 1 di Tondomulo menganggur atau bekerja serabutan karena "
        "tidak punya keterampilan bersertifikat.",
        "DTSEN desa dicocokkan dengan data pencari kerja Disperinaker (Juni 2026): 18 pemuda "
        "usia 18–25 dari desil 1 tanpa pekerjaan tetap.",
        "Pemuda usia 18–25 dari rumah tangga desil 1",
        [("pemerintah", "Dinas Perindustrian dan Tenaga Kerja", "Pelatihan las di BLK"),
         ("dunia_usaha", "Bengkel las di Bojonegoro", "Magang dan penempatan kerja"),
         ("masyarakat", "Karang Taruna Tondomulo", "Pendampingan sebaya")],
        [("Seleksi peserta bersama desa", "15 pemuda terpilih", "2026-08-14"),
         ("Pelatihan las di BLK", "12 pemuda lulus uji kompetensi", "2026-12-18"),
         ("Magang dan penempatan", "8 pemuda bekerja dengan upah UMK", "2027-06-30")],
        [("Peserta berhenti di tengah pelatihan", "Uang transport dan pendamping sebaya")],
        [("APBD", "Pelatihan dan uji kompetensi, untuk pekerjaan layak", "40000000"),
         ("APBDes", "Transport peserta", "9000000")]),
    "yuli": _project_plan(
        "Keripik singkong bersama: pemasaran kelompok perempuan desil 1 di Kecamatan Dander",
        "", "keripik singkong",
        "Perempuan kepala keluarga desil 1 di Dander membuat keripik singkong, tetapi menjual "
        "sendiri-sendiri ke tengkulak dengan harga rendah dan tanpa izin edar.",
        "Pendataan kecamatan bersama pendamping desa (Juni 2026): 26 perempuan kepala keluarga "
        "desil 1 memproduksi keripik; tengkulak membayar separuh harga toko.",
        "Perempuan kepala keluarga desil 1 di Kecamatan Dander",
        [("pemerintah", "Kecamatan Dander", "Kerja sama antardesa"),
         ("pemerintah", "Dinas Kesehatan", "Sertifikat PIRT"),
         ("dunia_usaha", "Toko oleh-oleh di Bojonegoro", "Pembeli tetap dengan kontrak")],
        [("Pendataan produsen dan uji rasa", "26 produsen terdata", "2026-08-07"),
         ("Pengurusan PIRT dan kemasan", "Izin PIRT terbit", "2026-12-31"),
         ("Kontrak dengan toko mitra", "Penjualan rutin tiap bulan", "2027-03-31")],
        [("Singkong langka di kemarau", "Kontrak tanam dengan petani setempat")],
        [("APBDes", "Alat pengemas, untuk harga jual lebih baik", "20000000")]),
    "anik": _project_plan(
        "Kompos bersama Tondomulo: limbah ternak menjadi penghasilan rumah tangga desil 1",
        "Tondomulo", "kompos",
        "Kotoran ternak di Tondomulo menumpuk di pekarangan dan mencemari sumur, sementara "
        "petani gurem desil 1 membeli pupuk kimia yang mahal.",
        "Uji air sumur oleh DLH (Juni 2026) di 20 rumah: 7 tercemar bakteri; DTSEN desa "
        "mencatat 22 rumah tangga desil 1 pemelihara ternak.",
        "Rumah tangga desil 1 pemelihara ternak",
        [("pemerintah", "Dinas Lingkungan Hidup", "Pelatihan pengomposan dan uji air"),
         ("pemerintah", "Pemerintah Desa Tondomulo", "Lahan rumah kompos"),
         ("dunia_usaha", "Kios pupuk di Kedungadem", "Menjual kompos kemasan"),
         ("akademisi", "Dosen pertanian", "Uji mutu kompos")],
        [("Sosialisasi dan musyawarah dusun", "Berita acara dan 22 rumah tangga terdaftar",
          "2026-07-31"),
         ("Pembangunan rumah kompos", "Rumah kompos selesai dan dipakai", "2026-08-14"),
         ("Produksi kompos pertama", "2 ton kompos terpanen", "2026-10-31"),
         ("Uji mutu kompos", "Hasil uji laboratorium memenuhi standar", "2026-11-15"),
         ("Penjualan ke kios mitra", "Kompos kemasan terjual", "2027-03-31")],
        [("Bau dan lalat mengganggu tetangga", "Lokasi jauh dari rumah, jadwal pembalikan")],
        [("APBDes", "Rumah kompos, untuk penghasilan dan lingkungan bersih", "25000000"),
         ("APBD", "Pelatihan dan uji mutu", "7500000")]),
    "rudi": _project_plan(
        "Pekarangan bergizi untuk keluarga berisiko stunting di Kecamatan Dander", "",
        "pekarangan",
        "Keluarga desil 1 dengan balita berisiko stunting di Dander jarang makan sayur dan "
        "protein hewani karena harus membelinya.",
        "Data posyandu (Juni 2026) dicocokkan dengan DTSEN: 31 balita berisiko stunting dari "
        "keluarga desil 1 di empat desa.",
        "Keluarga desil 1 dengan balita berisiko stunting",
        [("pemerintah", "Dinas Ketahanan Pangan dan Pertanian", "Bibit dan pendampingan"),
         ("masyarakat", "Kader posyandu", "Pencatatan konsumsi dan berat badan"),
         ("dunia_usaha", "Pasar desa", "Membeli kelebihan panen")],
        [("Pembagian bibit dan polybag", "31 keluarga menanam", "2026-07-31"),
         ("Kelas masak bergizi di posyandu", "Menu mingguan dipakai keluarga", "2026-08-14"),
         ("Panen dan penjualan kelebihan", "Panen tercatat di buku kader", "2026-10-15"),
         ("Evaluasi berat badan balita", "Balita berisiko berkurang", "2027-03-31")],
        [("Tanaman mati di kemarau", "Bibit tahan kering dan penampungan air hujan")],
        [("APBDes", "Bibit, polybag dan kelas masak, untuk gizi balita", "12000000")]),
    "tri": _project_plan(
        "Olahan lele Nganti: pelatihan dan pemasaran untuk perempuan desil 1", "Nganti",
        "olahan lele",
        "Perempuan dari rumah tangga desil 1 di Nganti tidak berpenghasilan, sementara lele "
        "dari kolam desa dijual mentah dengan harga rendah.",
        "DTSEN desa dan catatan kelompok kolam (Juni 2026): 20 perempuan desil 1 bersedia "
        "ikut; abon lele laku tiga kali harga lele segar per kilogram.",
        "Perempuan usia produktif dari rumah tangga desil 1",
        [("pemerintah", "Dinas Perindustrian dan Tenaga Kerja", "Pelatihan dan kemasan"),
         ("pemerintah", "Pemerintah Desa Nganti", "Dapur produksi di balai desa"),
         ("dunia_usaha", "Toko oleh-oleh di Bojonegoro", "Pembeli tetap"),
         ("media", "Radio komunitas", "Promosi produk")],
        [("Pelatihan abon dan keripik lele", "20 perempuan lulus pelatihan", "2026-08-05"),
         ("Pengurusan PIRT dan kemasan", "Izin PIRT terbit", "2026-08-14"),
         ("Penjualan rutin ke toko mitra", "Penjualan tiap bulan tercatat", "2026-10-31"),
         ("Pemasaran daring", "Produk dijual di lokapasar", "2027-02-28")],
        [("Pasokan lele tidak tetap", "Kontrak dengan kelompok kolam lele desa")],
        [("APBD", "Pelatihan dan kemasan, untuk penghasilan perempuan", "15000000"),
         ("APBDes", "Peralatan dapur produksi", "10000000")]),
}
