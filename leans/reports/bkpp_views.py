"""BKPP reports: per cohort or across cohorts, each chart with its table, and exports; and
who reached the annual JP standard in a year."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from leans.content import get_catalogue
from leans.core.cohorts import all_cohorts
from leans.core.i18n import local_today
from leans.core.models import Role
from leans.core.permissions import restrict_blueprint
from leans.core.spreadsheets import download
from leans.reports.bkpp import FIRST_YEAR, JpYearReport, build_report, jp_year_report

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


def _jp_year() -> tuple[JpYearReport, str]:
    """The report for ``?year=`` (this year, local time, when missing); a year that is not a
    number or lies outside [FIRST_YEAR, next year] gives this year, and the asked text back."""
    this_year = local_today().year
    raw = request.args.get("year", "").strip()[:10]
    asked = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
    year = asked if asked is not None and FIRST_YEAR <= asked <= this_year + 1 else this_year
    config = current_app.config
    report = jp_year_report(all_cohorts(), get_catalogue(), year=year,
                            target=config["LEANS_JP_ANNUAL_TARGET"],
                            timezone=config["BABEL_DEFAULT_TIMEZONE"], last_year=this_year + 1)
    return report, raw if raw and raw != str(year) else ""


@bp.route("/reports/jp-year")
def jp_year():
    """Per unit and per person: who reached the annual JP standard through LEANS."""
    report, refused = _jp_year()
    years = sorted(set(report.years) | {report.year}, reverse=True)
    return render_template("admin/reports_jp_year.html", report=report, years=years,
                           refused=refused)


@bp.route("/reports/jp-year/<any(units, people):table>.<any(csv, xlsx):fmt>")
def jp_year_export(table: str, fmt: str):
    """The JP-a-year tables as CSV or XLSX."""
    report, _refused = _jp_year()
    return download(f"laporan-jp-{report.year}-{table}", fmt, report.tables[table])
