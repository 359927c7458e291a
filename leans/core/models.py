"""Core models: users with roles, cohorts (angkatan) with their modules, facilitators and
participants. Feature packages keep their own models next to their code."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.identity import format_nip, pangkat_label
from leans.core.labels import Labelled


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Role(Labelled):
    """What a user may do. A user may hold several roles."""

    PARTICIPANT = "participant"
    #: The coach: guides participants and reviews their plans.
    FACILITATOR = "facilitator"
    ADMIN = "admin"
    #: A participant's direct superior: endorses the plan, confirms what was carried out.
    MENTOR = "mentor"
    #: The penguji who scores plans and reports at the seminars of the cohorts assigned.
    EXAMINER = "examiner"


class PlanPath(Labelled):
    """How a cohort runs the change project: the lighter path (one facilitator reviews and
    approves) or LAN's full shape (mentor endorsement, design seminar with two assessors,
    milestones with evidence, report seminar)."""

    LIGHT = "light"
    FULL = "full"


class UnitType(Labelled):
    """Where a participant works: a regional agency, a sub-district or a village."""

    OPD = "opd"
    KECAMATAN = "kecamatan"
    DESA = "desa"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, lower case; every account has one (village cadres may have no email).
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Optional email, lower case; also accepted as login.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: Full name exactly as written, academic and religious titles included.
    full_name: Mapped[str] = mapped_column(String(200))
    #: NIP as 18 digits; optional (village officials and cadres may have none).
    nip: Mapped[str | None] = mapped_column(String(18), unique=True)
    #: NI PPPK as 18 digits, for PPPK staff; its own identifier type.
    ni_pppk: Mapped[str | None] = mapped_column(String(18), unique=True)
    #: Golongan ruang code such as ``III/a``.
    golongan: Mapped[str | None] = mapped_column(String(5))
    #: Position (jabatan) as written.
    jabatan: Mapped[str | None] = mapped_column(String(200))
    #: Unit name: the OPD, kecamatan office or village government.
    unit: Mapped[str | None] = mapped_column(String(200))
    unit_type: Mapped[UnitType | None] = mapped_column(code_type(UnitType, 16))
    #: Kecamatan and desa the participant works in or for, when known.
    kecamatan: Mapped[str | None] = mapped_column(String(100))
    desa: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(256))
    #: Deactivated accounts cannot log in; their records stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set for accounts created by an admin: the first login must choose a new password.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Raised on logout and password change; older session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    #: SHA-256 of a one-time account setup link's token (accounts created by import), and its
    #: expiry; the link lets the person choose their own password.
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_token_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Preferred interface language (``id`` or ``en``).
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # Flask-Login -----------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        """The session id carries the version, so bumping it ends older sessions."""
        return f"{self.id}:{self.session_version}"

    # Roles -------------------------------------------------------------------------------------
    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def set_roles(self, roles: set[Role]) -> None:
        current = {row.role: row for row in self.role_rows}
        for role, row in current.items():
            if role not in roles:
                self.role_rows.remove(row)
        for role in roles - current.keys():
            self.role_rows.append(UserRole(role=role))

    # Display -----------------------------------------------------------------------------------
    @property
    def nip_display(self) -> str:
        return format_nip(self.nip) if self.nip else ""

    @property
    def pangkat_display(self) -> str:
        return pangkat_label(self.golongan)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(code_type(Role, 16))
    user: Mapped[User] = relationship(back_populates="role_rows")


class Cohort(db.Model):
    """An angkatan: one run of the LEANS training."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier used in URLs and on the command line, e.g. ``angkatan-1``.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    #: Where the classroom parts take place.
    place: Mapped[str] = mapped_column(String(200), default="")
    #: A closed cohort is read-only for participants but keeps all data.
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The change project (issue 17) ----------------------------------------------------------
    #: Light (today's single review) or full (LAN's shape).
    plan_path: Mapped[PlanPath] = mapped_column(code_type(PlanPath, 8), default=PlanPath.LIGHT)
    #: Full path: the mentor must endorse a plan before the coach reviews it.
    endorsement_required: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Full path: the examiner's share of a seminar grade, in percent (the coach has the rest).
    examiner_weight: Mapped[int] = mapped_column(Integer, default=50)
    #: Full path: assessors differing on a criterion by more than this many levels go to
    #: moderation.
    moderation_gap: Mapped[int] = mapped_column(Integer, default=1)
    #: Full path: certificates need the report seminar too, not only the approved design.
    report_required: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Months after the cohort ends when participants check in on their plans ("3,6"); empty
    #: for none.
    followup_months: Mapped[str] = mapped_column(String(20), default="")

    module_rows: Mapped[list[CohortModule]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan",
        order_by="CohortModule.position", lazy="selectin",
    )
    facilitator_rows: Mapped[list[CohortFacilitator]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    examiner_rows: Mapped[list[CohortExaminer]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )

    @property
    def full_path(self) -> bool:
        return self.plan_path == PlanPath.FULL

    @property
    def followup_schedule(self) -> list[int]:
        """The follow-up months, ascending."""
        return sorted({int(m) for m in self.followup_months.replace(" ", "").split(",")
                       if m.isdigit() and 0 < int(m) <= 36})

    @property
    def module_slugs(self) -> list[str]:
        return [row.module_slug for row in self.module_rows]

    def set_modules(self, slugs: list[str]) -> None:
        """Use these modules, in this order."""
        self.module_rows = [
            CohortModule(module_slug=slug, position=index) for index, slug in enumerate(slugs, 1)
        ]

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class CohortModule(db.Model):
    """A module (by its content slug) that a cohort uses, in order."""

    __tablename__ = "cohort_modules"
    __table_args__ = (UniqueConstraint("cohort_id", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    #: The module's slug in ``content/``; content edits never break this link.
    module_slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[Cohort] = relationship(back_populates="module_rows")


class CohortFacilitator(db.Model):
    __tablename__ = "cohort_facilitators"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort: Mapped[Cohort] = relationship(back_populates="facilitator_rows")
    user: Mapped[User] = relationship()


class CohortExaminer(db.Model):
    """An examiner (penguji) assigned to a cohort's seminars by the admin."""

    __tablename__ = "cohort_examiners"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort: Mapped[Cohort] = relationship(back_populates="examiner_rows")
    user: Mapped[User] = relationship()


class Enrolment(db.Model):
    """A participant in a cohort. Unenrolling keeps the row (and all records) and can be undone."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when unenrolled; ``None`` while the enrolment is active.
    unenrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The participant's mentor (direct superior) for this training, when linked.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])


def find_user_by_login(login: str) -> User | None:
    """The user whose username or email is ``login`` (case-insensitive)."""
    key = login.strip().lower()
    if not key:
        return None
    return db.session.scalar(
        select(User).where((User.username == key) | (func.lower(User.email) == key))
    )
