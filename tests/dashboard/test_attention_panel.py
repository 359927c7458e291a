"""Facilitators' and administrators' dashboard: plans waiting for review, overdue reviews and
stuck participants of their cohorts, each linked, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from leans.assessments.plans.models import ActionPlan, PlanVersion
from leans.assessments.plans.states import PlanState
from leans.auth.services import create_user
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, utcnow
from leans.modules.models import LessonCompletion

MODULE = "kepemimpinan-kolaboratif"


def days_ago(days: float) -> dt.datetime:
    return utcnow() - dt.timedelta(days=days)


def submit(enrolment: Enrolment, state: PlanState, days: float, title: str) -> ActionPlan:
    plan = ActionPlan(enrolment_id=enrolment.id, state=state, draft={}, draft_version=1,
                      state_version=2)
    plan.versions.append(PlanVersion(number=1, content={"title": title},
                                     submitted_at=days_ago(days)))
    db.session.add(plan)
    db.session.commit()
    return plan


@pytest.fixture
def world(make_user, make_cohort):
    """Cohorts k and k2, running today. k: p1 (plan submitted 5 days ago), p2 (plan
    resubmitted yesterday), p3 (nothing done), facilitator fasil. k2: lain (plan submitted 10
    days ago, nothing read), facilitator fasil_lain. An admin. Plans and cohorts by name."""
    today = local_today()
    dates = {"starts_on": today - dt.timedelta(days=20), "ends_on": today + dt.timedelta(days=40)}
    people = {name: make_user(username=name, full_name=f"Peserta {name}")
              for name in ("p1", "p2", "p3", "lain")}
    for name in ("fasil", "fasil_lain"):
        people[name] = make_user({Role.FACILITATOR}, username=name)
    people["admin"] = make_user({Role.ADMIN}, username="admin")
    k = make_cohort("k", name="Angkatan K", modules=[MODULE], facilitators=[people["fasil"]],
                    participants=[people[n] for n in ("p1", "p2", "p3")], **dates)
    k2 = make_cohort("k2", name="Angkatan K2", modules=[MODULE],
                     participants=[people["lain"]], facilitators=[people["fasil_lain"]],
                     **dates)
    by_user = {e.user.username: e for c in (k, k2) for e in c.enrolments}
    for enrolment in by_user.values():
        enrolment.enrolled_at = days_ago(25)
    plans = {"p1": submit(by_user["p1"], PlanState.SUBMITTED, 5, "Rencana P1"),
             "p2": submit(by_user["p2"], PlanState.RESUBMITTED, 1, "Rencana P2"),
             "lain": submit(by_user["lain"], PlanState.SUBMITTED, 10, "Rencana Lain")}
    return people, plans


def attention_of(client) -> str:
    page = client.get("/dashboard").get_data(as_text=True)
    start = page.index('class="attention"')
    return page[start:page.index("</section>", start)]


def count_in(block: str, anchor: str) -> int:
    part = block[block.index(f'id="{anchor}"'):]
    return int(re.search(r"<strong>(\d+)</strong>", part).group(1))


def block_of(block: str, anchor: str) -> str:
    start = block.index(f'id="{anchor}"')
    following = [block.index(f'id="{a}"') for a in ("plans-waiting", "overdue-reviews",
                                                   "stuck-participants")
                 if block.index(f'id="{a}"') > start]
    return block[start:min(following, default=len(block))]


def test_a_facilitator_sees_what_waits_in_their_cohorts(world, logged_in):
    people, plans = world
    block = attention_of(logged_in("fasil"))
    waiting = block_of(block, "plans-waiting")
    assert count_in(block, "plans-waiting") == 2
    assert 'href="/grading/?cohort=k&amp;state=waiting">Angkatan K</a>: 2' in waiting
    assert f'href="/grading/plans/{plans["p1"].id}"' in waiting
    assert f'href="/grading/plans/{plans["p2"].id}"' in waiting
    assert waiting.index("Rencana P1") < waiting.index("Rencana P2")  # oldest first
    assert 'href="/grading/?state=waiting"' in waiting
    assert "Rencana Lain" not in block  # another facilitator's cohort
    overdue = block_of(block, "overdue-reviews")
    assert count_in(block, "overdue-reviews") == 1
    assert f'href="/grading/plans/{plans["p1"].id}"' in overdue and "Rencana P2" not in overdue
    stuck = block_of(block, "stuck-participants")
    assert count_in(block, "stuck-participants") == 1
    assert f'href="/cohorts/k/participants/{people["p3"].id}">Peserta p3</a>' in stuck


def test_an_administrator_sees_every_cohort(world, logged_in):
    people, plans = world
    block = attention_of(logged_in("admin"))
    assert (count_in(block, "plans-waiting"), count_in(block, "overdue-reviews"),
            count_in(block, "stuck-participants")) == (3, 2, 2)
    assert 'href="/grading/?cohort=k2&amp;state=waiting">Angkatan K2</a>: 1' in block
    assert f'href="/cohorts/k2/participants/{people["lain"].id}"' in block
    # oldest first: lain's plan waited 10 days, p1's 5
    overdue = block_of(block, "overdue-reviews")
    assert overdue.index("Rencana Lain") < overdue.index("Rencana P1")


def test_the_thresholds_are_settings(app, world, logged_in):
    app.config.update(LEANS_REVIEW_OVERDUE_DAYS=12, LEANS_STUCK_DAYS=30)
    try:
        block = attention_of(logged_in("admin"))
    finally:
        app.config.update(LEANS_REVIEW_OVERDUE_DAYS=3, LEANS_STUCK_DAYS=7)
    assert (count_in(block, "overdue-reviews"), count_in(block, "stuck-participants")) == (0, 0)
    assert "12" in block_of(block, "overdue-reviews")


def test_participants_see_no_attention_lists(world, logged_in):
    page = logged_in("p3").get("/dashboard").get_data(as_text=True)
    assert 'class="attention"' not in page and "/grading/" not in page


def test_nothing_waiting_says_so(make_user, logged_in):
    make_user({Role.FACILITATOR}, username="fasil")
    block = attention_of(logged_in("fasil"))
    assert [count_in(block, a) for a in ("plans-waiting", "overdue-reviews",
                                         "stuck-participants")] == [0, 0, 0]


def build_cohort(slug: str, participants: int) -> None:
    """A running cohort with its facilitator; participants with some lessons (some of them
    stuck), some plans waiting."""
    today = local_today()
    cohort = Cohort(slug=slug, name=slug, starts_on=today - dt.timedelta(days=30),
                    ends_on=today + dt.timedelta(days=30), place="BKPP")
    cohort.set_modules([MODULE, "menyusun-rencana-aksi"])
    facilitator = create_user(username=f"f-{slug}", full_name="Fasil", password="x" * 12,
                              roles={Role.FACILITATOR})
    cohort.facilitator_rows.append(CohortFacilitator(user=facilitator))
    db.session.add(cohort)
    for n in range(participants):
        user = create_user(username=f"p{n}-{slug}", full_name=f"Peserta {n}",
                           password="x" * 12, roles={Role.PARTICIPANT})
        enrolment = Enrolment(user=user)
        cohort.enrolments.append(enrolment)
        db.session.flush()
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=MODULE,
                                        lesson_slug="mengapa-kolaborasi",
                                        completed_at=days_ago(n * 5 % 12)))
        if n % 2:
            submit(enrolment, [PlanState.SUBMITTED, PlanState.RESUBMITTED,
                               PlanState.IN_REVIEW][n % 3], n % 6, f"Rencana {n}")
    db.session.commit()


def test_the_facilitators_dashboard_queries_do_not_grow(app, logged_in, count_queries):
    build_cohort("kecil", participants=5)
    build_cohort("besar", participants=60)

    def queries(username: str) -> int:
        client = logged_in(username, "x" * 12)
        client.get("/dashboard")  # warm caches that are not per request
        with count_queries() as count:
            assert client.get("/dashboard").status_code == 200
        return count()

    small, large = queries("f-kecil"), queries("f-besar")
    assert small == large and large <= 12
