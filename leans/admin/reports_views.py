"""BKPP reports: per cohort or across cohorts, each chart with its table, and exports."""

from __future__ import annotations

from flask import abort, render_template, request

from leans.admin.reports import build_report
from leans.admin.views import bp
from leans.cohorts import all_cohorts
from leans.content import get_catalogue
from leans.spreadsheets import download


def _selected():
    cohorts = all_cohorts()
    chosen = request.args.get("cohort", "")
    selected = [c for c in cohorts if not chosen or c.slug == chosen]
    if chosen and not selected:
        abort(404)
    return cohorts, chosen, selected


@bp.route("/reports")
def reports():
    """Completion, JP, action plans, test gains and certificates, with charts."""
    cohorts, chosen, selected = _selected()
    return render_template("admin/reports.html", cohorts=cohorts, chosen=chosen,
                           report=build_report(selected, get_catalogue()))


@bp.route("/reports/<table>.<any(csv, xlsx):fmt>")
def report_export(table: str, fmt: str):
    """One report table as CSV or XLSX (fixed columns, header row)."""
    _cohorts, chosen, selected = _selected()
    report = build_report(selected, get_catalogue())
    if table not in report.tables:
        abort(404)
    data = report.tables[table]
    return download(f"laporan-{table}-{chosen or 'semua'}", fmt, table, data.header, data.rows)
