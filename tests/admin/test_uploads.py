"""Uploaded participant lists: size limit, checked by content not by name, stored in the
database under generated keys (never on a server's disk), deleted on confirmation, purged
when abandoned."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from leans.admin import uploads
from leans.core.extensions import db
from leans.core.models import Role, User
from leans.core.storage import Blob

LIST = "Nama;NIP;Unit\nSiti Nurhayati, S.E.;19860926 201505 2 001;Bappeda\n"


@pytest.fixture
def admin(make_user, make_cohort, logged_in):
    make_user({Role.ADMIN}, username="admin")
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])
    return logged_in("admin")


@pytest.fixture
def stored_previews(app, tmp_path, monkeypatch):
    """``stored_previews()``: the previews kept in the database, oldest first. The app's
    instance folder is this test's own, so that nothing written to disk goes unseen."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    def previews() -> list[Blob]:
        db.session.expire_all()
        return list(db.session.scalars(select(Blob).where(Blob.kind == uploads.KIND)
                                       .order_by(Blob.id)))

    yield previews
    assert not (tmp_path / "imports").exists()  # never on this server's disk


@pytest.fixture
def upload(csrf_token):
    """``upload(client, data, name)``: send a file to cohort k's import page."""

    def send(client, data: bytes, name: str):
        token = csrf_token(client, "/admin/cohorts/k/import")
        return client.post("/admin/cohorts/k/import", data={
            "file": (io.BytesIO(data), name), "csrf_token": token},
            content_type="multipart/form-data")

    return send


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Nama", "Unit"])
    workbook.active.append(["Siti Nurhayati", "Bappeda"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_old(blob: Blob) -> None:
    """Date BLOB just past the keeping time of previews."""
    blob.created_at = dt.datetime.now(dt.UTC) - uploads.KEEP_FOR - dt.timedelta(minutes=1)
    db.session.commit()


@pytest.mark.parametrize(("data", "name", "message"), [
    (LIST.encode(), "peserta.xlsx", "bernama .xlsx tetapi bukan buku kerja Excel"),
    (xlsx(), "peserta.csv", "bernama .csv tetapi berisi buku kerja Excel"),
    (LIST.encode("utf-16"), "peserta.csv", "bukan teks biasa"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "foto.png", "Gunakan berkas .csv atau .xlsx."),
    (b"", "kosong.csv", "Berkas kosong."),
    (b"Nama;NIP\n;\n\n", "judul-saja.csv", "tidak ada peserta di bawahnya"),
])
def test_a_file_is_checked_by_its_content_and_refused_clearly(admin, stored_previews, data, name,
                                                              message, upload):
    response = upload(admin, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored_previews() == []  # nothing kept


def test_an_oversized_upload_gets_a_clear_page(app, admin, stored_previews, monkeypatch, upload):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = upload(admin, LIST.encode() + b"x" * (1024 * 1024), "besar.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in page and "1 MB" in page
    assert stored_previews() == []


def test_a_preview_is_stored_under_a_generated_name_then_deleted(admin, stored_previews,
                                                                 post_form, upload):
    page = upload(admin, LIST.encode(), "peserta angkatan 2.csv").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    (stored,) = stored_previews()
    assert token == f"{stored.key}.csv" and "peserta" not in token
    assert stored.size == len(LIST.encode()) and stored.claimed_at is None
    done = post_form(admin, "/admin/cohorts/k/import/confirm",
                     {"token": token, "filename": "peserta angkatan 2.csv"}, token_page="/admin/")
    assert done.status_code == 200 and stored_previews() == []


@pytest.mark.parametrize("token", ["../secret_key", "x.csv", "a" * 30 + ".py", ""])
def test_a_confirmation_token_names_only_a_stored_preview(admin, stored_previews, token,
                                                          post_form):
    response = post_form(admin, "/admin/cohorts/k/import/confirm",
                         {"token": token, "filename": "x.csv"}, token_page="/admin/")
    assert response.status_code == 404


def test_abandoned_previews_are_purged_after_a_day(admin, stored_previews, upload):
    upload(admin, LIST.encode(), "lama.csv")
    (old,) = stored_previews()
    old_key = old.key
    make_old(old)
    upload(admin, LIST.encode(), "baru.csv")
    remaining = stored_previews()
    assert len(remaining) == 1 and remaining[0].key != old_key


@pytest.fixture
def preview_token(upload):
    """``preview_token(client, data=LIST)``: upload DATA; the token of its stored preview."""

    def token(client, data: bytes = LIST.encode()) -> str:
        page = upload(client, data, "peserta.csv").get_data(as_text=True)
        return re.search(r'name="token" value="([^"]+)"', page).group(1)

    return token


@pytest.fixture
def confirm(post_form):
    """``confirm(client, token)``: confirm the import of a stored preview."""

    def send(client, token: str):
        return post_form(client, "/admin/cohorts/k/import/confirm",
                         {"token": token, "filename": "peserta.csv"}, token_page="/admin/")

    return send


def test_a_token_with_another_suffix_is_not_the_preview(admin, stored_previews, preview_token,
                                                        confirm):
    token = preview_token(admin)
    assert confirm(admin, token.replace(".csv", ".xlsx")).status_code == 404
    assert confirm(admin, token).status_code == 200


def test_confirming_twice_imports_once(admin, stored_previews, preview_token, confirm):
    token = preview_token(admin, b"Nama;Unit\nTanpa NIP Satu;Desa Kolong\n")
    claimed = uploads.claim(token)  # the first click, still working (on any server)
    assert claimed is not None and stored_previews()[0].claimed_at is not None
    assert confirm(admin, token).status_code == 404  # the second click
    uploads.release(claimed)
    assert confirm(admin, token).status_code == 200
    assert confirm(admin, token).status_code == 404
    assert db.session.scalar(select(func.count(User.id)).where(
        User.full_name == "Tanpa NIP Satu")) == 1


def test_a_preview_whose_rows_no_longer_fit_is_kept_for_later(admin, stored_previews, make_user,
                                                              preview_token, confirm):
    token = preview_token(admin, b"Nama;NIP;Email\nSiti;19860926 201505 2 001;siti@contoh.go.id\n")
    make_user(username="lain", full_name="Orang Lain", email="siti@contoh.go.id")
    assert confirm(admin, token).status_code == 409  # the email now belongs to someone else
    (kept,) = stored_previews()
    assert token == f"{kept.key}.csv" and kept.claimed_at is None  # released: confirmable later


def test_a_preview_older_than_a_day_cannot_be_confirmed(admin, stored_previews, preview_token,
                                                        confirm):
    token = preview_token(admin)
    make_old(stored_previews()[0])
    assert confirm(admin, token).status_code == 404
