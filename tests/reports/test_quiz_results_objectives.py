"""The gain per objective on the facilitator's test report and in its export, computed by
hand on the v2 module of tests.fixtures.quiz_forms."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.fixtures.quiz_forms import OBJECTIVES, take, write_v2_module
from tests.fixtures.quizzes import QuizPages


@pytest.fixture
def pages(tmp_path, content_app, quiz_people):
    """Cohort k on the v2 module, with a post pool of four (two items per objective), so that
    every post-test of three items asks about both objectives."""
    root = tmp_path / "content"
    write_v2_module(root, post=4)
    return QuizPages(content_app(root))


def test_gain_per_objective_on_the_report_and_in_the_export(pages):
    """peserta: pre ob-a 75 (pre-1 right, pre-2 half), ob-b 25 (pre-2 half, pre-3 wrong);
    post everything right: 100 and 100.
    lain: pre all wrong: 0 and 0; post only the ob-a items right: 100 and 0.
    ob-a: pre (75 + 0) / 2 = 37.5, post 100, gain (25 + 100) / 2 = 62.5.
    ob-b: pre (25 + 0) / 2 = 12.5, post (100 + 0) / 2 = 50, gain (75 + 0) / 2 = 37.5."""
    peserta = pages.client_for("peserta")
    url = pages.start(peserta, "pre")
    pages.submit(peserta, url, {"q0": ["0"], "q1": ["0"], "q2": ["1"]})
    pages.read_all(peserta)
    take(pages, peserta, "post", lambda question: True)
    lain = pages.client_for("lain")
    take(pages, lain, "pre", [False, False, False])
    pages.read_all(lain)
    take(pages, lain, "post", lambda question: question["objectives"] == ["ob-a"])

    staff = pages.client_for("fasil")
    report = staff.get("/cohorts/k/tests/satu").get_data(as_text=True)
    rows = dict(re.findall(r'<tr data-objective="([^"]+)">(.*?)</tr>', report, re.S))
    assert list(rows) == ["ob-a", "ob-b"]
    assert OBJECTIVES["ob-a"] in rows["ob-a"] and OBJECTIVES["ob-b"] in rows["ob-b"]
    assert re.search(r">100 <small[^>]*>\(n=2\)", rows["ob-a"])  # post-test, both
    assert re.search(r">50 <small[^>]*>\(n=2\)", rows["ob-b"])
    assert "/cohorts/k/tests/satu/objectives.xlsx" in report

    body = staff.get("/cohorts/k/tests/satu/objectives.csv").get_data().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table == [
        ["ID tujuan", "Tujuan", "Pre-test", "Post-test", "Gain", "Peserta pre-test",
         "Peserta post-test", "Peserta keduanya"],
        ["ob-a", OBJECTIVES["ob-a"], "37.5", "100.0", "62.5", "2", "2", "2"],
        ["ob-b", OBJECTIVES["ob-b"], "12.5", "50.0", "37.5", "2", "2", "2"],
    ]
    assert staff.get("/cohorts/k/tests/satu/objectives.xlsx").status_code == 200
    # Item analysis keeps working: every drawn item is listed once per test.
    items = staff.get("/cohorts/k/tests/satu/items.csv").get_data().decode("utf-8-sig")
    ids = [row[1] for row in list(csv.reader(io.StringIO(items)))[1:]]
    assert sorted(i for i in ids if i.startswith("pre-")) == ["pre-1", "pre-2", "pre-3"]
    assert ids and all(i.startswith(("pre-", "post-")) for i in ids)
    assert pages.client_for("lain").get("/cohorts/k/tests/satu/objectives.csv"
                                         ).status_code == 403
