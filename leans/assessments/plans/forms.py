"""Forms of the action plan: the participant's plan, the facilitator's rubric, updates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from leans.assessments.plans.content import (
    BUDGET_SOURCES,
    LABELS,
    MAX_ROWS,
    MAX_VILLAGES,
    PENTAHELIX,
    PILOT_VILLAGES,
    ROW_FIELDS,
    ROW_ITEMS,
    Problem,
)
from leans.assessments.plans.states import UpdateStatus
from leans.core.forms import LeansForm
from leans.core.i18n import local_today
from leans.core.labels import LABELS as CODE_LABELS

SHORT, LONG = 300, 10000
#: Longest comment on the full path's forms (the services refuse longer, with a message).
MAX_COMMENT = 5000
#: Empty rows offered under each table; "Add a row" adds more, without JavaScript too.
BLANK_ROWS = 2


def _text(name: str, limit: int = SHORT) -> StringField:
    return StringField(LABELS[name], validators=[Length(max=limit)])


def _area(name: str) -> TextAreaField:
    return TextAreaField(LABELS[name], validators=[Length(max=LONG)])


def _choices(values: tuple[str, ...]) -> list[tuple[str, object]]:
    return [("", _l("— choose —"))] + [(v, LABELS.get(v, v)) for v in values]


class IndicatorRow(Form):
    name = _text("name")
    unit = _text("unit", 50)
    baseline = _text("baseline", 50)
    baseline_date = StringField(LABELS["baseline_date"], validators=[Length(max=10)])
    target = _text("target", 50)
    target_date = StringField(LABELS["target_date"], validators=[Length(max=10)])


class StakeholderRow(Form):
    role = SelectField(LABELS["role"], choices=_choices(PENTAHELIX))
    name = _text("name")
    contribution = _area("contribution")


class ActivityRow(Form):
    activity = _text("activity")
    milestone = _text("milestone")
    date = StringField(LABELS["date"], validators=[Length(max=10)])


class BudgetRow(Form):
    source = SelectField(LABELS["source"], choices=_choices(BUDGET_SOURCES))
    purpose = _text("purpose")
    amount = _text("amount", 30)


class RiskRow(Form):
    risk = _text("risk")
    mitigation = _text("mitigation")


class PlanForm(LeansForm):
    title = _text("title", 200)
    problem = _area("problem")
    evidence = _area("evidence")
    target_group = _area("target_group")
    villages = SelectMultipleField(LABELS["villages"],
                                   choices=[(v, v) for v in PILOT_VILLAGES],
                                   option_widget=CheckboxInput(),
                                   widget=ListWidget(prefix_label=False), validate_choice=False)
    other_villages = StringField(_l("Other villages (separate with commas)"),
                                 validators=[Length(max=SHORT)])
    indicators = FieldList(FormField(IndicatorRow))
    stakeholders = FieldList(FormField(StakeholderRow))
    activities = FieldList(FormField(ActivityRow))
    budget = FieldList(FormField(BudgetRow))
    risks = FieldList(FormField(RiskRow))
    sustainability = _area("sustainability")
    draft_version = HiddenField()

    def content(self) -> dict:
        """The typed plan as plain values (see plan_content.normalize)."""
        villages = list(self.villages.data or [])
        villages += [v.strip() for v in (self.other_villages.data or "").split(",")]
        content = {name: getattr(self, name).data for name in
                   ("title", "problem", "evidence", "target_group", "sustainability")}
        content["villages"] = villages
        for name in ROW_FIELDS:
            content[name] = getattr(self, name).data
        return content

    @classmethod
    def for_content(cls, content: dict, draft_version: int,
                    rows: dict[str, int] | None = None) -> PlanForm:
        """The form holding CONTENT, with empty rows to type into (see add_blank_rows)."""
        pilot = [v for v in content.get("villages", []) if v in PILOT_VILLAGES]
        others = [v for v in content.get("villages", []) if v not in PILOT_VILLAGES]
        form = cls(formdata=None, data={**content, "villages": pilot,
                                        "other_villages": ", ".join(others),
                                        "draft_version": draft_version})
        form.add_blank_rows(rows)
        return form

    def validate(self, extra_validators=None) -> bool:
        """The fields' own rules, and the plan's size limits (MAX_ROWS rows per table,
        MAX_VILLAGES villages), each refused with a message rather than cut."""
        valid = super().validate(extra_validators)
        self.limit_problems = self._limit_problems()
        return valid and not self.limit_problems

    @property
    def limit_errors(self) -> list[str]:
        return [problem.message for problem in getattr(self, "limit_problems", [])]

    def _limit_problems(self) -> list[Problem]:
        content = self.content()
        problems = []
        for name, columns in ROW_FIELDS.items():
            rows = [row for row in content[name]
                    if any(str(value or "").strip() for value in (row or {}).values())]
            if len(rows) > MAX_ROWS:
                problems.append(Problem(name, str(_l(
                    "%(field)s: at most %(n)d rows (this form has %(count)d).",
                    field=LABELS[name], n=MAX_ROWS, count=len(rows))), 0, columns[0]))
        villages = {v.strip() for v in content["villages"] if v and v.strip()}
        if len(villages) > MAX_VILLAGES:
            problems.append(Problem("other_villages", str(_l(
                "%(field)s: at most %(n)d villages (this form has %(count)d).",
                field=LABELS["villages"], n=MAX_VILLAGES, count=len(villages)))))
        return problems

    def add_blank_rows(self, rows: dict[str, int] | None = None) -> None:
        """BLANK_ROWS empty rows under each table; under a table named in ROWS, as many as
        make ROWS[table] rows, one at least. Never beyond MAX_ROWS rows in all."""
        for name in ROW_FIELDS:
            entries = getattr(self, name)
            wanted = len(entries) + BLANK_ROWS
            if rows and name in rows:
                wanted = max(rows[name], len(entries) + 1)
            while len(entries) < min(wanted, MAX_ROWS):
                entries.append_entry()

    def used_rows(self, name: str) -> int:
        """How many rows of table NAME hold something."""
        return sum(1 for row in getattr(self, name)
                   if any(str(value or "").strip() for value in row.data.values()))


def row_label(table: str, column: str, number: int) -> str:
    """The accessible name of a table's field, unique on the page: "Name, partner 2"."""
    return _("%(column)s, %(item)s %(n)d", column=LABELS[column], item=ROW_ITEMS[table],
             n=number)


def error_ids(base: str, count: int) -> list[str]:
    """The ids of COUNT error messages about BASE (a control id or a table name), as
    templates/_macros/forms.html numbers them: BASE-error, BASE-error-2, ..."""
    return [f"{base}-error" + (f"-{n}" if n > 1 else "") for n in range(1, count + 1)]


def controls(fields: Iterable) -> Iterator:
    """The form's controls a person fills in, in page order (rows included)."""
    for item in fields:
        if item.type == "FieldList":
            yield from controls(item.entries)
        elif item.type == "FormField":
            yield from controls(item.form)
        elif item.type not in ("CSRFTokenField", "HiddenField"):
            yield item


@dataclass
class PlanGuide:
    """Where the plan form's errors show: the summary's links (in page order; no link for
    messages about no field), the messages beside a control or under a table's legend, and
    the ids of the table messages describing the control they link to."""

    summary: list[tuple[str | None, str]] = field(default_factory=list)
    inline: dict[str, list[str]] = field(default_factory=dict)
    tables: dict[str, list[str]] = field(default_factory=dict)
    described: dict[str, list[str]] = field(default_factory=dict)


def _anchor(problem: Problem) -> str:
    if problem.row is None:
        return problem.field
    return f"{problem.field}-{problem.row}-{problem.column}"


def _control_name(control) -> str:
    table, row, column = (control.id.split("-") + ["", ""])[:3]
    if table in ROW_FIELDS and row.isdigit():
        return row_label(table, column, int(row) + 1)
    return str(control.label.text)


def plan_guide(form: PlanForm | None, problems: Sequence[Problem] = (),
               general: Sequence[str] = ()) -> PlanGuide:
    """Place the form's own errors (lengths), its size limits and the submission PROBLEMS
    beside their fields; GENERAL messages belong to no field."""
    guide = PlanGuide()
    found: list[tuple[str, str]] = []
    order: dict[str, int] = {}
    if form is not None:
        for control in controls(form):
            order[control.id] = len(order)
            for message in control.errors:
                guide.inline.setdefault(control.id, []).append(str(message))
                found.append((control.id, _("%(field)s: %(message)s",
                                            field=_control_name(control), message=message)))
        problems = [*getattr(form, "limit_problems", []), *problems]
    for problem in problems:
        anchor = _anchor(problem)
        if problem.row is None or problem.cell:
            guide.inline.setdefault(anchor, []).append(problem.message)
        else:
            messages = guide.tables.setdefault(problem.field, [])
            messages.append(problem.message)
            guide.described.setdefault(anchor, []).append(
                error_ids(problem.field, len(messages))[-1])
        found.append((anchor, problem.message))
    found.sort(key=lambda item: order.get(item[0], len(order)))
    guide.summary = [(None, message) for message in general]
    guide.summary += [(anchor if anchor in order else None, message)
                      for anchor, message in found]
    return guide


class GradeForm(LeansForm):
    """Rubric levels and comments come as ``level-<criterion>`` / ``comment-<criterion>``
    fields, built from the rubric in the template; this form carries the rest."""

    decision = RadioField(_l("Decision"), choices=[
        ("request_revision", _l("Request a revision")), ("approve", _l("Approve with this grade"))],
        validators=[Optional()])
    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=LONG)])
    reason = TextAreaField(_l("Reason for changing the released grade"),
                           validators=[Length(max=LONG)])
    state_version = IntegerField(validators=[InputRequired()])


class UpdateForm(LeansForm):
    activity_index = SelectField(_l("Milestone"), coerce=int, choices=[])
    status = RadioField(_l("Status"), choices=[(s.value, CODE_LABELS["UpdateStatus"][s.value])
                                               for s in UpdateStatus],
                        validators=[InputRequired()])
    indicator_value = StringField(_l("Indicator value now (optional)"),
                                  validators=[Length(max=100)])
    note = TextAreaField(_l("Short note"), validators=[Length(max=2000)])
    reported_on = DateField(_l("Date"), validators=[InputRequired()])


class EndorsementForm(LeansForm):
    """The mentor's word on a plan: endorse, or return with a comment."""

    decision = RadioField(_l("Your decision"), choices=[
        ("endorse", _l("Endorse: the plan fits my unit's goals and I will support it")),
        ("return", _l("Return with a comment"))], validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=MAX_COMMENT)])
    state_version = IntegerField(validators=[InputRequired()])


class SeminarScoreForm(LeansForm):
    """An assessor's scoring at a seminar; the levels come as ``level-<criterion>`` fields."""

    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=MAX_COMMENT)])
    state_version = IntegerField(validators=[InputRequired()])


class ModerationForm(LeansForm):
    """The examiner settles the disputed criteria (``level-<criterion>`` fields)."""

    reason = TextAreaField(_l("Reason for the levels settled on"),
                           validators=[InputRequired(), Length(max=MAX_COMMENT)])
    state_version = IntegerField(validators=[InputRequired()])


class ScheduleForm(LeansForm):
    """When and where a seminar is held, and who sits on the panel."""

    day = DateField(_l("Date"), validators=[InputRequired()])
    time = StringField(_l("Time (WIB, HH:MM)"), validators=[InputRequired(), Length(max=5)])
    place = StringField(_l("Place, or the link of the online meeting"),
                        validators=[InputRequired(), Length(max=200)])
    panel = TextAreaField(_l("Panel (names and roles)"), validators=[Length(max=500)])

    def validate_time(self, field: StringField) -> None:
        match = re.fullmatch(r"([01][0-9]|2[0-3]):([0-5][0-9])", (field.data or "").strip())
        if match is None:
            raise ValidationError(_("Write the time as HH:MM, for example 09:30."))

    def validate_day(self, field: DateField) -> None:
        today = local_today()
        if not today - dt.timedelta(days=366) <= field.data <= today + dt.timedelta(days=3 * 366):
            raise ValidationError(_("Choose a date between a year ago and three years ahead."))


class SendToSeminarForm(LeansForm):
    comment = TextAreaField(_l("Note for the seminar (optional)"),
                            validators=[Length(max=MAX_COMMENT)])
    state_version = IntegerField(validators=[InputRequired()])


class ReportForm(LeansForm):
    """The implementation report (laporan aksi perubahan)."""

    summary = TextAreaField(_l("What was achieved (summary)"),
                            validators=[InputRequired(), Length(max=5000)])
    results = TextAreaField(_l("Results for the people the plan serves"),
                            validators=[InputRequired(), Length(max=5000)])
    obstacles = TextAreaField(_l("Obstacles and how they were handled"),
                              validators=[Length(max=5000)])
    sustainability = TextAreaField(_l("What continues after the training"),
                                   validators=[Length(max=5000)])
    lessons = TextAreaField(_l("Lessons learned"), validators=[Length(max=5000)])
