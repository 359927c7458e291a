"""The audit trail: who did what to which record, newest first (administrators)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.core.audit import AuditEvent, AuditObject
from leans.core.extensions import db
from leans.core.forms import int_arg
from leans.core.labels import LABELS
from leans.core.models import Role
from leans.core.permissions import role_required

#: Detail keys whose values are codes, and the enums (named as in ``LABELS``) they come from:
#: the page shows their labels.
CODED_DETAILS = {"stage": ("SeminarStage",), "role": ("AssessorRole",),
                 "status": ("FollowUpStatus", "MilestoneStatus")}


def detail_text(key: str, value: object) -> str:
    """An audit detail's value as the page shows it: a code's label, else the value."""
    for enum_name in CODED_DETAILS.get(key, ()):
        label = LABELS[enum_name].get(str(value))
        if label is not None:
            return str(label)
    return str(value)


bp = Blueprint("audit", __name__)


@bp.route("/audit")
@role_required(Role.ADMIN)
def trail():
    """The audit trail, newest first; filter by what it concerns."""
    query = select(AuditEvent).options(selectinload(AuditEvent.actor)).order_by(
        AuditEvent.id.desc()).limit(500)
    kind, object_id = request.args.get("type", ""), int_arg("id", 0, 0, 2**31 - 1)
    if kind in set(AuditObject):
        query = query.where(AuditEvent.object_type == AuditObject(kind))
    else:
        kind = ""
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    return render_template("admin/audit.html", events=db.session.scalars(query).all(),
                           detail_text=detail_text,
                           kind=kind, object_id=object_id,
                           object_types=list(AuditObject))
