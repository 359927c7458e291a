"""Forms for logging in and changing passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from leans.auth.passwords import password_problems
from leans.core.forms import LeansForm


class LoginForm(LeansForm):
    login = StringField(_l("Username or email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )

    def validate_new_password(self, field: PasswordField) -> None:
        user = getattr(self, "user", None) or current_user
        inputs = [user.username, user.email or "", user.full_name, user.nip or ""]
        problems = password_problems(field.data or "", inputs)
        if problems:
            raise ValidationError(problems[0])


class ChangePasswordForm(NewPasswordMixin, LeansForm):
    """The current password is checked by the view, through the password throttle
    (``leans.auth.throttle``), once the rest of the form is valid."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])

    def validate_new_password(self, field: PasswordField) -> None:
        super().validate_new_password(field)
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password different from the current one."))


class SetupForm(NewPasswordMixin, LeansForm):
    """Choose a password through a one-time setup link (``form.user`` is the account)."""
