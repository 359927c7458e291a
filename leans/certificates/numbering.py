"""Certificate numbers: a per-year sequence that never repeats and has no gaps.

The next number is taken by an atomic ``UPDATE ... RETURNING`` on the year's counter row
inside the issuing transaction: a concurrent issuer waits for the row (PostgreSQL row lock,
SQLite's single writer), and a transaction that fails gives its number back by rolling back.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leans.certificates.models import CertificateSequence
from leans.core.extensions import db


class PatternError(ValueError):
    pass


def format_number(pattern: str, seq: int, year: int) -> str:
    """``{seq:03d}/LEANS/BKPP/{year}`` -> ``007/LEANS/BKPP/2026``."""
    return pattern.format(seq=seq, year=year)


def check_pattern(pattern: str) -> None:
    """A pattern must use {seq} (numbers would repeat otherwise) and {year}."""
    try:
        first, second = format_number(pattern, 1, 2026), format_number(pattern, 2, 2026)
        other_year = format_number(pattern, 1, 2027)
    except (KeyError, IndexError, ValueError) as exc:
        raise PatternError(f"certificate number pattern {pattern!r} is not valid: {exc}. "
                           "Use {seq} and {year}, e.g. {seq:03d}/LEANS/BKPP/{year}") from exc
    if first in (second, other_year):
        raise PatternError(f"certificate number pattern {pattern!r} must contain both {{seq}} "
                           "and {year}, or numbers would repeat")


def next_seq(year: int) -> int:
    """Take the next number of the year in the current transaction."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(CertificateSequence).values(year=year, last=0)
                       .on_conflict_do_nothing(index_elements=["year"]))
    return db.session.execute(
        update(CertificateSequence).where(CertificateSequence.year == year)
        .values(last=CertificateSequence.last + 1)
        .returning(CertificateSequence.last)).scalar_one()
