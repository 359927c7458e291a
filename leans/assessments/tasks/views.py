"""Tasks: the participant's answer (posted from the lesson page, which shows the answer box),
and the facilitators' pages: a cohort's tasks with counts, every answer to one task, and
comments."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from leans.assessments.tasks.access import (
    cohort_modules,
    find_task,
    get_answer_or_404,
)
from leans.assessments.tasks.answers import (
    EmptyAnswer,
    StaleDraft,
    TaskError,
    add_comment,
    answers_for,
    get_or_create_answer,
    save_draft,
    submit,
    task_anchor,
)
from leans.assessments.tasks.forms import AnswerForm, CommentForm
from leans.assessments.tasks.review import answers_to, participant_count, task_counts
from leans.core.extensions import db
from leans.core.models import utcnow
from leans.core.permissions import (
    can_answer_task,
    can_comment_on_task,
    get_managed_cohort_or_404,
    get_own_enrolment_or_404,
)

bp = Blueprint("tasks", __name__)


def _lesson_url(cohort, module, lesson, task) -> str:
    return url_for("modules.lesson", cohort_slug=cohort.slug, module_slug=module.slug,
                   lesson_slug=lesson.slug, _anchor=task_anchor(task.id))


def _answer_page(cohort, enrolment, module, lesson, task, form: AnswerForm, status: int,
                 message: str | None = None, newer: str | None = None,
                 version: int | None = None):
    """The task alone with the typed text kept, when it could not be saved or sent as it
    is; NEWER: the version saved elsewhere meanwhile. The form carries VERSION (the draft's
    current version unless given), so the next save is checked against it."""
    answer = answers_for(enrolment, module.slug, [task.id]).get(task.id)
    if version is None:
        version = answer.draft_version if answer else 0
    return render_template(
        "tasks/answer.html", cohort=cohort, module=module, lesson=lesson, task=task,
        answer=answer, form=form, message=message, newer=newer,
        may_answer=can_answer_task(current_user, enrolment), version=version,
        back=_lesson_url(cohort, module, lesson, task)), status


@bp.route("/learn/<cohort_slug>/<module_slug>/tasks/<task_id>", methods=["POST"])
@login_required
def answer(cohort_slug: str, module_slug: str, task_id: str):
    """Save my answer to a task ("Save draft") or send it ("Send answer"); whatever goes
    wrong, the typed text is shown back."""
    cohort, enrolment = get_own_enrolment_or_404(cohort_slug, current_user)
    module, lesson, task = find_task(cohort, module_slug, task_id)
    form = AnswerForm()
    page = (cohort, enrolment, module, lesson, task, form)
    if not can_answer_task(current_user, enrolment):
        return _answer_page(*page, 403, _("This cohort is closed: its records can be read but "
                                          "no longer changed."))
    if current_app.extensions["leans.module_locked"](cohort_slug, current_user, module.slug):
        return _answer_page(*page, 403, _("This module is locked until you complete the "
                                          "modules it builds on."))
    if not form.validate_on_submit():  # too long, or a form that was tampered with
        posted = None if form.draft_version.errors else form.expected_version
        return _answer_page(*page, 400, version=posted)
    mine = get_or_create_answer(enrolment, module.slug, task.id)
    try:
        if form.sending:
            submit(mine, form.text.data, form.expected_version, utcnow())
        else:
            save_draft(mine, form.text.data, form.expected_version, utcnow())
    except StaleDraft as error:
        db.session.rollback()
        newer = answers_for(enrolment, module.slug, [task.id]).get(task.id)
        return _answer_page(*page, 409, str(error), newer.draft if newer else None)
    except EmptyAnswer as error:
        db.session.commit()  # what was typed (nothing) is the draft now
        form.text.errors = [str(error)]
        return _answer_page(*page, 422)
    except TaskError as error:
        db.session.rollback()
        return _answer_page(*page, 409, str(error))
    db.session.commit()
    if form.sending:
        flash(_("Your answer was sent. Your facilitator will read it."), "success")
    else:
        flash(_("Draft saved."), "success")
    return redirect(_lesson_url(cohort, module, lesson, task))


@bp.route("/cohorts/<cohort_slug>/tasks")
@login_required
def cohort_tasks(cohort_slug: str):
    """Every answerable task of the cohort's modules, with how many participants sent an
    answer and how many answers wait for a comment."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    return render_template("tasks/cohort.html", cohort=cohort, modules=cohort_modules(cohort),
                           counts=task_counts(cohort), participants=participant_count(cohort))


def _task_page(cohort, module_slug: str, task_id: str, form: CommentForm | None = None,
               form_for: int | None = None, status: int = 200):
    module, lesson, task = find_task(cohort, module_slug, task_id)
    rows = answers_to(cohort, module.slug, task.id)
    return render_template("tasks/task.html", cohort=cohort, module=module, lesson=lesson,
                           task=task, rows=rows, form=form, form_for=form_for,
                           sent=[row for row in rows if row.answer is not None],
                           not_sent=[row.user for row in rows if row.answer is None],
                           lesson_url=_lesson_url(cohort, module, lesson, task)), status


@bp.route("/cohorts/<cohort_slug>/tasks/<module_slug>/<task_id>")
@login_required
def task_answers(cohort_slug: str, module_slug: str, task_id: str):
    """Every participant's sent answer to one task, each with its comments and a comment
    form; who has not sent one yet."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    return _task_page(cohort, module_slug, task_id)


@bp.route("/cohorts/<cohort_slug>/tasks/answers/<int:answer_id>/comments", methods=["POST"])
@login_required
def comment(cohort_slug: str, answer_id: int):
    """Comment on a sent answer; the participant is notified."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    answer = get_answer_or_404(cohort, answer_id, current_user)
    module, lesson, task = find_task(cohort, answer.module_slug, answer.task_id)
    form = CommentForm()
    if not can_comment_on_task(current_user, answer):
        flash(_("This cohort is closed: its records can be read but no longer changed."),
              "warning")
        return redirect(url_for("tasks.task_answers", cohort_slug=cohort.slug,
                                module_slug=module.slug, task_id=task.id))
    if not form.validate_on_submit():
        return _task_page(cohort, module.slug, task.id, form, answer.id, 400)
    try:
        add_comment(answer, current_user, form.text.data, lesson, task, utcnow())
    except TaskError as error:
        db.session.rollback()
        form.text.errors = [str(error)]
        return _task_page(cohort, module.slug, task.id, form, answer.id, 422)
    db.session.commit()
    flash(_("Comment sent to %(name)s.", name=answer.enrolment.user.full_name), "success")
    return redirect(url_for("tasks.task_answers", cohort_slug=cohort.slug,
                            module_slug=module.slug, task_id=task.id,
                            _anchor=f"jawaban-{answer.id}"))
