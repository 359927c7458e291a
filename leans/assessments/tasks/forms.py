"""Forms of tasks: the participant's answer and the facilitator's comment."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Regexp, ValidationError

from leans.assessments.tasks.answers import MAX_ANSWER, MAX_COMMENT
from leans.core.forms import LeansForm
from leans.core.templating import format_number


def one_line_break(text: str | None) -> str:
    """Browsers send a line break as CR LF; count and store it as one character, as the
    textarea shows it."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def _at_most(limit: int):
    """Refuse text longer than LIMIT with a message that says how long it is, never cut."""
    def check(form, field) -> None:
        if len(field.data or "") > limit:
            raise ValidationError(_(
                "At most %(limit)s characters; this text has %(count)s. Shorten it and save "
                "again: your text is kept here.", limit=format_number(limit, 0),
                count=format_number(len(field.data), 0)))
    return check


class AnswerForm(LeansForm):
    """The answer box under a task; "Save draft" and "Send answer" post it with ``action``
    ``save`` or ``submit``."""

    text = TextAreaField(_l("Your answer"), filters=[one_line_break],
                         validators=[_at_most(MAX_ANSWER)])
    draft_version = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    action = HiddenField()  # the button's value; a missing one saves a draft

    @property
    def expected_version(self) -> int:
        return int(self.draft_version.data)

    @property
    def sending(self) -> bool:
        return self.action.data == "submit"


class CommentForm(LeansForm):
    text = TextAreaField(_l("Your comment"), filters=[one_line_break], validators=[
        DataRequired(_l("Write a comment before sending it.")), _at_most(MAX_COMMENT)])
