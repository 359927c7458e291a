"""BKPP administration pages: scope, cohorts, enrolment, import preview, accounts."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role, User
from tests.fixtures.constants import PASSWORD

ADMIN_GETS = ["/admin/", "/admin/cohorts/new", "/admin/cohorts/k/edit", "/admin/cohorts/k/people",
              "/admin/cohorts/k/import", "/admin/users", "/admin/users/new", "/admin/reports",
              "/admin/reports/modules.csv"]


@pytest.fixture
def setup(admin_world):
    return admin_world


def test_every_admin_page_opens_for_admins(setup, logged_in):
    client = logged_in("admin")
    for url in ADMIN_GETS:
        assert client.get(url).status_code == 200, url


def test_create_edit_and_close_a_cohort(setup, post_form, logged_in):
    client = logged_in("admin")
    fasil = setup[0]["fasil"]
    response = post_form(client, "/admin/cohorts/new", {
        "name": "LEANS Angkatan II", "slug": "angkatan-2", "starts_on": "2027-02-01",
        "ends_on": "2027-04-30", "place": "Aula BKPP", "facilitators": [fasil.id],
        "module": ["sinergi-lintas-sektor", "kepemimpinan-kolaboratif"],
        "position-sinergi-lintas-sektor": "2", "position-kepemimpinan-kolaboratif": "1"},
        token_page="/admin/cohorts/new")
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "angkatan-2"))
    assert cohort.module_slugs == ["kepemimpinan-kolaboratif", "sinergi-lintas-sektor"]
    assert [row.user_id for row in cohort.facilitator_rows] == [fasil.id]
    duplicate = post_form(client, "/admin/cohorts/new", {
        "name": "X", "slug": "angkatan-2", "starts_on": "2027-02-01", "ends_on": "2027-01-01",
        "module": ["kepemimpinan-kolaboratif"]}, token_page="/admin/cohorts/new")
    page = duplicate.get_data(as_text=True)
    assert "Tanggal selesai sebelum tanggal mulai." in page
    taken = post_form(client, "/admin/cohorts/new", {
        "name": "X", "slug": "angkatan-2", "starts_on": "2027-02-01", "ends_on": "2027-03-01",
        "module": ["kepemimpinan-kolaboratif"]}, token_page="/admin/cohorts/new")
    assert "Slug ini sudah dipakai angkatan lain." in taken.get_data(as_text=True)
    post_form(client, "/admin/cohorts/angkatan-2/close", {}, token_page="/admin/")
    db.session.refresh(cohort)
    assert cohort.closed


def test_unenrol_keeps_records_and_can_be_undone(setup, post_form, logged_in):
    client = logged_in("admin")
    peserta = setup[0]["peserta"]
    post_form(client, f"/admin/cohorts/k/enrolments/{peserta.id}/unenrol", {},
              token_page="/admin/cohorts/k/people")
    row = db.session.scalar(select(Enrolment))
    db.session.refresh(row)
    assert row.unenrolled_at is not None
    assert logged_in("peserta").get("/learn/k/").status_code == 404
    post_form(client, f"/admin/cohorts/k/enrolments/{peserta.id}/enrol", {},
              token_page="/admin/cohorts/k/people")
    db.session.refresh(row)
    assert row.unenrolled_at is None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["enrolment.unenrol", "enrolment.enrol"]


def test_import_page_previews_then_writes(setup, post_form, csrf_token, logged_in):
    client = logged_in("admin")
    data = (b"Nama;NIP;Unit\nSiti Nurhayati, S.E.;19860926 201505 2 001;Bappeda\n"
            b"Tanpa NIP;;Desa Kolong\n")
    token = csrf_token(client, "/admin/cohorts/k/import")
    preview = client.post("/admin/cohorts/k/import", data={
        "file": (io.BytesIO(data), "peserta.csv"), "csrf_token": token},
        content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert "2 baru, 0 diperbarui, 0 tidak berubah, 0 bermasalah." in page
    assert db.session.scalar(select(User).where(User.full_name == "Tanpa NIP")) is None
    upload = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = post_form(client, "/admin/cohorts/k/import/confirm",
                     {"token": upload, "filename": "peserta.csv"}, token_page="/admin/")
    assert "/account/setup/" in done.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.full_name == "Tanpa NIP"))


def test_import_page_shows_errors_and_writes_nothing(setup, csrf_token, logged_in):
    client = logged_in("admin")
    data = b"Nama,NIP\n,123\n"
    token = csrf_token(client, "/admin/cohorts/k/import")
    page = client.post("/admin/cohorts/k/import", data={
        "file": (io.BytesIO(data), "salah.csv"), "csrf_token": token},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "<strong>NIP</strong>: NIP harus terdiri dari 18 angka" in page
    assert "<strong>nama</strong>: nama belum diisi" in page
    assert 'name="token"' not in page  # no confirm button


def test_accounts_create_deactivate_reset_and_roles(app, setup, post_form, logged_in):
    client = logged_in("admin")
    created = post_form(client, "/admin/users/new", {
        "username": "baru", "full_name": "Dr. Baru, M.Si.", "roles": ["facilitator"],
        "nip": "19750421 200012 2 003"}, token_page="/admin/users/new")
    link = re.search(r"/account/setup/[A-Za-z0-9_-]+", created.get_data(as_text=True)).group(0)
    user = db.session.scalar(select(User).where(User.username == "baru"))
    assert user.nip == "197504212000122003" and user.roles == {Role.FACILITATOR}
    assert app.test_client().get(link).status_code == 200
    post_form(client, f"/admin/users/{user.id}/deactivate", {}, token_page="/admin/users")
    db.session.refresh(user)
    assert not user.active
    post_form(client, f"/admin/users/{user.id}/reactivate", {}, token_page="/admin/users")
    post_form(client, f"/admin/users/{user.id}", {
        "username": "baru", "full_name": "Dr. Baru, M.Si.", "roles": ["facilitator", "admin"]},
        token_page=f"/admin/users/{user.id}")
    db.session.refresh(user)
    assert user.roles == {Role.FACILITATOR, Role.ADMIN} and user.active
    reset = post_form(client, f"/admin/users/{user.id}/reset", {}, token_page="/admin/users")
    assert "/account/setup/" in reset.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["user.created", "user.deactivated", "user.reactivated",
                       "user.roles_changed", "user.password_reset"]


def test_setup_links_are_emailed_when_smtp_is_configured(app, setup, monkeypatch, post_form,
                                                         logged_in):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            self.host = host

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def login(self, user, password):
            pass

        def send_message(self, message):
            sent.append(message)

    monkeypatch.setattr("leans.core.mail.smtplib.SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "LEANS_SMTP_HOST", "smtp.contoh.go.id")
    client = logged_in("admin")
    page = post_form(client, "/admin/users/new", {
        "username": "surel", "full_name": "Dewi Surel", "roles": ["participant"],
        "email": "dewi@contoh.go.id"}, token_page="/admin/users/new").get_data(as_text=True)
    assert "dewi@contoh.go.id" in page
    (message,) = sent
    assert message["To"] == "dewi@contoh.go.id" and "/account/setup/" in message.get_content()


def test_changing_a_nip_needs_the_admins_password(setup, post_form, logged_in):
    client = logged_in("admin")
    person = setup[0]["peserta"]
    form = {"username": "peserta", "full_name": "Peserta A", "roles": ["participant"],
            "nip": "19860926 201505 2 001"}
    refused = post_form(client, f"/admin/users/{person.id}", form,
                        token_page=f"/admin/users/{person.id}")
    assert refused.status_code == 403
    db.session.refresh(person)
    assert person.nip is None
    post_form(client, f"/admin/users/{person.id}", {**form, "confirm_password": PASSWORD},
              token_page=f"/admin/users/{person.id}")
    db.session.refresh(person)
    assert person.nip == "198609262015052001"
    assert "user.nip_changed" in db.session.scalars(select(AuditEvent.action)).all()
