"""Course-quality rules (content format v2): honest JP and balanced question banks.

``leans content check`` reports these with the loader's problems and fails on either; the app
itself starts without them (a bank with few items still works), so a course can be served
while its authors are still balancing it. Every message says what to change.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from leans.content.loader import OBSOLETE_FIELDS
from leans.content.model import Catalogue, Module
from leans.content.problems import Problem
from leans.content.quiz import USES, Question, Quiz
from leans.content.yamlcheck import front_matter_end

#: Declared JP (× minutes per JP) may differ from the estimate by this share of the estimate.
JP_TOLERANCE = 0.25
#: Questions a module's bank needs in all (both forms together).
MIN_QUESTIONS = 24
#: Items each objective needs in each form the bank serves as.
MIN_ITEMS_PER_OBJECTIVE = 2
#: The key may be the longest option in at most this share of the single-choice items.
MAX_LONGEST_KEY_SHARE = 1 / 3
#: No option position may hold more than this share of the single-choice keys ...
MAX_KEY_POSITION_SHARE = 0.40
#: ... in banks with at least this many single-choice items.
MIN_SINGLE_FOR_POSITIONS = 5
#: Multiple-answer items must not all have the same number of correct options (from 3 items).
MIN_MULTIPLE_FOR_COUNTS = 3
#: True/false items must not all have the same key (from 2 items).
MIN_TRUEFALSE_FOR_KEYS = 2


def key_is_longest(question: Question) -> bool:
    """A single-choice key that is the longest option, alone or tied."""
    key = next(option for option in question.options if option.correct)
    return len(key.text) >= max(len(option.text) for option in question.options)


def objective_counts(module: Module, kind: str) -> dict[str, int]:
    """Items per objective (every objective of the module, 0 included) in one form's pool."""
    counts = dict.fromkeys((objective.id for objective in module.objectives), 0)
    if module.quiz is not None:
        for question in module.quiz.pool(kind):
            for objective in question.objectives:
                counts[objective] = counts.get(objective, 0) + 1
    return counts


def _singles(quiz: Quiz) -> list[Question]:
    return [q for q in quiz.questions if q.type == "single"]


def check_jp(module: Module, jp_minutes: int) -> list[Problem]:
    estimate = module.estimated_minutes
    declared = module.jp * jp_minutes
    if estimate <= 0 or abs(declared - estimate) <= JP_TOLERANCE * estimate:
        return []
    low = math.ceil((1 - JP_TOLERANCE) * estimate / jp_minutes * 10) / 10
    high = math.floor((1 + JP_TOLERANCE) * estimate / jp_minutes * 10) / 10
    lessons = sum(lesson.estimated_minutes for lesson in module.lessons)
    difference = round((declared - estimate) / estimate * 100)
    fits = f"jp from {low:g} to {high:g}" if low <= high else f"jp {high:g}"
    return [Problem(module.path, _key_line(module.path, "jp"),
                    f"jp is {module.jp:g} ({declared:g} minutes at {jp_minutes} per JP) but "
                    f"the estimate is {estimate} minutes (lessons {lessons}, tests "
                    f"{module.test_minutes}): {difference:+d}% of the estimate, more than "
                    f"{JP_TOLERANCE:.0%}; write a {fits}, or change the material")]


def check_bank(module: Module) -> list[Problem]:
    """The rules of the spec's "Checks" for one module's bank."""
    quiz = module.quiz
    if quiz is None:
        return []
    path, lines = quiz.path, quiz.lines
    questions_line = lines.get("questions", 1)
    problems = []
    total = len(quiz.questions)
    if total < MIN_QUESTIONS:
        problems.append(Problem(path, questions_line,
                                f"the bank has {total} questions; a module needs at least "
                                f"{MIN_QUESTIONS} in all (both forms together): add "
                                f"{MIN_QUESTIONS - total}"))
    for kind in (use for use in USES if use in quiz.use_as):
        for objective, count in objective_counts(module, kind).items():
            if count < MIN_ITEMS_PER_OBJECTIVE and module.objective(objective) is not None:
                problems.append(Problem(
                    path, questions_line,
                    f"objective {objective!r} has {count} item(s) in the {kind} pool; each "
                    f"objective needs at least {MIN_ITEMS_PER_OBJECTIVE} in each form the bank "
                    f"serves as: add {MIN_ITEMS_PER_OBJECTIVE - count} with 'form: {kind}' and "
                    f"'objectives: [{objective}]'"))
    for question in quiz.questions:
        if question.form not in quiz.use_as:
            problems.append(Problem(path, question.line,
                                    f"question {question.id!r} is in the {question.form} pool "
                                    f"but the bank is not used as {question.form}-test (use_as: "
                                    f"{', '.join(sorted(quiz.use_as))}): change its form or "
                                    "use_as"))
    problems.extend(_check_keys(quiz, questions_line))
    return problems


def _check_keys(quiz: Quiz, line: int) -> Iterable[Problem]:
    singles = _singles(quiz)
    longest = [q for q in singles if key_is_longest(q)]
    if singles and len(longest) > len(singles) * MAX_LONGEST_KEY_SHARE:
        allowed = math.floor(len(singles) * MAX_LONGEST_KEY_SHARE)
        yield Problem(quiz.path, line,
                      f"the key is the longest option (alone or tied) in {len(longest)} of "
                      f"{len(singles)} single-choice items, more than a third (at most "
                      f"{allowed}): make a wrong option at least as long in "
                      f"{len(longest) - allowed} of: {', '.join(q.id for q in longest)}")
    if len(singles) >= MIN_SINGLE_FOR_POSITIONS:
        positions = Counter(next(i for i, o in enumerate(q.options, 1) if o.correct)
                            for q in singles)
        position, count = max(positions.items(), key=lambda item: (item[1], -item[0]))
        if count > len(singles) * MAX_KEY_POSITION_SHARE:
            yield Problem(quiz.path, line,
                          f"the key is option {position} in {count} of {len(singles)} "
                          f"single-choice items ({count / len(singles):.0%}, more than "
                          f"{MAX_KEY_POSITION_SHARE:.0%}): move some keys to other positions")
    multiples = [q for q in quiz.questions if q.type == "multiple"]
    counts = {sum(o.correct for o in q.options) for q in multiples}
    if len(multiples) >= MIN_MULTIPLE_FOR_COUNTS and len(counts) == 1:
        yield Problem(quiz.path, line,
                      f"every multiple-answer item has {counts.pop()} correct options "
                      f"({len(multiples)} items): vary the number of correct options")
    truefalse = [q for q in quiz.questions if q.type == "truefalse"]
    keys = {q.options[0].correct for q in truefalse}
    if len(truefalse) >= MIN_TRUEFALSE_FOR_KEYS and len(keys) == 1:
        key = "true" if keys.pop() else "false"
        other = "false" if key == "true" else "true"
        yield Problem(quiz.path, line,
                      f"every true/false item has the answer {key} ({len(truefalse)} items): "
                      f"make some statements {other}")


def _key_line(path: Path, key: str) -> int:
    """The line of a front matter key (1 if not found)."""
    for number, line in enumerate(_front_matter(path), start=2):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return number
    return 1


def _front_matter(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    end, _problem = front_matter_end(path, lines)
    return lines[1:end] if end is not None else []


def check_obsolete(path: Path) -> list[Problem]:
    """Fields of content format v1 that v2 computes instead."""
    return [
        Problem(path, number, f"field {key!r} is no longer used: minutes are computed from "
                              "the text (content format v2); delete this line")
        for number, line in enumerate(_front_matter(path), start=2)
        for key in OBSOLETE_FIELDS if re.match(rf"^{key}\s*:", line)
    ]


def check_course(catalogue: Catalogue, jp_minutes: int) -> list[Problem]:
    """Every course-quality rule on every module, in module order. JP and banks are judged
    only in modules the loader found no problem in (a bank it could not load would look
    empty, and a lesson it skipped would make the estimate too low)."""
    problems: list[Problem] = []
    broken = [problem.path for problem in catalogue.problems]
    for module in catalogue.modules:
        problems.extend(check_obsolete(module.path))
        for lesson in module.lessons:
            problems.extend(check_obsolete(lesson.path))
        if any(path.is_relative_to(module.folder) for path in broken):
            continue
        problems.extend(check_jp(module, jp_minutes))
        problems.extend(check_bank(module))
    return problems
