"""BKPP reports: per cohort or across cohorts, each chart with its table, and exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from leans.content import get_catalogue
from leans.core.cohorts import all_cohorts
from leans.core.models import Role
from leans.core.permissions import restrict_blueprint
from leans.core.spreadsheets import download
from leans.reports.bkpp import build_report

bp = Blueprint("bkpp_reports", __name__, url_prefix="/admin")
restrict_blueprint(bp, Role.ADMIN)  # BKPP reports are for administrators


def _selected():
    cohorts = all_cohorts()
    chosen = request.args.get("cohort", "")
    selected = [c for c in cohorts if not chosen or c.slug == chosen]
    if chosen and not selected:
        abort(404)
    return cohorts, chosen, selected


@bp.route("/reports")
def overview():
    """Completion, JP, action plans, test gains and certificates, with charts."""
    cohorts, chosen, selected = _selected()
    return render_template("admin/reports.html", cohorts=cohorts, chosen=chosen,
                           report=build_report(selected, get_catalogue()))


@bp.route("/reports/<table>.<any(csv, xlsx):fmt>")
def export(table: str, fmt: str):
    """One report table as CSV or XLSX (fixed columns, header row)."""
    _cohorts, chosen, selected = _selected()
    report = build_report(selected, get_catalogue())
    if table not in report.tables:
        abort(404)
    return download(f"laporan-{table}-{chosen or 'semua'}", fmt, report.tables[table])
