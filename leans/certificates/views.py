"""Certificates: public verification, downloads, and the admins' registry per cohort."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from leans.auth.services import reauthenticated
from leans.certificates.export import pdf_filename
from leans.certificates.file_check import MAX_FILE, FileKind, check_file
from leans.certificates.holder import holder_certificate
from leans.certificates.issuing import (
    Candidate,
    CertificateError,
    can_reissue,
    candidate_for,
    candidates,
    current_of,
    issue_one,
    reissue,
    revoke,
    waiting_for_issue,
)
from leans.certificates.jobs import EXPORT_KIND, enqueue, export_expired, export_filename
from leans.certificates.models import BulkJob, Certificate, CertificateStatus, JobKind, JobStatus
from leans.core import storage
from leans.core.extensions import db, limiter
from leans.core.forms import EmptyForm, int_arg
from leans.core.identity import mask_nip
from leans.core.models import Enrolment, Role, utcnow
from leans.core.permissions import get_cohort_or_404, role_required

bp = Blueprint("certificates", __name__)


def _verify_limit() -> str:
    return current_app.config["LEANS_VERIFY_RATE_LIMIT"]


#: The largest request the file check accepts (the file plus the form's few fields).
MAX_VERIFY_REQUEST = MAX_FILE + 64 * 1024


@bp.url_value_preprocessor
def _limit_upload(endpoint: str | None, values: dict | None) -> None:
    """The file check takes at most 5 MB, less than the site's request limit, and keeps the
    upload in memory (Werkzeug would spool a large one to a temporary file). Set here, before
    any ``before_request`` (CSRF protection reads the form first)."""
    if endpoint == "certificates.verify_file" and request.method == "POST":
        site = current_app.config.get("MAX_CONTENT_LENGTH") or MAX_VERIFY_REQUEST
        request.max_content_length = min(MAX_VERIFY_REQUEST, site)
        request._get_file_stream = lambda *args, **kwargs: io.BytesIO()


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit)
def verify_file():
    """Public: look a certificate up by its code, or check that a PDF is the file issued
    (its bytes compared with the registry's; stored nowhere, not even a temporary file)."""
    form = EmptyForm()
    if request.method == "GET":
        code = request.args.get("code", "").strip()[:64]
        if code:
            return redirect(url_for("certificates.verify", code=code))
        return render_template("certificates/verify_file.html", form=form, result=None)
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    data = upload.read(MAX_FILE + 1) if upload is not None else b""
    if not data:
        return _file_page(form, None, _("Choose the certificate's PDF file to check."))
    result = check_file(data)
    if result.kind is FileKind.NOT_A_PDF:
        return _file_page(form, None, _("This file is not a PDF that can be read. Choose the "
                                        "certificate's PDF file (at most 5 MB)."))
    return render_template("certificates/verify_file.html", form=form, result=result,
                           printed=_printed(result.certificate.data or {})
                           if result.certificate is not None else None)


def _file_page(form: EmptyForm, result, error: str):
    return render_template("certificates/verify_file.html", form=form, result=result,
                           error=error), 422


@bp.route("/verify/<code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    """Public: is this certificate genuine? Shows what was printed on it (frozen at issue),
    so a checker can compare it with the paper: the NIP masked, never a revocation reason."""
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code[:64]))
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, code=code), 404
    newest = current_of(certificate)
    return render_template("certificates/verify.html", certificate=certificate,
                           printed=_printed(certificate.data or {}),
                           current=newest if newest.id != certificate.id else None)


def _masked(value: str | None) -> str:
    return mask_nip(value.replace(" ", "")) if value else ""


def _printed(data: dict) -> dict:
    """The fields of the certificate as printed, for the public page: the identifier masked,
    nothing personal beyond the name (no birth date, rank, position or unit)."""
    return {
        "name": data.get("name", ""), "number": data.get("number", ""),
        "nip": _masked(data.get("nip")), "ni_pppk": _masked(data.get("ni_pppk")),
        "training": data.get("training", ""), "cohort": data.get("cohort", ""),
        "starts_on": data.get("starts_on", ""), "ends_on": data.get("ends_on", ""),
        "place": data.get("place", ""), "jp": data.get("jp"),
        "predicate": data.get("predicate", ""),
        "agency": data.get("agency", ""), "government": data.get("government", ""),
        "signatory_name": data.get("signatory_name", ""),
        "signatory_title": data.get("signatory_title", ""),
        "issue_place": data.get("issue_place", ""), "issued_on": data.get("issued_on", ""),
    }


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    """The PDF: for its holder and for admins only."""
    certificate = holder_certificate(certificate_id)
    if isinstance(certificate, Response):
        return certificate
    return Response(certificate.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{pdf_filename(certificate)}"'})


#: Participants per page of the registry.
PAGE = 25
#: The registry's status filter: what each participant's certificate situation is.
STATUSES = ("eligible", "issued", "revoked", "not_eligible")


def _matches(row: Candidate, query: str) -> bool:
    """Name, NIP (with or without spaces) or unit contains the query, ignoring case."""
    user = row.enrolment.user
    words = query.casefold()
    digits = "".join(words.split())
    return (words in (user.full_name or "").casefold()
            or words in (user.unit or "").casefold()
            or bool(digits and user.nip and digits in user.nip))


@bp.route("/admin/certificates/<cohort_slug>")
@role_required(Role.ADMIN)
def registry(cohort_slug: str):
    """Who is eligible, who is not and why; issued certificates; bulk jobs. The participants
    are filtered by name/NIP/unit and status and shown a page at a time."""
    cohort = get_cohort_or_404(cohort_slug, for_user=current_user)
    rows = candidates(cohort)
    query = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    if status not in STATUSES:
        status = ""
    shown = [r for r in rows if (not query or _matches(r, query))
             and (not status or r.status == status)]
    pages = max(1, -(-len(shown) // PAGE))
    page = int_arg("page", 1, 1, pages)
    issued = db.session.scalars(select(Certificate).where(Certificate.enrolment_id.in_(
        [r.enrolment.id for r in rows])).order_by(Certificate.year, Certificate.seq)).all() \
        if rows else []
    jobs = db.session.scalars(select(BulkJob).where(BulkJob.cohort_id == cohort.id)
                              .order_by(BulkJob.id.desc()).limit(5)).all()
    return render_template("certificates/registry.html", cohort=cohort, rows=rows,
                           shown=shown[(page - 1) * PAGE:page * PAGE], matching=len(shown),
                           page=page, pages=pages, query=query, status=status,
                           waiting=len(waiting_for_issue(rows)), issued=issued, jobs=jobs)


def _back(cohort_slug: str):
    return redirect(url_for("certificates.registry", cohort_slug=cohort_slug))


@bp.route("/admin/certificates/<cohort_slug>/issue/<int:enrolment_id>", methods=["POST"])
@role_required(Role.ADMIN)
def issue(cohort_slug: str, enrolment_id: int):
    """Issue one participant's certificate."""
    cohort = get_cohort_or_404(cohort_slug, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.id == enrolment_id, Enrolment.cohort_id == cohort.id,
        Enrolment.unenrolled_at.is_(None)))
    if enrolment is None:
        abort(404)
    candidate = candidate_for(enrolment)
    try:
        certificate = issue_one(candidate, current_user)
        db.session.commit()
        flash(_("Certificate %(number)s issued.", number=certificate.number), "success")
    except CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
    except IntegrityError:  # issued at the same moment from another window
        db.session.rollback()
        _flash_issued_concurrently()
    return _back(cohort.slug)


@bp.route("/admin/certificates/<cohort_slug>/jobs", methods=["POST"])
@role_required(Role.ADMIN)
def start_job(cohort_slug: str):
    """Start 'issue to all eligible' or 'export ZIP' in the background."""
    cohort = get_cohort_or_404(cohort_slug, for_user=current_user)
    kind = request.form.get("kind")
    if not EmptyForm().validate_on_submit() or kind not in set(JobKind):
        abort(400)
    running = db.session.scalar(select(BulkJob).where(
        BulkJob.cohort_id == cohort.id, BulkJob.kind == kind,
        BulkJob.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])))
    job = running or BulkJob(cohort_id=cohort.id, kind=JobKind(kind),
                                 created_by_id=current_user.id)
    if running is None:
        db.session.add(job)
        db.session.commit()
        enqueue(job)
    return redirect(url_for("certificates.job", job_id=job.id))


@bp.route("/admin/jobs/<int:job_id>")
@role_required(Role.ADMIN)
def job(job_id: int):
    """A job's progress (the page refreshes itself while it runs, no script needed)."""
    job = db.session.get(BulkJob, job_id) or abort(404)
    return render_template("certificates/job.html", job=job)


@bp.route("/admin/jobs/<int:job_id>/download")
@role_required(Role.ADMIN)
def job_download(job_id: int):
    """A finished export's ZIP, streamed from the database chunk by chunk (any app server
    serves it, whichever worker made it)."""
    job = db.session.get(BulkJob, job_id) or abort(404)
    if job.status != JobStatus.DONE or not job.result_path:
        abort(404)
    blob = storage.get(job.result_path, EXPORT_KIND)
    if export_expired(job, utcnow()) or blob is None:
        flash(_("This export was deleted after %(hours)d hours; start a new one.",
                hours=current_app.config["LEANS_EXPORT_KEEP_HOURS"]), "warning")
        return redirect(url_for("certificates.registry", cohort_slug=job.cohort.slug))
    return Response(stream_with_context(storage.stream(blob)), mimetype="application/zip",
                    direct_passthrough=True, headers={
                        "Content-Length": str(blob.size),
                        "Content-Disposition": f'attachment; filename="{export_filename(job)}"',
                        "Cache-Control": "private, no-store"})


def _flash_issued_concurrently() -> None:
    flash(_("Someone issued a certificate here at the same moment; nothing was issued twice. "
            "Check the list below."), "warning")


def _certificate_or_404(certificate_id: int) -> Certificate:
    return db.session.get(Certificate, certificate_id) or abort(404)


def _candidate_of(certificate: Certificate) -> Candidate | None:
    enrolment = certificate.enrolment
    return candidate_for(enrolment) if enrolment.unenrolled_at is None else None


@bp.route("/admin/certificates/item/<int:certificate_id>/revoke", methods=["GET"])
@role_required(Role.ADMIN)
def confirm_revoke(certificate_id: int):
    """What revoking will do, for which certificate; the reason and the password."""
    certificate = _certificate_or_404(certificate_id)
    return render_template("certificates/confirm.html", certificate=certificate,
                           action="revoke", possible=certificate.status is
                           CertificateStatus.VALID, form=EmptyForm())


@bp.route("/admin/certificates/item/<int:certificate_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke_view(certificate_id: int):
    """Revoke with a reason."""
    certificate = _certificate_or_404(certificate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    check = reauthenticated(current_user, request.form.get("password", ""))
    if not check:
        db.session.commit()  # the failed check is counted
        check.raise_if_refused()
        flash(_("Revoking needs your password: it was missing or not correct."), "error")
        return redirect(url_for("certificates.confirm_revoke", certificate_id=certificate.id))
    try:
        revoke(certificate, current_user, request.form.get("reason", ""))
        db.session.commit()
        flash(_("Certificate %(number)s revoked.", number=certificate.number), "success")
    except CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.confirm_revoke", certificate_id=certificate.id))
    return _back(certificate.enrolment.cohort.slug)


@bp.route("/admin/certificates/item/<int:certificate_id>/reissue", methods=["GET"])
@role_required(Role.ADMIN)
def confirm_reissue(certificate_id: int):
    """What re-issuing will do, for which certificate; the reason (required after a
    revocation)."""
    certificate = _certificate_or_404(certificate_id)
    return render_template("certificates/confirm.html", certificate=certificate,
                           action="reissue",
                           possible=can_reissue(certificate, _candidate_of(certificate)),
                           form=EmptyForm())


@bp.route("/admin/certificates/item/<int:certificate_id>/reissue", methods=["POST"])
@role_required(Role.ADMIN)
def reissue_view(certificate_id: int):
    """Re-issue after a correction of the holder's name or NIP, or deliberately after a
    revocation (with a reason)."""
    certificate = _certificate_or_404(certificate_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    candidate = _candidate_of(certificate)
    try:
        if candidate is None:
            raise CertificateError(_("The holder is no longer enrolled in this cohort."))
        new = reissue(certificate, current_user, candidate, request.form.get("reason", ""))
        db.session.commit()
        flash(_("Re-issued as %(number)s; %(old)s is now superseded.", number=new.number,
                old=certificate.number) if certificate.status is CertificateStatus.SUPERSEDED
              else _("Re-issued as %(number)s; %(old)s stays revoked.", number=new.number,
                     old=certificate.number), "success")
    except CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.confirm_reissue", certificate_id=certificate.id))
    except IntegrityError:  # re-issued at the same moment from another window
        db.session.rollback()
        _flash_issued_concurrently()
    return _back(certificate.enrolment.cohort.slug)
