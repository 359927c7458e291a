"""Backup and restore round trip on the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Cohort, User


def counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Cohort.id))))


def test_backup_then_restore_brings_the_data_back(runner, make_user, make_cohort, tmp_path):
    make_cohort("k", participants=[make_user(username="a"), make_user(username="b")])
    before = counts()
    out = tmp_path / "leans.core.backup"
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


def test_a_backup_taken_while_writes_go_on_is_consistent(app, runner, make_cohort, tmp_path):
    """Each write adds a user and their enrolment in one transaction; the copy, taken while
    a second connection keeps writing, must never hold one without the other."""
    import threading
    import time

    from leans.auth.services import create_user
    from leans.core.models import Enrolment, Role

    cohort_id = make_cohort("k").id
    stop, written, failures = threading.Event(), [], []

    def writer():
        with app.app_context():
            try:
                write_until_stopped()
            except Exception as exc:  # reported by the assertion below
                failures.append(exc)
            db.session.remove()

    def write_until_stopped():
        while not stop.is_set() and len(written) < 2000:
            n = len(written)
            user = create_user(username=f"tulis{n}", password="x" * 12,
                               full_name=f"Penulis {n}", roles={Role.PARTICIPANT})
            db.session.add(Enrolment(user=user, cohort_id=cohort_id))
            db.session.commit()
            written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while len(written) < 20 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        result = runner.invoke(args=["backup", str(tmp_path / "hidup.backup")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert failures == []  # the writer kept going while the copy was made
    db.session.remove()
    assert runner.invoke(args=["restore", str(tmp_path / "hidup.backup"), "--yes"]).exit_code == 0
    users = db.session.scalar(select(func.count(User.id)).where(User.username.like("tulis%")))
    enrolments = db.session.scalar(select(func.count(Enrolment.id)))
    assert 20 <= users < len(written) + 1 and users == enrolments


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(runner, make_user,
                                                                        tmp_path):
    make_user(username="tetap")
    before = counts()
    fake = tmp_path / "bukan.backup"
    fake.write_bytes(b"NIP;Nama\n" * 100)
    result = runner.invoke(args=["restore", str(fake), "--yes"])
    assert result.exit_code != 0 and "is not a" in result.output
    db.session.remove()
    assert counts() == before


def test_a_failed_backup_leaves_no_file_behind(runner, tmp_path, monkeypatch):
    import leans.core.backup

    def broken(*args, **kwargs):
        """Half a copy in the temporary file, then a failure (SQLite or pg_dump)."""
        written = args[1] if len(args) == 2 and isinstance(args[1], Path) else None
        if written is None:
            written = Path(next(a for a in args[0] if a.startswith("--file=")).split("=", 1)[1])
        written.write_bytes(b"setengah")
        raise leans.core.backup.BackupError("disk full")

    monkeypatch.setattr(leans.core.backup, "_copy_sqlite", broken)
    monkeypatch.setattr(leans.core.backup, "_run", broken)
    result = runner.invoke(args=["backup", str(tmp_path / "gagal.backup")])
    assert result.exit_code != 0 and "disk full" in result.output
    assert list(tmp_path.iterdir()) == []
    missing = runner.invoke(args=["backup", str(tmp_path / "tidak-ada" / "x.backup")])
    assert missing.exit_code != 0 and "does not exist" in missing.output


def test_a_backup_is_private_and_never_replaces_an_existing_file(runner, make_user, tmp_path):
    import stat

    make_user(username="a")
    out = tmp_path / "rahasia.backup"
    assert runner.invoke(args=["backup", str(out)]).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # password hashes and NIPs inside
    assert [p.name for p in tmp_path.iterdir()] == ["rahasia.backup"]  # no temporary left


def test_restore_says_when_the_backup_needs_an_upgrade(runner, make_user, tmp_path):
    make_user(username="a")
    out = tmp_path / "lama.backup"
    assert runner.invoke(args=["backup", str(out)]).exit_code == 0
    older = tmp_path / "lebih-lama.backup"
    try:
        assert runner.invoke(args=["db", "downgrade", "0005"]).exit_code == 0
        assert runner.invoke(args=["backup", str(older)]).exit_code == 0
        db.session.remove()
        result = runner.invoke(args=["restore", str(older), "--yes"])
        assert result.exit_code == 0 and "run `leans db upgrade`" in result.output
        result = runner.invoke(args=["restore", str(out), "--yes"])
        assert result.exit_code == 0 and "db upgrade" not in result.output
    finally:
        runner.invoke(args=["db", "upgrade"])  # the other tests need the newest schema


def test_restore_checks_everything_before_changing_anything(runner, make_user, tmp_path):
    """A backup from a newer LEANS, or a file holding only a schema version, is refused before
    a single table is touched."""
    import sqlite3

    from sqlalchemy import text

    make_user(username="tetap")
    before = counts()
    (version,) = db.session.execute(text("SELECT version_num FROM alembic_version")).one()
    future = tmp_path / "masa-depan.backup"
    try:
        db.session.execute(text("UPDATE alembic_version SET version_num = '9999_masa_depan'"))
        db.session.commit()
        assert runner.invoke(args=["backup", str(future)]).exit_code == 0
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
        db.session.commit()
    make_user(username="sesudah")
    before = counts()
    db.session.remove()
    result = runner.invoke(args=["restore", str(future), "--yes"])
    assert result.exit_code != 0 and "newer LEANS" in result.output
    assert "nothing was changed" in result.output
    assert counts() == before
    if db.engine.dialect.name == "sqlite":
        only_version = tmp_path / "hanya-versi.backup"
        with sqlite3.connect(only_version) as connection:
            connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            connection.execute("INSERT INTO alembic_version VALUES ('9999_masa_depan')")
        result = runner.invoke(args=["restore", str(only_version), "--yes"])
        assert result.exit_code != 0 and "not a complete LEANS backup" in result.output
        assert counts() == before
