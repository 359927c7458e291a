"""Assessments: three features that never import each other.

- ``leans.assessments.quizzes``: module pre/post-tests (attempts, scoring, analytics); the
  pages where a test is taken need progress, so they live in ``leans.modules``.
- ``leans.assessments.plans``: the action plan (change project): its content, workflow,
  rubric grading, pages and grading pages.
- ``leans.assessments.tasks``: answers to a lesson's answerable tasks (drafts, sending,
  facilitators' comments); the answer box is shown by the lesson page in ``leans.modules``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments import plans, quizzes, tasks

    quizzes.init_app(app)
    plans.init_app(app)
    tasks.init_app(app)
