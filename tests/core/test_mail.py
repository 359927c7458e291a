"""Email over real SMTP (aiosmtpd on 127.0.0.1): one message to exactly its one address,
addresses that are not one address never sent, a refused address failing alone, an unusable
server tried once per request and never an error."""

from __future__ import annotations

import pytest

from leans.core import mail
from tests.fixtures.mail import smtp_settings
from tests.fixtures.servers import find_free_port

LINK = "https://leans.contoh.go.id/account/setup/abcdefghijklmnopqrstuvwxyz012345"


@pytest.fixture
def configured(app, monkeypatch):
    """``configured(port, **environment)``: the test app sends to 127.0.0.1:PORT."""

    def configure(port: int, **environment: str) -> None:
        for key, value in smtp_settings(port, **environment).items():
            monkeypatch.setitem(app.config, key, value)

    return configure


def test_a_message_goes_to_exactly_its_one_address(smtp_server, configured):
    configured(smtp_server.port)
    assert mail.send_setup_link("ahmad.yani@dinsos.contoh.go.id", "Ahmad Yani", "ahmad.yani",
                                LINK)
    (received,) = smtp_server.messages
    assert smtp_server.sessions == 1
    assert received.rcpt_tos == ["ahmad.yani@dinsos.contoh.go.id"]
    assert received.mail_from == "leans@bkpp.contoh.go.id"
    assert received.message["To"] == "ahmad.yani@dinsos.contoh.go.id"
    assert received.message["Subject"] == "Aktivasi akun LEANS LMS"
    assert "Yth. Ahmad Yani" in received.body and "nama pengguna: ahmad.yani" in received.body
    assert LINK in received.body


@pytest.mark.parametrize("address", [
    "siti@contoh.go.id,penyerang@contoh.example",  # the header parser would make it two
    "a,siti@contoh.go.id",
    "siti@contoh.go.id\r\nBcc: penyerang@contoh.example",
    "siti@contoh.go.id>, <penyerang@contoh.example",
    "",
    None,
])
def test_an_address_that_is_not_exactly_one_address_is_not_sent(smtp_server, configured,
                                                                 address):
    configured(smtp_server.port)
    assert mail.send_setup_link(address, "Siti", "siti", LINK) is False
    assert smtp_server.messages == [] and smtp_server.sessions == 0


def test_without_a_server_configured_nothing_is_sent(app, smtp_server):
    assert not app.config["LEANS_SMTP_HOST"]
    assert mail.send_setup_link("siti@contoh.go.id", "Siti", "siti", LINK) is False
    assert smtp_server.sessions == 0


def test_an_address_the_server_refuses_fails_alone(app, smtp_server, configured):
    configured(smtp_server.port)
    smtp_server.refuse = {"tidak.ada@contoh.go.id"}
    assert mail.send("tidak.ada@contoh.go.id", "Uji", "Isi") is False
    assert mail.send("siti@contoh.go.id", "Uji", "Isi") is True  # the next one still goes
    assert smtp_server.to("tidak.ada@contoh.go.id") == []
    assert len(smtp_server.to("siti@contoh.go.id")) == 1


def test_a_server_nobody_answers_on_is_reported_not_raised(app, configured):
    configured(find_free_port())
    assert mail.send_setup_link("siti@contoh.go.id", "Siti", "siti", LINK) is False


def test_an_unusable_server_is_tried_once_per_request(app, smtp_server, configured):
    """STARTTLS asked of a server without it: the first email of a request finds out, the
    others of that request are not tried (each would wait for the server again); the next
    request tries again."""
    configured(smtp_server.port, LEANS_SMTP_STARTTLS="1")
    with app.app_context():  # one request
        for n in range(5):
            assert mail.send(f"peserta{n}@contoh.go.id", "Uji", "Isi") is False
    assert smtp_server.sessions == 1
    with app.app_context():  # the next
        assert mail.send("siti@contoh.go.id", "Uji", "Isi") is False
    assert smtp_server.sessions == 2 and smtp_server.messages == []
