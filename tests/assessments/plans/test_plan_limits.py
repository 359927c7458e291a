"""Size limits of the action plan: refused with a message, never cut silently; the version
diff stays bounded however large the versions."""

from __future__ import annotations

from leans.assessments.plans.content import MAX_DIFF_TOKENS, MAX_ROWS, MAX_VILLAGES, diff
from tests.fixtures.plans import COMPLETE


def rows(name: str, columns: dict[str, str], count: int) -> dict:
    return {f"{name}-{i}-{column}": f"{value} {i}" for i in range(count)
            for column, value in columns.items()}


def test_too_many_rows_or_villages_are_refused_with_a_message(plan_people, logged_in, post_plan,
                                                              the_plan):
    client = logged_in("peserta")
    risks = rows("risks", {"risk": "Risiko", "mitigation": "Mitigasi"}, MAX_ROWS + 1)
    response = post_plan(client, "k", {**COMPLETE, **risks})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"paling banyak {MAX_ROWS} baris (formulir ini berisi {MAX_ROWS + 1})" in page
    assert the_plan().draft_version == 0  # nothing saved, nothing cut
    villages = ", ".join(f"Desa {i}" for i in range(MAX_VILLAGES + 1))
    response = post_plan(client, "k", {**COMPLETE, "villages": [], "other_villages": villages})
    assert response.status_code == 400 and f"paling banyak {MAX_VILLAGES} desa" in \
        response.get_data(as_text=True)
    ok = rows("risks", {"risk": "Risiko", "mitigation": "Mitigasi"}, MAX_ROWS)
    assert post_plan(client, "k", {**COMPLETE, **ok}).status_code == 302
    assert len(the_plan().draft["risks"]) == MAX_ROWS


def test_a_huge_change_is_shown_as_replaced():
    old = {"problem": " ".join(f"a{i % 7}" for i in range(MAX_DIFF_TOKENS))}
    new = {"problem": " ".join(f"a{i % 5}" for i in range(MAX_DIFF_TOKENS))}
    (change,) = diff(old, new)
    assert change.html == f"<del>{old['problem']}</del><ins>{new['problem']}</ins>"
    small = diff({"problem": "air bersih desa"}, {"problem": "air minum desa"})
    assert small[0].html == "air <del>bersih</del> <ins>minum</ins> desa"
