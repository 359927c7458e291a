"""The public verification page shows every printed field a checker compares with the paper,
read from the frozen data: NIP masked, never the revocation reason."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from leans.certificates.issuing import candidates, issue_batch, reissue, revoke
from leans.core.extensions import db
from leans.core.models import User
from tests.fixtures.certificates import LONG_NAME

REASON = "Alasan-rahasia-XYZ-123: data kehadiran dipalsukan"


@pytest.fixture
def issued(app, certificate_cohort, monkeypatch):
    for key, value in (("LEANS_SIGNATORY_NAME", "Drs. Penandatangan Uji, M.M."),
                       ("LEANS_SIGNATORY_TITLE", "Kepala BKPP Uji"),
                       ("LEANS_ISSUE_PLACE", "Kota Uji")):
        monkeypatch.setitem(app.config, key, value)
    (certificate,) = issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    return certificate


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


def _page(app, code: str) -> str:
    return html.unescape(app.test_client().get(f"/verify/{code}").get_data(as_text=True))


def test_every_printed_field_appears_as_printed(app, issued):
    data = dict(issued.data)
    # Live records change after issue; the page still shows what was printed.
    issued.enrolment.user.full_name = "Nama Baru Setelah Terbit"
    issued.enrolment.cohort.name = "Angkatan Berganti Nama"
    app.config["LEANS_SIGNATORY_NAME"] = "Pejabat Lain"  # restored by the fixture's monkeypatch
    db.session.commit()
    page = _page(app, issued.code)
    assert LONG_NAME in page and "Nama Baru" not in page
    assert data["number"] in page and data["training"] in page
    assert "LEANS Angkatan I" in page and "Angkatan Berganti Nama" not in page
    assert "5 Oktober 2026" in page and "18 Desember 2026" in page  # the cohort's dates
    assert f"{data['jp']:g}".replace(".", ",") + " JP" in page
    assert data["predicate"] in page
    assert data["agency"] in page and data["government"] in page
    assert "Drs. Penandatangan Uji, M.M." in page and "Pejabat Lain" not in page
    assert "Kepala BKPP Uji" in page and "Kota Uji" in page
    assert "Berlaku" in page and "Asli dan berlaku" in page
    # The NIP is masked; the birth date it holds is not shown.
    assert "1978**********1004" in page
    assert "19781205 200312 1 004" not in page and "197812052003121004" not in page
    assert "5 Desember 1978" not in page


def test_a_revoked_certificate_shows_the_date_but_never_the_reason(app, issued):
    revoke(issued, _admin(), REASON)
    db.session.commit()
    page = _page(app, issued.code)
    assert "Dicabut" in page and "Sejak" in page
    assert "Alasan-rahasia-XYZ-123" not in page and "dipalsukan" not in page
    assert LONG_NAME in page  # still says which certificate it was


def test_a_superseded_certificate_links_to_the_new_one(app, issued, certificate_cohort):
    issued.enrolment.user.full_name = "Dr. H. Ahmad Fauzi Rahmatulloh, S.Sos., M.Si."
    db.session.commit()
    candidate = candidates(certificate_cohort)[0]
    new = reissue(issued, _admin(), candidate)
    db.session.commit()
    page = _page(app, issued.code)
    assert "Diganti" in page and "Sejak" in page
    assert f"/verify/{new.code}" in page and new.number in page
    assert LONG_NAME in page  # the old one shows its own printed name
    newer = _page(app, new.code)
    assert "Rahmatulloh" in newer and "Asli dan berlaku" in newer


def test_unknown_and_oversized_codes_are_not_found(app, certificate_cohort):
    client = app.test_client()
    assert client.get("/verify/" + "x" * 5000).status_code == 404
    assert client.get("/verify/").status_code == 404
