"""Who is refused: the role × route matrix, every URL rule of the app for ten kinds of
visitor with the status each one must get; object-level refusals; and, generated from the URL
map, no route public by accident and no state-changing request accepted without a CSRF token.

The world: cohort A on the change project's full path (participant A, its facilitator who
is the coach, participant A's mentor, its examiner) and cohort B (participant B, its
facilitator, who is "a facilitator of another cohort" for A, participant B's mentor and its
examiner), plus an admin. Every URL is filled with cohort A's slug and participant A's
objects (enrolment, attempt, design-approved plan, its seminar, milestone report and
evidence file, certificate, export job), so the participant-B, other-facilitator,
other-mentor and other-examiner columns are the object-level checks. POST cells send a
valid CSRF token and no other field: they test who gets past the door, not what the form
does with good data (the feature tests do that).

A route that is not in MATRIX fails ``test_every_route_has_a_matrix_entry``: whoever adds a
route decides, here, who may use it.

Refusals checked elsewhere before live here now: the admin pages refused to a cohort's own
facilitator and participant (the "facilitator" and "participant_a" columns of the admin and
BKPP-report rows), the certificate registry and bulk jobs refused to everyone but admins (the
certificates rows), a certificate refused to the holder's classmate and to facilitators (the
"classmate" row of ``test_someone_else_s_objects_are_refused`` and the certificates.download
row), and the checks generated from the URL map (the tests after the matrix).
"""

from __future__ import annotations

import re

import pytest

from leans.core.models import Role
from tests.fixtures.routes import World, fill_rule

ROLES = ("anonymous", "participant_a", "participant_b", "other_facilitator", "facilitator",
         "admin", "mentor_a", "mentor_b", "examiner_a", "examiner_b")
#: Redirected to the login page (a redirect anywhere else is recorded as plain 302, so an
#: unguarded route whose success is a redirect cannot pass as "sent to log in").
LOGIN = "login"

# (endpoint, method): statuses for anonymous, participant A, participant B (cohort B),
# facilitator of cohort B, facilitator (coach) of cohort A, admin, mentor of participant A,
# mentor of participant B, examiner of cohort A, examiner of cohort B. Mentors and examiners
# hold that role alone: on pages that are not about the change project they are logged-in
# users who are neither participants nor staff.
Status = int | str
MATRIX: dict[tuple[str, str], tuple[Status, ...]] = {
    # Public pages.
    ("static", "GET"):                        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("core.healthz", "GET"):                  (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("core.index", "GET"):                    (200, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("core.set_language", "POST"):            (302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("auth.login", "GET"):                    (200, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("auth.login", "POST"):                   (200, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("auth.setup", "GET"):                    (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("auth.setup", "POST"):                   (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("certificates.verify", "GET"):           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("certificates.verify_file", "GET"):      (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    # A public check of an uploaded PDF: a form with no file is refused, whoever sends it.
    ("certificates.verify_file", "POST"):     (422, 422, 422, 422, 422, 422, 422, 422, 422, 422),
    # Everyone logged in.
    ("auth.logout", "POST"):
        (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.change_password", "GET"):          (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("auth.change_password", "POST"):         (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("dashboard.index", "GET"):               (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("content.glossary", "GET"):              (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("notifications.index", "GET"):           (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("notifications.read_all", "POST"):       (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("notifications.settings", "GET"):        (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("notifications.settings", "POST"):       (LOGIN, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    # Participant A's notification: theirs alone, admins included.
    ("notifications.open_one", "POST"):       (LOGIN, 302, 404, 404, 404, 404, 404, 404, 404, 404),
    # Cohort A's learning pages: its participant and its staff; nobody from cohort B, and not
    # the mentors and examiners (the change project's pages are theirs).
    ("core.cohort", "GET"):                   (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("modules.catalogue", "GET"):             (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("modules.resume", "GET"):                (LOGIN, 302, 404, 404, 302, 302, 404, 404, 404, 404),
    ("modules.module", "GET"):                (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("modules.lesson", "GET"):                (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("modules.content_file", "GET"):          (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("modules.mark_done", "POST"):            (LOGIN, 302, 404, 404, 403, 403, 404, 404, 404, 404),
    ("quizzes.intro", "GET"):                 (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("quizzes.start", "POST"):                (LOGIN, 302, 404, 404, 403, 403, 404, 404, 404, 404),
    # Participant A's attempt: staff read it, only its owner answers it.
    ("quizzes.attempt", "GET"):               (LOGIN, 200, 404, 404, 200, 200, 404, 404, 404, 404),
    ("quizzes.attempt", "POST"):              (LOGIN, 302, 404, 404, 403, 403, 404, 404, 404, 404),
    # The action plan is the participant's own page (design approved here: no more edits;
    # the people around the plan read it on the project pages below).
    ("plans.plan", "GET"):                    (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    ("plans.plan", "POST"):                   (LOGIN, 422, 404, 404, 404, 404, 404, 404, 404, 404),
    ("plans.autosave", "POST"):               (LOGIN, 409, 404, 404, 404, 404, 404, 404, 404, 404),
    # Light-path progress updates: a full-path plan reports milestones with evidence instead.
    ("plans.add_update", "POST"):             (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("plans.version", "GET"):                 (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    # Tasks: participant A answers their own (the bare POST lacks the form's draft
    # version); cohort A's staff read every sent answer and comment on it (the admin's POSTs
    # unenrolled participant A before this one: an unenrolled person's answer takes no
    # comment, 404).
    ("tasks.answer", "POST"):                 (LOGIN, 400, 404, 404, 404, 404, 404, 404, 404, 404),
    ("tasks.cohort_tasks", "GET"):            (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("tasks.task_answers", "GET"):            (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("tasks.comment", "POST"):                (LOGIN, 403, 404, 404, 400, 404, 404, 404, 404, 404),
    # Content preview: staff only.
    ("modules.preview_index", "GET"):         (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    ("modules.preview_module", "GET"):        (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    ("modules.preview_lesson", "GET"):        (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    # Cohort A's reports: its staff only.
    ("cohort_progress.table", "GET"):         (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("cohort_progress.export", "GET"):        (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("cohort_progress.participant", "GET"):   (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("quiz_report.summary", "GET"):           (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("quiz_report.module", "GET"):            (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    ("quiz_report.export", "GET"):            (LOGIN, 403, 404, 404, 200, 200, 404, 404, 404, 404),
    # Grading: facilitators (each sees only their cohorts' plans) and admins; examiners score
    # at the seminars instead.
    ("grading.queue", "GET"):                 (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    ("grading.screen", "GET"):                (LOGIN, 403, 403, 404, 200, 200, 403, 403, 403, 403),
    ("grading.version", "GET"):               (LOGIN, 403, 403, 404, 200, 200, 403, 403, 403, 403),
    ("grading.start", "POST"):                (LOGIN, 403, 403, 404, 302, 302, 403, 403, 403, 403),
    ("grading.grade", "POST"):                (LOGIN, 403, 403, 404, 400, 400, 403, 403, 403, 403),
    ("tracker.overview", "GET"):              (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    ("tracker.export", "GET"):                (LOGIN, 403, 403, 200, 200, 200, 403, 403, 403, 403),
    # Certificates: the owner downloads, the admin manages; verification is public.
    ("certificates.download", "GET"):         (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    ("certificates.registry", "GET"):         (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("siasn.export", "GET"):                  (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("certificates.issue", "POST"):           (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("certificates.confirm_revoke", "GET"):   (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("certificates.revoke_view", "POST"):     (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("certificates.confirm_reissue", "GET"):  (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("certificates.reissue_view", "POST"):    (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("certificates.start_job", "POST"):       (LOGIN, 403, 403, 403, 403, 400, 403, 403, 403, 403),
    ("certificates.job", "GET"):              (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("certificates.job_download", "GET"):     (LOGIN, 403, 403, 403, 403, 404, 403, 403, 403, 403),
    # Administration and the audit log: admins only.
    ("audit.trail", "GET"):                   (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.home", "GET"):                    (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.users", "GET"):                   (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.new_user", "GET"):                (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.new_user", "POST"):               (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.edit_user", "GET"):               (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.edit_user", "POST"):              (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.account_action", "POST"):         (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.unlock_user", "POST"):            (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.new_cohort", "GET"):              (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.new_cohort", "POST"):             (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.edit_cohort", "GET"):             (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.edit_cohort", "POST"):            (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.close_cohort", "POST"):           (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.people", "GET"):                  (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.enrol_by_username", "POST"):      (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.enrolment", "POST"):              (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.enrolment_mentor", "POST"):       (LOGIN, 403, 403, 403, 403, 302, 403, 403, 403, 403),
    ("admin.import_people", "GET"):           (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.import_people", "POST"):          (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("admin.confirm_import", "POST"):         (LOGIN, 403, 403, 403, 403, 404, 403, 403, 403, 403),
    ("admin.import_template", "GET"):         (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("bkpp_reports.overview", "GET"):         (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("bkpp_reports.export", "GET"):           (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("bkpp_reports.jp_year", "GET"):          (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    ("bkpp_reports.jp_year_export", "GET"):   (LOGIN, 403, 403, 403, 403, 200, 403, 403, 403, 403),
    # The change project (cohort A is on the full path; participant A's design is approved,
    # its design seminar scheduled and graded, one milestone reported with a photo).
    # Participant A's own pages: the milestone checklist, the follow-ups and the report.
    ("milestones.checklist", "GET"):          (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    # Milestone 0 is reported already and waits for the mentor: reporting it again, 422.
    ("milestones.report", "POST"):            (LOGIN, 422, 404, 404, 404, 404, 404, 404, 404, 404),
    ("followups.participant", "GET"):         (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    # The bare POST names no check-in: 400.
    ("followups.participant", "POST"):        (LOGIN, 400, 404, 404, 404, 404, 404, 404, 404, 404),
    ("project.report", "GET"):                (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
    # The bare POST has no summary: 422.
    ("project.report", "POST"):               (LOGIN, 422, 404, 404, 404, 404, 404, 404, 404, 404),
    # The plan's readers: participant A, cohort A's coach, the admin, A's mentor, cohort A's
    # examiner; everyone else 404 (ids reveal nothing).
    ("project.mentor_plan", "GET"):           (LOGIN, 200, 404, 404, 200, 200, 200, 404, 200, 404),
    ("project.seminar", "GET"):               (LOGIN, 200, 404, 404, 200, 200, 200, 404, 200, 404),
    ("milestones.review_page", "GET"):        (LOGIN, 200, 404, 404, 200, 200, 200, 404, 200, 404),
    ("milestones.evidence", "GET"):           (LOGIN, 200, 404, 404, 200, 200, 200, 404, 200, 404),
    # The mentor alone confirms or returns a milestone (the bare POST chooses neither: 422)
    # and endorses (the bare POST is an invalid form: back to the plan with a message).
    ("milestones.review", "POST"):            (LOGIN, 403, 404, 404, 403, 403, 422, 404, 403, 404),
    ("project.endorsement", "POST"):          (LOGIN, 403, 404, 404, 403, 403, 302, 404, 403, 404),
    # The coach sends to the seminar and schedules it, with the admin (but the admin's POSTs
    # closed cohort A before these: a closed cohort's seminars no longer change, 403); the
    # examiner and the coach score, the examiner moderates (bare POSTs: 400).
    ("project.send", "POST"):                 (LOGIN, 403, 404, 404, 400, 403, 403, 404, 403, 404),
    ("project.schedule", "POST"):             (LOGIN, 403, 404, 404, 400, 403, 403, 404, 403, 404),
    ("project.score", "POST"):                (LOGIN, 403, 404, 404, 400, 403, 403, 404, 400, 404),
    ("project.moderate", "POST"):             (LOGIN, 403, 404, 404, 403, 403, 403, 404, 400, 404),
    # Mentors' and seminars' lists: by role, each showing only one's own people.
    ("project.mentees", "GET"):               (LOGIN, 403, 403, 403, 403, 403, 200, 200, 403, 403),
    ("project.seminars", "GET"):              (LOGIN, 403, 403, 200, 200, 200, 403, 403, 200, 200),
    # Open Badges 3.0 (docs/open-badges.md): the issuer's documents and the revocation list
    # are public; the credential and the baked badges go to the holder and admins, as the PDF.
    ("badges.did_document", "GET"):           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("badges.jwks", "GET"):                   (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("badges.issuer", "GET"):                 (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("badges.status_list", "GET"):            (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("badges.credential_jwt", "GET"):         (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    ("badges.credential_json", "GET"):        (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    ("badges.badge_svg", "GET"):              (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    ("badges.badge_png", "GET"):              (LOGIN, 200, 404, 404, 404, 200, 404, 404, 404, 404),
    # Prometheus metrics (docs/operations.md): no login, a token or an address allowlist;
    # with neither configured (as here) nobody gets them (tests/core/test_metrics.py).
    ("metrics.scrape", "GET"):                (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    # Reading offline (issue 20): the installable app's files and the offline page are public;
    # a fresh CSRF token for the phone's queue for everyone logged in; a module's download
    # list for its own participant only (never staff, who have no enrolment).
    ("offline.web_manifest", "GET"):          (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("offline.service_worker", "GET"):        (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("offline.offline_page", "GET"):          (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("offline.csrf_token", "GET"):            (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("offline.module_download_list", "GET"):  (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404, 404),
}  # fmt: skip


@pytest.fixture
def world(route_world) -> World:
    return route_world


def cells(app):
    """(endpoint, method, rule) for every route and method the app answers."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


def outcome(response) -> Status:
    if response.status_code == 302 and response.location.startswith("/login"):
        return LOGIN
    return response.status_code


@pytest.fixture
def visit(app, auth_for, csrf_token):
    """``visit(role, world)``: the outcome of every route as ROLE: GETs first, then POSTs
    (which may change the world)."""

    def visit_as(role: str, world: World) -> dict[tuple[str, str], Status]:
        client = app.test_client()
        if role != "anonymous":
            assert auth_for(client).login(role).status_code == 302
        statuses = {}
        # GETs, then POSTs; logging out last, since it ends the session the other cells need.
        ordered = sorted(cells(app), key=lambda c: (c[0] == "auth.logout", c[1] != "GET",
                                                    c[2].rule))
        for endpoint, method, rule in ordered:
            url = fill_rule(rule, world)
            if method == "GET":
                response = client.get(url)
            else:
                token = csrf_token(client,
                                   "/login" if role == "anonymous" else "/account/password")
                response = client.post(url, data={"csrf_token": token})
            statuses[endpoint, method] = outcome(response)
        return statuses

    return visit_as


def test_every_route_has_a_matrix_entry(app):
    routes = {(endpoint, method) for endpoint, method, _rule in cells(app)}
    assert routes - MATRIX.keys() == set(), "routes without a matrix entry: decide who may use them"
    assert MATRIX.keys() - routes == set(), "matrix entries for routes that no longer exist"
    assert {key for key, row in MATRIX.items() if len(row) != len(ROLES)} == set(), \
        "every row has a status for each of ROLES"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_route(visit, world, role):
    column = ROLES.index(role)
    got = visit(role, world)
    wrong = {f"{method} {endpoint}": f"expected {MATRIX[endpoint, method][column]}, got {status}"
             for (endpoint, method), status in got.items()
             if (endpoint, method) in MATRIX and MATRIX[endpoint, method][column] != status}
    assert wrong == {}


def test_logout_ends_the_session_for_every_role(app, world, auth_for):
    for role in ROLES[1:]:
        client = app.test_client()
        auth_for(client).login(role)
        assert auth_for(client).logout().status_code == 302
        assert outcome(client.get("/dashboard")) == LOGIN


@pytest.mark.parametrize(("who", "url", "refusals"), [
    # The reverse direction of the matrix's object checks, through every path to them.
    ("participant_a", "/learn/angkatan-b/kepemimpinan-kolaboratif/test/attempts/"
                      "{other_attempt_id}", (403, 404)),
    ("participant_a", "/learn/angkatan-a/kepemimpinan-kolaboratif/test/attempts/"
                      "{other_attempt_id}", (403, 404)),
    ("participant_a", "/grading/plans/{other_plan_id}", (403, 404)),
    ("participant_a", "/cohorts/angkatan-a/participants/{other_user_id}", (403, 404)),
    # Same cohort, still someone else's certificate, attempt, progress and plan.
    ("classmate", "/certificates/{certificate_id}.pdf", (404,)),
    ("classmate", "/learn/angkatan-a/kepemimpinan-kolaboratif/test/attempts/{attempt_id}",
     (403, 404)),
    ("classmate", "/cohorts/angkatan-a/participants/{user_id}", (403, 404)),
    ("classmate", "/grading/plans/{plan_id}", (403, 404)),
    ("classmate", "/cohorts/angkatan-a/tasks", (403, 404)),
    # Cohort A's facilitator, on cohort B's plan and participant.
    ("facilitator", "/grading/plans/{other_plan_id}", (404,)),
    ("facilitator", "/grading/plans/{other_plan_id}/versions/1", (404,)),
    ("facilitator", "/cohorts/angkatan-a/participants/{other_user_id}", (404,)),
    ("facilitator", "/cohorts/angkatan-b/tasks", (404,)),
    ("facilitator", "/project/plans/{other_plan_id}", (404,)),
    # Same cohort, not one of the people around participant A's plan.
    ("classmate", "/project/plans/{plan_id}", (404,)),
    ("classmate", "/project/plans/{plan_id}/milestones", (404,)),
    ("classmate", "/project/plans/{plan_id}/seminars/design", (404,)),
    ("classmate", "/evidence/{file_id}", (404,)),
    # Another participant's mentor and another cohort's examiner, on participant A's plan,
    # its seminar, its milestones and their evidence.
    *[(who, url, (404,)) for who in ("mentor_b", "examiner_b") for url in (
        "/project/plans/{plan_id}", "/project/plans/{plan_id}/milestones",
        "/project/plans/{plan_id}/seminars/design", "/project/plans/{plan_id}/seminars/report",
        "/evidence/{file_id}")],
    # Participant A's mentor and cohort A's examiner read the plan on the project pages,
    # never through the participant's own pages, the coaches' grading screen, the cohort's
    # learning pages or its reports.
    *[(who, url, refusals) for who in ("mentor_a", "examiner_a") for url, refusals in (
        ("/cohorts/angkatan-a", (404,)),
        ("/learn/angkatan-a/", (404,)),
        ("/learn/angkatan-a/kepemimpinan-kolaboratif/", (404,)),
        ("/learn/angkatan-a/kepemimpinan-kolaboratif/test/attempts/{attempt_id}", (404,)),
        ("/learn/angkatan-a/plan", (404,)),
        ("/learn/angkatan-a/plan/versions/1", (404,)),
        ("/learn/angkatan-a/plan/milestones", (404,)),
        ("/learn/angkatan-a/plan/follow-up", (404,)),
        ("/learn/angkatan-a/plan/report", (404,)),
        ("/cohorts/angkatan-a/tasks", (404,)),
        ("/cohorts/angkatan-a/participants/{user_id}", (404,)),
        ("/grading/plans/{plan_id}", (403, 404)),
        ("/certificates/{certificate_id}.pdf", (404,)))],
    # Participant A's mentor is nobody else's: not participant B's (whose plan, on the light
    # path, has no project pages either).
    ("mentor_a", "/project/plans/{other_plan_id}", (404,)),
    ("examiner_a", "/project/plans/{other_plan_id}", (404,)),
])
def test_someone_else_s_objects_are_refused(world, logged_in, who, url, refusals):
    client = logged_in(who)
    assert client.get(url.format(**world.ids)).status_code in refusals


#: Pages every role of its kind may open, with who must see a person of cohort A on which
#: page (the control: the name is shown where it should be, so its absence means something).
#: Participant A's plan is design-approved, the classmate's at the design seminar.
LISTS = [*[(url, "admin", "/grading/tracker", "Peserta A")
           for url in ("/dashboard", "/grading/", "/grading/tracker", "/grading/tracker.csv")],
         ("/mentor", "mentor_a", "/mentor", "Peserta A"),
         ("/project/seminars", "examiner_a", "/project/seminars", "Teman Sekelas"),
         ("/project/seminars", "facilitator", "/project/seminars", "Teman Sekelas")]


@pytest.mark.parametrize(("url", "control", "control_url", "name"), LISTS)
def test_lists_show_cohort_a_only_to_its_own_people(world, logged_in, url, control,
                                                    control_url, name):
    """Pages every role may open must not list another cohort's participants, nor another
    mentor's mentees."""
    assert name in logged_in(control).get(control_url).get_data(as_text=True)
    for role in ("participant_b", "other_facilitator", "mentor_b", "examiner_b"):
        client = logged_in(role)
        response = client.get(url)
        if response.status_code == 200:
            assert name not in response.get_data(as_text=True), (role, url)


# Generated from the URL map alone, with made-up values in every URL (no world): a new route
# is checked before anyone writes its matrix row.

#: Endpoints anyone may open without logging in.
PUBLIC = {"static", "core.index", "core.healthz", "core.set_language", "auth.login",
          "auth.setup", "certificates.verify", "certificates.verify_file"}
PUBLIC |= {"badges.did_document", "badges.jwks", "badges.issuer", "badges.status_list"}
PUBLIC |= {"metrics.scrape"}  # guarded by a token or an allowlist, not a login
PUBLIC |= {"offline.web_manifest", "offline.service_worker", "offline.offline_page"}
SAMPLE = {"int": "1", "default": "contoh", "path": "gambar/x.png", "any": None}


def sample_url(rule) -> str:
    """The rule's path with a plausible value for every variable."""
    def value(match):
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        return SAMPLE.get(converter or "default", "contoh")
    return re.sub(r"<([^>]+)>", value, rule.rule)


def rules(app, method: str):
    return [r for r in app.url_map.iter_rules() if method in r.methods]


def test_the_url_map_has_the_expected_size(app):
    assert len(list(app.url_map.iter_rules())) > 60  # the generator sees every feature


def test_no_route_is_public_by_accident(app):
    client = app.test_client()
    for rule in rules(app, "GET"):
        if rule.endpoint in PUBLIC:
            continue
        response = client.get(sample_url(rule))
        assert response.status_code == 302 and "/login" in response.headers["Location"], \
            f"{rule.rule} ({rule.endpoint}) answered {response.status_code} to anonymous"


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.FACILITATOR, Role.ADMIN, Role.MENTOR,
                                  Role.EXAMINER])
def test_every_post_needs_a_csrf_token(app, make_user, auth_for, csrf_token, role):
    make_user({role}, username="u")
    client = app.test_client()
    auth_for(client).login("u")
    foreign = csrf_token(app.test_client(), "/login")  # valid, but another session's
    for rule in rules(app, "POST"):
        if rule.endpoint == "auth.login":
            continue  # answered before login by design
        for data in ({"x": "1"}, {"x": "1", "csrf_token": foreign},
                     {"x": "1", "csrf_token": "bukan-token"}):
            response = client.post(sample_url(rule), data=data)
            assert response.status_code == 400, \
                f"{rule.rule} ({rule.endpoint}) answered {response.status_code} to {data}"


def test_admin_routes_refuse_participants_facilitators_mentors_and_examiners(app, make_user,
                                                                             auth_for):
    for role in (Role.PARTICIPANT, Role.FACILITATOR, Role.MENTOR, Role.EXAMINER):
        make_user({role}, username=role.value)
        client = app.test_client()
        auth_for(client).login(role.value)
        for rule in rules(app, "GET"):
            if rule.rule.startswith("/admin") or rule.endpoint == "audit.trail":
                status = client.get(sample_url(rule)).status_code
                assert status in (403, 404), f"{rule.rule} gave {status} to a {role.value}"
