"""The import preview says what will change on existing accounts, value by value."""

from __future__ import annotations

import io

from leans.core.models import Role
from tests.fixtures.web import visible_text


def test_the_preview_shows_old_and_new_values(make_user, make_cohort, logged_in, csrf_token):
    make_user({Role.ADMIN}, username="admin")
    make_user(username="siti", full_name="Siti Nurhayati", nip="198609262015052001",
              unit="Bappeda", jabatan="Analis")
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])
    client = logged_in("admin")
    data = (b"Nama;NIP;Unit;Jabatan\n"
            b"Siti Nurhayati, S.E.;19860926 201505 2 001;Dinas Sosial;Analis\n")
    response = client.post("/admin/cohorts/k/import", data={
        "file": (io.BytesIO(data), "peserta.csv"),
        "csrf_token": csrf_token(client, "/admin/cohorts/k/import")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert "<del>Siti Nurhayati</del> → <ins>Siti Nurhayati, S.E.</ins>" in html
    assert "<del>Bappeda</del> → <ins>Dinas Sosial</ins>" in html
    changes = html.split('<ul class="changes">')[1].split("</ul>")[0]
    assert "Analis" not in changes  # an unchanged value is not listed
    assert "didaftarkan di angkatan ini" in text  # and the enrolment that will be added
