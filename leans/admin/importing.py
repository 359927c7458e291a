"""Importing participants from a spreadsheet: a preview of every row (new / update /
unchanged / error) and an all-or-nothing apply that is idempotent (NIP is the key). A
participant's row may name their mentor (``mentor_import``)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from leans.admin.mentor_import import (
    EMAIL_LIMIT,
    EMAIL_RE,
    MENTOR_FIELDS,
    Mentor,
    column,
    plan_mentors,
    read_mentor,
)
from leans.admin.sheets import Sheet
from leans.auth.passwords import NO_PASSWORD
from leans.auth.services import mint_setup_token
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.identity import IdentityError, parse_golongan, parse_nip
from leans.core.models import Cohort, Enrolment, Role, UnitType, User, UserRole, utcnow

ROLE_NAMES = {"participant": Role.PARTICIPANT, "peserta": Role.PARTICIPANT,
              "facilitator": Role.FACILITATOR, "fasilitator": Role.FACILITATOR,
              "admin": Role.ADMIN}
PROFILE = ("full_name", "nip", "golongan", "jabatan", "unit", "kecamatan", "desa", "email")
#: How the preview names each profile field.
FIELD_LABELS = {"full_name": _l("Name"), "nip": "NIP", "golongan": _l("Rank/grade"),
                "jabatan": _l("Position"), "unit": _l("Unit"), "kecamatan": "Kecamatan",
                "desa": "Desa", "email": _l("Email"), "mentor": _l("Mentor")}
LIMITS = {"full_name": 200, "jabatan": 200, "unit": 200, "kecamatan": 100, "desa": 100}


@dataclass(frozen=True)
class Change:
    """One value an import would change on an existing account, shown in the preview."""

    field: str
    old: object
    new: object


@dataclass
class RowResult:
    row: int
    values: dict
    action: str = "new"
    #: (column as in the file's header, reason)
    errors: list[tuple[str, str]] = field(default_factory=list)
    user: User | None = None
    changes: list[Change] = field(default_factory=list)
    #: The participant's mentor, when the row names one.
    mentor: Mentor | None = None


@dataclass
class ImportPlan:
    results: list[RowResult]
    ignored_headers: list[str]
    #: The file has a mentor's column (the preview then shows each row's mentor).
    mentor_columns: bool = False

    @property
    def ok(self) -> bool:
        return all(not r.errors for r in self.results)

    @property
    def shown(self) -> list[RowResult]:
        """The rows as the preview lists them: those with errors first, then the others,
        each group in file order (every row keeps its number in the file)."""
        return sorted(self.results, key=lambda r: not r.errors)

    @property
    def counts(self) -> Counter:
        return Counter("error" if r.errors else r.action for r in self.results)


@dataclass(frozen=True)
class NewAccount:
    full_name: str
    username: str
    #: The email of this person's own row (never looked up by name: names repeat).
    email: str | None
    setup_token: str
    #: A mentor named by a participant's row (not a row of the file).
    mentor: bool = False


def not_yet_activated(user: User) -> bool:
    """An account made with a setup link (by an import or an administrator) whose owner has
    not yet chosen a password through it."""
    return user.password_hash == NO_PASSWORD or user.setup_token_hash is not None


def _column(sheet: Sheet, name: str) -> str:
    """The header text the file uses for one of our fields (for error messages)."""
    return column(name)


def _read(sheet: Sheet, number: int, cells: list[str]) -> RowResult:
    raw = {f: cells[i] if i < len(cells) else "" for i, f in enumerate(sheet.fields) if f}
    result = RowResult(number, {})
    values = result.values

    def fail(column: str, message: str) -> None:
        result.errors.append((_column(sheet, column), message))

    values["full_name"] = raw.get("name", "")
    if not values["full_name"]:
        fail("name", _("the name is missing"))
    for key, limit in LIMITS.items():
        source = "name" if key == "full_name" else key
        values.setdefault(key, raw.get(source, ""))
        if len(values[key]) > limit:
            fail(source, _("longer than %(n)d characters", n=limit))
    values["nip"] = None
    if raw.get("nip"):
        try:
            values["nip"] = parse_nip(raw["nip"])
        except IdentityError as error:
            fail("nip", str(error))
    values["golongan"] = None
    if raw.get("golongan"):
        try:
            values["golongan"] = parse_golongan(raw["golongan"])
        except IdentityError as error:
            fail("golongan", str(error))
    values["email"] = raw.get("email", "").lower() or None
    if values["email"] and len(values["email"]) > EMAIL_LIMIT:
        fail("email", _("longer than %(n)d characters", n=EMAIL_LIMIT))
    elif values["email"] and not EMAIL_RE.match(values["email"]):
        fail("email", _("'%(value)s' is not an email address", value=values["email"]))
    role = raw.get("role", "").strip().lower() or "participant"
    values["role"] = ROLE_NAMES.get(role)
    if values["role"] is None:
        fail("role", _("unknown role '%(value)s' (use peserta or fasilitator)", value=role))
    elif values["role"] is Role.ADMIN:
        fail("role", _("an import cannot make anyone an administrator: give that role on the "
                       "account's page, where it is recorded"))
    read_mentor(raw, values, fail)
    return result


def _accounts() -> tuple[dict[str, User], dict[str, User], dict[tuple[str, str], list[User]]]:
    """Every account by NIP, by email, and (those without a NIP) by name and unit."""
    by_nip = {u.nip: u for u in db.session.scalars(select(User).where(User.nip.is_not(None)))
              }
    by_email = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.is_not(None)))}
    # Without a NIP or an email a row is matched by name and unit; names repeat, so a name
    # that more than one account has matches none of them (the row must say which).
    by_name: dict[tuple[str, str], list[User]] = {}
    for u in db.session.scalars(select(User).where(User.nip.is_(None))):
        by_name.setdefault((u.full_name.lower(), (u.unit or "").lower()), []).append(u)
    return by_nip, by_email, by_name


def _current_mentors(cohort: Cohort) -> dict[int, User | None]:
    """Each participant's mentor in the cohort, by the participant's id."""
    return {user_id: mentor for user_id, mentor in db.session.execute(
        select(Enrolment.user_id, User).outerjoin(User, User.id == Enrolment.mentor_id)
        .where(Enrolment.cohort_id == cohort.id))}


def plan_import(sheet: Sheet, cohort: Cohort) -> ImportPlan:
    """Check every row against the file itself and the database; writes nothing."""
    results = [_read(sheet, number, cells) for number, cells in sheet.rows]
    by_nip, by_email, by_name = _accounts()
    enrolled = set(db.session.scalars(select(Enrolment.user_id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None))))
    seen_nip: dict[str, int] = {}
    seen_email: dict[str, int] = {}
    seen_user: dict[int, int] = {}
    for result in results:
        values = result.values
        nip, email = values.get("nip"), values.get("email")
        if nip and nip in seen_nip:
            result.errors.append(("NIP", _("the same NIP is already in row %(row)d",
                                           row=seen_nip[nip])))
        elif nip:
            seen_nip[nip] = result.row
        if email and email in seen_email:
            result.errors.append(("email", _("the same email is already in row %(row)d",
                                             row=seen_email[email])))
        elif email:
            seen_email[email] = result.row
        if nip:
            user = by_nip.get(nip)
        elif email:
            user = by_email.get(email)
        else:
            namesakes = by_name.get((values["full_name"].lower(), values["unit"].lower()), [])
            user = namesakes[0] if len(namesakes) == 1 else None
            if len(namesakes) > 1:
                result.errors.append(("NIP", _(
                    "%(count)d accounts are named %(name)s in this unit: add the NIP or the "
                    "email to say which one this is", count=len(namesakes),
                    name=values["full_name"])))
        if user is not None and user.id in seen_user:
            result.errors.append(("NIP", _(
                "row %(row)d is already this account (%(name)s): two people with the same "
                "name need their NIP or email to tell them apart", row=seen_user[user.id],
                name=user.full_name)))
        elif user is not None:
            seen_user[user.id] = result.row
        if email and email in by_email and by_email[email] is not user:
            result.errors.append(("email", _("%(email)s is already used by %(name)s",
                                             email=email, name=by_email[email].full_name)))
        result.user = user
    mentor_columns = any(name in sheet.fields for name in MENTOR_FIELDS)
    if mentor_columns:
        plan_mentors(results, by_nip, by_email)
    mentors = _current_mentors(cohort) if mentor_columns else {}
    for result in results:
        _classify(result, result.user, enrolled, mentors)
    return ImportPlan(results, sheet.ignored_headers, mentor_columns)


def _classify(result: RowResult, user: User | None, enrolled: set[int],
              mentors: dict[int, User | None]) -> None:
    if user is None:
        result.action = "new"
        return
    values = result.values
    result.changes = [Change(key, getattr(user, key), values[key]) for key in PROFILE
                      if key in values and values[key] not in (None, "")
                      and values[key] != getattr(user, key)]
    if values["role"] and values["role"] not in user.roles:
        result.changes.append(Change("role", None, values["role"]))
    if user.id not in enrolled and values["role"] is Role.PARTICIPANT:
        result.changes.append(Change("enrolment", None, None))
    mentor, current = result.mentor, mentors.get(user.id)
    if mentor is not None and (mentor.user is None or mentor.user is not current
                               or mentor.needs_role):
        result.changes.append(Change("mentor", current.full_name if current else None,
                                     mentor.full_name))
    result.action = "update" if result.changes else "unchanged"


def _unit_type(values: dict) -> UnitType:
    if values.get("desa"):
        return UnitType.DESA
    return UnitType.KECAMATAN if "kecamatan" in values.get("unit", "").lower() else UnitType.OPD


def _usernames(people: list[tuple[object, str | None, str]]) -> dict[object, str]:
    """A new username for each (key, email, full name): the email's local part, else the
    name, made unique."""
    taken = set(db.session.scalars(select(func.lower(User.username))))
    names = {}
    for key, email, full_name in people:
        base = (email or "").split("@")[0] or full_name
        stem = re.sub(r"[^a-z0-9]+", ".", base.lower()).strip(".")[:40] or "peserta"
        candidate, n = stem, 1
        while candidate in taken:
            n += 1
            candidate = f"{stem}{n}"
        taken.add(candidate)
        names[key] = candidate
    return names


def _new_mentors(results: list[RowResult]) -> list[Mentor]:
    """The mentors the import makes, each once, in the order the file first names them."""
    found: dict[int, Mentor] = {}
    for result in results:
        if result.mentor is not None and result.mentor.new:
            found.setdefault(id(result.mentor), result.mentor)
    return list(found.values())


def _create_accounts(new: list[RowResult], mentors: list[Mentor],
                     now: dt.datetime) -> tuple[list[NewAccount], dict[object, int]]:
    """The new accounts (the rows' people, then the new mentors), each with a setup link;
    their ids by row number (people) or by mentor."""
    people = [(r.row, r.values, _unit_type(r.values)) for r in new] + [
        (m, {"full_name": m.full_name, "nip": m.nip, "email": m.email}, None) for m in mentors]
    usernames = _usernames([(key, values.get("email"), values["full_name"])
                            for key, values, _unit in people])
    accounts, rows = [], []
    for key, values, unit_type in people:
        minted = mint_setup_token(now)
        accounts.append(NewAccount(values["full_name"], usernames[key],
                                   values.get("email") or None, minted.token,
                                   mentor=isinstance(key, Mentor)))
        rows.append({**{k: values.get(k) or None for k in PROFILE},
                     "full_name": values["full_name"],
                     "username": usernames[key], "password_hash": NO_PASSWORD,
                     "unit_type": unit_type, "active": True,
                     "must_change_password": False, "session_version": 1, "created_at": now,
                     "setup_token_hash": minted.digest,
                     "setup_token_expires_at": minted.expires_at})
    ids = {username: user_id for username, user_id in db.session.execute(
        insert(User).returning(User.username, User.id), rows)} if rows else {}
    return accounts, {key: ids[username] for key, username in usernames.items()}


def apply_import(plan: ImportPlan, cohort: Cohort, admin: User | None) -> list[NewAccount]:
    """Write every row, or nothing if any row has an error; the caller commits the whole
    import as one transaction (or rolls back)."""
    if not plan.ok:
        raise ValueError("the import has errors; nothing was written")
    now = utcnow()
    new = [r for r in plan.results if r.action == "new"]
    mentors = _new_mentors(plan.results)
    accounts, new_ids = _create_accounts(new, mentors, now)
    _update_existing([r for r in plan.results if r.action == "update"])
    _enrol_and_assign(plan.results, new_ids, cohort, now)
    _link_mentors(plan.results, new_ids, cohort, admin, now)
    details = {"new": len(new), "updated": plan.counts["update"],
               "unchanged": plan.counts["unchanged"]}
    if plan.mentor_columns:
        details["new_mentors"] = len(mentors)
    record(admin, "users.imported", "cohort", cohort.id, at=now, **details)
    db.session.flush()
    return accounts


def _update_existing(results: list[RowResult]) -> None:
    for result in results:
        for change in result.changes:
            if change.field in PROFILE:
                setattr(result.user, change.field, change.new)


def _enrol_and_assign(results: list[RowResult], new_ids: dict[object, int], cohort: Cohort,
                      now: dt.datetime) -> None:
    """Roles, enrolments and facilitator links, in bulk (no per-row queries)."""
    from leans.core.models import CohortFacilitator

    existing = {e.user_id: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id))}
    facilitators = set(db.session.scalars(select(CohortFacilitator.user_id).where(
        CohortFacilitator.cohort_id == cohort.id)))
    role_rows, enrolments = [], []
    for result in results:
        role = result.values["role"]
        user_id = new_ids.get(result.row) or result.user.id
        if result.user is None or role not in result.user.roles:
            role_rows.append({"user_id": user_id, "role": role})
        if role is Role.PARTICIPANT:
            if user_id in existing:
                existing[user_id].unenrolled_at = None
            else:
                enrolments.append({"cohort_id": cohort.id, "user_id": user_id,
                                   "enrolled_at": now})
        elif role is Role.FACILITATOR and user_id not in facilitators:
            db.session.add(CohortFacilitator(cohort_id=cohort.id, user_id=user_id))
    if role_rows:
        db.session.execute(insert(UserRole), role_rows)
    if enrolments:
        db.session.execute(insert(Enrolment), enrolments)


def _link_mentors(results: list[RowResult], new_ids: dict[object, int], cohort: Cohort,
                  admin: User | None, now: dt.datetime) -> None:
    """The mentor role for the rows' mentors who lack it, and each participant's link to
    their mentor; every link that changes is audited."""
    wanted: dict[int, int] = {}  # participant's id -> mentor's id
    needing_role: set[int] = set()
    for result in results:
        mentor = result.mentor
        if mentor is None:
            continue
        mentor_id = mentor.user.id if mentor.user is not None else \
            new_ids[mentor if mentor.new else mentor.row]
        wanted[new_ids.get(result.row) or result.user.id] = mentor_id
        if mentor.needs_role:
            needing_role.add(mentor_id)
    if not wanted:
        return
    if needing_role:
        db.session.execute(insert(UserRole), [{"user_id": user_id, "role": Role.MENTOR}
                                              for user_id in sorted(needing_role)])
        for user_id in sorted(needing_role):
            record(admin, "user.roles_changed", "user", user_id, at=now,
                   added=[str(Role.MENTOR)], source="import")
    for enrolment in db.session.scalars(select(Enrolment).where(
            Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(wanted))):
        mentor_id = wanted[enrolment.user_id]
        if enrolment.mentor_id != mentor_id:
            record(admin, "enrolment.mentor_linked", "enrolment", enrolment.id, at=now,
                   mentor=mentor_id, previous=enrolment.mentor_id, source="import")
            enrolment.mentor_id = mentor_id
