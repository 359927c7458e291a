"""The participant's follow-ups after the training: the check-ins at 3 and 6 months (as the
cohort sets them), what was submitted, the plan's medium-term milestones, and the form for a
check-in that is due."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from leans.assessments.plans.access import own_approved_plan_or_404
from leans.assessments.plans.followups import (
    MAX_NOTE,
    CheckInError,
    due_follow_ups,
    follow_up_schedule,
    later_milestones,
    submit_follow_up,
)
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import FollowUpStatus
from leans.core.extensions import db
from leans.core.forms import LeansForm
from leans.core.i18n import local_today
from leans.core.labels import LABELS as CODE_LABELS
from leans.core.models import Cohort, utcnow
from leans.core.permissions import can_report_milestones
from leans.core.templating import format_day

bp = Blueprint("followups", __name__)


class FollowUpForm(LeansForm):
    """One check-in: which one (of those due), how the plan is going, and a note."""

    months = SelectField(_l("Check-in"), coerce=int, choices=[], validate_choice=False,
                         validators=[InputRequired()])
    status = RadioField(_l("How is the plan going?"),
                        choices=[(s.value, CODE_LABELS["FollowUpStatus"][s.value])
                                 for s in FollowUpStatus], validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)])


def _page(cohort: Cohort, plan: ActionPlan, form: FollowUpForm | None = None,
          error: CheckInError | None = None, status: int = 200):
    today = local_today()
    due = due_follow_ups(plan, today)
    submitted = {f.months: f for f in plan.follow_ups}
    schedule = [(months, due_on, submitted.get(months), due_on <= today)
                for months, due_on in follow_up_schedule(cohort)]
    if due and can_report_milestones(current_user, plan):
        form = form or FollowUpForm(months=due[0][0])
        form.months.choices = [(months, _("%(n)d months (due %(date)s)", n=months,
                                          date=format_day(due_on)))
                               for months, due_on in due]
    else:
        form = None
    if error is not None and form is not None and error.field:
        form[error.field].errors = [*form[error.field].errors, str(error)]
        error = None  # shown at its field, and linked from the summary
    return render_template("plans/follow_up.html", cohort=cohort, plan=plan,
                           schedule=schedule, form=form, error=error and str(error),
                           milestones=later_milestones(plan),
                           milestones_url=url_for("milestones.checklist", cohort_slug=cohort.slug)
                           if cohort.full_path else None, max_note=MAX_NOTE), status


@bp.route("/learn/<cohort_slug>/plan/follow-up", methods=["GET", "POST"])
@login_required
def participant(cohort_slug: str):
    """My follow-up check-ins after the training, and the form for one that is due."""
    cohort, plan = own_approved_plan_or_404(cohort_slug, current_user, full_path=False)
    if request.method == "GET":
        return _page(cohort, plan)
    if not can_report_milestones(current_user, plan):
        flash(_("This cohort is closed: its records can be read but no longer changed."),
              "warning")
        return redirect(url_for("followups.participant", cohort_slug=cohort.slug))
    form = FollowUpForm()
    if not form.validate_on_submit():
        return _page(cohort, plan, form=form, status=400)
    try:
        follow_up = submit_follow_up(plan, current_user, months=form.months.data,
                                     status=form.status.data, note=form.note.data or "",
                                     now=utcnow(), today=local_today())
        db.session.commit()
    except CheckInError as error:
        db.session.rollback()
        db.session.refresh(plan)
        return _page(cohort, plan, form=form, error=error, status=422)
    flash(_("Your %(n)d-month check-in was saved. Thank you.", n=follow_up.months), "success")
    return redirect(url_for("followups.participant", cohort_slug=cohort.slug))
