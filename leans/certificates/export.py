"""A cohort's certificates as one ZIP: each PDF, the register (XLSX and CSV), and one merged
PDF for printing."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import undefer

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


def cohort_certificates(cohort: Cohort) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(Enrolment.cohort_id == cohort.id).order_by(Certificate.year, Certificate.seq)
        .options(undefer(Certificate.pdf))))


def build_zip(cohort: Cohort, target: Path | io.BytesIO,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Write the ZIP; returns how many valid certificates it holds."""
    certificates = cohort_certificates(cohort)
    valid = [c for c in certificates if c.status is CertificateStatus.VALID]
    merged = PdfWriter()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, certificate in enumerate(valid, 1):
            archive.writestr(f"sertifikat/{pdf_filename(certificate)}", certificate.pdf)
            merged.append(io.BytesIO(certificate.pdf))
            if progress and (index % 25 == 0 or index == len(valid)):
                progress(index, len(valid))
        register = Table("Register", REGISTER_COLUMNS, register_rows(certificates))
        archive.writestr("register.xlsx", to_xlsx(register))
        archive.writestr("register.csv", to_csv(register))
        if valid:
            buffer = io.BytesIO()
            merged.write(buffer)
            archive.writestr(f"cetak-semua-{safe_name(cohort.slug)}.pdf", buffer.getvalue())
    return len(valid)
