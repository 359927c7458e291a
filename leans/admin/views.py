"""BKPP administration: cohorts, their modules, facilitators and participants, imports."""

from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.admin import uploads
from leans.admin.blueprint import bp
from leans.admin.cohorts import (
    FIELDS,
    CohortError,
    link_mentor,
    module_order,
    save_cohort,
    set_closed,
    set_enrolled,
)
from leans.admin.forms import CohortForm, ImportForm, MentorForm
from leans.admin.importing import FIELD_LABELS, apply_import, plan_import
from leans.admin.sheets import SheetError, read_sheet
from leans.admin.template_sheet import download_template
from leans.auth.services import setup_url
from leans.content import get_catalogue
from leans.core.cohorts import all_cohorts
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.mail import send_setup_link
from leans.core.models import Cohort, Enrolment, PlanPath, Role, User, UserRole


def _cohort(slug: str) -> Cohort:
    return db.session.scalar(select(Cohort).where(Cohort.slug == slug)) or abort(404)


@bp.context_processor
def _import_labels() -> dict:
    return {"import_labels": FIELD_LABELS}


@bp.route("/")
def home():
    """Cohorts and the administration tools."""
    return render_template("admin/home.html", cohorts=all_cohorts())


def _role_holders(role: Role) -> list[User]:
    return list(db.session.scalars(select(User).join(UserRole).where(
        UserRole.role == role).order_by(User.full_name, User.id)))


def _staff_choices(form: CohortForm) -> None:
    """The facilitators and examiners a cohort can have: the holders of each role."""
    form.facilitators.choices = [(u.id, u.full_name) for u in _role_holders(Role.FACILITATOR)]
    form.examiners.choices = [(u.id, u.full_name) for u in _role_holders(Role.EXAMINER)]


def _save_cohort(form: CohortForm, cohort: Cohort | None) -> Cohort | None:
    """Save from the form; None (with the reason shown) when it cannot be saved."""
    known = [m.slug for m in get_catalogue().modules]
    modules = module_order(known, request.form.getlist("module"),
                           {slug: request.form.get(f"position-{slug}", "") for slug in known})
    fields = {name: getattr(form, name).data for name in FIELDS
              if getattr(form, name).data is not None}  # an empty number keeps its value
    fields["plan_path"] = PlanPath(form.plan_path.data)
    try:
        saved = save_cohort(cohort, current_user, fields=fields, modules=modules,
                            facilitator_ids=set(form.facilitators.data or []),
                            examiner_ids=set(form.examiners.data or []))
    except CohortError as error:
        db.session.rollback()
        flash(str(error), "error")
        return None
    db.session.commit()
    return saved


def _cohort_form_page(form: CohortForm, cohort: Cohort | None, chosen: list[str]):
    return render_template("admin/cohort_form.html", form=form, cohort=cohort,
                           modules=get_catalogue().modules,
                           chosen=request.form.getlist("module") or chosen)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort():
    """Create a cohort (angkatan)."""
    form = CohortForm()
    _staff_choices(form)
    if form.validate_on_submit() and (cohort := _save_cohort(form, None)):
        flash(_("Cohort %(name)s created.", name=cohort.name), "success")
        return redirect(url_for("admin.people", slug=cohort.slug))
    return _cohort_form_page(form, None, [m.slug for m in get_catalogue().modules])


@bp.route("/cohorts/<slug>/edit", methods=["GET", "POST"])
def edit_cohort(slug: str):
    """Change a cohort: dates, place, modules and their order, facilitators, examiners and
    the change project's settings."""
    cohort = _cohort(slug)
    form = CohortForm(obj=cohort)
    _staff_choices(form)
    if request.method == "GET":
        form.facilitators.data = [row.user_id for row in cohort.facilitator_rows]
        form.examiners.data = [row.user_id for row in cohort.examiner_rows]
    if form.validate_on_submit() and _save_cohort(form, cohort):
        flash(_("Cohort saved."), "success")
        return redirect(url_for("admin.people", slug=cohort.slug))
    return _cohort_form_page(form, cohort, cohort.module_slugs)


@bp.route("/cohorts/<slug>/<any(close, reopen):action>", methods=["POST"])
def close_cohort(slug: str, action: str):
    """Close (read-only for participants, all data kept) or reopen a cohort."""
    cohort = _cohort(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    set_closed(cohort, current_user, closed=action == "close")
    db.session.commit()
    flash(_("Cohort closed: participants can read but not change anything.") if cohort.closed
          else _("Cohort reopened."), "success")
    return redirect(url_for("admin.people", slug=slug))


@bp.route("/cohorts/<slug>/people")
def people(slug: str):
    """The cohort's participants (enrolled and unenrolled) and facilitators."""
    cohort = _cohort(slug)
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id)
        .join(User, User.id == Enrolment.user_id).order_by(User.full_name)
        .options(selectinload(Enrolment.user), selectinload(Enrolment.mentor))).all()
    return render_template("admin/people.html", cohort=cohort, enrolments=enrolments,
                           mentors=_role_holders(Role.MENTOR),
                           examiners=[row.user for row in cohort.examiner_rows])


@bp.route("/cohorts/<slug>/enrolments/<int:user_id>/mentor", methods=["POST"])
def enrolment_mentor(slug: str, user_id: int):
    """Link a participant to their mentor in this cohort, or unlink (audited)."""
    cohort = _cohort(slug)
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id == user_id)) or abort(404)
    form = MentorForm()
    form.mentor.choices = [("", "")] + [(str(u.id), u.full_name)
                                        for u in _role_holders(Role.MENTOR)]
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Choose a mentor from the list, or nobody."), "error")
        return redirect(url_for("admin.people", slug=slug))
    mentor = db.session.get(User, int(form.mentor.data)) if form.mentor.data else None
    try:
        changed = link_mentor(enrolment, mentor, current_user)
    except CohortError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.people", slug=slug))
    db.session.commit()
    if changed:
        flash(_("%(mentor)s is now the mentor of %(name)s.", mentor=mentor.full_name,
                name=enrolment.user.full_name) if mentor else
              _("%(name)s has no mentor now.", name=enrolment.user.full_name), "success")
    return redirect(url_for("admin.people", slug=slug))


@bp.route("/cohorts/<slug>/enrolments/<int:user_id>/<any(unenrol, enrol):action>",
          methods=["POST"])
def enrolment(slug: str, user_id: int, action: str):
    """Unenrol (records kept) or enrol again; both recorded in the audit trail."""
    cohort = _cohort(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id) or abort(404)
    set_enrolled(cohort, user, current_user, enrolled=action == "enrol")
    db.session.commit()
    flash(_("%(name)s unenrolled; the records are kept and this can be undone.",
            name=user.full_name) if action == "unenrol"
          else _("%(name)s enrolled.", name=user.full_name), "success")
    return redirect(url_for("admin.people", slug=slug))


@bp.route("/cohorts/<slug>/enrol", methods=["POST"])
def enrol_by_username(slug: str):
    """Enrol an existing account by username or email."""
    _cohort(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    key = request.form.get("login", "").strip().lower()
    user = db.session.scalar(select(User).where((User.username == key) | (User.email == key)))
    if user is None:
        flash(_("No account has the username or email %(key)s.", key=key), "error")
        return redirect(url_for("admin.people", slug=slug))
    return enrolment(slug, user.id, "enrol")


@bp.route("/cohorts/<slug>/import", methods=["GET", "POST"])
def import_people(slug: str):
    """Upload a spreadsheet and preview every row before anything is written."""
    cohort = _cohort(slug)
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", cohort=cohort, form=form, plan=None)
    upload = form.file.data
    suffix = Path(upload.filename or "").suffix.lower()
    data = upload.read()
    try:
        plan = plan_import(read_sheet(upload.filename or "", data), cohort)
    except SheetError as error:
        form.file.errors.append(str(error))
        return render_template("admin/import.html", cohort=cohort, form=form, plan=None), 400
    token = uploads.store(data, suffix)
    return render_template("admin/import.html", cohort=cohort, form=form, plan=plan,
                           token=token, filename=upload.filename)


@bp.route("/import-template.<any(csv, xlsx):fmt>")
def import_template(fmt: str):
    """A template for the import: the accepted headers, an example row, a note per column."""
    return download_template(fmt)


@bp.route("/cohorts/<slug>/import/confirm", methods=["POST"])
def confirm_import(slug: str):
    """Write the previewed file: every row, or none when any row has an error."""
    cohort = _cohort(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = request.form.get("token", "")
    claimed = uploads.claim(token) or abort(404)  # a second click finds nothing to import
    try:
        plan = plan_import(read_sheet(token, claimed.read_bytes()), cohort)
        accounts = apply_import(plan, cohort, current_user) if plan.ok else None
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.release(claimed)
        raise
    if accounts is None:  # the database changed since the preview
        uploads.release(claimed)
        return render_template("admin/import.html", cohort=cohort, form=ImportForm(),
                               plan=plan, token=token,
                               filename=request.form.get("filename", "")), 409
    uploads.discard(claimed)
    links = {a.username: setup_url(a.setup_token) for a in accounts}
    sent = {a.username for a in accounts
            if send_setup_link(a.email, a.full_name, a.username, links[a.username])}
    return render_template("admin/import_done.html", cohort=cohort, plan=plan,
                           accounts=accounts, links=links, sent=sent)
