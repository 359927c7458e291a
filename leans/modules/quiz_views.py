"""Taking a module's pre-test and post-test, and seeing the results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from leans.assessments.models import QuizAttempt
from leans.assessments.quizzes import (
    QuizError,
    QuizState,
    attempts_of,
    start_attempt,
    submit_attempt,
)
from leans.assessments.scoring import score_attempt
from leans.auth.forms import EmptyForm
from leans.cohorts import can_manage_cohort
from leans.content.model import Module
from leans.extensions import db
from leans.models import utcnow
from leans.modules.place import Place, cohort_place
from leans.modules.progress import ModuleProgress, Status

bp = Blueprint("quizzes", __name__, url_prefix="/learn/<cohort_slug>/<module_slug>/test")
KINDS = ("pre", "post")


def quiz_state(place: Place, module: Module, progress: ModuleProgress) -> QuizState:
    """The reader's tests for a module (no attempts for staff previews)."""
    attempts = attempts_of([place.enrolment.id], module.slug) if place.enrolment else []
    return QuizState(module, attempts,
                     lessons_done=progress.lessons_done == progress.lessons_total,
                     started_reading=progress.lessons_done > 0,
                     locked=progress.status is Status.LOCKED,
                     closed=bool(place.cohort and place.cohort.closed))


def _load(cohort_slug: str, module_slug: str, kind: str | None = None):
    place = cohort_place(cohort_slug, current_user)
    module, _lesson = place.find(module_slug)
    if module.quiz is None or (kind is not None and (kind not in KINDS
                                                     or module.quiz_for(kind) is None)):
        abort(404)
    progress = place.progress_of(module)
    return place, module, quiz_state(place, module, progress)


@bp.route("/<kind>")
@login_required
def intro(cohort_slug: str, module_slug: str, kind: str):
    """What the test is, how many attempts are left, and the start button."""
    place, module, state = _load(cohort_slug, module_slug, kind)
    return render_template("modules/quiz_intro.html", place=place, module=module, state=state,
                           kind=kind, quiz=module.quiz_for(kind))


@bp.route("/<kind>/start", methods=["POST"])
@login_required
def start(cohort_slug: str, module_slug: str, kind: str):
    """Draw a new attempt, or resume the open one."""
    place, module, state = _load(cohort_slug, module_slug, kind)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if place.preview:
        abort(403)
    try:
        attempt = start_attempt(state, place.enrolment, kind, utcnow())
        db.session.commit()
    except QuizError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("quizzes.intro", cohort_slug=cohort_slug,
                                module_slug=module_slug, kind=kind))
    return redirect(url_for("quizzes.attempt", cohort_slug=cohort_slug,
                            module_slug=module_slug, attempt_id=attempt.id))


def _attempt_or_404(place: Place, module: Module, attempt_id: int) -> QuizAttempt:
    """My own attempt; staff of the cohort may read submitted ones."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.module_slug != module.slug:
        abort(404)
    if place.enrolment is not None and attempt.enrolment_id == place.enrolment.id:
        return attempt
    if (place.cohort and attempt.enrolment.cohort_id == place.cohort.id
            and can_manage_cohort(current_user, place.cohort) and not attempt.is_open):
        return attempt
    abort(404)


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(cohort_slug: str, module_slug: str, attempt_id: int):
    """The questions of an open attempt, or the result of a submitted one."""
    place, module, state = _load(cohort_slug, module_slug)
    attempt = _attempt_or_404(place, module, attempt_id)
    owner = place.enrolment is not None and attempt.enrolment_id == place.enrolment.id
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if not owner:
            abort(403)  # staff may read a submitted attempt, never answer it
        try:
            submit_attempt(attempt, request.form.to_dict(flat=False), utcnow())
        except QuizError as error:
            flash(str(error), "error")
        return redirect(url_for("quizzes.attempt", cohort_slug=cohort_slug,
                                module_slug=module_slug, attempt_id=attempt.id))
    if attempt.is_open:
        return render_template("modules/quiz_form.html", place=place, module=module,
                               attempt=attempt)
    _percent, points = score_attempt(attempt.questions, attempt.answers or {})
    pre = state.pre_attempt if attempt.kind == "post" and place.enrolment else None
    return render_template("modules/quiz_result.html", place=place, module=module,
                           attempt=attempt, points=points, state=state, pre=pre,
                           owner=owner)
