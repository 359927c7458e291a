"""The participant's dashboard: progress and JP."""

from __future__ import annotations

from tests.fixtures.tracking import M1, MODULES


def test_dashboard_shows_progress_and_jp(client, auth, progress_cohort, mark_done, pass_post_test):
    auth.login("peserta")
    for lesson in M1:
        mark_done(client, lesson)
    pass_post_test(client, "angkatan-1", MODULES[0])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "50%" in page  # 4 lessons + 1 post-test of 8 lessons + 2 post-tests
    assert "3 JP" in page and "dari standar 20 JP per tahun" in page
    assert "Masih kurang 17 JP tahun ini." in page


def test_jp_length_is_configurable(app, client, auth, progress_cohort):
    app.config["LEANS_JP_MINUTES"] = 50
    try:
        auth.login("peserta")
        assert "Satu JP = 50 menit." in client.get("/dashboard").get_data(as_text=True)
    finally:
        app.config["LEANS_JP_MINUTES"] = 45
