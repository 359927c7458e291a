"""The participant's action plan: write (drafts never lost), submit, see feedback, report
progress once approved."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.assessments.plans.access import plan_of, plan_rubric
from leans.assessments.plans.content import (
    LABELS,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    REQUIRED_FIELDS,
    ROW_FIELDS,
    plan_problems,
    rules,
)
from leans.assessments.plans.forms import (
    PlanForm,
    UpdateForm,
    error_ids,
    plan_guide,
    row_label,
)
from leans.assessments.plans.states import EDITABLE, PlanState
from leans.assessments.plans.workflow import (
    IncompletePlan,
    PlanError,
    StaleDraft,
    get_or_create_plan,
    post_update,
    save_draft,
    submit,
)
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import utcnow
from leans.core.permissions import can_change, get_own_enrolment_or_404
from leans.core.templating import format_day

bp = Blueprint("plans", __name__)


def _added_rows() -> dict[str, int]:
    """The rows to show in the table named by ``?add=`` after "Add a row" (``?rows=``)."""
    table, rows = request.args.get("add"), request.args.get("rows", type=int)
    if table not in ROW_FIELDS or rows is None:
        return {}
    return {table: max(0, min(rows, MAX_ROWS))}


def _page(cohort, plan, form=None, conflict=None, errors=(), problems=(), status=200,
          error_title=None):
    editable = plan.state in EDITABLE and can_change(cohort)
    focus = None
    if editable and form is None:
        added = _added_rows()
        form = PlanForm.for_content(plan.draft, plan.draft_version, added)
        for table in added:  # the first empty row of the table a row was added to
            focus = f"{table}-{form.used_rows(table)}-{ROW_FIELDS[table][0]}"
    update_form = None
    if plan.state == PlanState.APPROVED and can_change(cohort) and not cohort.full_path:
        update_form = UpdateForm(reported_on=local_today())
        activities = plan.latest_version.content.get("activities", [])
        update_form.activity_index.choices = [
            (i, f"{row['activity']} — {row['milestone']} ({format_day(row['date'], 'medium')})")
            for i, row in enumerate(activities)]
    return render_template("plans/plan.html", cohort=cohort, plan=plan, form=form,
                           editable=editable, conflict=conflict,
                           guide=plan_guide(form if editable else None, problems, errors),
                           error_title=error_title, focus=focus, rubric=plan_rubric(),
                           update_form=update_form, rules=rules, row_label=row_label,
                           error_ids=error_ids, required_fields=REQUIRED_FIELDS,
                           optional_columns=OPTIONAL_COLUMNS, max_rows=MAX_ROWS), status


@bp.route("/learn/<cohort_slug>/plan", methods=["GET", "POST"])
@login_required
def plan(cohort_slug: str):
    """My action plan for this training: the form while editable, else its status.
    "Save draft", "Add a row" (``add_row``: the draft saved, one more empty row) and
    "Submit" post here; every way keeps what was typed."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, current_user)
    plan = get_or_create_plan(enrolment)
    db.session.commit()
    if request.method == "GET":
        return _page(cohort, plan)
    form = PlanForm()
    if not can_change(cohort):
        flash(_("This cohort is closed: its records can be read but no longer changed."),
              "warning")
        return redirect(url_for("plans.plan", cohort_slug=cohort.slug))
    if not form.validate_on_submit():
        form.add_blank_rows()
        return _page(cohort, plan, form=form, status=400, error_title=_(
            "Nothing was saved yet: correct what is marked and save again."))
    expected = int(form.draft_version.data or 0)
    add_row = request.form.get("add_row")
    try:
        if add_row in ROW_FIELDS:
            save_draft(plan, form.content(), expected, utcnow())
            db.session.commit()
            return _row_added(cohort, plan, form, add_row)
        if request.form.get("action") == "submit":
            version = submit(plan, current_user, form.content(), expected, utcnow())
            db.session.commit()
            flash(_("Version %(n)d of your plan was submitted. Your mentor endorses it "
                    "first, then your facilitator reviews it.", n=version.number)
                  if plan.state == PlanState.AWAITING_ENDORSEMENT else
                  _("Version %(n)d of your plan was submitted. Your facilitator will review "
                    "it.", n=version.number), "success")
        else:
            save_draft(plan, form.content(), expected, utcnow())
            db.session.commit()
            flash(_("Draft saved."), "success")
    except StaleDraft as error:
        db.session.rollback()
        return _conflict(cohort, plan, form, str(error))
    except IncompletePlan:
        db.session.commit()  # the draft is kept even though it cannot be submitted yet
        return _page(cohort, plan, problems=plan_problems(plan.draft), status=422,
                     error_title=_("Your draft is saved, but the plan cannot be submitted "
                                   "yet:"))
    except PlanError as error:
        db.session.rollback()
        db.session.refresh(plan)
        return _page(cohort, plan, errors=str(error).splitlines(), status=422)
    return redirect(url_for("plans.plan", cohort_slug=cohort.slug))


def _row_added(cohort, plan, posted: PlanForm, table: str):
    """After "Add a row" saved the draft: the page again with one more empty row in TABLE,
    at that row; or, when TABLE is full, at the table with a message."""
    saved = len(plan.draft[table])
    shown = max(len(posted[table].entries), saved)
    if shown >= MAX_ROWS:
        flash(_("Draft saved. %(field)s already has %(n)d rows, the most a plan may hold: no "
                "row was added.", field=LABELS[table], n=MAX_ROWS), "warning")
        return redirect(url_for("plans.plan", cohort_slug=cohort.slug) + f"#{table}")
    flash(_("Draft saved; an empty row was added to %(field)s.", field=LABELS[table]),
          "success")
    return redirect(url_for("plans.plan", cohort_slug=cohort.slug, add=table, rows=shown + 1)
                    + f"#{table}-{saved}-{ROW_FIELDS[table][0]}")


def _conflict(cohort, plan, posted: PlanForm, message: str):
    """Refuse the older save but give back everything typed, beside the newer draft."""
    db.session.refresh(plan)
    flash(message, "error")
    return _page(cohort, plan, conflict=posted.content(), status=409)


@bp.route("/learn/<cohort_slug>/plan/autosave", methods=["POST"])
@login_required
def autosave(cohort_slug: str):
    """Background save from the plan page's script; JSON, same rules as saving a draft."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, current_user)
    plan = plan_of(enrolment)
    form = PlanForm()
    if plan is None or not can_change(cohort) or not form.validate_on_submit():
        return jsonify(message=_("Autosave failed: the form could not be read.")), 400
    try:
        save_draft(plan, form.content(), int(form.draft_version.data or 0), utcnow())
        db.session.commit()
    except PlanError as error:  # a newer draft (StaleDraft), or the plan was submitted
        db.session.rollback()
        return jsonify(message=str(error)), 409
    return jsonify(draft_version=plan.draft_version,
                   message=_("Saved automatically at %(time)s.",
                             time=plan.draft_saved_at.astimezone(
                                 ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
                             .strftime("%H:%M")))


@bp.route("/learn/<cohort_slug>/plan/versions/<int:number>")
@login_required
def version(cohort_slug: str, number: int):
    """One submitted version of my plan and the feedback on it."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, current_user)
    plan = plan_of(enrolment)
    if plan is None or not 1 <= number <= len(plan.versions):
        abort(404)
    return render_template("plans/version.html", cohort=cohort, plan=plan,
                           version=plan.versions[number - 1], rubric=plan_rubric(),
                           back=url_for("plans.plan", cohort_slug=cohort.slug))


@bp.route("/learn/<cohort_slug>/plan/updates", methods=["POST"])
@login_required
def add_update(cohort_slug: str):
    """Report progress on a milestone of my approved plan."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, current_user)
    plan = plan_of(enrolment)
    if plan is None or plan.state != PlanState.APPROVED or cohort.full_path:
        abort(404)  # the full path reports milestones with evidence instead
    form = UpdateForm()
    form.activity_index.choices = [(i, "") for i in range(
        len(plan.latest_version.content.get("activities", [])))]
    if not can_change(cohort) or not form.validate_on_submit():
        flash(_("The update was not saved: choose a milestone, a status and a date."), "error")
        return _page(cohort, plan, status=400)
    try:
        post_update(plan, activity_index=form.activity_index.data,
                    status=form.status.data, note=form.note.data or "",
                    indicator_value=form.indicator_value.data or "",
                    reported_on=form.reported_on.data, today=local_today())
        db.session.commit()
    except PlanError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _page(cohort, plan, status=422)
    flash(_("Progress update saved."), "success")
    return redirect(url_for("plans.plan", cohort_slug=cohort.slug) + "#tracker")
