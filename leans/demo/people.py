"""The demo's people and cohorts: who they are (fictional people at real units and villages of
Kabupaten Bojonegoro), and the idempotent upserts that create or refresh them and link them to
their cohorts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from leans.auth.services import create_user
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, UnitType, User

DEMO_PASSWORD = "leans-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_COHORT_SLUG = "angkatan-1"
DEMO_MODULES = [
    "kepemimpinan-kolaboratif", "memahami-kemiskinan-bojonegoro", "sinergi-lintas-sektor",
    "kemandirian-profesionalisme-asn", "berorientasi-hasil-dan-dampak", "keberlanjutan-program",
    "menyusun-rencana-aksi",
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    roles: tuple[Role, ...]
    unit: str
    unit_type: UnitType | None
    jabatan: str
    nip: str | None = None
    ni_pppk: str | None = None
    golongan: str | None = None
    kecamatan: str | None = None
    desa: str | None = None
    email: str | None = None


P, F, A = (Role.PARTICIPANT,), (Role.FACILITATOR,), (Role.ADMIN,)
OPD, KEC, DESA = UnitType.OPD, UnitType.KECAMATAN, UnitType.DESA

PEOPLE: list[DemoPerson] = [
    DemoPerson("admin", "Anisa Rahmawati, S.Kom.", A, "BKPP Kabupaten Bojonegoro", OPD,
               "Pranata Komputer Ahli Muda", nip="199003142015032002", golongan="III/b",
               email="admin@leans.example"),
    DemoPerson("retno", "Dr. Hj. Retno Wulandari, M.Si.", F, "BKPP Kabupaten Bojonegoro", OPD,
               "Widyaiswara Ahli Madya", nip="197504212000122003", golongan="IV/b",
               email="retno@leans.example"),
    DemoPerson("bambang", "Bambang Irawan, S.Sos., M.AP.", F, "BKPP Kabupaten Bojonegoro", OPD,
               "Widyaiswara Ahli Muda", nip="198107152006041005", golongan="III/d"),
    DemoPerson("fauzi", "Dr. H. Ahmad Fauzi Rahmatullah, S.Sos., M.Si.", P, "Dinas Sosial", OPD,
               "Kepala Bidang Perlindungan dan Jaminan Sosial", nip="197812052003121004",
               golongan="IV/a", email="fauzi@leans.example"),
    DemoPerson("siti", "Siti Nurhayati, S.E., M.M.", P, "Badan Perencanaan Pembangunan Daerah",
               OPD, "Perencana Ahli Muda", nip="198609262015052001", golongan="III/c"),
    DemoPerson("budi", "Budi Santoso, S.Pt.", P, "Dinas Peternakan dan Perikanan", OPD,
               "Penyuluh Pertanian Ahli Pertama", nip="199201102019031007", golongan="III/b"),
    DemoPerson("endang", "Ir. Endang Sulistyowati, M.P.", P,
               "Dinas Ketahanan Pangan dan Pertanian", OPD, "Kepala Seksi Penyuluhan",
               nip="197709232005012006", golongan="III/d"),
    DemoPerson("rina", "dr. Rina Kartikasari", P, "Dinas Kesehatan", OPD,
               "Dokter Ahli Muda", nip="198805172014022001", golongan="III/c"),
    DemoPerson("arif", "Moh. Arif Hidayat, S.Kom.", P,
               "Dinas Kependudukan dan Pencatatan Sipil", OPD, "Pranata Komputer Ahli Pertama",
               nip="199407302020121003", golongan="III/a"),
    DemoPerson("lilik", "Hj. Lilik Maslikah, S.Pd., M.Pd.", P, "Dinas Pendidikan", OPD,
               "Kepala Seksi Kurikulum", nip="198003082006042008", golongan="III/d"),
    DemoPerson("agus", "Agus Priyanto, S.STP., M.Si.", P,
               "Dinas Pemberdayaan Masyarakat dan Desa", OPD, "Kepala Bidang Pemberdayaan",
               nip="198112122001121002", golongan="IV/a"),
    DemoPerson("dwi", "Dwi Wahyuningsih, S.E.", P,
               "Dinas Perdagangan, Koperasi dan Usaha Mikro", OPD, "Analis Usaha Mikro",
               nip="199011042017082001", golongan="III/a"),
    DemoPerson("yusuf", "Yusuf Efendi, A.Md.", P,
               "Dinas Perumahan, Kawasan Permukiman dan Cipta Karya", OPD,
               "Pengelola Data Rumah Tidak Layak Huni", nip="199306182015031001",
               golongan="II/d"),
    DemoPerson("fitri", "Fitri Handayani, S.Psi.", P,
               "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", OPD,
               "Penyuluh Sosial Ahli Pertama (PPPK)", ni_pppk="199502142023212011"),
    DemoPerson("sugeng", "Drs. Sugeng Riyadi, M.M.", P, "Kecamatan Kedungadem", KEC,
               "Sekretaris Kecamatan", nip="197106111998031005", golongan="IV/a",
               kecamatan="Kedungadem"),
    DemoPerson("kholis", "Nur Kholis, S.Sos.", P, "Kecamatan Ngasem", KEC,
               "Kepala Seksi Kesejahteraan Sosial", nip="198402272009011003",
               golongan="III/c", kecamatan="Ngasem"),
    DemoPerson("wahyu", "Wahyu Setiawan, S.IP.", P, "Kecamatan Ngraho", KEC,
               "Kepala Seksi Pemberdayaan Masyarakat", nip="198708092011011002",
               golongan="III/b", kecamatan="Ngraho"),
    DemoPerson("sutrisno", "Sutrisno", P, "Pemerintah Desa Tondomulo", DESA, "Kepala Desa",
               kecamatan="Kedungadem", desa="Tondomulo"),
    DemoPerson("wahyuni", "Sri Wahyuni", P, "Pemerintah Desa Tondomulo", DESA,
               "Kader Posyandu", kecamatan="Kedungadem", desa="Tondomulo"),
    DemoPerson("mulyono", "Mulyono", P, "Pemerintah Desa Kolong", DESA, "Sekretaris Desa",
               kecamatan="Ngasem", desa="Kolong"),
    DemoPerson("umi", "Umi Kulsum", P, "Pemerintah Desa Kolong", DESA, "Ketua TP PKK Desa",
               kecamatan="Ngasem", desa="Kolong"),
    DemoPerson("suparno", "Suparno, S.Pd.", P, "Pemerintah Desa Nganti", DESA, "Kepala Desa",
               kecamatan="Ngraho", desa="Nganti"),
    DemoPerson("tutik", "Tutik Rahayu", P, "Pemerintah Desa Nganti", DESA, "Kader PKK",
               kecamatan="Ngraho", desa="Nganti"),
    # Added last so that everyone above keeps their id (lesson times depend on it).
    DemoPerson("hartono", "Hartono, S.E., M.Ak.", P,
               "Badan Pengelolaan Keuangan dan Aset Daerah", OPD, "Analis Anggaran Ahli Muda",
               nip="198204152008011004", golongan="III/d"),
    DemoPerson("ratna", "Ratna Dewi Puspitasari, S.Sos.", P,
               "Bagian Kesejahteraan Rakyat Sekretariat Daerah", OPD,
               "Analis Kebijakan Ahli Pertama", nip="198911302014032002", golongan="III/b"),
]


def upsert_person(person: DemoPerson) -> User:
    fields = {
        "full_name": person.full_name, "unit": person.unit, "unit_type": person.unit_type,
        "jabatan": person.jabatan, "nip": person.nip, "ni_pppk": person.ni_pppk,
        "golongan": person.golongan, "kecamatan": person.kecamatan, "desa": person.desa,
        "email": person.email,
    }
    user = db.session.scalar(select(User).where(User.username == person.username))
    if user is None:
        return create_user(username=person.username, password=DEMO_PASSWORD,
                           roles=set(person.roles), **fields)
    for name, value in fields.items():
        setattr(user, name, value)
    user.set_roles(set(person.roles))
    user.active = True
    return user


#: The next cohort, planned: enrolled, nothing started yet (shows admin and reports).
NEXT_COHORT = ("angkatan-2", "LEANS Angkatan II", dt.date(2027, 2, 1), dt.date(2027, 4, 30))
NEXT_PEOPLE: list[DemoPerson] = [
    DemoPerson("rahmat", "Rahmat Hidayat, S.T.", P, "Dinas Pekerjaan Umum Sumber Daya Air",
               OPD, "Teknik Pengairan Ahli Muda", nip="198803212012121002", golongan="III/c"),
    DemoPerson("nurul", "Nurul Aini, S.KM.", P, "Dinas Kesehatan", OPD,
               "Penyuluh Kesehatan Masyarakat", nip="199107072019022003", golongan="III/a"),
    DemoPerson("slamet", "Slamet Riyadi", P, "Pemerintah Desa Kolong", DESA, "Kepala Dusun",
               kecamatan="Ngasem", desa="Kolong"),
]


M, E = (Role.MENTOR,), (Role.EXAMINER,)
#: The full-path cohort (leans.demo.project): participants from other units than angkatan-1's
#: (two of them namesakes), their mentors (direct superiors; some mentor two) and the
#: examiner, a widyaiswara of the province. Coached by retno and bambang.
PROJECT_PEOPLE: list[DemoPerson] = [
    DemoPerson("nanang", "Nanang Kosim, S.T.", P, "Dinas Lingkungan Hidup", OPD,
               "Pengendali Dampak Lingkungan Ahli Pertama", nip="199105122019031008",
               golongan="III/b"),
    DemoPerson("anik", "Anik Susanti, S.Si.", P, "Dinas Lingkungan Hidup", OPD,
               "Penyuluh Lingkungan Hidup Ahli Muda", nip="198610142011012006",
               golongan="III/c"),
    DemoPerson("indah", "Indah Permatasari, S.Kom., M.T.", P,
               "Dinas Komunikasi dan Informatika", OPD, "Kepala Bidang Aplikasi Informatika",
               nip="198212032006042004", golongan="IV/a"),
    DemoPerson("eko.kanor", "Eko Prasetyo, S.E.", P, "Kecamatan Kanor", KEC,
               "Kepala Seksi Kesejahteraan Sosial", nip="198506172010011012",
               golongan="III/c", kecamatan="Kanor"),
    DemoPerson("eko.naker", "Eko Prasetyo, S.E.", P, "Dinas Perindustrian dan Tenaga Kerja",
               OPD, "Pengantar Kerja Ahli Muda", nip="198802092011011005", golongan="III/c"),
    DemoPerson("tri", "Tri Susilowati, S.E.", P, "Dinas Perindustrian dan Tenaga Kerja", OPD,
               "Kepala Seksi Pelatihan dan Produktivitas", nip="198708212010012009",
               golongan="III/d"),
    DemoPerson("yuli", "Yuli Astutik, S.P.", P, "Kecamatan Dander", KEC,
               "Kepala Seksi Pemberdayaan Masyarakat dan Desa", nip="198407252009032003",
               golongan="III/d", kecamatan="Dander"),
    DemoPerson("rudi", "Rudi Hartanto, S.Sos.", P, "Kecamatan Dander", KEC,
               "Kepala Seksi Kesejahteraan Sosial", nip="198311302008011007",
               golongan="III/d", kecamatan="Dander"),
    DemoPerson("wiwik", "Ir. Wiwik Sundari, M.T.", M, "Dinas Lingkungan Hidup", OPD,
               "Kepala Bidang Pengelolaan Sampah dan Limbah B3", nip="197203151998032004",
               golongan="IV/b", email="wiwik@leans.example"),
    DemoPerson("sulistyo", "Drs. Sulistyo Nugroho, M.Si.", M,
               "Dinas Komunikasi dan Informatika", OPD, "Kepala Dinas",
               nip="196909081995031003", golongan="IV/c"),
    DemoPerson("mashudi", "Drs. Mashudi, M.M.", M, "Kecamatan Kanor", KEC, "Camat",
               nip="197011221993031006", golongan="IV/b", kecamatan="Kanor"),
    DemoPerson("purwanto", "Ir. Purwanto Hadi, M.M.", M,
               "Dinas Perindustrian dan Tenaga Kerja", OPD,
               "Kepala Bidang Pelatihan dan Penempatan Tenaga Kerja",
               nip="197105051997031009", golongan="IV/a"),
    DemoPerson("bagus", "Bagus Setyo Utomo, S.STP., M.Si.", M, "Kecamatan Dander", KEC,
               "Camat", nip="198001162000121001", golongan="IV/a", kecamatan="Dander"),
    DemoPerson("lestari", "Dr. Lestari Widyaningrum, M.Si.", E,
               "Badan Pengembangan Sumber Daya Manusia Provinsi Jawa Timur", None,
               "Widyaiswara Ahli Utama", nip="196804121994032005", golongan="IV/d",
               email="lestari@leans.example"),
]


def upsert_cohort(slug: str = DEMO_COHORT_SLUG, name: str = "LEANS Angkatan I",
                   starts: dt.date = dt.date(2026, 10, 5),
                   ends: dt.date = dt.date(2026, 12, 18)) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        cohort = Cohort(slug=slug)
        db.session.add(cohort)
    cohort.name = name
    cohort.starts_on = starts
    cohort.ends_on = ends
    cohort.place = "Aula BKPP Kabupaten Bojonegoro"
    cohort.closed = False
    if cohort.module_slugs != DEMO_MODULES:
        cohort.set_modules(DEMO_MODULES)
    return cohort


def link(cohort: Cohort, users: list[User],
          enrolled_at: dt.datetime = dt.datetime(2026, 10, 5, 1, tzinfo=dt.UTC)) -> None:
    db.session.flush()
    facilitators = {row.user_id for row in cohort.facilitator_rows}
    enrolled = {row.user_id: row for row in cohort.enrolments}
    for user in users:
        if user.has_role(Role.FACILITATOR) and user.id not in facilitators:
            cohort.facilitator_rows.append(CohortFacilitator(user=user))
        if user.has_role(Role.PARTICIPANT):
            if user.id not in enrolled:
                cohort.enrolments.append(Enrolment(user=user, enrolled_at=enrolled_at))
            else:
                enrolled[user.id].unenrolled_at = None
