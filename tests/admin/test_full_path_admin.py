"""The admin side of the change project's full path: a cohort's path and settings (audited,
checked, no way back to the light path while plans are at a full-path stage), its examiners,
each participant's mentor, and accounts with the mentor and examiner roles. Admins only."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from leans.admin.cohorts import CohortError, parse_followup_months
from leans.assessments.plans.states import PlanState
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, PlanPath, Role, User
from tests.fixtures.web import visible_text

EDIT = "/admin/cohorts/pk/edit"


def cohort(slug: str = "pk") -> Cohort:
    found = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    db.session.refresh(found)
    return found


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def form_data(people, **changes) -> dict:
    """The edit form of cohort pk as the page fills it, with CHANGES."""
    data = {"name": cohort().name, "slug": "pk", "starts_on": "2026-10-05",
            "ends_on": "2026-12-18", "place": "BKPP Bojonegoro",
            "module": ["menyusun-rencana-aksi"],
            "facilitators": [people["coach"].id, people["coach2"].id],
            "examiners": [people["penguji"].id], "plan_path": "full",
            "endorsement_required": "y", "examiner_weight": "60", "moderation_gap": "1",
            "report_required": "y", "followup_months": "3,6"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(project_people, logged_in, post_form):
    client = logged_in("admin")
    post_form(client, "/language", {"language": "en"})
    return client


def save(client, post_form, people, **changes):
    return post_form(client, EDIT, form_data(people, **changes), token_page=EDIT)


# The cohort's settings ---------------------------------------------------------------------

def test_the_form_shows_the_change_project_settings(admin, project_people):
    html = admin.get(EDIT).get_data(as_text=True)
    text = visible_text(html)
    assert "Change project" in text and "apply only to the full path" in text
    (full,) = [tag for tag in html.split("<input")[1:] if 'name="plan_path"' in tag
               and 'value="full"' in tag]
    assert "checked" in full
    for label in ("Light: one review by the facilitator",
                  "Full: mentor, design seminar, milestones, report seminar"):
        assert label in text
    assert "coach: 100 − x" in text and "examiner 60%, coach 40%" in text
    assert 'value="3,6"' in html


def test_a_new_cohort_on_the_full_path_records_its_settings(admin, project_people, post_form):
    response = post_form(admin, "/admin/cohorts/new", {
        "name": "Angkatan Penuh", "slug": "penuh", "starts_on": "2027-02-01",
        "ends_on": "2027-04-30", "module": ["menyusun-rencana-aksi"], "plan_path": "full",
        "examiner_weight": "70", "moderation_gap": "2", "followup_months": " 3, 6 ,12",
        "examiners": [project_people["penguji"].id]}, token_page="/admin/cohorts/new")
    assert response.status_code == 302
    made = cohort("penuh")
    assert made.plan_path is PlanPath.FULL and made.examiner_weight == 70
    assert made.moderation_gap == 2 and made.followup_months == "3,6,12"
    assert not made.endorsement_required and not made.report_required  # unticked
    assert [row.user_id for row in made.examiner_rows] == [project_people["penguji"].id]
    (created,) = events("cohort.created")
    assert created.details["settings"] == {
        "plan_path": "full", "endorsement_required": False, "examiner_weight": 70,
        "moderation_gap": 2, "report_required": False, "followup_months": "3,6,12"}


def test_changing_settings_is_audited_with_each_changed_field(admin, project_people,
                                                              post_form):
    response = save(admin, post_form, project_people, examiner_weight="75",
                    endorsement_required=None, followup_months="6")
    assert response.status_code == 302
    saved = cohort()
    assert (saved.examiner_weight, saved.endorsement_required, saved.followup_months) == \
        (75, False, "6")
    (changed,) = events("cohort.changed")
    assert changed.details["changed"] == {"examiner_weight": [60, 75],
                                          "endorsement_required": [True, False],
                                          "followup_months": ["3,6", "6"]}
    assert changed.details["facilitators"]  # as before


def test_an_empty_number_keeps_its_value(admin, project_people, post_form):
    save(admin, post_form, project_people, examiner_weight="", moderation_gap=None)
    assert (cohort().examiner_weight, cohort().moderation_gap) == (60, 1)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("examiner_weight", "101", "Enter a whole number from 0 to 100."),
    ("examiner_weight", "-1", "Enter a whole number from 0 to 100."),
    ("examiner_weight", "50.5", "Not a valid integer value."),
    ("examiner_weight", "9" * 5000, "Not a valid integer value."),
    ("moderation_gap", "0", "Enter 1, 2 or 3."),
    ("moderation_gap", "4", "Enter 1, 2 or 3."),
    ("followup_months", "3,,6", "Write whole numbers of months separated by commas"),
    ("followup_months", "3.5", "Write whole numbers of months separated by commas"),
    ("followup_months", "tiga", "Write whole numbers of months separated by commas"),
    ("followup_months", "6,3", "ascending order, each once"),
    ("followup_months", "3,3", "ascending order, each once"),
    ("followup_months", "0", "1 to 36 months"),
    ("followup_months", "37", "1 to 36 months"),
    ("followup_months", "1,2,3,4,5", "At most 4 follow-ups."),
    ("followup_months", "1" * 41, "cannot be longer than 40"),
    ("plan_path", "medium", "Not a valid choice."),
])
def test_bad_settings_get_a_clear_message_and_change_nothing(admin, project_people, post_form,
                                                            field, value, message):
    response = save(admin, post_form, project_people, **{field: value})
    assert response.status_code == 200
    assert message in visible_text(response.get_data(as_text=True))
    assert not events("cohort.changed")
    saved = cohort()
    assert (saved.examiner_weight, saved.moderation_gap, saved.followup_months) == \
        (60, 1, "3,6")


@pytest.mark.parametrize(("text", "stored"), [
    ("", ""), ("  ", ""), ("3,6", "3,6"), (" 3 , 6 ", "3,6"), ("1,12,24,36", "1,12,24,36"),
    ("03,06", "3,6")])
def test_follow_up_months_are_read_and_stored_plainly(app, text, stored):
    assert parse_followup_months(text) == stored


@pytest.mark.parametrize("text", ["3,", ",3", "3;6", "3 6x", "-3", "1,2,3,4,5", "40", "6,3"])
def test_follow_up_months_refuse_what_is_not_a_schedule(app, text):
    with app.test_request_context(), pytest.raises(CohortError):
        parse_followup_months(text)


def test_full_to_light_is_refused_while_plans_are_at_a_full_path_stage(admin, project_people,
                                                                        post_form, plan_at):
    plan_at(PlanState.AWAITING_ENDORSEMENT)
    plan_at(PlanState.AWAITING_ENDORSEMENT, username="peserta2")
    response = save(admin, post_form, project_people, plan_path="light")
    text = visible_text(response.get_data(as_text=True))
    assert "cannot go back to the light path: 2 plans are at a stage only the full path has " \
           "(Waiting for the mentor: 2)" in text
    assert cohort().plan_path is PlanPath.FULL
    assert not events("cohort.changed")


def test_full_to_light_names_each_state(admin, project_people, post_form, plan_at):
    plan_at(PlanState.DESIGN_SEMINAR)
    response = save(admin, post_form, project_people, plan_path="light")
    text = visible_text(response.get_data(as_text=True))
    with force_locale("en"):
        stage = PlanState.DESIGN_SEMINAR.label
    assert f"1 plan is at a stage only the full path has ({stage}: 1)" in text
    assert cohort().plan_path is PlanPath.FULL


def test_full_to_light_is_allowed_while_plans_are_in_shared_states(admin, project_people,
                                                                   post_form, plan_at):
    plan_at(PlanState.DRAFT)
    response = save(admin, post_form, project_people, plan_path="light")
    assert response.status_code == 302
    assert cohort().plan_path is PlanPath.LIGHT
    (changed,) = events("cohort.changed")
    assert changed.details["changed"]["plan_path"] == ["full", "light"]


# Examiners ---------------------------------------------------------------------------------

def test_examiners_are_assigned_and_unassigned_with_an_audit_entry(admin, project_people,
                                                                   post_form):
    penguji, lain = project_people["penguji"], project_people["penguji_lain"]
    save(admin, post_form, project_people, examiners=[penguji.id, lain.id])
    assert sorted(row.user_id for row in cohort().examiner_rows) == sorted([penguji.id, lain.id])
    save(admin, post_form, project_people, examiners=[lain.id])
    assert [row.user_id for row in cohort().examiner_rows] == [lain.id]
    first, second = events("cohort.examiners_changed")
    assert (first.details, second.details) == ({"added": [lain.id], "removed": []},
                                               {"added": [], "removed": [penguji.id]})
    save(admin, post_form, project_people, examiners=[lain.id])  # no change, no entry
    assert len(events("cohort.examiners_changed")) == 2
    people_page = visible_text(admin.get("/admin/cohorts/pk/people").get_data(as_text=True))
    assert f"Examiners: {lain.full_name}" in people_page


def test_only_examiners_can_be_assigned(admin, project_people, post_form):
    coach = project_people["coach"]
    response = save(admin, post_form, project_people, examiners=[coach.id])
    assert response.status_code == 200
    assert "is not a valid choice" in visible_text(response.get_data(as_text=True))
    assert [row.user_id for row in cohort().examiner_rows] == [project_people["penguji"].id]


def test_a_coach_of_the_cohort_cannot_also_examine_it(admin, project_people, post_form):
    """Otherwise one person would give both seminar scores (or none could be given)."""
    coach = project_people["coach"]
    coach.set_roles(coach.roles | {Role.EXAMINER})
    db.session.commit()
    response = save(admin, post_form, project_people, examiners=[coach.id])
    assert "Dr. Coach Satu cannot both coach and examine this cohort" in visible_text(
        response.get_data(as_text=True))
    assert [row.user_id for row in cohort().examiner_rows] == [project_people["penguji"].id]


def test_the_form_lists_examiners_only(admin, project_people):
    html = admin.get(EDIT).get_data(as_text=True)
    section = html.split('id="examiners"')[1].split("</ul>")[0]
    assert "Prof. Penguji" in section and "Dr. Coach Satu" not in section


# Mentors -----------------------------------------------------------------------------------

def mentor_url(people, who: str = "peserta") -> str:
    return f"/admin/cohorts/pk/enrolments/{people[who].id}/mentor"


def enrolment_of(people, who: str = "peserta") -> Enrolment:
    found = db.session.scalar(select(Enrolment).where(Enrolment.user_id == people[who].id))
    db.session.refresh(found)
    return found


def test_the_people_page_offers_mentors_per_participant(admin, project_people):
    html = admin.get("/admin/cohorts/pk/people").get_data(as_text=True)
    row = html.split(mentor_url(project_people))[1].split("</form>")[0]
    assert f'<option value="{project_people["mentor"].id}" selected>' in row
    assert "Ir. Wati Mentor" in row and "Dr. Coach Satu" not in row
    assert '<option value="">' in row


def test_a_mentor_is_linked_and_unlinked_with_an_audit_entry(admin, project_people,
                                                             post_form):
    mentor2 = project_people["mentor2"]
    response = post_form(admin, mentor_url(project_people), {"mentor": str(mentor2.id)},
                         token_page="/admin/cohorts/pk/people")
    assert response.status_code == 302
    assert enrolment_of(project_people).mentor_id == mentor2.id
    assert enrolment_of(project_people, "peserta2").mentor_id == mentor2.id  # two mentees
    page = visible_text(admin.get("/admin/cohorts/pk/people").get_data(as_text=True))
    assert f"{mentor2.full_name} is now the mentor of Siti Aminah." in page
    post_form(admin, mentor_url(project_people), {"mentor": ""},
              token_page="/admin/cohorts/pk/people")
    assert enrolment_of(project_people).mentor_id is None
    linked, unlinked = events("enrolment.mentor_linked")
    assert linked.details["mentor"] == mentor2.id
    assert linked.details["previous"] == project_people["mentor"].id
    assert unlinked.details["mentor"] is None
    assert unlinked.object_id == enrolment_of(project_people).id


def test_nobody_is_their_own_mentor(admin, project_people, post_form):
    peserta = project_people["peserta"]
    peserta.set_roles({Role.PARTICIPANT, Role.MENTOR})
    db.session.commit()
    post_form(admin, mentor_url(project_people), {"mentor": str(peserta.id)},
              token_page="/admin/cohorts/pk/people")
    page = visible_text(admin.get("/admin/cohorts/pk/people").get_data(as_text=True))
    assert "Siti Aminah cannot be their own mentor." in page
    assert enrolment_of(project_people).mentor_id == project_people["mentor"].id
    assert not events("enrolment.mentor_linked")


@pytest.mark.parametrize("value", ["coach", "99999", "abc", None])
def test_a_mentor_must_hold_the_mentor_role(admin, project_people, post_form, value):
    chosen = {"coach": str(project_people["coach"].id)}.get(value, value)
    response = post_form(admin, mentor_url(project_people),
                         {} if chosen is None else {"mentor": chosen},
                         token_page="/admin/cohorts/pk/people")
    assert response.status_code == 302
    page = visible_text(admin.get("/admin/cohorts/pk/people").get_data(as_text=True))
    assert "Choose a mentor from the list, or nobody." in page
    assert enrolment_of(project_people).mentor_id == project_people["mentor"].id


def test_a_participant_of_another_cohort_is_not_found_here(admin, project_people, post_form):
    response = post_form(admin, mentor_url(project_people, "lain"), {"mentor": ""},
                         token_page="/admin/cohorts/pk/people")
    assert response.status_code == 404


# Accounts ----------------------------------------------------------------------------------

def test_the_account_form_offers_the_mentor_and_examiner_roles(admin, project_people,
                                                               post_form):
    html = admin.get("/admin/users/new").get_data(as_text=True)
    for role, label in (("mentor", "Mentor"), ("examiner", "Examiner")):
        assert f'name="roles" type="checkbox" value="{role}"' in html
        assert f">{label}</label>" in html
    post_form(admin, "/admin/users/new", {"username": "kabid", "full_name": "Kabid Baru",
                                          "roles": ["mentor", "examiner"]},
              token_page="/admin/users/new")
    made = db.session.scalar(select(User).where(User.username == "kabid"))
    assert made.roles == {Role.MENTOR, Role.EXAMINER}


# Only admins -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["coach", "peserta", "mentor", "penguji"])
def test_everyone_but_admins_is_refused(project_people, logged_in, post_form, who):
    client = logged_in(who)
    assert client.get(EDIT).status_code == 403
    assert client.get("/admin/cohorts/pk/people").status_code == 403
    for url, data in ((EDIT, form_data(project_people, examiner_weight="0")),
                      (mentor_url(project_people), {"mentor": ""})):
        assert post_form(client, url, data, token_page="/dashboard").status_code == 403
    assert enrolment_of(project_people).mentor_id == project_people["mentor"].id
    assert cohort().examiner_weight == 60


def test_posts_without_a_csrf_token_are_refused(admin, project_people):
    assert admin.post(mentor_url(project_people), data={"mentor": ""}).status_code == 400
    assert admin.post(EDIT, data=form_data(project_people)).status_code == 400
