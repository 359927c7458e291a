"""Taking a module's pre-test and post-test, and seeing the results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.assessments.quizzes.attempts import (
    AttemptExpired,
    IncompleteAnswers,
    QuizError,
    start_attempt,
    submit_attempt,
)
from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.quizzes.scoring import score_attempt
from leans.content.model import Module
from leans.content.quiz import QuizKind
from leans.core.extensions import db
from leans.core.forms import EmptyForm
from leans.core.models import utcnow
from leans.core.permissions import can_answer_attempt, can_change, can_read_attempt
from leans.modules.place import Place, cohort_place
from leans.modules.quiz_state import objective_rows, quiz_state

bp = Blueprint("quizzes", __name__, url_prefix="/learn/<cohort_slug>/<module_slug>/test")


def _load(cohort_slug: str, module_slug: str, kind: str | None = None):
    place = cohort_place(cohort_slug, current_user)
    module, _lesson = place.find(module_slug)
    if module.quiz is None or (kind is not None and (kind not in set(QuizKind)
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
    if not can_change(place.cohort):
        return _closed(url_for("quizzes.intro", cohort_slug=cohort_slug,
                               module_slug=module_slug, kind=kind))
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


def _closed(back: str):
    flash(_("This cohort is closed: its records can be read but no longer changed."), "warning")
    return redirect(back)


def _attempt_or_404(place: Place, module: Module, attempt_id: int) -> QuizAttempt:
    """An attempt of this cohort's module that the user may read (their own; staff of the
    cohort once submitted); 404 otherwise."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if (attempt is None or attempt.module_slug != module.slug or place.cohort is None
            or attempt.enrolment.cohort_id != place.cohort.id
            or not can_read_attempt(current_user, attempt)):
        abort(404)
    return attempt


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(cohort_slug: str, module_slug: str, attempt_id: int):
    """The questions of an open attempt, or the result of a submitted one."""
    place, module, state = _load(cohort_slug, module_slug)
    attempt = _attempt_or_404(place, module, attempt_id)
    owner = can_answer_attempt(current_user, attempt)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        if not owner:
            abort(403)  # staff may read a submitted attempt, never answer it
        if not can_change(place.cohort):
            return _closed(url_for("quizzes.attempt", cohort_slug=cohort_slug,
                                   module_slug=module_slug, attempt_id=attempt.id))
        try:
            submit_attempt(attempt, request.form.to_dict(flat=False), utcnow(),
                           allow_missing=request.form.get("confirm_incomplete") == "1")
            db.session.commit()
        except IncompleteAnswers as incomplete:
            db.session.rollback()  # nothing changed: ask again, keeping the answers given
            return render_template("modules/quiz_form.html", place=place, module=module,
                                   attempt=attempt, given=incomplete.answers,
                                   missing=incomplete.missing)
        except AttemptExpired as error:
            db.session.commit()  # closed without a score: that stands
            flash(str(error), "error")
        except QuizError as error:
            db.session.rollback()
            flash(str(error), "error")
        return redirect(url_for("quizzes.attempt", cohort_slug=cohort_slug,
                                module_slug=module_slug, attempt_id=attempt.id))
    if attempt.is_open:
        return render_template("modules/quiz_form.html", place=place, module=module,
                               attempt=attempt, given={}, missing=[])
    _percent, points = score_attempt(attempt.questions, attempt.answers or {})
    pre = state.pre_attempt if attempt.kind == "post" and place.enrolment else None
    # The participant sees keys and explanations only when the rule allows; staff always.
    reveal = not owner or state.answers_shown(attempt.kind)
    return render_template("modules/quiz_result.html", place=place, module=module,
                           attempt=attempt, points=points if reveal else None, state=state,
                           pre=pre, owner=owner, reveal=reveal,
                           objectives=objective_rows(module, attempt.questions, points,
                                                     min_asked=1 if reveal else 2))
