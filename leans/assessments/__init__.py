"""Assessments: two features that never import each other.

- ``leans.assessments.quizzes``: module pre/post-tests (attempts, scoring, analytics); the
  pages where a test is taken need progress, so they live in ``leans.modules``.
- ``leans.assessments.plans``: the action plan (change project): its content, workflow,
  rubric grading, pages and grading pages.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments import plans, quizzes

    quizzes.init_app(app)
    plans.init_app(app)
