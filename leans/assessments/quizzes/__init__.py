"""Module tests (pre-test and post-test): the attempt records, drawing and scoring, taking
an attempt safely, and the learning-gain analytics. No pages: tests are taken in
``leans.modules`` and reported in ``leans.reports``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments.quizzes import models  # noqa: F401 - registers the table
