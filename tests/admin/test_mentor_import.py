"""The import's optional mentor columns (NIP Mentor, Nama Mentor, Email Mentor): mentors
found by NIP or email or made with a setup link, the mentor role given, enrolments linked;
contradictions named by row and column, and nothing written; without the columns the import
is what it was."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import Enrolment, Role, User
from tests.fixtures.web import visible_text

HEADER = "NIP;Nama;Email;Peran;NIP Mentor;Nama Mentor;Email Mentor"
SITI, BUDI = "198609262015052001", "199001012015031002"
NEW_MENTOR, HERU, WATI = "197203151998031007", "197001011995031001", "197505052000032002"


@pytest.fixture
def cohort(make_cohort, make_user):
    """Cohort k; admin; an existing mentor Heru (NIP, email); Wati, an account with a NIP
    but without the mentor role; Ani, with an email only."""
    make_user({Role.ADMIN}, username="admin")
    make_user({Role.MENTOR}, username="heru", full_name="Drs. Heru Santoso", nip=HERU,
              email="heru@bojonegoro.example")
    make_user({Role.PARTICIPANT}, username="wati", full_name="Ir. Wati", nip=WATI)
    make_user({Role.FACILITATOR}, username="ani", full_name="Ani Rahayu, S.Pd.",
              email="ani@bojonegoro.example")
    return make_cohort("k", modules=["kepemimpinan-kolaboratif"])


def sheet(*lines: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *lines]).encode()


def run(runner, tmp_path, data: bytes, name: str = "peserta.csv", *extra):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["users", "import", str(path), "--cohort", "k", *extra])


def user(nip: str | None = None, email: str | None = None) -> User | None:
    where = User.nip == nip if nip else User.email == email
    return db.session.scalar(select(User).where(where))


def mentor_of(nip: str) -> User | None:
    enrolment = db.session.scalar(select(Enrolment).join(User, User.id == Enrolment.user_id)
                                  .where(User.nip == nip))
    db.session.refresh(enrolment)
    return enrolment.mentor


def snapshot() -> tuple:
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Enrolment.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def test_a_new_mentor_of_two_participants_is_made_once_with_a_setup_link(runner, tmp_path,
                                                                          cohort):
    data = sheet(f"{SITI};Siti;siti@bojonegoro.example;peserta;{NEW_MENTOR};"
                 "Dra. Sri Wahyuni, M.Si.;sri@bojonegoro.example",
                 f"{BUDI};Budi;;peserta;{NEW_MENTOR};;")
    result = run(runner, tmp_path, data)
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 new, 0 update, 0 unchanged, 0 with errors." in result.output
    mentor = user(NEW_MENTOR)
    assert mentor.full_name == "Dra. Sri Wahyuni, M.Si." and mentor.roles == {Role.MENTOR}
    assert mentor.email == "sri@bojonegoro.example" and mentor.setup_token_hash
    assert mentor.username in result.output  # its setup link is printed with the others
    assert len(re.findall(r"/account/setup/\S+", result.output)) == 3
    assert mentor_of(SITI) == mentor and mentor_of(BUDI) == mentor
    links = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "enrolment.mentor_linked")).all()
    assert [e.details["mentor"] for e in links] == [mentor.id, mentor.id]
    imported = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "users.imported"))
    assert imported.details["new_mentors"] == 1
    before = snapshot()
    again = run(runner, tmp_path, data)
    assert "2 rows: 0 new, 0 update, 2 unchanged" in again.output, again.output
    assert snapshot()[:2] == before[:2]


def test_an_existing_mentor_is_found_by_nip_and_an_account_gets_the_role(runner, tmp_path,
                                                                          cohort):
    result = run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;{HERU};;",
                                         f"{BUDI};Budi;;peserta;{WATI};Ir. Wati;"))
    assert result.exit_code == 0, result.output
    heru, wati = user(HERU), user(WATI)
    assert mentor_of(SITI) == heru and mentor_of(BUDI) == wati
    db.session.refresh(wati)
    assert wati.roles == {Role.PARTICIPANT, Role.MENTOR}
    assert heru.roles == {Role.MENTOR}
    assert "/account/setup/" in result.output  # the two participants' links; none for mentors
    assert heru.username not in result.output and wati.username not in result.output


def test_an_existing_mentor_is_found_by_email(runner, tmp_path, cohort):
    result = run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;;;HERU@bojonegoro.example",
                                         f"{BUDI};Budi;;peserta;;;ani@bojonegoro.example"))
    assert result.exit_code == 0, result.output
    assert mentor_of(SITI) == user(HERU)
    ani = user(email="ani@bojonegoro.example")
    assert mentor_of(BUDI) == ani and Role.MENTOR in ani.roles


def test_an_existing_participant_s_mentor_is_an_update_and_is_relinked(runner, tmp_path,
                                                                       cohort):
    run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;{HERU};;"))
    result = run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;{WATI};;"))
    assert "1 rows: 0 new, 1 update, 0 unchanged" in result.output, result.output
    assert mentor_of(SITI) == user(WATI)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "enrolment.mentor_linked")).all()
    assert events[-1].details["previous"] == user(HERU).id


def test_a_mentor_may_be_the_person_of_another_row(runner, tmp_path, cohort):
    result = run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;{BUDI};;",
                                         f"{BUDI};Budi;;fasilitator;;;"))
    assert result.exit_code == 0, result.output
    budi = user(BUDI)
    assert mentor_of(SITI) == budi and budi.roles == {Role.FACILITATOR, Role.MENTOR}
    assert db.session.scalar(select(func.count(User.id)).where(User.nip == BUDI)) == 1


@pytest.mark.parametrize(("lines", "expected"), [
    # Two rows naming one mentor NIP differently: the second row is wrong.
    ([f"{SITI};Siti;;peserta;{NEW_MENTOR};Sri Wahyuni;",
      f"{BUDI};Budi;;peserta;{NEW_MENTOR};Sri Rahayu;"], "row 3, column nama mentor:"),
    ([f"{SITI};Siti;;peserta;{HERU};Drs. Heru;", f"{BUDI};Budi;;peserta;{HERU};Heru S.;"],
     "row 3, column nama mentor:"),
    # The participant's own NIP, own email, or own account.
    ([f"{SITI};Siti;;peserta;{SITI};Siti;"], "row 2, column NIP mentor:"),
    ([f"{SITI};Siti;siti@x.example;peserta;;Siti;SITI@x.example"],
     "row 2, column email mentor:"),
    # A new mentor without a name; a mentor named but neither NIP nor email.
    ([f"{SITI};Siti;;peserta;{NEW_MENTOR};;"], "row 2, column nama mentor:"),
    ([f"{SITI};Siti;;peserta;;Pak Kepala;"], "row 2, column NIP mentor:"),
    # Mentor's columns on a facilitator's row; a bad NIP; a bad email.
    ([f"{BUDI};Budi;;fasilitator;{HERU};;"], "row 2, column NIP mentor:"),
    ([f"{SITI};Siti;;peserta;12345;Sri;"], "row 2, column NIP mentor:"),
    ([f"{SITI};Siti;;peserta;;Sri;bukan-email"], "row 2, column email mentor:"),
    ([f"{SITI};Siti;;peserta;;Sri;{'a' * 250}@x.example"], "row 2, column email mentor:"),
    ([f"{SITI};Siti;;peserta;{NEW_MENTOR};{'S' * 201};"], "row 2, column nama mentor:"),
    # NIP and email of two different accounts; a new mentor given two emails.
    ([f"{SITI};Siti;;peserta;{HERU};;ani@bojonegoro.example"], "row 2, column email mentor:"),
    ([f"{SITI};Siti;;peserta;{NEW_MENTOR};Sri;a@x.example",
      f"{BUDI};Budi;;peserta;{NEW_MENTOR};Sri;b@x.example"], "row 3, column email mentor:"),
    # Found by email, but that account has another NIP.
    ([f"{SITI};Siti;;peserta;{NEW_MENTOR};;heru@bojonegoro.example"],
     "row 2, column NIP mentor:"),
])
def test_contradictions_name_row_and_column_and_nothing_is_written(runner, tmp_path, cohort,
                                                                   lines, expected):
    before = snapshot()
    result = run(runner, tmp_path, sheet(*lines))
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert "Nothing was imported" in result.output
    assert snapshot() == before


def test_self_mentor_through_the_account_found_by_email(runner, tmp_path, cohort):
    """Wati is found by NIP; her mentor's email is hers (set here): the same account."""
    user(WATI).email = "wati@bojonegoro.example"
    db.session.commit()
    result = run(runner, tmp_path, sheet(f"{WATI};Ir. Wati;;peserta;;;wati@bojonegoro.example"))
    assert result.exit_code != 0
    assert "row 2, column email mentor:" in result.output


def test_without_mentor_columns_the_import_is_unchanged_and_keeps_links(runner, tmp_path,
                                                                        cohort, logged_in,
                                                                        post_form, csrf_token):
    run(runner, tmp_path, sheet(f"{SITI};Siti;;peserta;{HERU};;"))
    plain = sheet(f"{SITI};Siti;;peserta", f"{BUDI};Budi;;peserta", header="NIP;Nama;Email;Peran")
    result = run(runner, tmp_path, plain)
    assert result.exit_code == 0, result.output
    assert "2 rows: 1 new, 0 update, 1 unchanged" in result.output
    assert mentor_of(SITI) == user(HERU)  # a file without the columns unlinks nobody
    assert mentor_of(BUDI) is None
    imported = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "users.imported")).all()[-1]
    assert set(imported.details) == {"new", "updated", "unchanged"}
    client = logged_in("admin")
    preview = client.post("/admin/cohorts/k/import", data={
        "file": (io.BytesIO(plain), "peserta.csv"),
        "csrf_token": csrf_token(client, "/admin/cohorts/k/import")},
        content_type="multipart/form-data")
    header = preview.get_data(as_text=True).split("<thead>")[1].split("</thead>")[0]
    assert "Mentor" not in header


def test_a_semicolon_csv_previews_each_mentor_then_imports(cohort, logged_in, post_form,
                                                           csrf_token):
    client = logged_in("admin")
    post_form(client, "/language", {"language": "en"})
    data = sheet(f"{SITI};Siti;siti@bojonegoro.example;peserta;{NEW_MENTOR};"
                 "Dra. Sri Wahyuni, M.Si.;sri@bojonegoro.example",
                 f"{BUDI};Budi;;peserta;{HERU};;", f"{WATI};Ir. Wati;;peserta;;;")
    preview = client.post("/admin/cohorts/k/import", data={
        "file": (io.BytesIO(data), "peserta.csv"),
        "csrf_token": csrf_token(client, "/admin/cohorts/k/import")},
        content_type="multipart/form-data")
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    header = visible_text(html.split("<thead>")[1].split("</thead>")[0])
    assert "Mentor" in header
    text = visible_text(html.split("<tbody>")[1])
    assert "Dra. Sri Wahyuni, M.Si. (19720315 199803 1 007)" in text
    assert "new account" in text and "Drs. Heru Santoso" in text
    assert user(NEW_MENTOR) is None  # the preview writes nothing
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    done = post_form(client, "/admin/cohorts/k/import/confirm",
                     {"token": token, "filename": "peserta.csv"}, token_page="/admin/")
    assert done.status_code == 200
    assert "Dra. Sri Wahyuni, M.Si. (Mentor)" in done.get_data(as_text=True)
    assert mentor_of(SITI) == user(NEW_MENTOR) and mentor_of(BUDI) == user(HERU)
    assert mentor_of(WATI) is None


def test_an_xlsx_with_mentor_columns_imports_like_the_csv(runner, tmp_path, cohort):
    from openpyxl import Workbook
    workbook = Workbook()
    for row in (HEADER.split(";"), [SITI, "Siti", "", "peserta", HERU, "", ""]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(runner, tmp_path, buffer.getvalue(), "peserta.xlsx")
    assert result.exit_code == 0, result.output
    assert mentor_of(SITI) == user(HERU)


#: A small pool, so that rows meet: the same people as participants and as mentors, under
#: the same or other names and emails (now and then a bad NIP or email).
OTHER = "197811112005011003"
MENTOR_ROWS = st.lists(st.tuples(
    st.sampled_from(["peserta", "peserta", "peserta", "fasilitator", ""]),
    st.sampled_from(["", NEW_MENTOR, NEW_MENTOR, HERU, WATI, SITI, OTHER, "123"]),
    st.sampled_from(["", "Sri", "Sri", "Drs. Heru Santoso", "sri ", "Ir. Wati"]),
    st.sampled_from(["", "", "m@x.example", "heru@bojonegoro.example", "p1@x.example",
                     "bukan"])), min_size=1, max_size=4)
#: Each row's own person: a NIP and an email no other row has.
PEOPLE = [(SITI, "Siti", "p1@x.example"), (BUDI, "Budi", ""), (WATI, "Ir. Wati", ""),
          ("", "Ani", "p4@x.example")]


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MENTOR_ROWS)
def test_any_mentor_columns_explain_or_import_once(make_cohort, make_user, empty_tables, rows):
    """Whatever the mentor's columns say: every error names a column; a list without errors
    imports (no clash in the database), and importing it again changes nothing."""
    from leans.admin.importing import apply_import, plan_import
    from leans.admin.sheets import read_sheet

    empty_tables()
    make_user({Role.MENTOR}, username="heru", full_name="Drs. Heru Santoso", nip=HERU,
              email="heru@bojonegoro.example")
    cohort, admin = make_cohort("prop"), make_user({Role.ADMIN}, username="admin")
    data = sheet(*[";".join([*person, *row]) for person, row in zip(PEOPLE, rows,
                                                                     strict=False)])
    plan = plan_import(read_sheet("peserta.csv", data), cohort)
    assert all(column and reason for r in plan.results for column, reason in r.errors)
    event("the list has errors" if not plan.ok else "the list imports" + (
        " with a mentor" if any(r.mentor for r in plan.results) else ""))
    if not plan.ok:
        return
    accounts = apply_import(plan, cohort, admin)
    db.session.commit()
    assert len(accounts) == plan.counts["new"] + sum(a.mentor for a in accounts)
    again = plan_import(read_sheet("peserta.csv", data), cohort)
    assert again.ok and {r.action for r in again.results} == {"unchanged"}
    for result in again.results:
        if result.mentor is not None:
            enrolment = db.session.scalar(select(Enrolment).where(
                Enrolment.user_id == result.user.id, Enrolment.cohort_id == cohort.id))
            assert enrolment.mentor_id == result.mentor.user.id
            assert Role.MENTOR in result.mentor.user.roles
