"""Facilitators' test report: pre/post averages, gain, pass rate, gain per objective, item
analysis, exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from leans.assessments.quizzes.analytics import (
    counting_attempts,
    item_analysis,
    objective_gains,
    participant_scores,
    summarize,
)
from leans.assessments.quizzes.models import QuizAttempt
from leans.content import get_catalogue
from leans.content.quiz import QuizKind
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User
from leans.core.permissions import get_managed_cohort_or_404
from leans.core.spreadsheets import download
from leans.modules.training import training_modules
from leans.reports.quiz_results import items_table, objectives_table, results_table

bp = Blueprint("quiz_report", __name__, url_prefix="/cohorts/<cohort_slug>/tests")


def _cohort_attempts(cohort: Cohort, module_slug: str | None = None) -> list[QuizAttempt]:
    query = (select(QuizAttempt).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
             .where(Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None),
                    QuizAttempt.submitted_at.is_not(None)))
    if module_slug:
        query = query.where(QuizAttempt.module_slug == module_slug)
    return list(db.session.scalars(query))


@bp.route("/")
@login_required
def summary(cohort_slug: str):
    """One line per module: averages, gain, normalized gain, pass rate."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    modules = [m for m in training_modules(cohort, get_catalogue()) if m.quiz]
    attempts = _cohort_attempts(cohort)
    lines = []
    for module in modules:
        mine = [a for a in attempts if a.module_slug == module.slug]
        lines.append((module, summarize(participant_scores(mine, module.quiz.score_policy)
                                        .values())))
    return render_template("modules/quiz_summary.html", cohort=cohort, lines=lines)


def _module_report(cohort: Cohort, module_slug: str):
    module = next((m for m in training_modules(cohort, get_catalogue())
                   if m.slug == module_slug and m.quiz), None)
    if module is None:
        abort(404)
    attempts = _cohort_attempts(cohort, module.slug)
    scores = participant_scores(attempts, module.quiz.score_policy)
    people = dict(db.session.execute(
        select(Enrolment.id, User).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None))).all())
    rows = sorted(((people[e], scores.get(e)) for e in people),
                  key=lambda pair: pair[0].full_name.lower())
    counting = {kind: counting_attempts(attempts, kind, module.quiz.score_policy)
                for kind in QuizKind}
    items = {kind: item_analysis(counting[kind]) for kind in QuizKind}
    objectives = objective_gains(counting[QuizKind.PRE], counting[QuizKind.POST],
                                 [objective.id for objective in module.objectives])
    return module, summarize(scores.values()), rows, items, objectives


@bp.route("/<module_slug>")
@login_required
def module(cohort_slug: str, module_slug: str):
    """A module's test results per participant and its item analysis."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    module, summary, rows, items, objectives = _module_report(cohort, module_slug)
    return render_template("modules/quiz_module_report.html", cohort=cohort, module=module,
                           summary=summary, rows=rows, items=items, objectives=objectives)


@bp.route("/<module_slug>/<any(results, items, objectives):table>.<any(csv, xlsx):fmt>")
@login_required
def export(cohort_slug: str, module_slug: str, table: str, fmt: str):
    """Per-participant scores, the item analysis, or the gain per objective, as CSV or
    XLSX (docs/exports.md)."""
    cohort = get_managed_cohort_or_404(cohort_slug, current_user)
    module, _summary, rows, items, objectives = _module_report(cohort, module_slug)
    if table == "results":
        built = results_table(rows)
    elif table == "items":
        built = items_table(items)
    else:
        built = objectives_table(module, objectives)
    return download(f"tes-{cohort.slug}-{module.slug}-{table}", fmt, built)
