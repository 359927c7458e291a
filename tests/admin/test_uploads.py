"""Uploaded participant lists: size limit, checked by content not by name, stored under
generated names readable by the app only, deleted on confirmation, purged when abandoned."""

from __future__ import annotations

import io
import os
import re
import stat
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from leans.admin import uploads
from leans.core.models import Role

LIST = "Nama;NIP;Unit\nSiti Nurhayati, S.E.;19860926 201505 2 001;Bappeda\n"


@pytest.fixture
def admin(make_user, make_cohort, logged_in):
    make_user({Role.ADMIN}, username="admin")
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])
    return logged_in("admin")


@pytest.fixture
def imports_folder(app, tmp_path, monkeypatch) -> Path:
    """The app's instance folder for this test only, so stored files can be counted."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "imports"


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


@pytest.mark.parametrize(("data", "name", "message"), [
    (LIST.encode(), "peserta.xlsx", "bernama .xlsx tetapi bukan buku kerja Excel"),
    (xlsx(), "peserta.csv", "bernama .csv tetapi berisi buku kerja Excel"),
    (LIST.encode("utf-16"), "peserta.csv", "bukan teks biasa"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "foto.png", "Gunakan berkas .csv atau .xlsx."),
    (b"", "kosong.csv", "Berkas kosong."),
    (b"Nama;NIP\n;\n\n", "judul-saja.csv", "tidak ada peserta di bawahnya"),
])
def test_a_file_is_checked_by_its_content_and_refused_clearly(admin, imports_folder, data, name,
                                                              message, upload):
    response = upload(admin, data, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert not imports_folder.exists() or not any(imports_folder.iterdir())  # nothing kept


def test_an_oversized_upload_gets_a_clear_page(app, admin, imports_folder, monkeypatch, upload):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    response = upload(admin, LIST.encode() + b"x" * (1024 * 1024), "besar.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Berkas terlalu besar" in page and "1 MB" in page
    assert not imports_folder.exists() or not any(imports_folder.iterdir())


def test_a_preview_is_stored_privately_under_a_generated_name_then_deleted(admin, imports_folder,
                                                                           post_form, upload):
    page = upload(admin, LIST.encode(), "peserta angkatan 2.csv").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    (stored,) = imports_folder.iterdir()
    assert stored.name == token and "peserta" not in token and token.endswith(".csv")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    done = post_form(admin, "/admin/cohorts/k/import/confirm",
                     {"token": token, "filename": "peserta angkatan 2.csv"}, token_page="/admin/")
    assert done.status_code == 200 and not stored.exists()


@pytest.mark.parametrize("token", ["../secret_key", "x.csv", "a" * 30 + ".py", ""])
def test_a_confirmation_token_names_only_a_stored_preview(admin, imports_folder, token, post_form):
    response = post_form(admin, "/admin/cohorts/k/import/confirm",
                         {"token": token, "filename": "x.csv"}, token_page="/admin/")
    assert response.status_code == 404


def test_abandoned_previews_are_purged_after_a_day(admin, imports_folder, upload):
    upload(admin, LIST.encode(), "lama.csv")
    (old,) = imports_folder.iterdir()
    day_ago = time.time() - uploads.KEEP_FOR.total_seconds() - 60
    os.utime(old, (day_ago, day_ago))
    upload(admin, LIST.encode(), "baru.csv")
    remaining = list(imports_folder.iterdir())
    assert old not in remaining and len(remaining) == 1


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


def test_confirming_twice_imports_once(admin, imports_folder, preview_token, confirm):
    from sqlalchemy import func, select

    from leans.core.extensions import db
    from leans.core.models import User

    token = preview_token(admin, b"Nama;Unit\nTanpa NIP Satu;Desa Kolong\n")
    path = imports_folder / token
    claimed = uploads.claim(token)  # the first click, still working
    assert claimed is not None and not path.exists()
    assert confirm(admin, token).status_code == 404  # the second click
    uploads.release(claimed, token)
    assert confirm(admin, token).status_code == 200
    assert confirm(admin, token).status_code == 404
    assert db.session.scalar(select(func.count(User.id)).where(
        User.full_name == "Tanpa NIP Satu")) == 1


def test_a_preview_whose_rows_no_longer_fit_is_kept_for_later(admin, imports_folder, make_user,
                                                              preview_token, confirm):
    token = preview_token(admin, b"Nama;NIP;Email\nSiti;19860926 201505 2 001;siti@contoh.go.id\n")
    make_user(username="lain", full_name="Orang Lain", email="siti@contoh.go.id")
    assert confirm(admin, token).status_code == 409  # the email now belongs to someone else
    assert (imports_folder / token).exists()


def test_a_preview_older_than_a_day_cannot_be_confirmed(admin, imports_folder, preview_token,
                                                        confirm):
    token = preview_token(admin)
    day_ago = time.time() - uploads.KEEP_FOR.total_seconds() - 60
    os.utime(imports_folder / token, (day_ago, day_ago))
    assert confirm(admin, token).status_code == 404
