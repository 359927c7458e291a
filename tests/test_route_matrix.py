"""Who is refused: the role × route matrix, every URL rule of the app for six kinds of
visitor with the status each one must get; object-level refusals; and, generated from the URL
map, no route public by accident and no state-changing request accepted without a CSRF token.

The world: cohort A (participant A, its facilitator) and cohort B (participant B, its
facilitator, who is "a facilitator of another cohort" for A), plus an admin. Every URL is
filled with cohort A's slug and participant A's objects (enrolment, attempt, plan,
certificate, export job), so the participant-B and other-facilitator columns are the
object-level checks. POST cells send a valid CSRF token and no other field: they test who
gets past the door, not what the form does with good data (the feature tests do that).

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
         "admin")
#: Redirected to the login page (a redirect anywhere else is recorded as plain 302, so an
#: unguarded route whose success is a redirect cannot pass as "sent to log in").
LOGIN = "login"

# (endpoint, method): statuses for anonymous, participant A, participant B (cohort B),
# facilitator of cohort B, facilitator of cohort A, admin.
Status = int | str
MATRIX: dict[tuple[str, str], tuple[Status, Status, Status, Status, Status, Status]] = {
    # Public pages.
    ("static", "GET"):                          (200, 200, 200, 200, 200, 200),
    ("core.healthz", "GET"):                    (200, 200, 200, 200, 200, 200),
    ("core.index", "GET"):                      (200, 302, 302, 302, 302, 302),
    ("core.set_language", "POST"):              (302, 302, 302, 302, 302, 302),
    ("auth.login", "GET"):                      (200, 302, 302, 302, 302, 302),
    ("auth.login", "POST"):                     (200, 302, 302, 302, 302, 302),
    ("auth.setup", "GET"):                      (404, 404, 404, 404, 404, 404),
    ("auth.setup", "POST"):                     (404, 404, 404, 404, 404, 404),
    ("certificates.verify", "GET"):             (200, 200, 200, 200, 200, 200),
    # Everyone logged in.
    ("auth.logout", "POST"):                    (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    ("auth.change_password", "GET"):            (LOGIN, 200, 200, 200, 200, 200),
    ("auth.change_password", "POST"):           (LOGIN, 200, 200, 200, 200, 200),
    ("dashboard.index", "GET"):                 (LOGIN, 200, 200, 200, 200, 200),
    ("content.glossary", "GET"):                (LOGIN, 200, 200, 200, 200, 200),
    ("notifications.index", "GET"):             (LOGIN, 200, 200, 200, 200, 200),
    ("notifications.read_all", "POST"):         (LOGIN, 302, 302, 302, 302, 302),
    ("notifications.settings", "GET"):          (LOGIN, 200, 200, 200, 200, 200),
    ("notifications.settings", "POST"):         (LOGIN, 302, 302, 302, 302, 302),
    # Participant A's notification (certificate issued): theirs alone, admins included.
    ("notifications.open_one", "POST"):         (LOGIN, 302, 404, 404, 404, 404),
    # Cohort A's learning pages: its participant and its staff; nobody from cohort B.
    ("core.cohort", "GET"):                     (LOGIN, 200, 404, 404, 200, 200),
    ("modules.catalogue", "GET"):               (LOGIN, 200, 404, 404, 200, 200),
    ("modules.resume", "GET"):                  (LOGIN, 302, 404, 404, 302, 302),
    ("modules.module", "GET"):                  (LOGIN, 200, 404, 404, 200, 200),
    ("modules.lesson", "GET"):                  (LOGIN, 200, 404, 404, 200, 200),
    ("modules.content_file", "GET"):            (LOGIN, 404, 404, 404, 404, 404),
    ("modules.mark_done", "POST"):              (LOGIN, 302, 404, 404, 403, 403),
    ("quizzes.intro", "GET"):                   (LOGIN, 200, 404, 404, 200, 200),
    ("quizzes.start", "POST"):                  (LOGIN, 302, 404, 404, 403, 403),
    # Participant A's attempt: staff read it, only its owner answers it.
    ("quizzes.attempt", "GET"):                 (LOGIN, 200, 404, 404, 200, 200),
    ("quizzes.attempt", "POST"):                (LOGIN, 302, 404, 404, 403, 403),
    # The action plan is the participant's own page (approved here: no more edits).
    ("plans.plan", "GET"):                      (LOGIN, 200, 404, 404, 404, 404),
    ("plans.plan", "POST"):                     (LOGIN, 422, 404, 404, 404, 404),
    ("plans.autosave", "POST"):                 (LOGIN, 409, 404, 404, 404, 404),
    ("plans.add_update", "POST"):               (LOGIN, 400, 404, 404, 404, 404),
    ("plans.version", "GET"):                   (LOGIN, 200, 404, 404, 404, 404),
    # Tasks: participant A answers their own (the bare POST lacks the form's draft
    # version); cohort A's staff read every sent answer and comment on it (the admin's POSTs
    # unenrolled participant A before this one: an unenrolled person's answer takes no
    # comment, 404).
    ("tasks.answer", "POST"):                   (LOGIN, 400, 404, 404, 404, 404),
    ("tasks.cohort_tasks", "GET"):              (LOGIN, 403, 404, 404, 200, 200),
    ("tasks.task_answers", "GET"):              (LOGIN, 403, 404, 404, 200, 200),
    ("tasks.comment", "POST"):                  (LOGIN, 403, 404, 404, 400, 404),
    # Content preview: staff only.
    ("modules.preview_index", "GET"):           (LOGIN, 403, 403, 200, 200, 200),
    ("modules.preview_module", "GET"):          (LOGIN, 403, 403, 200, 200, 200),
    ("modules.preview_lesson", "GET"):          (LOGIN, 403, 403, 200, 200, 200),
    # Cohort A's reports: its staff only.
    ("cohort_progress.table", "GET"):           (LOGIN, 403, 404, 404, 200, 200),
    ("cohort_progress.export", "GET"):          (LOGIN, 403, 404, 404, 200, 200),
    ("cohort_progress.participant", "GET"):     (LOGIN, 403, 404, 404, 200, 200),
    ("quiz_report.summary", "GET"):             (LOGIN, 403, 404, 404, 200, 200),
    ("quiz_report.module", "GET"):              (LOGIN, 403, 404, 404, 200, 200),
    ("quiz_report.export", "GET"):              (LOGIN, 403, 404, 404, 200, 200),
    # Grading: facilitators (each sees only their cohorts' plans) and admins.
    ("grading.queue", "GET"):                   (LOGIN, 403, 403, 200, 200, 200),
    ("grading.screen", "GET"):                  (LOGIN, 403, 403, 404, 200, 200),
    ("grading.version", "GET"):                 (LOGIN, 403, 403, 404, 200, 200),
    ("grading.start", "POST"):                  (LOGIN, 403, 403, 404, 302, 302),
    ("grading.grade", "POST"):                  (LOGIN, 403, 403, 404, 400, 400),
    ("tracker.overview", "GET"):                (LOGIN, 403, 403, 200, 200, 200),
    ("tracker.export", "GET"):                  (LOGIN, 403, 403, 200, 200, 200),
    # Certificates: the owner downloads, the admin manages; verification is public.
    ("certificates.download", "GET"):           (LOGIN, 200, 404, 404, 404, 200),
    ("certificates.registry", "GET"):           (LOGIN, 403, 403, 403, 403, 200),
    ("certificates.issue", "POST"):             (LOGIN, 403, 403, 403, 403, 302),
    ("certificates.confirm_revoke", "GET"):     (LOGIN, 403, 403, 403, 403, 200),
    ("certificates.revoke_view", "POST"):       (LOGIN, 403, 403, 403, 403, 302),
    ("certificates.confirm_reissue", "GET"):    (LOGIN, 403, 403, 403, 403, 200),
    ("certificates.reissue_view", "POST"):      (LOGIN, 403, 403, 403, 403, 302),
    ("certificates.start_job", "POST"):         (LOGIN, 403, 403, 403, 403, 400),
    ("certificates.job", "GET"):                (LOGIN, 403, 403, 403, 403, 200),
    ("certificates.job_download", "GET"):       (LOGIN, 403, 403, 403, 403, 404),
    # Administration and the audit log: admins only.
    ("audit.trail", "GET"):                     (LOGIN, 403, 403, 403, 403, 200),
    ("admin.home", "GET"):                      (LOGIN, 403, 403, 403, 403, 200),
    ("admin.users", "GET"):                     (LOGIN, 403, 403, 403, 403, 200),
    ("admin.new_user", "GET"):                  (LOGIN, 403, 403, 403, 403, 200),
    ("admin.new_user", "POST"):                 (LOGIN, 403, 403, 403, 403, 200),
    ("admin.edit_user", "GET"):                 (LOGIN, 403, 403, 403, 403, 200),
    ("admin.edit_user", "POST"):                (LOGIN, 403, 403, 403, 403, 200),
    ("admin.account_action", "POST"):           (LOGIN, 403, 403, 403, 403, 302),
    ("admin.unlock_user", "POST"):              (LOGIN, 403, 403, 403, 403, 302),
    ("admin.new_cohort", "GET"):                (LOGIN, 403, 403, 403, 403, 200),
    ("admin.new_cohort", "POST"):               (LOGIN, 403, 403, 403, 403, 200),
    ("admin.edit_cohort", "GET"):               (LOGIN, 403, 403, 403, 403, 200),
    ("admin.edit_cohort", "POST"):              (LOGIN, 403, 403, 403, 403, 200),
    ("admin.close_cohort", "POST"):             (LOGIN, 403, 403, 403, 403, 302),
    ("admin.people", "GET"):                    (LOGIN, 403, 403, 403, 403, 200),
    ("admin.enrol_by_username", "POST"):        (LOGIN, 403, 403, 403, 403, 302),
    ("admin.enrolment", "POST"):                (LOGIN, 403, 403, 403, 403, 302),
    ("admin.import_people", "GET"):             (LOGIN, 403, 403, 403, 403, 200),
    ("admin.import_people", "POST"):            (LOGIN, 403, 403, 403, 403, 200),
    ("admin.confirm_import", "POST"):           (LOGIN, 403, 403, 403, 403, 404),
    ("admin.import_template", "GET"):           (LOGIN, 403, 403, 403, 403, 200),
    ("bkpp_reports.overview", "GET"):          (LOGIN, 403, 403, 403, 403, 200),
    ("bkpp_reports.export", "GET"):            (LOGIN, 403, 403, 403, 403, 200),
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
])
def test_someone_else_s_objects_are_refused(world, logged_in, who, url, refusals):
    client = logged_in(who)
    assert client.get(url.format(**world.ids)).status_code in refusals


@pytest.mark.parametrize("url", ["/dashboard", "/grading/", "/grading/tracker",
                                 "/grading/tracker.csv"])
def test_lists_show_cohort_a_only_to_its_own_people(world, logged_in, url):
    """Pages every role may open must not list another cohort's participants."""
    control = logged_in("admin")
    assert "Peserta A" in control.get("/grading/tracker").get_data(as_text=True)
    for role in ("participant_b", "other_facilitator"):
        client = logged_in(role)
        response = client.get(url)
        if response.status_code == 200:
            assert "Peserta A" not in response.get_data(as_text=True), (role, url)


# Generated from the URL map alone, with made-up values in every URL (no world): a new route
# is checked before anyone writes its matrix row.

#: Endpoints anyone may open without logging in.
PUBLIC = {"static", "core.index", "core.healthz", "core.set_language", "auth.login",
          "auth.setup", "certificates.verify"}
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


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.FACILITATOR, Role.ADMIN])
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


def test_admin_routes_refuse_participants_and_facilitators(app, make_user, auth_for):
    for role in (Role.PARTICIPANT, Role.FACILITATOR):
        make_user({role}, username=role.value)
        client = app.test_client()
        auth_for(client).login(role.value)
        for rule in rules(app, "GET"):
            if rule.rule.startswith("/admin") or rule.endpoint == "audit.trail":
                status = client.get(sample_url(rule)).status_code
                assert status in (403, 404), f"{rule.rule} gave {status} to a {role.value}"
