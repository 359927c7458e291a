"""Setup links reach the right person, over real SMTP (aiosmtpd on 127.0.0.1): an import
through the admin pages (preview, then confirm) of two participants with the same name sends
each address one message, whose link sets up the account made from that address's own row.
When the server is down or refuses an address, the page still gives every link and says which
were not sent."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from leans.core.extensions import db
from leans.core.models import Role, User
from tests.fixtures.servers import find_free_port

#: Two people of the same name; the local parts of their addresses are the same too, so the
#: usernames differ only by a number.
ROWS = {"ahmad.yani@dinsos.contoh.go.id": "Dinas Sosial",
        "ahmad.yani@bappeda.contoh.go.id": "Bappeda"}
LIST = "Nama;Unit/OPD;Email\n" + "".join(f"Ahmad Yani;{unit};{email}\n"
                                          for email, unit in ROWS.items())
NEW_PASSWORD = "sawah-hijau-kedungadem-7"
LINK_RE = re.compile(r"https?://[^\s<]+/account/setup/[A-Za-z0-9_-]+")


@pytest.fixture
def import_list(make_user, make_cohort, mail_app, logged_in, post_form, csrf_token, tmp_path,
                monkeypatch):
    """``import_list(port)``: an admin imports LIST into cohort k through the pages of an app
    sending mail to 127.0.0.1:PORT; returns that app and the rows of the page that follows
    (name, username, link, the Email column)."""
    make_user({Role.ADMIN}, username="admin")
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])

    def run(port: int):
        site = mail_app(port)
        monkeypatch.setattr(site, "instance_path", str(tmp_path))
        admin = logged_in("admin", app=site)
        post_form(admin, "/language", {"language": "en"})
        preview = admin.post("/admin/cohorts/k/import", data={
            "file": (io.BytesIO(LIST.encode()), "peserta.csv"),
            "csrf_token": csrf_token(admin, "/admin/cohorts/k/import")},
            content_type="multipart/form-data")
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and "2 new" in page
        token = re.search(r'name="token" value="([^"]+)"', page).group(1)
        done = post_form(admin, "/admin/cohorts/k/import/confirm",
                         {"token": token, "filename": "peserta.csv"}, token_page="/admin/")
        assert done.status_code == 200
        rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td><code>([^<]*)</code></td>"
                          r"<td>([^<]*)</td></tr>", done.get_data(as_text=True))
        return site, [tuple(html.unescape(cell) for cell in row) for row in rows]

    return run


def set_up_account(site, post_form, link: str) -> User:
    """Open LINK as its recipient would, choose a password there, and return the account the
    browser is then logged in as."""
    path = urlsplit(link).path
    browser = site.test_client()
    assert browser.get(path).status_code == 200
    response = post_form(browser, path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                         token_page=path)
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 200
    return db.session.get(User, logged_in_as(browser))


def logged_in_as(browser) -> int:
    """The id of the account a client is logged in as (Flask-Login's session key holds it,
    then the session version)."""
    with browser.session_transaction() as session:
        return int(session["_user_id"].split(":")[0])


def test_each_address_gets_one_message_whose_link_sets_up_its_own_rows_account(
        import_list, smtp_server, post_form, auth_for):
    site, rows = import_list(smtp_server.port)
    assert len(smtp_server.messages) == 2
    assert {row[0] for row in rows} == {"Ahmad Yani"} and len(rows) == 2
    assert [row[3] for row in rows] == ["sent", "sent"]
    shown = {username: link for _name, username, link, _sent in rows}
    for email, unit in ROWS.items():
        (received,) = smtp_server.to(email)
        assert received.rcpt_tos == [email] and received.message["To"] == email
        username = re.search(r"nama pengguna: (\S+)\)", received.body).group(1)
        (link,) = LINK_RE.findall(received.body)
        assert shown[username] == link  # the page gives the same link for that username
        account = set_up_account(site, post_form, link)
        assert (account.username, account.email, account.unit) == (username, email, unit)
        assert account.full_name == "Ahmad Yani"
        # The new password is this person's, on this account.
        browser = site.test_client()
        assert auth_for(browser).login(email, NEW_PASSWORD).status_code == 302
        assert logged_in_as(browser) == account.id
    assert len({a.id for a in db.session.scalars(select(User).where(
        User.full_name == "Ahmad Yani"))}) == 2


def test_with_the_mail_server_down_the_page_gives_every_link_and_says_none_was_sent(
        import_list, post_form):
    site, rows = import_list(find_free_port())  # nobody listens there
    assert len(rows) == 2 and [row[3] for row in rows] == ["—", "—"]
    for _name, username, link, _sent in rows:
        assert set_up_account(site, post_form, link).username == username


def test_an_address_the_server_refuses_is_shown_as_not_sent_and_the_other_is_sent(
        import_list, smtp_server, post_form):
    refused, accepted = ROWS
    smtp_server.refuse = {refused}
    site, rows = import_list(smtp_server.port)
    status = {username: sent for _name, username, _link, sent in rows}
    links = {username: link for _name, username, link, _sent in rows}
    assert sorted(status.values()) == ["sent", "—"]
    assert smtp_server.to(refused) == [] and len(smtp_server.to(accepted)) == 1
    for username, sent in status.items():
        account = set_up_account(site, post_form, links[username])
        assert account.username == username
        assert (account.email == accepted) == (sent == "sent")
