"""``leans demo``: the demo data, the same every time, never in production."""

from __future__ import annotations

from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, User
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
