"""Facilitators' and admins' view of a cohort's progress, a participant's detail, exports."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.forms import int_arg
from leans.core.models import Cohort, Enrolment
from leans.core.permissions import get_managed_cohort_or_404
from leans.core.spreadsheets import download
from leans.modules.cohort_progress import CohortReport, cohort_report
from leans.modules.facts import load_facts
from leans.modules.progress import training_progress
from leans.modules.training import training_modules
from leans.reports.cohort_progress import SORT_KEYS, export_table, filter_rows, sort_rows

bp = Blueprint("cohort_progress", __name__)


def _filtered_report(cohort: Cohort) -> tuple[CohortReport, list, dict]:
    args = {
        "unit": request.args.get("unit", ""),
        "state": request.args.get("state", ""),
        "days": int_arg("days", 7, 1, 3650),
        "sort": request.args.get("sort", "name"),
        "desc": request.args.get("desc", "") == "1",
    }
    if args["sort"] not in SORT_KEYS:
        args["sort"] = "name"
    report = cohort_report(cohort, get_catalogue())
    rows = filter_rows(report.rows, unit=args["unit"], state=args["state"],
                       stuck_days=args["days"])
    return report, sort_rows(rows, args["sort"], args["desc"]), args


@bp.route("/cohorts/<cohort_slug>/progress")
@login_required
def table(cohort_slug: str):
    """Participants × modules with status and last activity; filters and sorting."""
    report, rows, args = _filtered_report(get_managed_cohort_or_404(cohort_slug, current_user))
    return render_template("modules/cohort_progress.html", report=report, rows=rows, args=args)


@bp.route("/cohorts/<cohort_slug>/progress.<any(csv, xlsx):fmt>")
@login_required
def export(cohort_slug: str, fmt: str):
    """The progress table as CSV or XLSX, with the columns documented in docs/exports.md."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    report, rows, _args = _filtered_report(cohort)
    table = export_table(CohortReport(report.cohort, report.modules, rows),
                         current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return download(f"kemajuan-{cohort.slug}", fmt, table)


@bp.route("/cohorts/<cohort_slug>/participants/<int:user_id>")
@login_required
def participant(cohort_slug: str, user_id: int):
    """One participant's progress in this cohort, module by module and lesson by lesson."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user_id))
    if enrolment is None:
        abort(404)
    catalogue = get_catalogue()
    modules = training_modules(cohort, catalogue)
    facts = load_facts([enrolment.id], catalogue).get(enrolment.id, {})
    return render_template("modules/participant_progress.html", cohort=cohort,
                           enrolment=enrolment, person=enrolment.user,
                           progress=training_progress(modules, facts), facts=facts)
