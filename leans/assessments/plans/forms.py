"""Forms of the action plan: the participant's plan, the facilitator's rubric, updates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from leans.assessments.plans.content import (
    BUDGET_SOURCES,
    LABELS,
    MAX_ROWS,
    MAX_VILLAGES,
    PENTAHELIX,
    PILOT_VILLAGES,
    ROW_FIELDS,
)
from leans.assessments.plans.states import UpdateStatus
from leans.core.labels import LABELS as CODE_LABELS

SHORT, LONG = 300, 10000
#: Empty rows offered under each table, so rows can be added without JavaScript.
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


class PlanForm(FlaskForm):
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
    def for_content(cls, content: dict, draft_version: int) -> PlanForm:
        pilot = [v for v in content.get("villages", []) if v in PILOT_VILLAGES]
        others = [v for v in content.get("villages", []) if v not in PILOT_VILLAGES]
        form = cls(formdata=None, data={**content, "villages": pilot,
                                        "other_villages": ", ".join(others),
                                        "draft_version": draft_version})
        form.add_blank_rows()
        return form

    def validate(self, extra_validators=None) -> bool:
        """The fields' own rules, and the plan's size limits (MAX_ROWS rows per table,
        MAX_VILLAGES villages), each refused with a message rather than cut."""
        valid = super().validate(extra_validators)
        self.limit_errors = self._limit_errors()
        return valid and not self.limit_errors

    def _limit_errors(self) -> list[str]:
        content = self.content()
        problems = []
        for name in ROW_FIELDS:
            rows = [row for row in content[name]
                    if any(str(value or "").strip() for value in (row or {}).values())]
            if len(rows) > MAX_ROWS:
                problems.append(str(_l("%(field)s: at most %(n)d rows (this form has "
                                       "%(count)d).", field=LABELS[name], n=MAX_ROWS,
                                       count=len(rows))))
        villages = {v.strip() for v in content["villages"] if v and v.strip()}
        if len(villages) > MAX_VILLAGES:
            problems.append(str(_l("%(field)s: at most %(n)d villages (this form has "
                                   "%(count)d).", field=LABELS["villages"], n=MAX_VILLAGES,
                                   count=len(villages))))
        return problems

    def add_blank_rows(self) -> None:
        for name in ROW_FIELDS:
            for _ in range(BLANK_ROWS):
                getattr(self, name).append_entry()


class GradeForm(FlaskForm):
    """Rubric levels and comments come as ``level-<criterion>`` / ``comment-<criterion>``
    fields, built from the rubric in the template; this form carries the rest."""

    decision = RadioField(_l("Decision"), choices=[
        ("request_revision", _l("Request a revision")), ("approve", _l("Approve with this grade"))],
        validators=[Optional()])
    overall_comment = TextAreaField(_l("Overall comment"), validators=[Length(max=LONG)])
    reason = TextAreaField(_l("Reason for changing the released grade"),
                           validators=[Length(max=LONG)])
    state_version = IntegerField(validators=[InputRequired()])


class UpdateForm(FlaskForm):
    activity_index = SelectField(_l("Milestone"), coerce=int, choices=[])
    status = RadioField(_l("Status"), choices=[(s.value, CODE_LABELS["UpdateStatus"][s.value])
                                               for s in UpdateStatus],
                        validators=[InputRequired()])
    indicator_value = StringField(_l("Indicator value now (optional)"),
                                  validators=[Length(max=100)])
    note = TextAreaField(_l("Short note"), validators=[Length(max=2000)])
    reported_on = DateField(_l("Date"), validators=[InputRequired()])
