"""The facilitator's pre-/post-test report and its exports, on the one-module quiz app."""

from __future__ import annotations

import re

from tests.fixtures.quizzes import ALL_RIGHT, HALF_RIGHT


def test_facilitator_report_and_exports(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.submit(client, quiz_pages.start(client, "pre"), HALF_RIGHT)
    quiz_pages.read_all(client)
    quiz_pages.submit(client, quiz_pages.start(client, "post"), ALL_RIGHT)
    staff = quiz_pages.client_for("fasil")
    summary = staff.get("/cohorts/k/tests/").get_data(as_text=True)
    cells = [c.strip() for c in re.findall(r"<td>([^<]*)", summary)]
    assert "50" in cells and "100" in cells and "+50" in cells  # Indonesian number format
    assert "1" in cells  # normalized gain (100-50)/(100-50)
    report = staff.get("/cohorts/k/tests/satu").get_data(as_text=True)
    assert "Soal satu?" in report  # item analysis lists questions
    csv_text = staff.get("/cohorts/k/tests/satu/results.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == \
        '"NIP","Nama","Unit","Pre-test","Post-test","Gain","Lulus","Percobaan post-test"'
    assert staff.get("/cohorts/k/tests/satu/items.xlsx").status_code == 200
    learner = quiz_pages.client_for("lain")
    assert learner.get("/cohorts/k/tests/").status_code == 403
