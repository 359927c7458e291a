"""``/dashboard``: what each user does next, by role."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from leans.certificates.queries import valid_certificates
from leans.content import get_catalogue
from leans.core.cohorts import all_cohorts, facilitated_cohorts
from leans.core.i18n import local_today
from leans.core.models import utcnow
from leans.core.permissions import can_administer, is_facilitator, is_participant, is_staff
from leans.dashboard.staff import staff_attention
from leans.modules.overview import participant_overview

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@login_required
def index():
    """Participants: each training's next step, progress and JP; facilitators and admins:
    what needs their attention, and their cohorts."""
    user, config, today = current_user, current_app.config, local_today()
    overview = attention = None
    if is_participant(user):
        overview = participant_overview(
            user, get_catalogue(), annual_target=config["LEANS_JP_ANNUAL_TARGET"],
            today=today, timezone=config["BABEL_DEFAULT_TIMEZONE"])
        overview.certificates.update(valid_certificates(t.enrolment.id
                                                        for t in overview.trainings))
    admin_cohorts = all_cohorts() if can_administer(user) else []
    facilitated = facilitated_cohorts(user) if is_facilitator(user) else []
    if is_staff(user):
        attention = staff_attention(
            user, admin_cohorts if can_administer(user) else facilitated, now=utcnow(), today=today,
            overdue_days=config["LEANS_REVIEW_OVERDUE_DAYS"],
            stuck_days=config["LEANS_STUCK_DAYS"], catalogue=get_catalogue(),
            timezone=config["BABEL_DEFAULT_TIMEZONE"])
    return render_template(
        "dashboard/index.html", overview=overview, attention=attention,
        facilitated=facilitated, admin_cohorts=admin_cohorts,
        jp_minutes=config["LEANS_JP_MINUTES"])
