"""The facilitator's pre-/post-test report and its exports, on the one-module quiz app."""

from __future__ import annotations

from tests.fixtures.quizzes import ALL_RIGHT, HALF_RIGHT


def test_facilitator_report_and_exports(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.submit(client, quiz_pages.start(client, "pre"), HALF_RIGHT)
    quiz_pages.read_all(client)
    quiz_pages.submit(client, quiz_pages.start(client, "post"), ALL_RIGHT)
    staff = quiz_pages.client_for("fasil")
    summary = staff.get("/cohorts/k/tests/").get_data(as_text=True)
    assert "50.0" in summary and "100.0" in summary and "+50.0" in summary
    assert "1.00" in summary  # normalized gain (100-50)/(100-50)
    report = staff.get("/cohorts/k/tests/satu").get_data(as_text=True)
    assert "Soal satu?" in report  # item analysis lists questions
    csv_text = staff.get("/cohorts/k/tests/satu/results.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == \
        '"NIP","Nama","Unit","Pre-test","Post-test","Gain","Lulus","Percobaan post-test"'
    assert staff.get("/cohorts/k/tests/satu/items.xlsx").status_code == 200
    learner = quiz_pages.client_for("lain")
    assert learner.get("/cohorts/k/tests/").status_code == 403
