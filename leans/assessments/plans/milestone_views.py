"""The implementation period's pages: the participant's milestone checklist and reports with
evidence, the review page where the mentor confirms or returns each report (read by the
coaches, examiners and admins too), and the evidence files, for authorised viewers only."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import StringField, TextAreaField

from leans.assessments.plans.access import own_approved_plan_or_404, project_plan_or_404
from leans.assessments.plans.evidence import ACCEPTED, MAX_FILE_BYTES, MAX_FILES_PER_REPORT
from leans.assessments.plans.milestones import (
    MAX_LINK,
    MAX_LINKS,
    MAX_TEXT,
    ReportRefused,
    milestone_list,
    overdue_count,
    read_uploads,
    report_milestone,
    reporting_open,
    review_milestone,
)
from leans.assessments.plans.models import ActionPlan, EvidenceFile, MilestoneReport
from leans.assessments.plans.states import MilestoneStatus
from leans.assessments.plans.workflow import PlanError
from leans.core.extensions import db
from leans.core.forms import LeansForm
from leans.core.i18n import local_today
from leans.core.models import utcnow
from leans.core.permissions import (
    can_confirm_milestones,
    can_read_evidence,
    can_report_milestones,
)

bp = Blueprint("milestones", __name__)

#: The largest report a participant may send: every file at its limit, and the text.
MAX_REPORT_REQUEST = MAX_FILES_PER_REPORT * MAX_FILE_BYTES + 1024 * 1024
#: The file types the file chooser offers (the server checks the content itself).
ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"
_MB = 1024 * 1024


class MilestoneReportForm(LeansForm):
    """A milestone reported as carried out: the limits are checked by the service, which
    names what is wrong."""

    text = TextAreaField(_l("What was carried out"))
    links = TextAreaField(_l("Links to evidence (one per line)"))


class MilestoneReviewForm(LeansForm):
    """The mentor's decision on a report; ``decision`` comes from the button pressed."""

    comment = TextAreaField(_l("Comment"))
    decision = StringField()


def _numbered(form: LeansForm, number: int) -> LeansForm:
    """Give the form's controls ids of their own: one page holds a form per milestone."""
    for field in form:
        field.id = field.label.field_id = f"{field.name}-{number}"
    return form


@bp.url_value_preprocessor
def _allow_evidence(endpoint: str | None, values: dict | None) -> None:
    """A report may carry its files at their limits, more than the site's request limit.
    Set here, before any ``before_request`` (CSRF protection reads the form first)."""
    if endpoint == "milestones.report":
        request.max_content_length = max(MAX_REPORT_REQUEST,
                                          current_app.config.get("MAX_CONTENT_LENGTH") or 0)


# The participant ------------------------------------------------------------------------------
def _checklist_page(cohort, plan: ActionPlan, *, posted: MilestoneReportForm | None = None,
                    index: int | None = None, error: ReportRefused | None = None,
                    status: int = 200):
    """The checklist, with a report form under each milestone that can be reported; after a
    refused report, that form holds what was typed and the error beside the field at fault."""
    milestones = milestone_list(plan, local_today())
    can_report = reporting_open(plan) and can_report_milestones(current_user, plan)
    forms = {}
    for m in milestones:
        if can_report and m.reportable:
            form = posted if m.index == index and posted is not None \
                else MilestoneReportForm(formdata=None)
            forms[m.index] = _numbered(form, m.index)
    summary, field_errors = [], {}
    if error is not None:
        anchor = f"{error.field}-{index}" if error.field and index in forms else None
        summary = [(anchor, str(error))]
        if anchor:
            field_errors[error.field] = [str(error)]
    return render_template(
        "plans/milestones.html", cohort=cohort, plan=plan, milestones=milestones,
        overdue=overdue_count(milestones), forms=forms, posted_index=index, summary=summary,
        field_errors=field_errors, accept=ACCEPT, accepted=ACCEPTED,
        max_files=MAX_FILES_PER_REPORT, max_file_mb=MAX_FILE_BYTES // _MB, max_text=MAX_TEXT,
        max_links=MAX_LINKS, max_link=MAX_LINK), status


@bp.route("/learn/<cohort_slug>/plan/milestones")
@login_required
def checklist(cohort_slug: str):
    """My plan's milestones: due dates, what I reported, the mentor's word, what is overdue."""
    cohort, plan = own_approved_plan_or_404(cohort_slug, current_user, full_path=True)
    return _checklist_page(cohort, plan)


@bp.route("/learn/<cohort_slug>/plan/milestones/<int:index>", methods=["POST"])
@login_required
def report(cohort_slug: str, index: int):
    """Report a milestone as carried out, with a description, links and files."""
    cohort, plan = own_approved_plan_or_404(cohort_slug, current_user, full_path=True)
    if not can_report_milestones(current_user, plan):
        flash(_("This cohort is closed: its records can be read but no longer changed."),
              "warning")
        return redirect(url_for("milestones.checklist", cohort_slug=cohort.slug))
    form = MilestoneReportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        report_milestone(plan, current_user, index=index, text=form.text.data or "",
                         links=(form.links.data or "").splitlines(),
                         files=read_uploads(request.files.getlist("files")), now=utcnow())
    except ReportRefused as error:
        db.session.rollback()
        return _checklist_page(cohort, plan, posted=form, index=index, error=error,
                               status=422)
    db.session.commit()
    flash(_("The milestone was reported; it waits to be confirmed."), "success")
    return redirect(url_for("milestones.checklist", cohort_slug=cohort.slug)
                    + f"#milestone-{index}")


# The mentor, the coaches, the examiners, admins --------------------------------------------
def _review_page(plan: ActionPlan, *, posted: MilestoneReviewForm | None = None,
                 report_id: int | None = None, error: str | None = None, status: int = 200):
    milestones = milestone_list(plan, local_today())
    forms = {}
    if can_confirm_milestones(current_user, plan):
        for m in milestones:
            if m.report is not None and m.status is MilestoneStatus.REPORTED:
                form = posted if m.report.id == report_id and posted is not None \
                    else MilestoneReviewForm(formdata=None)
                forms[m.report.id] = _numbered(form, m.report.id)
    summary = [(f"comment-{report_id}" if report_id in forms else None, error)] if error else []
    return render_template("plans/milestones_review.html", plan=plan, milestones=milestones,
                           overdue=overdue_count(milestones), forms=forms, summary=summary,
                           posted_id=report_id, max_text=MAX_TEXT), status


@bp.route("/project/plans/<int:plan_id>/milestones")
@login_required
def review_page(plan_id: int):
    """A participant's milestones with their reports and evidence, to confirm or return."""
    plan = project_plan_or_404(db.session.get(ActionPlan, plan_id), current_user, approved=True)
    return _review_page(plan)


@bp.route("/project/milestone-reports/<int:report_id>/review", methods=["POST"])
@login_required
def review(report_id: int):
    """Confirm a reported milestone, or return it with a comment."""
    entry = db.session.get(MilestoneReport, report_id)
    plan = project_plan_or_404(entry.plan if entry is not None else None, current_user,
                               approved=True)
    if not can_confirm_milestones(current_user, plan):
        abort(403)
    form = MilestoneReviewForm()
    if not form.validate_on_submit():
        abort(400)
    decision = form.decision.data
    try:
        review_milestone(entry, current_user, decision=decision,
                         comment=form.comment.data or "", now=utcnow())
    except PlanError as error:
        db.session.rollback()
        return _review_page(plan, posted=form, report_id=report_id, error=str(error),
                            status=422)
    db.session.commit()
    flash(_("The milestone was confirmed.") if decision == "confirm" else
          _("The milestone was returned to the participant with your comment."), "success")
    return redirect(url_for("milestones.review_page", plan_id=plan.id)
                    + f"#milestone-{entry.activity_index}")


# Evidence files -------------------------------------------------------------------------------
@bp.route("/evidence/<int:file_id>")
@login_required
def evidence(file_id: int):
    """An evidence file, as an attachment, to whoever may read its plan (404 for others)."""
    file = db.session.get(EvidenceFile, file_id)
    if file is None or not can_read_evidence(current_user, file):
        abort(404)
    filename = re.sub(r"[^A-Za-z0-9._-]", "_", file.filename) or "bukti"
    return Response(file.data, mimetype=file.content_type, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})

