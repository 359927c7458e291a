"""The mentors an import names: the optional columns NIP Mentor, Nama Mentor and Email Mentor
of a participant's row. A mentor is found by NIP, else by email: an account LEANS has, or the
person of another row of the same file; when nobody is found, the import makes the account
(the name is then required) with a one-time setup link, as for every imported account.
Reading and planning write nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from flask_babel import gettext as _

from leans.admin.sheets import HEADERS
from leans.core.identity import IdentityError, format_nip, parse_nip
from leans.core.models import Role, User

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The mentor's columns (our field names, as in ``sheets.HEADERS``).
MENTOR_FIELDS = ("mentor_nip", "mentor_name", "mentor_email")
NAME_LIMIT = 200
#: The longest email an account can hold.
EMAIL_LIMIT = 254


def column(name: str) -> str:
    """How error messages name one of our fields: the first header the importer accepts for
    it, with NIP in capitals."""
    header = HEADERS[name][0]
    return "NIP" + header[3:] if header.startswith("nip") else header


@dataclass(eq=False)
class Mentor:
    """The person a row names as its participant's mentor."""

    full_name: str
    nip: str | None = None
    email: str | None = None
    #: An account LEANS has ...
    user: User | None = None
    #: ... or the person of this row of the same file (a new account) ...
    row: int | None = None
    #: ... or neither: a new account the import makes, first named in this row ...
    first_row: int | None = None
    #: ... and given its email in this row.
    email_row: int | None = None

    @property
    def new(self) -> bool:
        """Made by this import (not an account LEANS has, nor a row's person)."""
        return self.user is None and self.row is None

    @property
    def needs_role(self) -> bool:
        """The import gives this person the mentor role."""
        return self.user is None or not self.user.has_role(Role.MENTOR)

    @property
    def nip_display(self) -> str:
        return format_nip(self.nip) if self.nip else ""


class Row(Protocol):
    """What the planning reads and writes of a row (``importing.RowResult``)."""

    row: int
    values: dict
    errors: list[tuple[str, str]]
    user: User | None
    mentor: Mentor | None


def read_mentor(raw: Mapping[str, str], values: dict, fail: Callable[[str, str], None]) -> None:
    """The mentor's cells of one row, checked against the row itself, into VALUES."""
    values["mentor_name"] = raw.get("mentor_name", "")
    if len(values["mentor_name"]) > NAME_LIMIT:
        fail("mentor_name", _("longer than %(n)d characters", n=NAME_LIMIT))
    values["mentor_nip"] = None
    if raw.get("mentor_nip"):
        try:
            values["mentor_nip"] = parse_nip(raw["mentor_nip"])
        except IdentityError as error:
            fail("mentor_nip", str(error))
    values["mentor_email"] = raw.get("mentor_email", "").lower() or None
    if values["mentor_email"] and len(values["mentor_email"]) > EMAIL_LIMIT:
        fail("mentor_email", _("longer than %(n)d characters", n=EMAIL_LIMIT))
    elif values["mentor_email"] and not EMAIL_RE.match(values["mentor_email"]):
        fail("mentor_email", _("'%(value)s' is not an email address",
                               value=values["mentor_email"]))
    given = [name for name in MENTOR_FIELDS if raw.get(name)]
    if not given:
        return
    if values.get("role") not in (None, Role.PARTICIPANT):
        fail(given[0], _("only a participant has a mentor: leave the mentor's columns empty "
                         "in this row"))
    elif not raw.get("mentor_nip") and not values["mentor_email"]:
        fail("mentor_nip", _("give the mentor's NIP or email: LEANS finds the mentor's "
                             "account by them, or makes it"))
    if values["mentor_nip"] and values["mentor_nip"] == values.get("nip"):
        fail("mentor_nip", _("this is the participant's own NIP: nobody can be their own "
                             "mentor"))
    if values["mentor_email"] and values["mentor_email"] == values.get("email"):
        fail("mentor_email", _("this is the participant's own email: nobody can be their "
                               "own mentor"))


class _People:
    """Everyone a mentor's NIP or email can name: accounts LEANS has, the new people of the
    file's rows, and the new mentors met so far."""

    def __init__(self, results: Sequence[Row], by_nip: Mapping[str, User],
                 by_email: Mapping[str, User]) -> None:
        self._accounts = {"nip": by_nip, "email": by_email}
        self._wrapped: dict[int, Mentor] = {}
        self._known: dict[str, dict[str, Mentor]] = {"nip": {}, "email": {}}
        for result in results:
            if result.user is None and result.values.get("full_name"):
                values = result.values
                self.add(Mentor(values["full_name"], values.get("nip"), values.get("email"),
                                row=result.row))

    def add(self, person: Mentor) -> None:
        for key in ("nip", "email"):
            self.claim(key, getattr(person, key), person)

    def claim(self, key: str, value: str | None, person: Mentor) -> None:
        """From here on in the file, VALUE (a NIP or an email) names PERSON."""
        if value:
            self._known[key].setdefault(value, person)

    def find(self, key: str, value: str | None) -> Mentor | None:
        if not value:
            return None
        user = self._accounts[key].get(value)
        if user is None:
            return self._known[key].get(value)
        return self._wrapped.setdefault(user.id, Mentor(user.full_name, user.nip, user.email,
                                                        user=user))


def _who(person: Mentor) -> str:
    return person.full_name or _("the new mentor of row %(row)d", row=person.first_row)


def _resolve(people: _People, result: Row, fail: Callable[[str, str], None]) -> Mentor | None:
    """The mentor the row names (made when new); None, with the reason, when its NIP and
    email contradict each other or an earlier row."""
    nip, email = result.values["mentor_nip"], result.values["mentor_email"]
    by_nip, by_email = people.find("nip", nip), people.find("email", email)
    if by_nip is not None and by_email is not None and by_nip is not by_email:
        fail("mentor_email", _("%(email)s belongs to %(other)s, not to the mentor with this "
                               "NIP (%(name)s)", email=email, other=_who(by_email),
                               name=_who(by_nip)))
        return None
    found = by_nip or by_email
    if found is None:
        found = Mentor("", nip, email, first_row=result.row,
                       email_row=result.row if email else None)
        people.add(found)
        return found
    if nip and by_nip is None:  # found by email
        if found.nip:
            fail("mentor_nip", _("%(email)s belongs to %(name)s, whose NIP is %(nip)s, not the "
                                 "one in this row", email=email, name=_who(found),
                                 nip=found.nip_display))
            return None
        if found.new:
            found.nip = nip
        people.claim("nip", nip, found)
    if email and by_email is None:
        if found.new and found.email:
            fail("mentor_email", _("row %(row)d gives this mentor the email %(email)s: write "
                                   "the same email in both rows, or leave it empty here",
                                   row=found.email_row, email=found.email))
            return None
        if found.new:
            found.email, found.email_row = email, result.row
        # An account's email is not changed by an import; in this file, the email names it.
        people.claim("email", email, found)
    return found


def _same_name(first: str, other: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(other.split()).casefold()


def plan_mentors(results: Sequence[Row], by_nip: Mapping[str, User],
                 by_email: Mapping[str, User]) -> None:
    """Find or make each row's mentor (``result.mentor``), with an error on every row whose
    mentor cannot be told apart, is the participant, or is named differently elsewhere."""
    people = _People(results, by_nip, by_email)
    named: dict[int, tuple[int, str]] = {}  # id(mentor) -> the first row naming it, the name
    mentor_columns = {column(name) for name in MENTOR_FIELDS}
    for result in results:
        values = result.values

        def fail(name: str, message: str, result: Row = result) -> None:
            result.errors.append((column(name), message))

        if not (values.get("mentor_nip") or values.get("mentor_email")) or \
                any(where in mentor_columns for where, _message in result.errors):
            continue
        mentor = _resolve(people, result, fail)
        if mentor is None:
            continue
        if mentor.row == result.row or (mentor.user is not None and result.user is not None
                                        and mentor.user.id == result.user.id):
            fail("mentor_nip" if values["mentor_nip"] else "mentor_email", _(
                "this is the participant of this row: nobody can be their own mentor"))
            continue
        name = values["mentor_name"]
        first = named.setdefault(id(mentor), (result.row, name)) if name else None
        if first and not _same_name(first[1], name):
            fail("mentor_name", _("row %(row)d names this mentor %(first)s, this row %(name)s: "
                                  "write the same name in both", row=first[0], first=first[1],
                                  name=name))
            continue
        if name and mentor.new and not mentor.full_name:
            mentor.full_name = name
        result.mentor = mentor
    for result in results:
        if result.mentor is not None and result.mentor.new and not result.mentor.full_name:
            result.errors.append((column("mentor_name"), _(
                "the mentor is new to LEANS: their full name is needed to make the account")))
