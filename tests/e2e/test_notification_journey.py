"""Notifications end to end: ``leans run`` (its own background consumer, not an immediate
queue) with the demo data and a real SMTP server (aiosmtpd); BKPP adds a participant's email,
the facilitator sends the plan back in the browser, the participant gets the mail, sees the
comment on the next page, opens it and lands on the plan."""

from __future__ import annotations

import time

import pytest

from tests.fixtures.browser import (
    browser_journey,
    leans,
    login,
    running_server,
    server_env,
    shot,
    submit,
)
from tests.fixtures.mail import SmtpServer, running_smtp_server
from tests.fixtures.plans import CRITERIA

PASSWORD = "leans-demo-2026"
COMMENT = "Baseline pendapatan belum bersumber: lampirkan data DTSEN desil 1 Nganti."
AGUS = "agus.priyanto@bojonegorokab.contoh.go.id"

pytestmark = browser_journey


@pytest.fixture(scope="module")
def smtp():
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory, smtp):
    env = server_env(tmp_path_factory.mktemp("notify"), LEANS_SMTP_HOST=smtp.host,
                     LEANS_SMTP_PORT=str(smtp.port), LEANS_SMTP_STARTTLS="0",
                     LEANS_SMTP_FROM="LEANS LMS <leans@bkpp.contoh.go.id>")
    leans(env, "demo")
    with running_server(env) as base:
        yield base


def wait_for_mail(smtp: SmtpServer, address: str, words: str, seconds: float = 20):
    """The message to ADDRESS containing WORDS, once the background consumer sent it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in smtp.to(address) if words in m.body]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} with {words!r} within {seconds} s")


def test_a_plan_sent_back_reaches_the_participant_by_mail_and_on_the_next_page(
        server, smtp, browser):
    # BKPP records Agus's address.
    admin, errors = login(browser, server, "admin", PASSWORD)
    admin.goto(f"{server}/admin/users?q=agus")
    with admin.expect_navigation():
        admin.click("text=Agus Priyanto")
    admin.fill("#email", AGUS)
    submit(admin, "main form button[type=submit]")
    assert errors == []

    # Retno sends Agus's resubmitted plan back with a comment.
    grader, errors = login(browser, server, "retno", PASSWORD)
    grader.goto(f"{server}/grading/")
    with grader.expect_navigation():
        grader.click("text=Satu data sasaran")
    with grader.expect_navigation():
        grader.click("text=Mulai menilai")
    for criterion in CRITERIA:
        grader.check(f"input[name=level-{criterion}][value='3']")
    grader.check("input[name=decision][value=request_revision]")
    grader.fill("#overall_comment", COMMENT)
    submit(grader, "text=Simpan keputusan")
    assert errors == []

    # The mail, sent by the server's background consumer, names the plan's full address.
    mail = wait_for_mail(smtp, AGUS, COMMENT)
    assert "dikembalikan untuk direvisi" in mail.message["Subject"]
    assert f"{server}/learn/angkatan-1/plan" in mail.body

    # Agus logs in: the dashboard says it first, with the comment, and the header counts it.
    page, errors = login(browser, server, "agus", PASSWORD)
    main = page.inner_text("main")
    assert COMMENT in main and "dikembalikan untuk direvisi" in main
    unread = int(page.inner_text("header .count").split()[0])
    shot(page, "10-revision-banner")
    with page.expect_navigation():
        page.click(".urgent button")
    assert page.url == f"{server}/learn/angkatan-1/plan"
    left = page.query_selector("header .count")
    assert (int(left.inner_text().split()[0]) if left else 0) == unread - 1
    banner = page.query_selector(".urgent")
    assert banner is None or COMMENT not in banner.inner_text()
    page.goto(f"{server}/notifications/")
    assert "Rencana aksi Anda di" in page.inner_text("main")
    shot(page, "11-notifications")
    assert errors == []
