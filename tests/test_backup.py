"""Backup and restore round trip on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select

from leans.extensions import db
from leans.models import Cohort, User


def counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Cohort.id))))


def test_backup_then_restore_brings_the_data_back(runner, make_user, make_cohort, tmp_path):
    make_cohort("k", participants=[make_user(username="a"), make_user(username="b")])
    before = counts()
    out = tmp_path / "leans.backup"
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    make_user(username="after-the-backup")
    assert counts() != before
    db.session.remove()
    result = runner.invoke(args=["restore", str(out), "--yes"])
    assert result.exit_code == 0, result.output
    assert counts() == before
    assert db.session.scalar(select(User).where(User.username == "after-the-backup")) is None


def test_backup_refuses_to_overwrite(runner, tmp_path):
    out = tmp_path / "ada.backup"
    out.write_text("lama")
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code != 0 and "exists already" in result.output
    assert out.read_text() == "lama"
