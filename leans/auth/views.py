"""Login, logout and password changes."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.auth.forms import ChangePasswordForm, LoginForm, SetupForm
from leans.auth.services import (
    authenticate,
    end_session,
    set_password,
    start_session,
    user_for_setup_token,
)
from leans.auth.throttle import REASONS, PasswordCheck, check_password, retry_seconds
from leans.core import metrics
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.security import safe_next

#: What a phone drops when its session ends: stored pages (Cache Storage), the offline queue
#: (IndexedDB) and the service worker, so the next person on a shared phone reads none of it.
CLEAR_SITE_DATA = '"cache", "storage"'

bp = Blueprint("auth", __name__)


def _refused(template: str, check: PasswordCheck, **context: object) -> Response:
    """TEMPLATE again with the refusal and when to try again: 429 with Retry-After."""
    seconds = retry_seconds(check.refused_until)
    response = make_response(render_template(
        template, refusal=REASONS[check.reason], retry_at=check.refused_until,
        retry_minutes=max(1, round(seconds / 60)), **context), 429)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username or email and password. Failed attempts are throttled per account
    and per address (``leans.auth.throttle``); successes never count, so a whole class can
    log in from one hall's address."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.login.data, form.password.data)
        if result.outcome == "ok":
            start_session(result.user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))
        db.session.commit()  # the failed check is counted
        metrics.login_refused(result.outcome, result.check.reason)
        if result.outcome == "refused":
            return _refused("auth/login.html", result.check, form=form)
        if result.outcome == "inactive":
            flash(_("This account has been deactivated. Please contact the BKPP administrator."),
                  "error")
        else:
            flash(_("The username/email or password is not correct."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, so another site cannot log a user out)."""
    response = redirect(url_for("auth.login"))
    if EmptyForm().validate_on_submit():
        end_session(current_user._get_current_object())
        db.session.commit()
        flash(_("You have logged out."), "info")
        # The next person on a shared phone finds none of this user's stored pages or queue.
        response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change my password; also the forced first-login step."""
    form = ChangePasswordForm()
    forced = current_user.must_change_password
    if form.validate_on_submit():
        user = current_user._get_current_object()
        check = check_password(user, form.current_password.data)
        if check:
            set_password(user, form.new_password.data)
            start_session(user)  # the old session ended with the version bump
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
        db.session.commit()  # the failed check is counted
        if check.refused:
            return _refused("auth/change_password.html", check, form=form, forced=forced)
        form.current_password.errors.append(_("The current password is not correct."))
    return render_template("auth/change_password.html", form=form, forced=forced)


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    """A one-time link for an imported account: choose a password, then log in."""
    user = user_for_setup_token(token)
    if user is None:
        return render_template("auth/setup.html", form=None), 404
    form = SetupForm()
    form.user = user
    if form.validate_on_submit():
        set_password(user, form.new_password.data)
        user.setup_token_hash = user.setup_token_expires_at = None
        start_session(user)
        db.session.commit()
        flash(_("Your password is set. Welcome to LEANS."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/setup.html", form=form, person=user)
