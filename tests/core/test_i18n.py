"""Bahasa Indonesia first, English on request; every UI string translated."""

from __future__ import annotations

from babel.messages.pofile import read_po

from leans.core.config import PROJECT_ROOT

CATALOGUE = PROJECT_ROOT / "leans/translations/id/LC_MESSAGES/messages.po"


def test_every_ui_string_has_an_indonesian_translation():
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh, locale="id")
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_is_installed():
    assert CATALOGUE.with_suffix(".mo").exists(), "run `make translations`"


def test_pages_are_in_indonesian_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk ke LEANS" in page


def test_language_switch_to_english_and_back(client, post_form):
    response = post_form(client, "/language", {"language": "en", "next": "/login"},
                         token_page="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in to LEANS" in page
    post_form(client, "/language", {"language": "id"}, token_page="/login")
    assert "Masuk ke LEANS" in client.get("/login").get_data(as_text=True)


def test_language_switch_ignores_foreign_redirects_and_unknown_languages(client, post_form):
    response = post_form(client, "/language", {"language": "xx", "next": "//evil.example"},
                         token_page="/login")
    assert response.headers["Location"] == "/"
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)


def test_error_pages_speak_the_users_language(client, post_form):
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)
    post_form(client, "/language", {"language": "en"}, token_page="/login")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_logged_in_users_language_is_remembered_on_the_account(app, client, auth, make_user,
                                                                 post_form, auth_for):
    make_user(username="en_user")
    auth.login("en_user")
    post_form(client, "/language", {"language": "en"})
    auth.logout()
    other = app.test_client()
    auth_for(other).login("en_user")
    assert '<html lang="en">' in other.get("/dashboard").get_data(as_text=True)
