"""Facilitators and admins: design-approved plans, moving, stalled or completed, with their
evidence, per cohort, OPD, kecamatan and desa."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from leans.core.cohorts import staff_cohorts
from leans.core.i18n import local_today
from leans.core.models import Role
from leans.core.permissions import role_required
from leans.core.spreadsheets import download
from leans.reports.tracker import export_table, summaries, tracked_plans

bp = Blueprint("tracker", __name__)


def _tracked():
    cohorts = staff_cohorts(current_user)
    chosen = request.args.get("cohort", "")
    ids = [c.id for c in cohorts if not chosen or c.slug == chosen]
    tracked = tracked_plans(ids, today=local_today(),
                            stalled_days=current_app.config["LEANS_STALLED_DAYS"])
    village = request.args.get("village", "")
    if village:
        tracked = [t for t in tracked if village in t.villages]
    return cohorts, chosen, village, tracked


@bp.route("/grading/tracker")
@role_required(Role.FACILITATOR, Role.ADMIN)
def overview():
    """Which plans are moving, stalled or completed: per cohort, OPD, kecamatan, desa and
    target village, then each plan."""
    cohorts, chosen, village, tracked = _tracked()
    return render_template("plans/tracker.html", cohorts=cohorts, chosen=chosen,
                           village=village, tracked=tracked, summaries=summaries(tracked),
                           stalled_days=current_app.config["LEANS_STALLED_DAYS"])


@bp.route("/grading/tracker.<any(csv, xlsx):fmt>")
@role_required(Role.FACILITATOR, Role.ADMIN)
def export(fmt: str):
    """The tracker table as CSV or XLSX (docs/exports.md)."""
    _cohorts, _chosen, _village, tracked = _tracked()
    return download("pemantauan-rencana-aksi", fmt, export_table(tracked))
