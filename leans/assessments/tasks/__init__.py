"""Answerable tasks: a lesson's ``::: tugas Judul {id=...}`` blocks. The participant's answer
(``models``; drafts never lost, sent, sent again after a comment: ``answers``), where the answer
boxes go on a lesson page (``placement``), who reaches which task and answer (``access``), what
facilitators read (``review``), forms, and the pages (``views``): the answer posted from the
lesson page, a cohort's tasks, every answer to a task, comments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments.tasks import models  # noqa: F401 - registers the tables
    from leans.assessments.tasks.answers import MAX_ANSWER
    from leans.assessments.tasks.views import bp

    app.jinja_env.globals.update(task_answer_limit=MAX_ANSWER)
    app.register_blueprint(bp)
