"""The public verification page checks an uploaded PDF against the registry: genuine, altered
(saying which certificate it claims to be), revoked or superseded; anything else gets a clear
message. The upload is stored nowhere."""

from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import func, select

from leans.certificates.file_check import FileKind, check_file
from leans.certificates.issuing import candidates, issue_batch, reissue, revoke
from leans.core.extensions import db
from leans.core.models import User
from tests.fixtures.certificates import LONG_NAME
from tests.fixtures.web import fetch_csrf_token

REASON = "Alasan-rahasia-XYZ-123: data kehadiran dipalsukan"


@pytest.fixture
def issued(app, certificate_cohort):
    (certificate,) = issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    return certificate


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


def _upload(client, data: bytes, name: str = "sertifikat.pdf", token: bool = True):
    form = {"file": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = fetch_csrf_token(client, "/verify")
    return client.post("/verify", data=form, content_type="multipart/form-data")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _altered(pdf: bytes) -> bytes:
    """One byte changed in the binary comment after the header: still a readable PDF."""
    assert pdf[9:10] == b"%"
    return pdf[:11] + bytes([pdf[11] ^ 0x01]) + pdf[12:]


def _row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_the_page_offers_the_upload_and_the_code_lookup(app, issued):
    client = app.test_client()
    page = client.get("/verify")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body and 'name="file"' in body
    assert 'name="csrf_token"' in body
    response = client.get(f"/verify?code={issued.code}")
    assert response.status_code == 302 and response.location.endswith(f"/verify/{issued.code}")


def test_the_exact_pdf_is_genuine_and_nothing_is_stored(app, issued, monkeypatch):
    import werkzeug.wrappers.request as wrequest

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the upload went through Werkzeug's temporary-file factory")

    monkeypatch.setattr(wrequest, "default_stream_factory", no_temporary_file)
    client = app.test_client()
    pdf = bytes(issued.pdf)
    before = _row_counts()
    response = _upload(client, pdf)
    assert response.status_code == 200
    page = _text(response)
    assert 'data-result="genuine"' in page
    assert issued.number in page and LONG_NAME in page
    assert f"/verify/{issued.code}" in page
    assert "1978**********1004" in page and "197812052003121004" not in page
    db.session.expire_all()
    assert _row_counts() == before


def test_a_large_upload_stays_in_memory(app, issued, monkeypatch):
    """Werkzeug would write an upload above 500 KB to a temporary file; this route does not."""
    import werkzeug.wrappers.request as wrequest

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the upload went through Werkzeug's temporary-file factory")

    monkeypatch.setattr(wrequest, "default_stream_factory", no_temporary_file)
    padded = bytes(issued.pdf) + b"%" + b"x" * 1_000_000
    response = _upload(app.test_client(), padded)
    assert response.status_code == 200
    assert issued.number in _text(response)  # altered, claiming to be this certificate


def test_one_changed_byte_is_altered_and_names_the_claimed_certificate(app, issued):
    altered = _altered(bytes(issued.pdf))
    assert check_file(altered).kind is FileKind.ALTERED
    response = _upload(app.test_client(), altered)
    assert response.status_code == 200
    page = _text(response)
    assert 'data-result="altered"' in page
    assert issued.number in page and f"/verify/{issued.code}" in page
    assert LONG_NAME not in page  # the printed details are on the linked page, not here


def test_bytes_after_the_end_are_altered_too(app, issued):
    result = check_file(bytes(issued.pdf) + b"\n% tambahan\n")
    assert result.kind is FileKind.ALTERED and result.certificate.id == issued.id


def test_a_pdf_without_a_code_is_not_a_leans_certificate(app, issued):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    result = check_file(buffer.getvalue())
    assert result.kind is FileKind.ALTERED and result.certificate is None
    response = _upload(app.test_client(), buffer.getvalue())
    assert response.status_code == 200
    assert issued.number not in _text(response)


def test_a_revoked_certificate_says_so_with_the_date_but_no_reason(app, issued):
    revoke(issued, _admin(), REASON)
    db.session.commit()
    response = _upload(app.test_client(), bytes(issued.pdf))
    assert response.status_code == 200
    page = _text(response)
    assert 'data-result="revoked"' in page
    with app.test_request_context():
        assert app.jinja_env.filters["date_id"](issued.changed_at) in page
    assert "Alasan-rahasia-XYZ-123" not in page and "dipalsukan" not in page
    assert check_file(bytes(issued.pdf)).kind is FileKind.REVOKED


def test_a_superseded_certificate_links_to_the_new_one(app, issued, certificate_cohort):
    issued.enrolment.user.full_name = "Dr. H. Ahmad Fauzi Rahmatulloh, S.Sos., M.Si."
    db.session.commit()
    new = reissue(issued, _admin(), candidates(certificate_cohort)[0])
    db.session.commit()
    result = check_file(bytes(issued.pdf))
    assert result.kind is FileKind.SUPERSEDED and result.current.id == new.id
    assert result.changed_at is not None
    page = _text(_upload(app.test_client(), bytes(issued.pdf)))
    assert 'data-result="superseded"' in page
    assert f"/verify/{new.code}" in page and new.number in page
    assert "Sejak" in page or "Since" in page


@pytest.mark.parametrize("data", [b"", b"Bukan PDF, hanya teks.\n", b"%PDF-1.7\n\x00garbage",
                                  b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n"
                                  b"trailer << /Root 1 0 R >>\n%%EOF"])
def test_anything_else_gets_a_clear_message_never_a_server_error(app, data):
    response = _upload(app.test_client(), data, name="catatan.txt")
    assert response.status_code == 422
    page = _text(response)
    assert "PDF" in page and 'aria-invalid="true"' in page


def test_a_bare_post_with_only_the_token_is_422(app):
    client = app.test_client()
    token = fetch_csrf_token(client, "/verify")
    response = client.post("/verify", data={"csrf_token": token})
    assert response.status_code == 422


def test_more_than_5_mb_is_refused_with_the_413_page(app):
    response = _upload(app.test_client(), b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert "5 MB" in response.get_data(as_text=True)


def test_without_the_csrf_token_it_is_400(app, issued):
    response = _upload(app.test_client(), bytes(issued.pdf), token=False)
    assert response.status_code == 400


def test_the_upload_is_rate_limited_like_the_code_lookup(app, issued, monkeypatch):
    monkeypatch.setitem(app.config, "LEANS_VERIFY_RATE_LIMIT", "2 per minute")
    client = app.test_client()
    token = fetch_csrf_token(client, "/verify")  # the first request of the minute
    statuses = [client.post("/verify", data={"csrf_token": token,
                                             "file": (io.BytesIO(b"teks"), "a.txt")},
                            content_type="multipart/form-data").status_code
                for _ in range(2)]
    assert statuses == [422, 429]
