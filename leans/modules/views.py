"""Reading: the module catalogue, module pages, lesson pages, marking lessons done."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.assessments.tasks.answers import answers_for
from leans.assessments.tasks.placement import split_after_tasks
from leans.content import get_catalogue, get_store
from leans.content.checks import IMAGE_SUFFIXES
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.models import Role, utcnow
from leans.core.permissions import can_change, role_required
from leans.modules.offline import (
    DeviceTimeRefused,
    check_device_time,
    parse_device_time,
)
from leans.modules.place import Place, cohort_place, preview_place
from leans.modules.progress import ProgressStatus
from leans.modules.quiz_state import quiz_state
from leans.modules.training import announce_post_test, mark_lesson_done

bp = Blueprint("modules", __name__)


def _file_url(module_slug: str, filename: str) -> str:
    return url_for("modules.content_file", module_slug=module_slug, filename=filename)


def _render_catalogue(place: Place):
    return render_template("modules/catalogue.html", place=place, progress=place.progress())


def _render_module(place: Place, module_slug: str):
    module, _lesson = place.find(module_slug)
    progress = place.progress_of(module)
    overview = get_store().render_overview(module, _file_url)
    tests = quiz_state(place, module, progress) if module.quiz else None
    return render_template("modules/module.html", place=place, module=module,
                           progress=progress, overview=overview, tests=tests)


def _render_lesson(place: Place, module_slug: str, lesson_slug: str):
    module, lesson = place.find(module_slug, lesson_slug)
    progress = place.progress_of(module)
    if progress.status is ProgressStatus.LOCKED and not place.preview:
        flash(_("This module is locked until you complete the modules it builds on."), "warning")
        return redirect(place.module_url(module.slug))
    before, after = place.neighbours(module, lesson)
    doc = get_store().render_lesson(lesson, _file_url)
    # The answer box goes after each answerable task; the reader's answers (none in preview).
    tasks = {task.id: task for task in lesson.tasks}
    answers = answers_for(place.enrolment, module.slug, tasks) if place.enrolment else {}
    return render_template("modules/lesson.html", place=place, module=module, lesson=lesson,
                           lesson_number=module.lessons.index(lesson) + 1, doc=doc,
                           parts=split_after_tasks(doc.html) if tasks else [(doc.html, None)],
                           tasks=tasks, answers=answers, progress=progress, before=before,
                           after=after)


@bp.route("/learn/<cohort_slug>/")
@login_required
def catalogue(cohort_slug: str):
    """The modules of my training, with progress and locks."""
    return _render_catalogue(cohort_place(cohort_slug, current_user))


@bp.route("/learn/<cohort_slug>/continue")
@login_required
def resume(cohort_slug: str):
    """Continue where I left off: my first unfinished lesson of an unlocked module."""
    place = cohort_place(cohort_slug, current_user)
    for progress in place.progress():
        if progress.status in (ProgressStatus.COMPLETE, ProgressStatus.LOCKED):
            continue
        lesson_slug = progress.next_lesson_slug()
        if lesson_slug:
            return redirect(place.lesson_url(progress.module.slug, lesson_slug))
        return redirect(place.module_url(progress.module.slug))
    return redirect(place.index_url())


@bp.route("/learn/<cohort_slug>/<module_slug>/")
@login_required
def module(cohort_slug: str, module_slug: str):
    """A module: objectives, lessons, what is still missing."""
    return _render_module(cohort_place(cohort_slug, current_user), module_slug)


@bp.route("/learn/<cohort_slug>/<module_slug>/<lesson_slug>")
@login_required
def lesson(cohort_slug: str, module_slug: str, lesson_slug: str):
    """A lesson page."""
    return _render_lesson(cohort_place(cohort_slug, current_user), module_slug, lesson_slug)


@bp.route("/learn/<cohort_slug>/<module_slug>/<lesson_slug>/done", methods=["POST"])
@login_required
def mark_done(cohort_slug: str, module_slug: str, lesson_slug: str):
    """Mark a lesson done (idempotent) and go on to the next lesson."""
    place = cohort_place(cohort_slug, current_user)
    module, lesson = place.find(module_slug, lesson_slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if place.preview:
        abort(403)
    if "done_at" in request.form:  # sent later by the phone's offline queue
        return _mark_done_from_device(place, module, lesson, request.form["done_at"])
    if not can_change(place.cohort):
        flash(_("This cohort is closed: its records can be read but no longer changed."),
              "warning")
        return redirect(place.lesson_url(module.slug, lesson.slug))
    progress = place.progress_of(module)
    if progress.status is ProgressStatus.LOCKED:
        flash(_("This module is locked until you complete the modules it builds on."), "warning")
        return redirect(place.module_url(module.slug))
    if mark_lesson_done(place.enrolment, module.slug, lesson.slug):
        announce_post_test(place.enrolment, module)
    db.session.commit()
    _before, after = place.neighbours(module, lesson)
    if after is None or after[0].slug != module.slug:
        return redirect(place.module_url(module.slug))
    return redirect(place.lesson_url(after[0].slug, after[1].slug))


def _mark_done_from_device(place: Place, module, lesson, done_at: str):
    """A lesson marked done on the phone while offline, sent once back online: recorded at
    the device's time when it lies within the training (JSON; 422 with the reason if not).
    Sending it again records nothing new."""
    refused = None
    if not can_change(place.cohort):
        refused = _("This cohort is closed: its records can be read but no longer changed.")
    elif place.progress_of(module).status is ProgressStatus.LOCKED:
        refused = _("This module is locked until you complete the modules it builds on.")
    else:
        try:
            when = parse_device_time(done_at)
            check_device_time(when, now=utcnow(), enrolled_at=place.enrolment.enrolled_at,
                              ends_on=place.cohort.ends_on,
                              timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
        except DeviceTimeRefused as error:
            refused = str(error)
    if refused:
        return jsonify(recorded=False, message=refused), 422
    recorded = mark_lesson_done(place.enrolment, module.slug, lesson.slug, at=when)
    if recorded:
        announce_post_test(place.enrolment, module)
    db.session.commit()
    return jsonify(recorded=recorded, lesson=lesson.title)


@bp.route("/preview/")
@role_required(Role.FACILITATOR, Role.ADMIN)
def preview_index():
    """Staff preview of every module in the content, enrolled or not."""
    return _render_catalogue(preview_place())


@bp.route("/preview/<module_slug>/")
@role_required(Role.FACILITATOR, Role.ADMIN)
def preview_module(module_slug: str):
    """Staff preview of a module."""
    return _render_module(preview_place(), module_slug)


@bp.route("/preview/<module_slug>/<lesson_slug>")
@role_required(Role.FACILITATOR, Role.ADMIN)
def preview_lesson(module_slug: str, lesson_slug: str):
    """Staff preview of a lesson."""
    return _render_lesson(preview_place(), module_slug, lesson_slug)


@bp.route("/content/<module_slug>/<path:filename>")
@login_required
def content_file(module_slug: str, filename: str):
    """An image that belongs to a module's folder."""
    module = get_catalogue().module(module_slug)
    if module is None or not any(filename.lower().endswith(s) for s in IMAGE_SUFFIXES):
        abort(404)
    response = send_from_directory(module.folder, filename, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
