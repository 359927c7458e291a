"""Question banks (``quiz.yaml`` next to a module): loading and checking, with file:line."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from leans.content.problems import Problem
from leans.content.yamlcheck import Checker as _Checker
from leans.content.yamlcheck import LineLoader as _LineLoader
from leans.core.labels import Labelled
from leans.core.slugs import is_slug


class QuizKind(Labelled):
    """A module's test before the material (pre) or after it (post)."""

    PRE = "pre"
    POST = "post"


#: What a bank may be used as (its ``use_as``).
USES = tuple(kind.value for kind in QuizKind)


QUESTION_TYPES = ("single", "multiple", "truefalse")
SCORINGS = ("partial", "all_or_nothing")
SCORE_POLICIES = ("best", "last")
TRUE_FALSE_LABELS = ("Benar", "Salah")


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    options: tuple[Option, ...]
    explanation: str
    #: ``partial`` or ``all_or_nothing`` for multiple choice; ``exact`` otherwise.
    scoring: str
    #: The test whose pool holds the item: ``pre`` or ``post`` (never both).
    form: str = QuizKind.POST.value
    #: Ids of the module's objectives the item assesses (one or more).
    objectives: tuple[str, ...] = ()
    #: The line of the item in its file (for checks; not part of the item's identity).
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Quiz:
    path: Path
    pass_mark: int
    draw: int
    shuffle: bool
    attempts: int
    score_policy: str
    use_as: frozenset[str]
    time_limit_minutes: int | None
    questions: tuple[Question, ...]
    #: SHA-256 of the file, stored with each attempt.
    version: str
    #: The line of each setting in the file (for checks).
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def pool(self, kind: str) -> tuple[Question, ...]:
        """The questions of one form (``pre`` or ``post``), in file order."""
        return tuple(question for question in self.questions if question.form == kind)


def _options(checker: _Checker, data: dict, qtype: str) -> tuple[Option, ...]:
    if qtype == "truefalse":
        answer = checker.field(data, "answer", bool, hint="must be true or false")
        if answer is None:
            return ()
        return (Option(TRUE_FALSE_LABELS[0], answer), Option(TRUE_FALSE_LABELS[1], not answer))
    raw = checker.field(data, "options", list, check=lambda v: 2 <= len(v) <= 6,
                        hint="must be a list of 2 to 6 options")
    options = []
    for item in raw or []:
        if not isinstance(item, dict):
            checker.add(data["__lines__"].get("options", data["__line__"]),
                        "each option must have 'text' (and 'correct: true' if right)")
            continue
        checker.unknown(item, ("text", "correct"), "an option")
        text = checker.field(item, "text", str, check=str.strip, hint="must be non-empty text")
        correct = checker.field(item, "correct", bool, required=False, default=False,
                                hint="must be true or false")
        if text:
            options.append(Option(text.strip(), correct))
    right = sum(option.correct for option in options)
    line = data["__lines__"].get("options", data["__line__"])
    if raw and qtype == "single" and right != 1:
        checker.add(line, f"a single-choice question needs exactly one correct option, "
                          f"this one has {right}")
    if raw and qtype == "multiple" and not 1 <= right < len(options):
        checker.add(line, "a multiple-choice question needs at least one correct and one "
                          "incorrect option")
    return tuple(options)


def _objectives(checker: _Checker, data: dict, known: Collection[str] | None,
                qid: str | None) -> tuple[str, ...]:
    example = f"[{next(iter(known))}]" if known else "[kk-1]"
    raw = checker.field(
        data, "objectives", list,
        check=lambda v: bool(v) and all(isinstance(i, str) and is_slug(i) for i in v),
        hint=f"must be a list of one or more objective ids, e.g. {example}",
        missing=f"write 'objectives: {example}' with the ids of the module's objectives "
                "this item assesses")
    ids = tuple(dict.fromkeys(raw or ()))
    if known is not None:
        for unknown in (i for i in ids if i not in known):
            checker.add(data["__lines__"].get("objectives", data["__line__"]),
                        f"question {qid or '?'!r}: unknown objective {unknown!r} (objectives of "
                        f"this module: {', '.join(known) or 'none'})")
    return ids


def _question(checker: _Checker, data: Any, index: int, line: int,
              known: Collection[str] | None) -> Question | None:
    if not isinstance(data, dict):
        checker.add(line, f"question {index} must be a mapping with id, form, objectives, "
                          "type, text, ...")
        return None
    checker.unknown(data, ("id", "form", "objectives", "type", "text", "options", "answer",
                           "scoring", "explanation"), f"question {index}")
    qid = checker.field(data, "id", str, check=is_slug, hint="must be a-z, 0-9 and '-'")
    form = checker.field(data, "form", str, check=lambda v: v in USES, hint="must be pre or post",
                         missing="write 'form: pre' or 'form: post' (the test whose pool "
                                 "holds the item; the two pools never share an item)")
    objectives = _objectives(checker, data, known, qid)
    qtype = checker.field(data, "type", str, check=lambda v: v in QUESTION_TYPES,
                          hint=f"must be one of {', '.join(QUESTION_TYPES)}")
    text = checker.field(data, "text", str, check=str.strip, hint="must be non-empty text")
    explanation = checker.field(data, "explanation", str, check=str.strip,
                                hint="must be non-empty text")
    scoring = "exact"
    if qtype == "multiple":
        scoring = checker.field(data, "scoring", str, check=lambda v: v in SCORINGS,
                                hint=f"must be one of {', '.join(SCORINGS)}")
    elif "scoring" in data:
        checker.add(data["__lines__"]["scoring"], "'scoring' applies to multiple-choice only")
    options = _options(checker, data, qtype) if qtype else ()
    if None in (qid, form, qtype, text, explanation, scoring) or not options or not objectives:
        return None
    return Question(qid, qtype, text.strip(), options, explanation.strip(), scoring, form,
                    objectives, line)


def load_quiz(path: Path, objectives: Collection[str] | None = None
              ) -> tuple[Quiz | None, list[Problem]]:
    """Load and check one bank; returns the quiz (None if unusable) and its problems.

    ``objectives`` are the ids of the module's objectives: an item naming another is a
    problem (None: not checked, for a bank read on its own)."""
    checker = _Checker(path)
    raw_text = path.read_bytes()
    try:
        data = yaml.load(raw_text.decode("utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader
    except (yaml.YAMLError, UnicodeDecodeError, TypeError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        checker.add(mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', exc)}")
        return None, checker.problems
    if not isinstance(data, dict):
        checker.add(1, "a question bank must be a mapping with settings and 'questions'")
        return None, checker.problems
    checker.unknown(data, ("pass_mark", "draw", "shuffle", "attempts", "score", "use_as",
                           "time_limit_minutes", "questions"), "the bank")
    positive = {"check": lambda v: v > 0, "hint": "must be a whole number greater than 0"}
    pass_mark = checker.field(data, "pass_mark", int, check=lambda v: 1 <= v <= 100,
                              hint="must be a whole number from 1 to 100")
    draw = checker.field(data, "draw", int, **positive)
    shuffle = checker.field(data, "shuffle", bool, required=False, default=True,
                            hint="must be true or false")
    attempts = checker.field(data, "attempts", int, required=False, default=3, **positive)
    policy = checker.field(data, "score", str, required=False, default="best",
                           check=lambda v: v in SCORE_POLICIES, hint="must be best or last")
    use_as = checker.field(data, "use_as", list, required=False, default=list(USES),
                           check=lambda v: v and all(u in USES for u in v),
                           hint="must be a list of pre and/or post")
    limit = checker.field(data, "time_limit_minutes", int, required=False, **positive)
    raw_questions = checker.field(data, "questions", list, check=bool,
                                  hint="must be a non-empty list")
    questions, seen = [], {}
    for index, item in enumerate(raw_questions or [], 1):
        line = item.get("__line__", data["__line__"]) if isinstance(item, dict) else 1
        question = _question(checker, item, index, line, objectives)
        if question is None:
            continue
        if question.id in seen:
            checker.add(item["__lines__"].get("id", line),
                        f"duplicate question id '{question.id}' (also on line {seen[question.id]})")
            continue
        seen[question.id] = item["__lines__"].get("id", line)
        questions.append(question)
    for kind in USES:
        if not (draw and raw_questions and use_as and kind in use_as):
            continue
        size = sum(1 for item in raw_questions if isinstance(item, dict)
                   and item.get("form") == kind)
        if draw > size:
            checker.add(data["__lines__"]["draw"],
                        f"draw is {draw} but the {kind} pool has only {size} questions (form: "
                        f"{kind}): add {draw - size} or lower draw")
    if checker.problems:
        return None, checker.problems
    lines = {key: line for key, line in data["__lines__"].items() if isinstance(key, str)}
    quiz = Quiz(path, pass_mark, draw, shuffle, attempts, policy, frozenset(use_as), limit,
                tuple(questions), hashlib.sha256(raw_text).hexdigest(), lines)
    return quiz, []
