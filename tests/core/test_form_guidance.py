"""Forms that guide (templates/_macros/forms.html, the GOV.UK error summary pattern): required
fields marked before anything is posted; after an error, a summary at the top linking to each
field in error, and each such field invalid and described by its message.

``Page`` (tests/fixtures/html.py) reads a page as assistive technology does."""

from __future__ import annotations

import re

from leans.auth.services import mint_setup_token
from leans.core.extensions import db
from leans.core.models import utcnow
from tests.fixtures.html import Page, assert_summary_guides


def test_required_fields_are_marked_before_anything_is_posted(client):
    page = Page(client.get("/login").get_data(as_text=True))
    for field in ("login", "password"):
        control = page.element(field)
        assert control.get("aria-required") == "true"
        assert page.all("span", within=page.labels[field], class_="required")
        assert page.name(control) and "(" not in page.name(control)  # the marker is not read
    assert page.summary() is None and not page.all("p", class_="error")


def test_login_with_empty_fields_links_each_one_from_the_summary(client, csrf_token):
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    page = Page(response.get_data(as_text=True))
    links = assert_summary_guides(page)
    assert [target for target, _message in links] == ["login", "password"]
    assert all(page.name(page.element(t)).split()[0] in message for t, message in links)


def test_change_password_summary_links_the_wrong_current_password(client, auth, make_user,
                                                                  post_form):
    make_user(username="ganti")
    auth.login("ganti")
    response = post_form(client, "/account/password", {
        "current_password": "salah-sekali-ini", "new_password": "kuda laut makan roti bakar",
        "confirm": "kuda laut makan roti bakar"}, token_page="/account/password")
    page = Page(response.get_data(as_text=True))
    assert [t for t, _m in assert_summary_guides(page)] == ["current_password"]
    new = page.element("new_password")
    assert "new_password-hint" in new.get("aria-describedby")  # the hint stays described
    assert new.get("aria-invalid") is None


def test_setup_page_summary_links_the_repeated_password(app, client, make_user, csrf_token):
    person = make_user(username="baru")
    minted = mint_setup_token(utcnow())
    person.setup_token_hash, person.setup_token_expires_at = minted.digest, minted.expires_at
    db.session.commit()
    url = f"/account/setup/{minted.token}"
    before = Page(client.get(url).get_data(as_text=True))
    assert before.element("new_password").get("aria-required") == "true"
    response = client.post(url, data={"new_password": "kuda laut makan roti bakar",
                                      "confirm": "lain sama sekali", "csrf_token":
                                      csrf_token(client, url)})
    assert [t for t, _m in assert_summary_guides(Page(response.get_data(as_text=True)))] == \
        ["confirm"]


def test_user_form_links_a_missing_role_to_its_first_checkbox(admin_world, logged_in,
                                                              post_form):
    client = logged_in("admin")
    before = Page(client.get("/admin/users/new").get_data(as_text=True))
    roles = before.all("fieldset", class_="field choices")[0]
    assert before.all("span", within=roles, class_="required")  # marked before posting
    response = post_form(client, "/admin/users/new", {"username": "", "full_name": "Dewi"},
                         token_page="/admin/users/new")
    page = Page(response.get_data(as_text=True))
    links = assert_summary_guides(page)
    assert [t for t, _m in links] == ["username", "roles-0"]
    for checkbox in page.all("input", type="checkbox", name="roles"):
        assert checkbox.get("aria-invalid") == "true"
    assert page.element("full_name").get("aria-invalid") is None
    assert page.element("full_name").get("value") == "Dewi"  # nothing typed is lost


def test_cohort_form_links_the_end_date(admin_world, logged_in, post_form):
    client = logged_in("admin")
    before = Page(client.get("/admin/cohorts/new").get_data(as_text=True))
    assert [before.element(f).get("aria-required") for f in ("name", "place")] == ["true", None]
    response = post_form(client, "/admin/cohorts/new", {
        "name": "X", "slug": "angkatan-9", "starts_on": "2027-02-01", "ends_on": "2027-01-01",
        "module": ["kepemimpinan-kolaboratif"]}, token_page="/admin/cohorts/new")
    page = Page(response.get_data(as_text=True))
    assert [t for t, _m in assert_summary_guides(page)] == ["ends_on"]
    assert page.element("ends_on-error").get("class") == "error"


def test_summary_names_each_field_in_english_too(client, post_form, csrf_token):
    post_form(client, "/language", {"language": "en"}, token_page="/login")
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    page = Page(response.get_data(as_text=True))
    assert page.text(page.element("error-summary-title")) == "There is a problem"
    assert page.summary_links()[0] == ("login", "Username or email: This field is required.")
    assert page.text(page.labels["login"]) == "Username or email"  # "(required)" not read
    assert re.search(r'class="required" aria-hidden="true">\(required\)',
                     response.get_data(as_text=True))


def test_pages_without_errors_have_no_summary(admin_world, logged_in):
    client = logged_in("admin")
    for url in ("/admin/users/new", "/admin/cohorts/new", "/account/password"):
        assert 'class="error-summary"' not in client.get(url).get_data(as_text=True), url



def test_wtforms_own_messages_are_in_bahasa_indonesia(client, csrf_token, admin_world,
                                                     logged_in, post_form):
    """WTForms ships no Indonesian: its messages come from LEANS's catalogue."""
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    text = response.get_data(as_text=True)
    assert "Wajib diisi." in text and "This field is required." not in text
    admin = logged_in("admin")
    response = post_form(admin, "/admin/users/new", {
        "username": "baru", "full_name": "Pegawai Baru", "email": "bukan-email",
        "roles": "participant"})
    text = response.get_data(as_text=True)
    assert "Alamat email tidak valid." in text and "Invalid email address." not in text
