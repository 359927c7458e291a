"""Forms of BKPP administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from leans.admin.cohorts import CohortError, parse_followup_months
from leans.core.forms import LeansForm
from leans.core.identity import IdentityError, parse_golongan, parse_nip
from leans.core.labels import LABELS
from leans.core.models import PlanPath, Role
from leans.core.slugs import is_slug


class CohortForm(LeansForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name in addresses (slug)"),
                       validators=[DataRequired(), Length(max=64)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Length(max=200)])
    facilitators = SelectMultipleField(_l("Facilitators"), coerce=int, choices=[],
                                       option_widget=CheckboxInput(),
                                       widget=ListWidget(prefix_label=False))
    # The change project ("Proyek perubahan").
    plan_path = RadioField(_l("Path of the change project"), default=PlanPath.LIGHT.value,
                           choices=[(p.value, LABELS["PlanPath"][p.value]) for p in PlanPath])
    endorsement_required = BooleanField(
        _l("The mentor must endorse a plan before the coach reviews it"), default=True)
    examiner_weight = IntegerField(
        _l("Examiner's weight in the seminar grade (percent)"), default=50,
        render_kw={"min": 0, "max": 100},
        validators=[Optional(), NumberRange(0, 100, message=_l(
            "Enter a whole number from 0 to 100."))])
    moderation_gap = IntegerField(
        _l("Moderation when the assessors differ by more than (levels)"), default=1,
        render_kw={"min": 1, "max": 3},
        validators=[Optional(), NumberRange(1, 3, message=_l("Enter 1, 2 or 3."))])
    report_required = BooleanField(_l("Certificates need the report seminar too"))
    followup_months = StringField(_l("Follow-ups, months after the training"),
                                  validators=[Length(max=40)])
    examiners = SelectMultipleField(_l("Examiners"), coerce=int, choices=[],
                                    option_widget=CheckboxInput(),
                                    widget=ListWidget(prefix_label=False))

    def validate_followup_months(self, field: StringField) -> None:
        try:
            field.data = parse_followup_months(field.data or "")
        except CohortError as error:
            raise ValidationError(str(error)) from error

    def validate_slug(self, field: StringField) -> None:
        if not is_slug(field.data):
            raise ValidationError(_l("Use lower-case letters, digits and '-' only, e.g. "
                                     "angkatan-2."))

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


class MentorForm(LeansForm):
    """A participant's mentor in a cohort: an account holding the mentor role, or nobody
    (the empty choice)."""

    mentor = SelectField(_l("Mentor"), choices=[])


class ImportForm(LeansForm):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"), validators=[FileRequired()])


class UserForm(LeansForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    full_name = StringField(_l("Full name with titles"),
                            validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    nip = StringField("NIP", validators=[Optional(), Length(max=30)])
    golongan = StringField(_l("Pangkat/golongan"), validators=[Optional(), Length(max=40)])
    jabatan = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    roles = SelectMultipleField(_l("Roles"),
                                choices=[(r.value, LABELS["Role"][r.value]) for r in Role],
                                option_widget=CheckboxInput(),
                                widget=ListWidget(prefix_label=False))

    def validate_nip(self, field: StringField) -> None:
        try:
            field.data = parse_nip(field.data) if field.data else None
        except IdentityError as error:
            raise ValidationError(str(error)) from error

    def validate_golongan(self, field: StringField) -> None:
        try:
            field.data = parse_golongan(field.data) if field.data else None
        except IdentityError as error:
            raise ValidationError(str(error)) from error

    def validate_roles(self, field: SelectMultipleField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))
