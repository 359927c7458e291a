"""Reading offline, the server's side (issue 20): a module's download list, lessons marked
done on the phone and sent later with the device's time, the pages the phone stores and
drops, the installable app's files. The browser side is tests/e2e/test_offline.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from babel.support import Translations
from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Enrolment, Role, User
from leans.modules.models import LessonCompletion
from tests.fixtures.content import lesson_meta, small_tree, write_doc
from tests.fixtures.tracking import M1, MODULES, lesson_slugs, lesson_url
from tests.fixtures.web import fetch_csrf_token

ROOT = Path(__file__).resolve().parents[2]
WIB = dt.timezone(dt.timedelta(hours=7))
LIST = f"/learn/angkatan-1/{MODULES[0]}/offline.json"
CATALOGUE = Translations.load(str(ROOT / "leans" / "translations"), ["id"])
FUTURE = ("The time on your device is in the future. Check the date and time of your phone, "
          "then mark the lesson done again.")
EARLY = ("The time on your device is before you were enrolled in this training. Check the "
         "date and time of your phone.")
LATE = ("The time on your device is after the training ended, so the lesson cannot be "
        "recorded as done.")


def t(msgid: str) -> str:
    """MSGID as the pages show it: in Indonesian once translated, else as written."""
    return CATALOGUE.gettext(msgid)


@pytest.fixture
def training(make_user, make_cohort):
    """angkatan-1 (running: started 30 days ago, ends in 30): participant peserta enrolled 20
    days ago; lain in angkatan-2; fasil facilitates angkatan-1."""
    today = dt.date.today()
    peserta, lain = make_user(username="peserta"), make_user(username="lain")
    fasil = make_user({Role.FACILITATOR}, username="fasil")
    cohort = make_cohort("angkatan-1", modules=MODULES, participants=[peserta],
                         facilitators=[fasil], starts_on=today - dt.timedelta(days=30),
                         ends_on=today + dt.timedelta(days=30))
    make_cohort("angkatan-2", modules=MODULES, participants=[lain])
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == peserta.id))
    enrolment.enrolled_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    db.session.commit()
    return cohort


def send_from_device(client, lesson: str, done_at: dt.datetime | str):
    """What the phone's queue sends once online: a fresh token and the device's time."""
    token = client.get("/csrf-token").get_json()["token"]
    stamp = done_at if isinstance(done_at, str) else done_at.isoformat()
    return client.post(f"{lesson_url(lesson)}/done",
                       data={"csrf_token": token, "done_at": stamp})


def completions() -> list[LessonCompletion]:
    return list(db.session.scalars(select(LessonCompletion)))


def test_a_lesson_marked_done_offline_is_stored_once_with_the_device_time(
        client, auth, training):
    auth.login("peserta")
    on_device = (dt.datetime.now(WIB) - dt.timedelta(hours=3)).replace(microsecond=0)
    first = send_from_device(client, M1[0], on_device)
    assert first.status_code == 200 and first.get_json()["recorded"] is True
    again = send_from_device(client, M1[0], on_device + dt.timedelta(minutes=1))
    assert again.status_code == 200 and again.get_json()["recorded"] is False
    (row,) = completions()
    assert row.lesson_slug == M1[0]
    assert row.completed_at == on_device.astimezone(dt.UTC)  # the first time is kept


@pytest.mark.parametrize(("shift", "reason"), [
    (dt.timedelta(minutes=30), FUTURE),
    (dt.timedelta(days=-25), EARLY),
])
def test_device_times_outside_the_training_are_refused_with_a_reason(
        client, auth, training, shift, reason):
    auth.login("peserta")
    response = send_from_device(client, M1[0], dt.datetime.now(WIB) + shift)
    assert response.status_code == 422
    assert response.get_json()["message"] == t(reason)
    assert completions() == []


def test_a_small_clock_skew_is_accepted(client, auth, training):
    auth.login("peserta")
    ahead = dt.datetime.now(WIB) + dt.timedelta(minutes=3)
    assert send_from_device(client, M1[0], ahead).status_code == 200
    assert len(completions()) == 1


def test_a_time_after_the_training_ended_is_refused(client, auth, training):
    auth.login("peserta")
    training.starts_on = dt.date.today() - dt.timedelta(days=60)
    training.ends_on = dt.date.today() - dt.timedelta(days=2)
    db.session.commit()
    in_time = dt.datetime.combine(training.ends_on, dt.time(23, 0), tzinfo=WIB)
    late = dt.datetime.combine(training.ends_on + dt.timedelta(days=1), dt.time(0, 1),
                               tzinfo=WIB)
    refused = send_from_device(client, M1[0], late)
    assert refused.status_code == 422
    assert refused.get_json()["message"] == t(LATE)
    assert send_from_device(client, M1[0], in_time).status_code == 200


def test_a_closed_cohort_and_an_unreadable_time_are_refused(client, auth, training):
    auth.login("peserta")
    naive = send_from_device(client, M1[0], "2026-10-06T09:15:00")
    assert naive.status_code == 422
    assert naive.get_json()["message"] == t("The time sent by your device has no time zone.")
    junk = send_from_device(client, M1[0], "kemarin sore")
    assert junk.status_code == 422
    training.closed = True
    db.session.commit()
    closed = send_from_device(client, M1[0], dt.datetime.now(WIB))
    assert closed.status_code == 422 and "ditutup" in closed.get_json()["message"]
    assert completions() == []


def test_the_queue_needs_a_valid_csrf_token(client, auth, training):
    auth.login("peserta")
    response = client.post(f"{lesson_url(M1[0])}/done",
                           data={"csrf_token": "basi", "done_at": dt.datetime.now(WIB)
                                 .isoformat()})
    assert response.status_code == 400
    assert completions() == []


def test_the_online_button_still_redirects(client, auth, training, mark_done):
    auth.login("peserta")
    response = mark_done(client, M1[0])
    assert response.status_code == 302 and response.headers["Location"] == lesson_url(M1[1])


def test_the_download_list_holds_lessons_and_the_stylesheet_with_sizes(client, auth,
                                                                        training):
    auth.login("peserta")
    data = client.get(LIST).get_json()
    lessons = [f for f in data["files"] if f["kind"] == "lesson"]
    assert [f["url"] for f in lessons] == [lesson_url(slug) for slug in lesson_slugs()]
    for entry in lessons:
        page = client.get(entry["url"]).get_data()
        assert entry["bytes"] >= len(page) * 0.5 and entry["bytes"] <= len(page) * 1.5, entry
    (style,) = [f for f in data["files"] if f["kind"] == "style"]
    assert style["url"].startswith("/static/leans.css?v=")
    assert style["bytes"] == (ROOT / "static" / "leans.css").stat().st_size
    assert data["bytes"] == sum(f["bytes"] for f in data["files"])
    urls = [f["url"] for f in data["files"]]
    assert not [u for u in urls if "/test" in u or "/preview" in u or "/plan" in u
                or "/cohorts" in u or "/grading" in u]
    assert len(data["version"]) == 16


def test_the_download_list_is_the_participant_s_own(client, auth, logged_in, training):
    for username in ("lain", "fasil"):  # another cohort's participant; the cohort's staff
        assert logged_in(username).get(LIST).status_code == 404
    auth.login("peserta")
    assert client.get("/learn/angkatan-1/bukan-modul/offline.json").status_code == 404
    locked = client.get(f"/learn/angkatan-1/{MODULES[1]}/offline.json")
    assert locked.status_code in (200, 409)  # 409 only when the module builds on another


def test_images_are_listed_with_their_size_and_the_version_follows_the_content(
        tmp_path, content_app, make_user, make_cohort, logged_in):
    root = small_tree(tmp_path / "content")
    image = root / "modules/01-satu/gambar/peta.svg"
    image.parent.mkdir(parents=True)
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="9"/></svg>')
    write_doc(root / "modules/01-satu/02-b.md", lesson_meta("b", 2), "![Peta](gambar/peta.svg)\n")
    app = content_app(root)
    make_cohort("k", modules=["satu", "dua"], participants=[make_user(username="p")])
    client = logged_in("p", app=app)
    data = client.get("/learn/k/satu/offline.json").get_json()
    assert {"url": "/content/satu/gambar/peta.svg", "bytes": image.stat().st_size,
            "kind": "image", "title": ""} in data["files"]
    write_doc(root / "modules/01-satu/01-a.md", lesson_meta("a", 1), "Teks A, diubah.\n")
    assert client.get("/learn/k/satu/offline.json").get_json()["version"] != data["version"]
    assert client.get("/learn/k/dua/offline.json").status_code == 409  # locked: builds on satu


def test_the_module_page_offers_the_download_to_its_participant_only(client, auth, logged_in,
                                                                     training):
    auth.login("peserta")
    page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    assert 'id="offline-module" hidden' in page and LIST in page
    assert t("Download to read offline") in page
    staff = logged_in("fasil").get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    assert 'id="offline-module"' not in staff
    lesson = client.get(lesson_url(M1[0])).get_data(as_text=True)
    assert "data-offline-done" in lesson and 'data-stored-at=""' in lesson


def test_logout_clears_the_site_data(client, auth, training):
    auth.login("peserta")
    assert "Clear-Site-Data" not in client.get("/dashboard").headers
    response = auth.logout()
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_an_ended_session_clears_the_site_data_at_the_next_visit(client, auth, training):
    auth.login("peserta")
    user = db.session.scalar(select(User).where(User.username == "peserta"))
    user.session_version += 1  # the session ended (expired, or logged out elsewhere)
    db.session.commit()
    response = client.get(lesson_url(M1[0]))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The stored pages go; the queue of actions typed offline waits for the same user.
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert "Clear-Site-Data" not in client.get("/login").headers


def test_the_installable_app_s_files(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = json.loads(manifest.get_data())
    assert data["name"] == "LEANS LMS" and data["start_url"] == "/dashboard"
    assert data["display"] == "standalone" and data["lang"] == "id"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "application/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert b"addEventListener(\"fetch\"" in worker.get_data()
    offline = client.get("/offline").get_data(as_text=True)
    assert t("No connection") in offline and 'id="offline-list"' in offline
    assert 'rel="manifest"' in offline
    assert "script-src 'self'" in client.get("/offline").headers["Content-Security-Policy"]


def test_a_fresh_csrf_token_for_the_queue_needs_a_login(client, auth, training):
    assert client.get("/csrf-token").status_code == 302
    auth.login("peserta")
    token = client.get("/csrf-token").get_json()["token"]
    assert token and token == fetch_csrf_token(client, "/dashboard")


def test_the_worker_and_its_page_script_stay_under_10_kb():
    size = sum((ROOT / "static" / "js" / name).stat().st_size
               for name in ("sw.js", "offline.js"))
    assert size < 10 * 1024, f"sw.js + offline.js weigh {size} bytes"


def test_no_completion_rows_from_refusals(client, auth, training):
    auth.login("peserta")
    send_from_device(client, M1[0], dt.datetime.now(WIB) + dt.timedelta(days=1))
    assert db.session.scalar(select(func.count(LessonCompletion.id))) == 0
