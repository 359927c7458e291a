"""Sending email when an SMTP server is configured (LEANS_SMTP_HOST); LEANS works without.

Python's own smtplib and email packages do the work; nothing is queued: a failed send is
reported to the admin, who still sees the link on the page.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("leans.core.mail")


def enabled() -> bool:
    return bool(current_app.config.get("LEANS_SMTP_HOST"))


def send(to: str, subject: str, body: str) -> bool:
    """Send a plain-text email; False (and a log line) when it could not be sent."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["LEANS_SMTP_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["LEANS_SMTP_HOST"], config["LEANS_SMTP_PORT"],
                          timeout=15) as server:
            if config["LEANS_SMTP_STARTTLS"]:
                server.starttls()
            if config["LEANS_SMTP_USER"]:
                server.login(config["LEANS_SMTP_USER"], config["LEANS_SMTP_PASSWORD"])
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("email to %s not sent: %s", to, error)
        return False
    return True


def send_setup_link(to: str | None, full_name: str, username: str, link: str) -> bool:
    """The one-time account setup link, in Bahasa Indonesia."""
    if not to or not enabled():
        return False
    body = (f"Yth. {full_name},\n\nAkun LEANS LMS Anda sudah dibuat (nama pengguna: {username}).\n"
            f"Buka tautan berikut untuk memilih kata sandi (berlaku 14 hari, sekali pakai):\n\n"
            f"{link}\n\nSalam,\nBKPP Kabupaten Bojonegoro\n")
    return send(to, "Aktivasi akun LEANS LMS", body)
