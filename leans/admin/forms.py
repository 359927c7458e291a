"""Forms of BKPP administration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from leans.core.forms import LeansForm
from leans.core.identity import IdentityError, parse_golongan, parse_nip
from leans.core.labels import LABELS
from leans.core.models import Role
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

    def validate_slug(self, field: StringField) -> None:
        if not is_slug(field.data):
            raise ValidationError(_l("Use lower-case letters, digits and '-' only, e.g. "
                                     "angkatan-2."))

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date is before the start date."))


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
