"""``/dashboard``: what each user does next, by role."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user, login_required

from leans.certificates.queries import valid_certificates
from leans.content import get_catalogue
from leans.core.cohorts import all_cohorts, facilitated_cohorts
from leans.core.i18n import local_today
from leans.core.permissions import can_administer, is_facilitator, is_participant
from leans.modules.overview import participant_overview

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@login_required
def index():
    """Participants: progress and JP; facilitators: their cohorts; admins: all cohorts."""
    user = current_user
    overview = None
    if is_participant(user):
        overview = participant_overview(
            user, get_catalogue(), annual_target=current_app.config["LEANS_JP_ANNUAL_TARGET"],
            today=local_today(), timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
        overview.certificates.update(valid_certificates(t.enrolment.id
                                                        for t in overview.trainings))
    return render_template(
        "dashboard/index.html",
        overview=overview,
        facilitated=facilitated_cohorts(user) if is_facilitator(user) else [],
        admin_cohorts=all_cohorts() if can_administer(user) else [],
        jp_minutes=current_app.config["LEANS_JP_MINUTES"],
    )
