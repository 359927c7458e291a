"""The reading experience: catalogue, locks, lesson pages, preview, access, cache."""

from __future__ import annotations

import os

import pytest

from leans import create_app
from leans.content import ContentError, get_catalogue
from leans.core.models import Role
from leans.core.templating import format_duration, format_jp
from tests.fixtures.content import lesson_meta, module_meta, small_tree, write_doc, write_module
from tests.fixtures.html import page_scripts
from tests.fixtures.tracking import lesson_slugs

MODULES = ["kepemimpinan-kolaboratif", "memahami-kemiskinan-bojonegoro", "sinergi-lintas-sektor"]


@pytest.fixture
def people(make_user, make_cohort):
    users = {
        "peserta": make_user(username="peserta"),
        "lain": make_user(username="lain"),
        "fasil": make_user({Role.FACILITATOR}, username="fasil"),
        "fasil_lain": make_user({Role.FACILITATOR}, username="fasil_lain"),
        "admin": make_user({Role.ADMIN}, username="admin"),
    }
    make_cohort("angkatan-1", name="LEANS Angkatan I", modules=MODULES,
                participants=[users["peserta"]], facilitators=[users["fasil"]])
    make_cohort("angkatan-2", modules=MODULES, participants=[users["lain"]],
                facilitators=[users["fasil_lain"]])
    return users


def test_anonymous_is_sent_to_login(client, people):
    for url in ("/learn/angkatan-1/", "/learn/angkatan-1/kepemimpinan-kolaboratif/",
                "/learn/angkatan-1/kepemimpinan-kolaboratif/mengapa-kolaborasi", "/preview/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("login", "status"), [
    ("peserta", 200), ("lain", 404), ("fasil", 200), ("fasil_lain", 404), ("admin", 200)])
def test_who_may_read_a_cohorts_training(client, auth, people, login, status):
    auth.login(login)
    assert client.get("/learn/angkatan-1/").status_code == status
    lesson = "/learn/angkatan-1/kepemimpinan-kolaboratif/mengapa-kolaborasi"
    assert client.get(lesson).status_code == status


def test_module_outside_the_cohort_is_not_found(client, auth, people):
    auth.login("peserta")
    assert client.get("/learn/angkatan-1/menyusun-rencana-aksi/").status_code == 404
    assert client.get("/learn/angkatan-1/kepemimpinan-kolaboratif/tidak-ada").status_code == 404


def test_catalogue_shows_modules_with_jp_time_objectives_and_locks(client, auth, people):
    auth.login("peserta")
    page = client.get("/learn/angkatan-1/").get_data(as_text=True)
    module = get_catalogue().module(MODULES[0])
    assert module.title in page
    # The declared JP and the computed estimate, as the page writes them.
    assert format_jp(module.jp) in page and format_duration(module.estimated_minutes) in page
    assert module.objectives[0].text in page
    # Module 3 requires module 1, which is not complete: locked, with the reason.
    assert page.count("Terkunci") >= 1
    assert "Terkunci: selesaikan dulu" in page


def test_locked_module_lessons_redirect_until_the_prerequisite_is_done(client, auth, people,
                                                                        post_form, pass_post_test,
                                                                        send_answers):
    auth.login("peserta")
    locked = "/learn/angkatan-1/sinergi-lintas-sektor/memahami-pentahelix"
    response = client.get(locked)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/learn/angkatan-1/sinergi-lintas-sektor/")
    for lesson in lesson_slugs("kepemimpinan-kolaboratif"):
        url = f"/learn/angkatan-1/kepemimpinan-kolaboratif/{lesson}"
        assert post_form(client, f"{url}/done", {}, token_page=url).status_code == 302
    assert client.get(locked).status_code == 302  # lessons done, post-test still missing
    pass_post_test(client, "angkatan-1", "kepemimpinan-kolaboratif")
    assert client.get(locked).status_code == 302  # tasks still not sent
    send_answers(client, "kepemimpinan-kolaboratif")
    assert client.get(locked).status_code == 200


def test_lesson_page_navigation_toc_and_size(app, client, auth, people):
    auth.login("peserta")
    last = lesson_slugs("kepemimpinan-kolaboratif")[-1]
    response = client.get(f"/learn/angkatan-1/kepemimpinan-kolaboratif/{last}")
    page = response.get_data(as_text=True)
    assert 'rel="prev"' in page and 'rel="next"' in page
    # The last lesson of module 1 leads to the first lesson of module 2.
    assert "/learn/angkatan-1/memahami-kemiskinan-bojonegoro/" in page.split('rel="next"')[1]
    assert 'class="toc' in page
    css = client.get("/static/leans.css").get_data()
    script = client.get("/static/js/offline.js").get_data()
    assert len(response.get_data()) + len(css) + len(script) < 60 * 1024
    assert not page_scripts(page)  # only the offline script (a file) and its texts (JSON)


def test_staff_preview_every_module(client, auth, people):
    auth.login("fasil_lain")
    page = client.get("/preview/").get_data(as_text=True)
    assert "Menyusun Rencana Aksi" in page  # not in any cohort, still previewable
    assert client.get("/preview/menyusun-rencana-aksi/").status_code == 200
    lesson = client.get("/preview/menyusun-rencana-aksi/mengenal-rencana-aksi")
    assert lesson.status_code == 200 and "Tandai selesai" not in lesson.get_data(as_text=True)
    auth.logout()
    auth.login("peserta")
    assert client.get("/preview/").status_code == 403


def test_staff_preview_of_a_cohort_records_nothing(client, auth, people, post_form):
    auth.login("fasil")
    url = "/learn/angkatan-1/kepemimpinan-kolaboratif/mengapa-kolaborasi"
    assert post_form(client, f"{url}/done", {}, token_page=url).status_code == 403


@pytest.fixture
def small_app(tmp_path, content_app):
    """An app on a small content tree that reloads at once."""
    root = small_tree(tmp_path / "content")
    write_doc(root / "modules/01-satu/gambar/peta.svg", {}, "")  # any file; checked by name
    (root / "modules/01-satu/gambar/peta.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    return content_app(root), root


def test_lesson_links_and_images_resolve(small_app, make_user, make_cohort, logged_in):
    small, root = small_app
    user = make_user(username="p")
    make_cohort("k", modules=["satu", "dua"], participants=[user])
    client = logged_in("p", app=small)
    page = client.get("/learn/k/satu/a").get_data(as_text=True)
    assert 'href="b"' in page  # [B](02-b.md) -> the sibling lesson
    write_doc(root / "modules/01-satu/02-b.md", lesson_meta("b", 2),
              "![Peta](gambar/peta.svg)\n")
    page = client.get("/learn/k/satu/b").get_data(as_text=True)
    assert 'src="/content/satu/gambar/peta.svg"' in page
    image = client.get("/content/satu/gambar/peta.svg")
    assert image.status_code == 200 and image.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in image.headers["Content-Security-Policy"]
    assert client.get("/content/satu/01-a.md").status_code == 404
    assert client.get("/content/satu/../../../etc/passwd.png").status_code == 404


def test_edits_show_without_restart_and_pages_are_not_reparsed(small_app, make_user,
                                                                make_cohort, monkeypatch,
                                                                logged_in):
    import leans.content.store as store_module

    small, root = small_app
    make_cohort("k", modules=["satu", "dua"], participants=[make_user(username="p")])
    client = logged_in("p", app=small)
    calls = []
    real_render = store_module.render
    monkeypatch.setattr(store_module, "render",
                        lambda *a, **k: calls.append(1) or real_render(*a, **k))
    assert "Teks A." in client.get("/learn/k/satu/a").get_data(as_text=True)
    client.get("/learn/k/satu/a")
    assert len(calls) == 1  # the second view came from the cache
    path = root / "modules/01-satu/01-a.md"
    write_doc(path, lesson_meta("a", 1), "## Bagian A\n\nTeks yang sudah diperbaiki.\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert "Teks yang sudah diperbaiki." in client.get("/learn/k/satu/a").get_data(as_text=True)


def test_a_broken_edit_keeps_the_last_good_content(small_app, make_user, make_cohort,
                                                    logged_in):
    small, root = small_app
    make_cohort("k", modules=["satu", "dua"], participants=[make_user(username="p")])
    client = logged_in("p", app=small)
    write_doc(root / "modules/01-satu/01-a.md", {"slug": "a"}, "Rusak\n")
    response = client.get("/learn/k/satu/a")
    assert response.status_code == 200 and "Teks A." in response.get_data(as_text=True)


def test_the_app_refuses_to_start_on_broken_content(tmp_path):
    folder = write_module(tmp_path, "01-x", module_meta("x", 1),
                          {"01-a.md": (lesson_meta("a", 1), "[hilang](nope.md)\n")})
    with pytest.raises(ContentError) as error:
        create_app({"TESTING": True, "LEANS_CONTENT_DIR": str(tmp_path)})
    # The line of the link in the file, front matter included.
    line = (folder / "01-a.md").read_text().splitlines().index("[hilang](nope.md)") + 1
    assert f"{tmp_path}/modules/01-x/01-a.md:{line}: broken link: 'nope.md' does not exist" \
        in str(error.value)
