"""Facilitators and admins: approved plans after the training, and the audit trail."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.assessments.grading_views import grader_cohorts
from leans.assessments.plan_models import ActionPlan
from leans.assessments.plan_states import PlanState
from leans.assessments.tracker import by_village, export_rows, track
from leans.audit import AuditEvent
from leans.auth.permissions import role_required
from leans.extensions import db
from leans.i18n import local_today
from leans.models import Enrolment, Role
from leans.spreadsheets import download

bp = Blueprint("tracker", __name__)


def _tracked():
    cohorts = grader_cohorts()
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
    header, rows = export_rows(tracked)
    return download("pemantauan-rencana-aksi", fmt, "Pemantauan", header, rows)


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    """The audit trail, newest first; filter by what it concerns."""
    query = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(
        AuditEvent.id.desc()).limit(500)
    kind, object_id = request.args.get("type", ""), request.args.get("id", type=int)
    if kind:
        query = query.where(AuditEvent.object_type == kind)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    return render_template("plans/audit.html", events=db.session.scalars(query).all(),
                           kind=kind, object_id=object_id)
