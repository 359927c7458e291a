"""When a participant may see the keys and explanations of their attempts."""

from __future__ import annotations

import pytest

from leans.assessments.quizzes.attempts import answers_revealed


@pytest.mark.parametrize(("kind", "passed", "left", "shown"), [
    ("pre", False, 3, False),
    ("pre", True, 0, False),   # never for the pre-test, whatever happened after
    ("post", False, 2, False),  # not passed, attempts left: a retake is still to come
    ("post", True, 2, True),    # passed
    ("post", False, 0, True),   # attempts used up
])
def test_answers_revealed(kind, passed, left, shown):
    assert answers_revealed(kind, passed, left) is shown
