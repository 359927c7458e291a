"""Failed password checks: what the login throttle counts (``leans.auth.throttle``).

Only failures are stored, never successes. They live in the database so that every app
server and worker sees the same counts; rows older than the throttle's windows are purged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from leans.core.extensions import UTCDateTime, db
from leans.core.models import utcnow


class FailedPasswordCheck(db.Model):
    __tablename__ = "failed_password_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When the wrong password was given.
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: The account whose password was wrong (login, password change, re-authentication).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: For a login name no account has: the SHA-256 of the name as typed (lower case), never
    #: the name itself (people type passwords into the wrong field). Such names are locked
    #: like accounts, so a lock does not tell whether an account exists.
    login_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The client's address (see ``leans.core.logs.client_address``).
    address: Mapped[str] = mapped_column(String(64), index=True)
