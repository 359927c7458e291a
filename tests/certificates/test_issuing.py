"""Issuing certificates through the pages, the PDF's content, verification, export."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile

import pypdfium2
import pytest
import zxingcpp
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from leans.certificates import issuing
from leans.certificates.issuing import candidates, issue_all, issue_batch
from leans.certificates.jobs import EXPORT_KIND
from leans.certificates.models import BulkJob, Certificate, JobKind
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort
from leans.core.storage import Blob
from tests.fixtures.certificates import LONG_NAME, MODULE
from tests.fixtures.constants import PASSWORD


@pytest.fixture
def cohort(certificate_cohort):
    return certificate_cohort


def issued() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.seq)))


def test_registry_explains_who_is_not_eligible(cohort, logged_in):
    page = logged_in("admin").get("/admin/certificates/k").get_data(as_text=True)
    assert "3/4" in page
    # p3 did nothing: each rule of the module's completion is unmet, listed in this order.
    words = {"lessons": "pelajaran", "tasks": "tugas", "post_test": "post-test"}
    module = get_catalogue().module(MODULE)
    rules = ", ".join(word for rule, word in words.items() if rule in module.completion)
    assert f"{module.title}: {rules}" in page
    assert "Rencana aksi: belum ada rencana" in page


def test_issue_one_freezes_the_data_and_stores_the_pdf_hash(cohort, post_form, logged_in):
    client = logged_in("admin")
    enrolment = cohort.enrolments[0]
    post_form(client, f"/admin/certificates/k/issue/{enrolment.id}", {},
              token_page="/admin/certificates/k")
    (certificate,) = issued()
    assert certificate.number == "001/LEANS/BKPP/2026"
    assert certificate.data["name"] == LONG_NAME and certificate.data["nip"] == \
        "19781205 200312 1 004"
    assert len(certificate.code) == 16  # 96 bits in URL-safe base64
    import hashlib
    assert hashlib.sha256(certificate.pdf).hexdigest() == certificate.sha256
    # A second issue for the same participant is refused.
    post_form(client, f"/admin/certificates/k/issue/{enrolment.id}", {},
              token_page="/admin/certificates/k")
    assert len(issued()) == 1


def test_the_pdf_shows_number_name_jp_predicate_and_a_qr_to_the_verify_page(cohort):
    (certificate,) = issue_batch([candidates(cohort)[0]], None)
    db.session.commit()
    text = PdfReader(io.BytesIO(certificate.pdf)).pages[0].extract_text()
    flat = " ".join(text.split())
    assert certificate.number in flat and LONG_NAME in flat
    assert "JP" in flat and "SANGAT MEMUASKAN" in flat.upper()
    assert "19781205 200312 1 004" in flat and "Pembina (IV/a)" in flat
    page = pypdfium2.PdfDocument(certificate.pdf)[0]
    codes = [c.text for c in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    assert codes == [f"http://127.0.0.1:5000/verify/{certificate.code}"]
    assert len(PdfReader(io.BytesIO(certificate.pdf)).pages) == 1  # long name still fits


def test_numbers_never_repeat_and_have_no_gaps_under_concurrency(app, make_user, make_cohort,
                                                                 make_eligible):
    people = [make_user(username=f"c{i}") for i in range(6)]
    cohort = make_cohort("paralel", modules=[MODULE], participants=people)
    for enrolment in cohort.enrolments:
        make_eligible(enrolment)
    enrolment_ids = [e.id for e in cohort.enrolments]
    barrier = threading.Barrier(len(enrolment_ids))
    errors = []

    def worker(enrolment_id: int) -> None:
        with app.app_context():
            try:
                mine = db.session.scalar(select(Cohort).where(Cohort.slug == "paralel"))
                candidate = next(c for c in candidates(mine) if c.enrolment.id == enrolment_id)
                barrier.wait(timeout=30)
                issue_batch([candidate], None)
                db.session.commit()
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in enrolment_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(c.seq for c in issued()) == list(range(1, len(enrolment_ids) + 1))
    assert len({c.number for c in issued()}) == len(enrolment_ids)


def test_revoke_and_reissue_chain_and_the_verify_page(app, cohort, post_form, logged_in):
    client = logged_in("admin")
    first = issue_batch([candidates(cohort)[0]], None)[0]
    db.session.commit()
    enrolment = cohort.enrolments[0]
    enrolment.user.full_name = "Dr. H. Ahmad Fauzi Rahmatulloh, S.Sos., M.Si."  # corrected
    db.session.commit()
    post_form(client, f"/admin/certificates/item/{first.id}/reissue", {},
              token_page="/admin/certificates/k")
    old, new = issued()
    assert (old.status, new.status) == ("superseded", "valid")
    assert old.superseded_by_id == new.id and new.replaces_id == old.id
    assert new.data["name"].endswith("Rahmatulloh, S.Sos., M.Si.") and new.seq == old.seq + 1
    anonymous = app.test_client()
    page = anonymous.get(f"/verify/{old.code}").get_data(as_text=True)
    assert "Diganti" in page and f"/verify/{new.code}" in page
    page = anonymous.get(f"/verify/{new.code}").get_data(as_text=True)
    assert "Asli dan berlaku" in page and new.data["name"] in page
    assert "19781205 200312 1 004" not in page and "1978**********1004" in page  # masked
    # The replaced PDF is not handed out clean: a page points to the valid one.
    response = client.get(f"/certificates/{old.id}.pdf")
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert f"/certificates/{new.id}.pdf" in response.get_data(as_text=True)
    assert client.get(f"/certificates/{new.id}.pdf").mimetype == "application/pdf"
    post_form(client, f"/admin/certificates/item/{new.id}/revoke",
              {"reason": "", "password": PASSWORD}, token_page="/admin/certificates/k")
    assert issued()[1].status == "valid"  # a reason is required
    post_form(client, f"/admin/certificates/item/{new.id}/revoke",
              {"reason": "Data kehadiran tidak sah", "password": "tebakan-salah-saja"},
              token_page="/admin/certificates/k")
    assert issued()[1].status == "valid"  # re-authentication is required
    post_form(client, f"/admin/certificates/item/{new.id}/revoke",
              {"reason": "Data kehadiran tidak sah", "password": PASSWORD},
              token_page="/admin/certificates/k")
    page = anonymous.get(f"/verify/{new.code}").get_data(as_text=True)
    assert "Dicabut" in page and "Sejak" in page
    assert "Data kehadiran tidak sah" not in page  # the admin's reason stays internal
    response = client.get(f"/certificates/{new.id}.pdf")
    assert response.status_code == 410 and b"%PDF" not in response.data


def test_unknown_codes_are_not_found_and_guessing_is_rate_limited(app, cohort):
    client = app.test_client()
    response = client.get("/verify/tidak-ada-kode")
    assert response.status_code == 404 and "Tidak ada sertifikat" in response.get_data(
        as_text=True)
    allowed = int(app.config["LEANS_VERIFY_RATE_LIMIT"].split()[0])  # "120 per minute"
    statuses = [client.get(f"/verify/tebak{i}").status_code for i in range(allowed + 5)]
    assert 429 in statuses


def test_the_holder_and_admins_download(cohort, logged_in):
    """Who else is refused (a classmate, facilitators; the registry for everyone but admins)
    is in the role x route matrix, tests/test_route_matrix.py."""
    certificate = issue_batch([candidates(cohort)[0]], None)[0]
    db.session.commit()
    url = f"/certificates/{certificate.id}.pdf"
    assert logged_in("p0").get(url).status_code == 200
    assert logged_in("admin").get(url).status_code == 200
    page = logged_in("p0").get("/dashboard").get_data(as_text=True)
    assert url in page


def test_issue_all_job_and_zip_export(cohort, post_form, logged_in):
    client = logged_in("admin")
    response = post_form(client, "/admin/certificates/k/jobs", {"kind": "issue"},
                         token_page="/admin/certificates/k")
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Selesai." in job_page
    assert [c.seq for c in issued()] == [1, 2, 3]
    response = post_form(client, "/admin/certificates/k/jobs", {"kind": "export"},
                         token_page="/admin/certificates/k")
    job = db.session.scalar(select(BulkJob).where(BulkJob.kind == "export"))
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/admin/jobs/{job.id}/download").data))
    names = sorted(archive.namelist())
    assert names[0] == "cetak-semua-k.pdf" and "register.csv" in names
    pdfs = [n for n in names if n.startswith("sertifikat/")]
    assert len(pdfs) == 3 and all(n.endswith(".pdf") for n in pdfs)
    assert "sertifikat/001-LEANS-BKPP-2026_Dr-H-Ahmad-Fauzi-Rahmatullah-S-Sos-M-Si.pdf" in pdfs
    sheet = load_workbook(io.BytesIO(archive.read("register.xlsx"))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Nomor", "Kode verifikasi", "Nama", "NIP", "Unit", "JP", "Predikat",
                       "Status", "Tanggal terbit", "Tanggal terbit (teks)"]
    assert rows[1][2] == LONG_NAME and rows[1][7] == "Berlaku"
    assert len(PdfReader(io.BytesIO(archive.read("cetak-semua-k.pdf"))).pages) == 3


def test_a_failure_in_the_middle_leaves_no_half_issued_certificates(cohort, monkeypatch):
    monkeypatch.setattr(issuing, "CHUNK", 2)
    real_render = issuing.render_signed
    calls = []

    def failing_render(items):
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_render(items)

    monkeypatch.setattr(issuing, "render_signed", failing_render)
    with pytest.raises(RuntimeError):
        issue_all(cohort, None)
    assert [c.seq for c in issued()] == [1, 2]  # first chunk complete, second not started
    monkeypatch.setattr(issuing, "render_signed", real_render)
    assert issue_all(cohort, None).issued == 1  # resumed
    assert [c.seq for c in issued()] == [1, 2, 3]  # no gap: the failed number was returned


def test_cli_export_writes_the_zip(cohort, runner, tmp_path):
    issue_all(cohort, None)
    out = tmp_path / "k.zip"
    result = runner.invoke(args=["certificates", "export", "--cohort", "k", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len([n for n in zipfile.ZipFile(out).namelist() if n.startswith("sertifikat/")]) == 3
    bad = runner.invoke(args=["certificates", "export", "--cohort", "nope", "--out", str(out)])
    assert bad.exit_code != 0 and "no cohort" in bad.output
    assert db.session.scalar(select(func.count(Certificate.id))) == 3


def test_cli_issue(cohort, runner):
    result = runner.invoke(args=["certificates", "issue", "--cohort", "k"])
    assert result.exit_code == 0 and "Issued 3 certificate(s)." in result.output


def test_large_batches_render_in_worker_processes(cohort, monkeypatch):
    monkeypatch.setattr(issuing, "CHUNK", 2)
    monkeypatch.setattr(issuing, "POOL_FROM", 0)
    assert issue_all(cohort, None).issued == 3
    certificates = issued()
    assert [c.seq for c in certificates] == [1, 2, 3]
    for certificate in certificates:
        text = PdfReader(io.BytesIO(certificate.pdf)).pages[0].extract_text()
        assert certificate.number in text and certificate.data["name"] in " ".join(text.split())


def start(post_form, client, kind: str) -> BulkJob:
    post_form(client, "/admin/certificates/k/jobs", {"kind": kind},
              token_page="/admin/certificates/k")
    db.session.expire_all()
    return db.session.scalars(select(BulkJob).where(BulkJob.kind == kind)
                              .order_by(BulkJob.id.desc())).first()


def test_exports_are_stored_in_the_database_streamed_and_purged(app, cohort, post_form,
                                                                 logged_in, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    client = logged_in("admin")
    start(post_form, client, "issue")
    job = start(post_form, client, "export")
    blob = db.session.scalar(select(Blob).where(Blob.key == job.result_path))
    assert blob.kind == EXPORT_KIND and blob.size > 0
    assert not (tmp_path / "exports").exists()  # nothing on this server's disk
    response = client.get(f"/admin/jobs/{job.id}/download")
    assert response.status_code == 200 and response.is_streamed
    assert int(response.headers["Content-Length"]) == blob.size == len(response.data)
    assert zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None
    # Past the keeping time the download is refused with a word, and the next export
    # purges the old one.
    keep = app.config["LEANS_EXPORT_KEEP_HOURS"]
    job.finished_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=keep, minutes=1)
    blob.created_at = job.finished_at
    db.session.commit()
    response = client.get(f"/admin/jobs/{job.id}/download")
    assert response.status_code == 302 and "/admin/certificates/k" in response.headers["Location"]
    newer = start(post_form, client, "export")
    keys = set(db.session.scalars(select(Blob.key).where(Blob.kind == EXPORT_KIND)))
    assert keys == {newer.result_path} and newer.kind is JobKind.EXPORT


def test_each_app_has_its_own_queue_and_the_worker_command(app, other_app, runner):
    other = other_app()
    assert app.extensions["leans.queue"] is not other.extensions["leans.queue"]
    result = runner.invoke(args=["worker", "--help"])
    assert result.exit_code == 0 and "background jobs" in result.output
