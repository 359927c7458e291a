"""A cohort's certificates as one ZIP: each PDF, the register (XLSX and CSV), and one merged
PDF for printing (joined with qpdf through pikepdf: about 1 ms a certificate)."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pikepdf
from sqlalchemy import select

from leans.certificates.models import Certificate, CertificateStatus
from leans.core.extensions import db
from leans.core.i18n import date_text_id, local_date
from leans.core.labels import label_id
from leans.core.models import Cohort, Enrolment
from leans.core.spreadsheets import Table, to_csv, to_xlsx

#: The register's columns (docs/exports.md): order fixed, new ones only at the end.
REGISTER_COLUMNS = ["Nomor", "Kode verifikasi", "Nama", "NIP", "Unit", "JP", "Predikat",
                    "Status", "Tanggal terbit", "Tanggal terbit (teks)"]


def safe_name(text: str, limit: int = 60) -> str:
    """ASCII letters, digits, '-' and '_' only: safe on every file system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")
    return cleaned[:limit].rstrip("-") or "sertifikat"


def pdf_filename(certificate: Certificate) -> str:
    return f"{safe_name(certificate.number, 40)}_{safe_name(certificate.data['name'])}.pdf"


def issued_on(certificate: Certificate) -> dt.date:
    """The issue date printed on the certificate (Asia/Jakarta), frozen at issue."""
    printed = certificate.data.get("issued_on")
    return dt.date.fromisoformat(printed) if printed else local_date(certificate.issued_at)


def register_rows(certificates: list[Certificate]) -> list[list]:
    """One row per certificate: the issue date as a date (machine column) and, at the end,
    written out in Bahasa Indonesia as on the certificate (``1 Desember 2026``)."""
    return [[c.number, c.code, c.data["name"], c.data["nip"], c.data["unit"], c.data["jp"],
             c.data["predicate"], label_id(c.status), issued_on(c),
             date_text_id(issued_on(c))] for c in certificates]


#: PDFs read from the database at a time while packing (the rest stay out of memory).
PDF_BATCH = 50


def cohort_certificates(cohort: Cohort) -> list[Certificate]:
    """The cohort's certificates in number order, without their PDFs (see :func:`pdfs_of`)."""
    return list(db.session.scalars(
        select(Certificate).join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id).order_by(Certificate.year, Certificate.seq)))


def pdfs_of(certificates: list[Certificate]) -> Iterator[tuple[Certificate, bytes]]:
    """Each certificate with its PDF, read PDF_BATCH at a time."""
    for start in range(0, len(certificates), PDF_BATCH):
        batch = certificates[start:start + PDF_BATCH]
        pdfs = dict(db.session.execute(select(Certificate.id, Certificate.pdf).where(
            Certificate.id.in_([c.id for c in batch]))).all())
        for certificate in batch:
            yield certificate, pdfs[certificate.id]


def print_pages(pdf: bytes) -> pikepdf.Pdf:
    """The certificate's page for the merged print copy: its visible signature block drawn
    into the page (the signature itself belongs to each certificate's own file)."""
    page = pikepdf.open(io.BytesIO(pdf))
    page.flatten_annotations(mode="all")
    return page.pages


def build_zip(cohort: Cohort, target: Path | io.BytesIO,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Write the ZIP; returns how many valid certificates it holds."""
    certificates = cohort_certificates(cohort)
    valid = [c for c in certificates if c.status is CertificateStatus.VALID]
    merged = pikepdf.new()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (certificate, pdf) in enumerate(pdfs_of(valid), 1):
            # PDFs are compressed already: stored as they are, which saves the time to deflate.
            archive.writestr(f"sertifikat/{pdf_filename(certificate)}", pdf,
                             compress_type=zipfile.ZIP_STORED)
            merged.pages.extend(print_pages(pdf))
            if progress and (index % 25 == 0 or index == len(valid)):
                progress(index, len(valid))
        register = Table("Register", REGISTER_COLUMNS, register_rows(certificates))
        archive.writestr("register.xlsx", to_xlsx(register))
        archive.writestr("register.csv", to_csv(register))
        if valid:
            buffer = io.BytesIO()
            merged.save(buffer)
            archive.writestr(f"cetak-semua-{safe_name(cohort.slug)}.pdf", buffer.getvalue(),
                             compress_type=zipfile.ZIP_STORED)
    return len(valid)
