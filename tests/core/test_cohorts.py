"""Cohorts: who sees which cohort, per role."""

from __future__ import annotations

import pytest

from leans.core.models import Role


@pytest.fixture
def two_cohorts(make_user, make_cohort):
    people = {
        "peserta_a": make_user(username="peserta_a", full_name="Peserta A, S.Sos."),
        "peserta_b": make_user(username="peserta_b", full_name="Peserta B"),
        "fasil_a": make_user({Role.FACILITATOR}, username="fasil_a"),
        "fasil_b": make_user({Role.FACILITATOR}, username="fasil_b"),
        "admin": make_user({Role.ADMIN}, username="admin"),
    }
    make_cohort("angkatan-a", name="Angkatan A", participants=[people["peserta_a"]],
                facilitators=[people["fasil_a"]])
    make_cohort("angkatan-b", participants=[people["peserta_b"]],
                facilitators=[people["fasil_b"]])
    return people


@pytest.mark.parametrize(("login", "cohort", "status"), [
    ("peserta_a", "angkatan-a", 200),
    ("peserta_a", "angkatan-b", 404),
    ("peserta_b", "angkatan-a", 404),
    ("fasil_a", "angkatan-a", 200),
    ("fasil_a", "angkatan-b", 404),
    ("admin", "angkatan-a", 200),
    ("admin", "angkatan-b", 200),
    ("admin", "tidak-ada", 404),
])
def test_cohort_page_visibility(client, auth, two_cohorts, login, cohort, status):
    auth.login(login)
    assert client.get(f"/cohorts/{cohort}").status_code == status


def test_anonymous_cannot_open_a_cohort(client, two_cohorts):
    assert client.get("/cohorts/angkatan-a").status_code == 302


def test_participant_does_not_see_the_participant_list(client, auth, two_cohorts):
    auth.login("peserta_a")
    page = client.get("/cohorts/angkatan-a").get_data(as_text=True)
    assert "<h1>Angkatan A</h1>" in page
    assert "<table" not in page  # the participant list is for facilitators and admins


def test_facilitator_sees_the_participants_with_titles(client, auth, two_cohorts):
    auth.login("fasil_a")
    page = client.get("/cohorts/angkatan-a").get_data(as_text=True)
    assert "Peserta A, S.Sos." in page
    assert "Peserta B" not in page


def test_dashboard_lists_only_my_cohorts(client, auth, two_cohorts):
    auth.login("peserta_a")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "/learn/angkatan-a/" in page and "angkatan-b" not in page
    auth.logout()
    auth.login("admin")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "/cohorts/angkatan-a" in page and "/cohorts/angkatan-b" in page


def test_unenrolled_participant_loses_access(client, auth, two_cohorts):
    import datetime as dt

    from leans.core.extensions import db
    from leans.core.models import Enrolment
    enrolment = [e for e in db.session.query(Enrolment) if e.user.username == "peserta_a"][0]
    enrolment.unenrolled_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    auth.login("peserta_a")
    assert client.get("/cohorts/angkatan-a").status_code == 404
