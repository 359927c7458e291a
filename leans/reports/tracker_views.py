"""Facilitators and admins: approved plans after the training, moving or stalled."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import PlanState
from leans.core.cohorts import staff_cohorts
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Enrolment, Role
from leans.core.permissions import role_required
from leans.core.spreadsheets import download
from leans.reports.tracker import by_village, export_table, track

bp = Blueprint("tracker", __name__)


def _tracked():
    cohorts = staff_cohorts(current_user)
    chosen = request.args.get("cohort", "")
    ids = [c.id for c in cohorts if not chosen or c.slug == chosen]
    plans = db.session.scalars(
        select(ActionPlan).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .where(Enrolment.cohort_id.in_(ids), ActionPlan.state == PlanState.APPROVED)
        .options(selectinload(ActionPlan.versions), selectinload(ActionPlan.updates),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.user),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.cohort)))
    today, days = local_today(), current_app.config["LEANS_STALLED_DAYS"]
    tracked = [track(plan, today=today, stalled_days=days) for plan in plans]
    village = request.args.get("village", "")
    if village:
        tracked = [t for t in tracked if village in t.villages]
    tracked.sort(key=lambda t: (not t.stalled, t.plan.enrolment.user.full_name.lower()))
    return cohorts, chosen, village, tracked


@bp.route("/grading/tracker")
@role_required(Role.FACILITATOR, Role.ADMIN)
def overview():
    """Which approved plans are moving and which are stalled, per cohort and per village."""
    cohorts, chosen, village, tracked = _tracked()
    return render_template("plans/tracker.html", cohorts=cohorts, chosen=chosen,
                           village=village, tracked=tracked, villages=by_village(tracked),
                           stalled_days=current_app.config["LEANS_STALLED_DAYS"])


@bp.route("/grading/tracker.<any(csv, xlsx):fmt>")
@role_required(Role.FACILITATOR, Role.ADMIN)
def export(fmt: str):
    """The tracker table as CSV or XLSX (docs/exports.md)."""
    _cohorts, _chosen, _village, tracked = _tracked()
    return download("pemantauan-rencana-aksi", fmt, export_table(tracked))
