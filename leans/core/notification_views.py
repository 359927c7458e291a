"""``/notifications``: the list (works without JavaScript), opening one (marks it read and
goes to the page where the person acts), marking all read, and which kinds come by email."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.core import mail
from leans.core.extensions import db
from leans.core.forms import EmptyForm, int_arg
from leans.core.models import utcnow
from leans.core.notifications import (
    KINDS_BY_ROLE,
    NotificationKind,
    email_opt_outs,
    kinds_for,
    mark_all_read,
    mark_read,
    page_of,
    set_email_kinds,
)
from leans.core.permissions import get_notification_or_404

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    """The user's notifications, newest first, unread marked."""
    page = int_arg("page", 1, 1, 10_000)
    notifications, pages = page_of(current_user, page)
    return render_template("notifications/index.html", notifications=notifications,
                           page=min(page, pages), pages=pages, form=EmptyForm())


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    """Mark one notification read and go to its page."""
    notification = get_notification_or_404(notification_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    mark_read([notification], utcnow())
    db.session.commit()
    return redirect(notification.link)


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    """Mark every notification of the user read."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = mark_all_read(current_user, utcnow())
    db.session.commit()
    flash(_("%(count)d notifications marked as read.", count=count), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Which kinds of notification also come by email."""
    form = EmptyForm()
    kinds = kinds_for(current_user)
    if form.validate_on_submit():
        chosen = set(request.form.getlist("email"))
        unknown = chosen - {kind.value for kind in kinds}
        if unknown:
            abort(400)
        set_email_kinds(current_user, [NotificationKind(value) for value in chosen])
        db.session.commit()
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    off = email_opt_outs(current_user)
    groups = [(role, [k for k in role_kinds if k in kinds])
              for role, role_kinds in KINDS_BY_ROLE.items() if current_user.has_role(role)]
    return render_template("notifications/settings.html", form=form, groups=groups, off=off,
                           mail_enabled=mail.enabled(), has_email=bool(current_user.email))
