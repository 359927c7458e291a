"""BKPP administration: accounts (create with a setup link, roles, deactivate, reset)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from leans.admin.accounts import change_roles, create_account, reset_password, set_active
from leans.admin.blueprint import bp
from leans.admin.forms import UserForm
from leans.admin.importing import not_yet_activated
from leans.auth.services import reauthenticated, setup_url
from leans.auth.throttle import locked_until, unlock
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.forms import EmptyForm, int_arg
from leans.core.mail import send_setup_link
from leans.core.models import Role, User
from leans.core.permissions import can_administer_account

PAGE = 50


@bp.route("/users")
def users():
    """Accounts, searchable by name, username, email or NIP."""
    query = request.args.get("q", "").strip()
    page = int_arg("page", 1, 1, 100_000)
    statement = select(User).order_by(User.full_name)
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(User.full_name).like(like),
                                        User.username.like(like), User.email.like(like),
                                        User.nip.like(f"%{query.replace(' ', '')}%")))
    total = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    people = db.session.scalars(statement.limit(PAGE).offset((page - 1) * PAGE)).all()
    pending = {p.id for p in people if not_yet_activated(p)}
    return render_template("admin/users.html", people=people, query=query, page=page,
                           pending=pending,
                           pages=max(1, -(-total // PAGE)), total=total)


def _fill(user: User, form: UserForm) -> bool:
    for name in ("username", "email"):
        value = (getattr(form, name).data or "").strip().lower() or None
        clash = value and db.session.scalar(select(User.id).where(
            getattr(User, name) == value, User.id != (user.id or 0)))
        if clash:
            getattr(form, name).errors.append(_("Already used by another account."))
            return False
        setattr(user, name, value)
    if form.nip.data and db.session.scalar(select(User.id).where(
            User.nip == form.nip.data, User.id != (user.id or 0))):
        form.nip.errors.append(_("This NIP belongs to another account."))
        return False
    for name in ("full_name", "nip", "golongan", "jabatan", "unit"):
        setattr(user, name, getattr(form, name).data or None)
    return True


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account; the person chooses a password through a one-time link."""
    form = UserForm()
    if form.validate_on_submit():
        user = User(full_name="", username="")
        if _fill(user, form):
            fields = {c: getattr(user, c) for c in ("username", "email", "full_name", "nip",
                                                     "golongan", "jabatan", "unit")}
            created, token = create_account(current_user, roles={Role(r) for r in
                                                                 form.roles.data}, **fields)
            db.session.commit()
            link = setup_url(token)
            sent = send_setup_link(created.email, created.full_name, created.username, link)
            return render_template("admin/setup_link.html", person=created, link=link,
                                   created=True, sent=sent)
    return render_template("admin/user_form.html", form=form, person=None)


def _account_page(form: UserForm, person: User, status: int = 200):
    """An account's page, saying whether (and until when) wrong passwords locked it."""
    return render_template("admin/user_form.html", form=form, person=person,
                           locked_until=locked_until(person)), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Correct an account's data and roles."""
    person = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=person)
    if request.method == "GET":
        form.roles.data = [r.value for r in person.roles]
    if form.validate_on_submit():
        nip_changes = (form.nip.data or None) != person.nip
        if nip_changes:
            check = reauthenticated(current_user, request.form.get("confirm_password", ""))
            if not check:
                db.session.commit()  # the failed check is counted
                check.raise_if_refused()
                form.nip.errors.append(_("Changing a NIP needs your password below."))
                return _account_page(form, person, 403)
        if not _fill(person, form):
            return _account_page(form, person)
        if nip_changes:
            record(current_user, "user.nip_changed", "user", person.id)
        roles = {Role(r) for r in form.roles.data}
        if roles != person.roles:
            if Role.ADMIN not in roles and not can_administer_account(current_user, person):
                flash(_("You cannot remove your own admin role."), "error")
                return redirect(url_for("admin.edit_user", user_id=person.id))
            change_roles(current_user, person, roles)
        db.session.commit()
        flash(_("Account saved."), "success")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    return _account_page(form, person)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
def unlock_user(user_id: int):
    """Lift the lock that too many wrong passwords put on an account (audited)."""
    person = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not can_administer_account(current_user, person):
        flash(_("You cannot do this to your own account here."), "error")
    elif unlock(current_user, person):
        db.session.commit()
        flash(_("Account unlocked: its password can be used again."), "success")
    else:
        flash(_("This account is not locked."), "info")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate, reset):action>",
          methods=["POST"])
def account_action(user_id: int, action: str):
    """Deactivate or reactivate an account, or replace its password by a setup link."""
    person = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if action != "reactivate" and not can_administer_account(current_user, person):
        flash(_("You cannot do this to your own account here."), "error")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    if action == "reset":
        token = reset_password(current_user, person)
        db.session.commit()
        link = setup_url(token)
        sent = send_setup_link(person.email, person.full_name, person.username, link)
        return render_template("admin/setup_link.html", person=person, link=link,
                               created=False, sent=sent)
    set_active(current_user, person, action == "reactivate")
    db.session.commit()
    flash(_("Account deactivated; the records are kept.") if action == "deactivate"
          else _("Account reactivated."), "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))
