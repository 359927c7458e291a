"""Home, dashboard per role, cohort page, language switch and health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from leans.core.cohorts import active_participants
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.permissions import can_manage_cohort, get_cohort_or_404
from leans.core.security import safe_next

bp = Blueprint("core", __name__)


@bp.before_app_request
def refuse_nul_characters():
    """A 400 for a NUL character in the address, a query parameter or a form field: no page
    of LEANS makes one, and PostgreSQL refuses it in text, so it used to reach the database
    and fail there as a 500 (``/login`` with one in the username, any cohort address)."""
    if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for fields in (request.args, request.form) for key, value in fields.items(multi=True)):
        abort(400)


@bp.route("/")
def index():
    """Landing page; logged-in users go to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    return render_template("core/index.html")




@bp.route("/cohorts/<slug>")
@login_required
def cohort(slug: str):
    """A cohort's page: its dates, modules and (for its facilitators and admins) participants."""
    cohort = get_cohort_or_404(slug, for_user=current_user)
    manage = can_manage_cohort(current_user, cohort)
    return render_template(
        "core/cohort.html", cohort=cohort,
        participants=active_participants(cohort) if manage else None,
    )


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered in the session and on the account."""
    language = request.form.get("language", "")
    if EmptyForm().validate_on_submit() and language in current_app.config["LANGUAGES"]:
        session["locale"] = language
        if current_user.is_authenticated:
            current_user.locale = language
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("core.index")))


@bp.route("/healthz")
def healthz():
    """Machine-readable status: 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(app="ok", database=database), status
