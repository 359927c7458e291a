"""The ``leans`` command line: demo, users create, help."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from leans.cli import main
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User
from leans.demo.data import DEMO_COHORT_SLUG, DEMO_PASSWORD


def snapshot() -> dict:
    users = db.session.scalars(select(User).order_by(User.username)).all()
    return {
        "users": [(u.username, u.full_name, u.nip, u.unit, sorted(r.value for r in u.roles))
                  for u in users],
        "cohorts": sorted(db.session.scalars(select(Cohort.slug)).all()),
        "enrolments": db.session.scalar(select(func.count(Enrolment.id))),
        "facilitators": db.session.scalar(select(func.count(CohortFacilitator.id))),
        "modules": db.session.scalar(select(Cohort).where(Cohort.slug == DEMO_COHORT_SLUG))
        .module_slugs,
    }


def test_demo_twice_gives_the_same_data(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output and "admin" in first.output
    before = snapshot()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert snapshot() == before
    assert before["cohorts"] == [DEMO_COHORT_SLUG, "angkatan-2"]
    roles = [roles for *_, roles in before["users"]]
    assert roles.count(["participant"]) >= 18
    assert roles.count(["facilitator"]) == 2 and roles.count(["admin"]) == 1
    assert before["enrolments"] == roles.count(["participant"])  # each in one cohort


def test_demo_people_can_log_in(runner, auth):
    runner.invoke(args=["demo"])
    assert auth.login("fauzi", DEMO_PASSWORD).status_code == 302


def test_demo_includes_participants_without_nip_from_the_pilot_villages(runner):
    runner.invoke(args=["demo"])
    villagers = db.session.scalars(select(User).where(User.desa.is_not(None))).all()
    assert {u.desa for u in villagers} == {"Tondomulo", "Kolong", "Nganti"}
    assert all(u.nip is None for u in villagers)


def test_demo_refuses_production(runner, app):
    app.config["LEANS_ENV"] = "production"
    try:
        result = runner.invoke(args=["demo"])
    finally:
        app.config["LEANS_ENV"] = "development"
    assert result.exit_code != 0 and "Refusing" in result.output


def test_users_create_makes_an_admin_who_can_log_in(runner, auth):
    result = runner.invoke(args=[
        "users", "create", "--username", "Kepala", "--name", "Dr. H. Kepala BKPP, M.Si.",
        "--role", "admin", "--role", "facilitator", "--nip", "19750421 200012 1 003",
        "--golongan", "iv/b", "--password-stdin",
    ], input="tiga-ekor-domba-di-kolong\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "kepala"))
    assert user.roles == {Role.ADMIN, Role.FACILITATOR}
    assert user.nip == "197504212000121003" and user.golongan == "IV/b"
    assert user.full_name == "Dr. H. Kepala BKPP, M.Si."
    assert auth.login("kepala", "tiga-ekor-domba-di-kolong").status_code == 302


@pytest.mark.parametrize(("extra", "stdin", "message"), [
    (["--nip", "198609262015053001"], "tiga-ekor-domba-di-kolong\n", "kode jenis kelamin"),
    (["--golongan", "V/z"], "tiga-ekor-domba-di-kolong\n", '"V/z" tidak dikenal'),
    ([], "password1234\n", "kata sandi yang umum"),
    ([], "pendek\n", "paling sedikit 12 karakter"),
])
def test_users_create_explains_bad_input_and_creates_nothing(runner, extra, stdin, message):
    result = runner.invoke(args=["users", "create", "--username", "x", "--name", "X",
                                 "--role", "participant", "--password-stdin", *extra],
                           input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_create_refuses_a_taken_username(runner, make_user):
    make_user(username="budi")
    result = runner.invoke(args=["users", "create", "--username", "BUDI", "--name", "Budi",
                                 "--role", "participant", "--password-stdin"],
                           input="tiga-ekor-domba-di-kolong\n")
    assert result.exit_code != 0 and "already taken" in result.output


def test_leans_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "demo", "users", "db"):
        assert f"  {command} " in result.output
