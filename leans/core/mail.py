"""Sending email when an SMTP server is configured (LEANS_SMTP_HOST); LEANS works without.

Python's own smtplib and email packages do the work; nothing is queued: a failed send is
reported to the admin, who still sees the link on the page, and never fails the page. Each
message goes to exactly one address, the one it was meant for (never a list, never an address
the header parser would split). When the server cannot be reached, the rest of the request
does not try again, so an import of many accounts waits for one timeout, not one per account.
"""

from __future__ import annotations

import logging
import smtplib
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app, g

log = logging.getLogger("leans.core.mail")

#: Seconds to wait for the SMTP server: to connect, then for each reply.
TIMEOUT = 10


def enabled() -> bool:
    return bool(current_app.config.get("LEANS_SMTP_HOST"))


def _connect(config) -> smtplib.SMTP:
    server = smtplib.SMTP(config["LEANS_SMTP_HOST"], config["LEANS_SMTP_PORT"],
                          timeout=TIMEOUT)
    try:
        if config["LEANS_SMTP_STARTTLS"]:
            server.starttls()
        if config["LEANS_SMTP_USER"]:
            server.login(config["LEANS_SMTP_USER"], config["LEANS_SMTP_PASSWORD"])
    except BaseException:
        server.close()
        raise
    return server


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email to the one address TO; False (and a log line) when it could not
    be sent."""
    if g.get("leans_smtp_down"):
        return False
    config = current_app.config
    message = EmailMessage()
    try:
        message["To"] = Address(addr_spec=to)  # exactly one address, or refused
        message["From"] = config["LEANS_SMTP_FROM"]
        message["Subject"] = subject  # a line break in it is refused, never a new header
    except ValueError as error:  # the email package's header errors are ValueErrors
        log.warning("email to %r not sent: not one valid address or subject (%s)", to, error)
        return False
    message.set_content(body)
    try:
        server = _connect(config)
    except Exception as error:  # refused, unreachable, timed out, TLS, login, a bad port
        log.warning("email to %s not sent: the SMTP server cannot be used (%s); no more "
                    "emails are tried for this request", to, error)
        g.leans_smtp_down = True
        return False
    sent = False
    try:
        with server:  # QUIT at the end, whatever it answers
            server.send_message(message)
            sent = True
    except Exception as error:  # this message only: the address refused, the server gone
        if not sent:
            log.warning("email to %s not sent: %s", to, error)
    return sent


def send_setup_link(to: str | None, full_name: str, username: str, link: str) -> bool:
    """The one-time account setup link, in Bahasa Indonesia."""
    if not to or not enabled():
        return False
    body = (f"Yth. {full_name},\n\nAkun LEANS LMS Anda sudah dibuat (nama pengguna: {username}).\n"
            f"Buka tautan berikut untuk memilih kata sandi (berlaku 14 hari, sekali pakai):\n\n"
            f"{link}\n\nSalam,\nBKPP Kabupaten Bojonegoro\n")
    return send(to, "Aktivasi akun LEANS LMS", body)
