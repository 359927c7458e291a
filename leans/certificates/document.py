"""What a certificate prints (frozen at issue time) and how it becomes a PDF.

Rendering many certificates in one WeasyPrint document and writing each page as its own PDF
is about five times cheaper per certificate than one document each (bench/certificates.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import segno
from babel.dates import format_date
from flask import Flask, current_app, render_template
from weasyprint import HTML

from leans.certificates.sealing import SigningFailed
from leans.core.identity import format_nip, pangkat_label
from leans.core.models import Cohort, User
from leans.core.urls import absolute_url

FONTS = Path(__file__).parent / "fonts"
TRAINING = ("Pelatihan Kepemimpinan LEANS (Leadership Education and Action Foundation for "
            "Sustainability)")


def birth_date_from_nip(nip: str | None) -> str:
    if not nip:
        return ""
    try:
        return dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8])).isoformat()
    except ValueError:
        return ""


def frozen_data(user: User, cohort: Cohort, *, number: str, code: str, jp: float,
                predicate: str, score: float | None, issued_on: dt.date) -> dict:
    """Every value printed on the certificate, as plain JSON."""
    config = current_app.config
    return {
        "government": config["LEANS_ISSUER_GOVERNMENT"], "agency": config["LEANS_ISSUER_AGENCY"],
        "number": number, "name": user.full_name,
        "nip": format_nip(user.nip) if user.nip else "",
        "ni_pppk": user.ni_pppk or "", "birth_date": birth_date_from_nip(user.nip),
        "pangkat": pangkat_label(user.golongan), "jabatan": user.jabatan or "",
        "unit": user.unit or "", "training": TRAINING, "cohort": cohort.name,
        "starts_on": cohort.starts_on.isoformat(), "ends_on": cohort.ends_on.isoformat(),
        "place": cohort.place, "jp": jp, "predicate": predicate, "score": score,
        "issue_place": config["LEANS_ISSUE_PLACE"], "issued_on": issued_on.isoformat(),
        "signatory_title": config["LEANS_SIGNATORY_TITLE"],
        "signatory_name": config["LEANS_SIGNATORY_NAME"],
        "signatory_nip": config["LEANS_SIGNATORY_NIP"],
        "verify_url": absolute_url(f"/verify/{code}"),
    }


def indonesian_date(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "d MMMM y", locale="id") if iso else ""


def qr_svg(url: str) -> str:
    """The verification URL as an inline, vector QR code."""
    return segno.make(url, error="m").svg_inline(scale=3, border=0, omitsize=False)


def name_size(name: str) -> str:
    """Shrink long names (with all their titles) so they stay on one or two lines."""
    length = len(name)
    return "30pt" if length <= 28 else "25pt" if length <= 42 else "20pt" if length <= 60 \
        else "16pt"


def html_for(items: Sequence[dict]) -> str:
    return render_template("certificates/pdf.html", items=items, fonts=FONTS.as_uri(),
                           qr_svg=qr_svg, indonesian_date=indonesian_date, name_size=name_size)


def render(items: Sequence[dict]) -> list[bytes]:
    """Lay out the certificates once, then write each page as its own PDF."""
    document = HTML(string=html_for(items), base_url=str(FONTS)).render()
    pdfs = [document.copy([page]).write_pdf() for page in document.pages]
    if len(pdfs) != len(items):
        raise RuntimeError(f"{len(items)} certificates produced {len(pdfs)} pages: a long "
                           "value overflowed its page; check the template")
    return pdfs


def render_signed(items: Sequence[dict]) -> list[bytes | SigningFailed]:
    """The certificates rendered and signed, in order; a document the signer refused stands
    as its SigningFailed, so one run finds every refused document. When the signer itself is
    down (``service_down``) it raises at once: no more documents are sent to it."""
    from leans.certificates.signing import signed_copy

    results: list[bytes | SigningFailed] = []
    for pdf, item in zip(render(items), items, strict=True):
        try:
            results.append(signed_copy(pdf, item))
        except SigningFailed as failure:
            if failure.service_down:
                raise
            results.append(failure)
    return results


def render_one_by_one(items: Sequence[dict]) -> list[bytes]:
    """The slow way, one document per certificate (kept for the benchmark's comparison)."""
    return [HTML(string=html_for([item]), base_url=str(FONTS)).write_pdf() for item in items]


#: Chunks a worker process renders before it is replaced (WeasyPrint's memory grows over
#: long loops, so workers are recycled).
RECYCLE_AFTER = 8
#: Certificates a worker renders in one document (bounds its memory).
PART = 40
_worker_app = None


def _start_worker(app_factory: Callable[[dict], Flask], config: dict) -> None:
    """Build this render process's app with the factory of the app that started it."""
    global _worker_app
    _worker_app = app_factory(config)


def _render_chunk(items: list[dict]) -> list[bytes | SigningFailed]:
    with _worker_app.app_context():
        return render_signed(items) if _worker_app.config["LEANS_SIGNER"] else render(items)


class RenderPool:
    """Worker processes (both cores) that render and sign certificates (``sign=False``:
    render only); recycled every few chunks."""

    def __init__(self, workers: int = 2, sign: bool = True) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from leans.certificates.signing import worker_settings

        config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": secrets.token_hex(32),
                  "LEANS_CONTENT_DIR": current_app.config["LEANS_CONTENT_DIR"],
                  "LEANS_QUEUE_IMMEDIATE": True,
                  **(worker_settings() if sign else {"LEANS_SIGNER": ""})}
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(current_app.extensions["leans.app_factory"], config),
            max_tasks_per_child=RECYCLE_AFTER)

    def render(self, items: Sequence[dict]) -> list[bytes | SigningFailed]:
        """One chunk, split between the workers; PDFs in the items' order."""
        size = min(PART, -(-len(items) // self.workers)) or 1
        parts = [list(items[i:i + size]) for i in range(0, len(items), size)]
        return [pdf for part in self._pool.map(_render_chunk, parts) for pdf in part]

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
