"""Assessments: pre/post-test quizzes, action plans and rubric grading (the rules and records;
the pages that use them live with the learning flow in ``leans.modules``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments import models  # noqa: F401 - registers the tables
