"""The plan form guides (issue 15, item 4): what submission needs is marked and written beside
each field before submitting; a refused submission is summarised at the top with links to
each field; "Add a row" works without JavaScript, saving the draft first; every row's fields
have names of their own."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest

from leans.assessments.plans.content import MAX_ROWS, REQUIRED_FIELDS, ROW_FIELDS
from tests.fixtures.html import Page, assert_summary_guides
from tests.fixtures.plans import COMPLETE
from tests.fixtures.web import fetch_csrf_token

PLAN = "/learn/k/plan"


def plan_form(page: Page):
    (form,) = page.all("form", class_="plan-form")
    return form


def browser_data(page: Page, typed: dict[str, str], button: tuple[str, str]) -> dict:
    """What a browser posts from the plan form: every control as the page shows it, then
    TYPED, and the BUTTON (name, value) pressed."""
    data: dict[str, list[str]] = {}
    form = plan_form(page)
    for control in form.iter():
        tag, name = control.tag.rsplit("}", 1)[-1], control.get("name")
        if not name or control.get("type") == "submit" or tag == "button":
            continue
        if tag == "select":
            chosen = [o.get("value") for o in page.all("option", within=control)
                      if o.get("selected") is not None]
            data.setdefault(name, []).extend(chosen[:1] or [""])
        elif tag == "textarea":
            data.setdefault(name, []).append(control.text or "")
        elif control.get("type") == "checkbox":
            if control.get("checked") is not None:
                data.setdefault(name, []).append(control.get("value"))
        else:
            data.setdefault(name, []).append(control.get("value") or "")
    data.update({name: [value] for name, value in typed.items()})
    data[button[0]] = [button[1]]
    return data


def press(client, typed: dict[str, str], button: tuple[str, str], url: str = PLAN):
    """Open the plan page at URL, type TYPED and press BUTTON, as a browser without
    JavaScript does (the form posts to the plan's address)."""
    page = Page(client.get(url).get_data(as_text=True))
    assert plan_form(page).get("action") == PLAN
    return client.post(PLAN, data=browser_data(page, typed, button))


@pytest.fixture
def participant(plan_people, logged_in):
    return logged_in("peserta")


@pytest.fixture
def english(participant, post_form):
    post_form(participant, "/language", {"language": "en"}, token_page=PLAN)
    return participant


def test_required_fields_and_rules_are_shown_before_submitting(english):
    page = Page(english.get(PLAN).get_data(as_text=True))
    form = plan_form(page)
    assert page.summary() is None
    for name in REQUIRED_FIELDS:
        control = page.element(name)
        assert control.get("aria-required") == "true", name
        assert page.all("span", within=page.labels[name], class_="required"), name
        assert "(required)" in "".join(page.labels[name].itertext())  # seen, not read twice
    assert page.element("target_group").get("aria-required") is None  # or a village
    assert "Name the target group or choose at least one village." in \
        page.descriptions(page.element("target_group"))[0]
    assert not [c for c in page.controls(form) if c.get("required") is not None]  # drafts save
    partners = page.element("stakeholders")
    hint = page.text(page.element("stakeholders-hint"))
    assert "At least two different pentahelix roles" in hint and "at most 40" in hint
    assert "stakeholders-hint" in partners.get("aria-describedby").split()
    assert "except Amount (Rp)" in page.text(page.element("budget-hint"))
    assert "YYYY-MM-DD" in page.text(page.element("activities-hint"))
    first, blank = page.element("stakeholders-0-name"), page.element("stakeholders-1-name")
    assert first.get("aria-required") == "true" and blank.get("aria-required") is None
    assert page.element("budget-0-amount").get("aria-required") is None  # may stay empty
    # Enter in a text field presses the first submit button: it saves the draft.
    first_button = next(e for e in form.iter() if e.get("type") == "submit")
    assert (first_button.get("name"), first_button.get("value")) == ("action", "save")


def test_row_fields_have_names_of_their_own(english, participant):
    page = Page(english.get(PLAN).get_data(as_text=True))
    controls = page.controls(plan_form(page))
    names = Counter(page.name(c) for c in controls if c.get("type") != "checkbox")
    assert "" not in names and [n for n, count in names.items() if count > 1] == []
    assert page.name(page.element("stakeholders-1-name")) == "Name, partner 2"
    assert page.name(page.element("indicators-1-name")) == "Name, indicator 2"
    buttons = [page.text(b) for b in page.all("button", name="add_row")]
    assert len(buttons) == len(ROW_FIELDS) == len(set(buttons))
    participant.post("/language", data={"language": "id",
                                        "csrf_token": fetch_csrf_token(participant, PLAN)})
    indonesian = Page(participant.get(PLAN).get_data(as_text=True))
    names = Counter(indonesian.name(c) for c in indonesian.controls(plan_form(indonesian)))
    assert "" not in names and [n for n, count in names.items() if count > 1] == []


def test_a_refused_submission_links_every_gap_to_its_field(participant, post_plan, the_plan):
    response = post_plan(participant, "k", {
        "title": "Judul saja", "stakeholders-0-role": "pemerintah",
        "stakeholders-0-name": "Pemerintah Desa", "activities-0-activity": "Pelatihan",
        "activities-0-date": "besok"}, "submit")
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    links = dict(assert_summary_guides(page))
    assert "belum dapat diajukan" in page.text(page.element("error-summary-title"))
    assert {"problem", "evidence", "target_group", "indicators-0-name",
            "stakeholders-0-contribution", "stakeholders-1-role", "activities-0-milestone",
            "activities-0-date", "sustainability"} <= set(links)
    assert links["indicators-0-name"] == "Indikator: isi paling sedikit satu baris."
    assert "stakeholders-error" in page.element("stakeholders-1-role").get(
        "aria-describedby").split()  # the roles rule, shown under the table's legend
    assert page.element("title").get("aria-invalid") is None
    assert page.element("title").get("value") == "Judul saja"  # nothing typed is lost
    assert the_plan().draft["activities"][0]["date"] == "besok"


def test_a_too_long_field_is_linked_and_nothing_is_saved(participant, post_plan, the_plan):
    response = post_plan(participant, "k", {"title": "x" * 201, "risks-0-risk": "y" * 301})
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert [t for t, _m in assert_summary_guides(page)] == ["title", "risks-0-risk"]
    assert the_plan().draft_version == 0


def test_add_a_row_without_javascript_saves_everything_typed(participant, the_plan):
    typed = {"title": "Kolam lele", "stakeholders-0-role": "pemerintah",
             "stakeholders-0-name": "Pemerintah Desa Nganti",
             "stakeholders-1-role": "dunia_usaha", "stakeholders-1-name": "Pengepul lele"}
    response = press(participant, typed, ("add_row", "stakeholders"))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.fragment == "stakeholders-2-role"  # the new, empty row
    plan = the_plan()
    assert plan.draft_version == 1 and plan.draft["title"] == "Kolam lele"
    assert [row["name"] for row in plan.draft["stakeholders"]] == [
        "Pemerintah Desa Nganti", "Pengepul lele"]
    shown = f"{location.path}?{location.query}"
    page = Page(participant.get(shown).get_data(as_text=True))
    rows = {c.get("name").split("-")[1] for c in page.controls(plan_form(page))
            if c.get("name", "").startswith("stakeholders-")}
    assert len(rows) == 3  # the two shown before, and one more
    assert page.element("stakeholders-2-role").get("autofocus") is not None
    assert page.element("stakeholders-1-name").get("value") == "Pengepul lele"
    assert page.all("p", class_="flash flash-success")
    again = press(participant, {}, ("add_row", "stakeholders"), shown)  # nothing new typed
    again_page = Page(participant.get(again.headers["Location"]).get_data(as_text=True))
    assert len(again_page.all("select", within=again_page.element("stakeholders"))) == 4


def test_add_a_row_goes_through_the_draft_version_check(participant, post_plan, the_plan):
    page = Page(participant.get(PLAN).get_data(as_text=True))
    post_plan(participant, "k", {"title": "Dari tab lain"})
    response = participant.post(PLAN, data=browser_data(
        page, {"title": "Tab lama"}, ("add_row", "risks")))
    assert response.status_code == 409
    assert "Tab lama" in response.get_data(as_text=True)  # shown back, to copy
    assert the_plan().draft["title"] == "Dari tab lain"


def test_add_a_row_stops_at_the_limit_but_still_saves(participant, post_plan, the_plan):
    full = {f"risks-{i}-{column}": f"{column} {i}" for i in range(MAX_ROWS)
            for column in ROW_FIELDS["risks"]}
    assert post_plan(participant, "k", {**COMPLETE, **full}).status_code == 302
    page = Page(participant.get(PLAN).get_data(as_text=True))
    assert not page.all("button", name="add_row", value="risks")  # the table is full
    assert page.all("button", name="add_row", value="indicators")
    assert len(page.all("input", within=page.element("risks"))) == 2 * MAX_ROWS  # no blanks
    response = press(participant, {"title": "Judul baru"}, ("add_row", "risks"))
    assert response.status_code == 302 and response.headers["Location"].endswith("#risks")
    plan = the_plan()
    assert plan.draft["title"] == "Judul baru" and len(plan.draft["risks"]) == MAX_ROWS
    message = participant.get(PLAN).get_data(as_text=True)
    assert f"{MAX_ROWS}" in Page(message).text(Page(message).all(
        "p", class_="flash flash-warning")[0])


def test_add_a_row_needs_the_csrf_token(participant, the_plan):
    page = Page(participant.get(PLAN).get_data(as_text=True))
    data = browser_data(page, {"title": "Tanpa token"}, ("add_row", "risks"))
    del data["csrf_token"]
    assert participant.post(PLAN, data=data).status_code == 400
    assert the_plan().draft_version == 0


def test_odd_add_row_values_are_a_plain_save(participant, the_plan):
    response = press(participant, {"title": "Biasa"}, ("add_row", "bukan-tabel"))
    assert response.status_code == 302 and response.headers["Location"] == PLAN
    assert the_plan().draft["title"] == "Biasa"
    for query in ("?add=risks&rows=99999999999999999999", "?add=risks&rows=-5",
                  "?add=nothing&rows=3", "?add=risks&rows=abc"):
        assert participant.get(PLAN + query).status_code == 200, query
