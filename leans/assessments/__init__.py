"""Assessments: pre/post-test quizzes, action plans and rubric grading."""
