"""A certificate as a SIASN course-history record ("riwayat kursus"): pure mapping, no
database, no network.

The field names are those of BKN's SIASN API ``kursus/save`` as public client code uses them
(docs/siasn.md lists the sources). **The mapping must be confirmed with BKN before production
use**: the reference ids (``instansiId``, ``jenisDiklatId``, ``jenisKursus``,
``jenisKursusSertipikat``) come from the configuration, never guessed here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from leans.certificates.models import Certificate, CertificateStatus

#: SIASN writes dates as dd-mm-yyyy (``tanggalKursus``, ``tanggalSelesaiKursus``).
SIASN_DATE = "%d-%m-%Y"
NIP_LENGTH = 18

#: The record's keys, in the order of the export's columns (docs/siasn.md). The first is
#: LEANS's (SIASN identifies the civil servant by ``pnsOrangId``, which the push looks up
#: from the NIP); the last is LEANS's verification code, for traceability.
FIELDS = ["nip", "namaKursus", "institusiPenyelenggara", "instansiId", "jenisDiklatId",
          "jenisKursus", "jenisKursusSertipikat", "jumlahJam", "nomorSertipikat",
          "tahunKursus", "tanggalKursus", "tanggalSelesaiKursus", "kodeVerifikasiLeans"]
#: Keys that are LEANS's own and are not sent in ``kursus/save``.
LEANS_ONLY = ("nip", "kodeVerifikasiLeans")

#: Why a certificate is not a record (the export's "skipped" list).
SKIP_NO_NIP = "no_nip"
SKIP_REVOKED = "revoked"
SKIP_SUPERSEDED = "superseded"
SKIP_REASONS = {
    SKIP_NO_NIP: "Tanpa NIP 18 digit (mis. perangkat desa): tidak ada di SIASN",
    SKIP_REVOKED: "Sertifikat dicabut",
    SKIP_SUPERSEDED: "Sertifikat diganti oleh terbitan ulang",
}


@dataclass(frozen=True)
class SiasnSettings:
    """The agency's SIASN reference ids and organiser name (LEANS_SIASN_* settings)."""

    instansi_id: str = ""
    jenis_diklat_id: str = ""
    jenis_kursus: str = ""
    jenis_kursus_sertipikat: str = ""
    #: ``institusiPenyelenggara``; empty: the issuing agency printed on the certificate.
    organiser: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> SiasnSettings:
        return cls(instansi_id=config.get("LEANS_SIASN_INSTANSI_ID", ""),
                   jenis_diklat_id=config.get("LEANS_SIASN_JENIS_DIKLAT_ID", ""),
                   jenis_kursus=config.get("LEANS_SIASN_JENIS_KURSUS", ""),
                   jenis_kursus_sertipikat=config.get("LEANS_SIASN_JENIS_KURSUS_SERTIPIKAT", ""),
                   organiser=config.get("LEANS_SIASN_ORGANISER", ""))


@dataclass(frozen=True)
class Skipped:
    certificate: Certificate
    reason: str

    def as_dict(self) -> dict:
        return {"nomorSertipikat": self.certificate.number,
                "kodeVerifikasiLeans": self.certificate.code,
                "nama": self.certificate.data.get("name", ""),
                "alasan": self.reason, "keterangan": SKIP_REASONS[self.reason]}


@dataclass
class Split:
    """A cohort's certificates: the records, and the others with why."""

    records: list[tuple[Certificate, dict]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def nip_digits(certificate: Certificate) -> str:
    """The holder's NIP as 18 digits, or "" (the frozen NIP is printed with spaces)."""
    digits = "".join(ch for ch in str(certificate.data.get("nip") or "") if ch.isdigit())
    return digits if len(digits) == NIP_LENGTH else ""


def siasn_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime(SIASN_DATE)


def whole_hours(jp: float | int | None) -> int:
    """``jumlahJam`` is a whole number: JP rounded down, never claiming hours not done."""
    return max(0, math.floor(float(jp or 0) + 1e-9))


def skip_reason(certificate: Certificate) -> str | None:
    """Why this certificate is not a record, or None when it is one."""
    if certificate.status is CertificateStatus.REVOKED:
        return SKIP_REVOKED
    if certificate.status is CertificateStatus.SUPERSEDED:
        return SKIP_SUPERSEDED
    if not nip_digits(certificate):
        return SKIP_NO_NIP
    return None


def course_record(certificate: Certificate, settings: SiasnSettings | None = None) -> dict:
    """The certificate as a course-history record, with SIASN's field names."""
    settings = settings or SiasnSettings()
    data = certificate.data
    ends = dt.date.fromisoformat(data["ends_on"])
    return {
        "nip": nip_digits(certificate),
        "namaKursus": data["training"],
        "institusiPenyelenggara": settings.organiser or data.get("agency", ""),
        "instansiId": settings.instansi_id,
        "jenisDiklatId": settings.jenis_diklat_id,
        "jenisKursus": settings.jenis_kursus,
        "jenisKursusSertipikat": settings.jenis_kursus_sertipikat,
        "jumlahJam": whole_hours(data.get("jp")),
        "nomorSertipikat": certificate.number,
        "tahunKursus": ends.year,
        "tanggalKursus": siasn_date(data["starts_on"]),
        "tanggalSelesaiKursus": ends.strftime(SIASN_DATE),
        "kodeVerifikasiLeans": certificate.code,
    }


def save_payload(record: Mapping, person_id: str) -> dict:
    """What ``kursus/save`` receives: the record without LEANS's own keys, with the civil
    servant's SIASN id."""
    payload = {k: v for k, v in record.items() if k not in LEANS_ONLY}
    payload["pnsOrangId"] = person_id
    return payload


def split(certificates: Iterable[Certificate], settings: SiasnSettings | None = None) -> Split:
    """Each certificate as a record, or skipped with the reason."""
    result = Split()
    for certificate in certificates:
        reason = skip_reason(certificate)
        if reason is None:
            result.records.append((certificate, course_record(certificate, settings)))
        else:
            result.skipped.append(Skipped(certificate, reason))
    return result
