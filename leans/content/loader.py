"""Read the content tree (``content/modules/*/``) and check every module and lesson."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from leans.content.checks import check_body, check_prerequisites
from leans.content.model import Catalogue, Lesson, Module
from leans.content.problems import Problem
from leans.content.quiz import load_quiz
from leans.content.rubric import load_rubrics
from leans.content.yamlcheck import front_matter_end
from leans.core.slugs import is_slug

#: Completion rules a module may list; each is explained in docs/content-format.md.
COMPLETION_RULES = ("lessons", "post_test", "action_plan")
QUIZ_FILE = "quiz.yaml"
MODULE_FILE = "module.md"
IGNORED = {"README.md", MODULE_FILE}

#: Field name -> (kind, required). Kinds: slug, text, int, number, texts, slugs.
MODULE_FIELDS: dict[str, tuple[str, bool]] = {
    "slug": ("slug", True), "title": ("text", True), "order": ("int", True),
    "jp": ("number", True), "estimated_minutes": ("int", True),
    "objectives": ("texts", True), "summary": ("text", False),
    "prerequisites": ("slugs", False), "completion": ("rules", False),
}
LESSON_FIELDS: dict[str, tuple[str, bool]] = {
    "slug": ("slug", True), "title": ("text", True), "order": ("int", True),
    "estimated_minutes": ("int", True),
}


@dataclass
class _Document:
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]


def _read(path: Path, problems: list[Problem]) -> _Document | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "file is not UTF-8 text"))
        return None
    lines = text.splitlines()
    end, problem = front_matter_end(path, lines)
    if problem or end is None:
        problems.extend([problem] if problem else [])
        return None
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problems.append(Problem(path, line, f"front matter is not valid YAML: "
                                            f"{getattr(exc, 'problem', exc)}"))
        return None
    except (TypeError, ValueError):  # e.g. a key that is not text ("? : x")
        problems.append(Problem(path, 2, "front matter must be 'key: value' lines with text "
                                         "keys"))
        return None
    if not isinstance(post.metadata, dict):
        problems.append(Problem(path, 2, "front matter must be a list of 'key: value' lines"))
        return None
    key_lines = {}
    for number, line in enumerate(lines[1:end], start=2):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            key_lines.setdefault(match.group(1), number)
    return _Document(path, dict(post.metadata), post.content, end + 2, key_lines)


def _check_fields(doc: _Document, spec: dict[str, tuple[str, bool]],
                  problems: list[Problem]) -> bool:
    ok = True
    for name in doc.meta:
        if name not in spec:
            problems.append(Problem(doc.path, doc.key_lines.get(name, 1),
                                    f"unknown field '{name}' (known: {', '.join(spec)})"))
            ok = False
    for name, (kind, required) in spec.items():
        line = doc.key_lines.get(name, 1)
        if name not in doc.meta or doc.meta[name] is None:
            if required:
                problems.append(Problem(doc.path, 1, f"required field '{name}' is missing"))
                ok = False
            continue
        message = _field_error(kind, doc.meta[name])
        if message:
            problems.append(Problem(doc.path, line, f"field '{name}' {message}"))
            ok = False
    return ok


def _field_error(kind: str, value: Any) -> str | None:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == "slug" and not is_slug(value):
        return f"must be a slug of a-z, 0-9 and '-' (got {value!r})"
    if kind == "text" and not (isinstance(value, str) and value.strip()):
        return "must be non-empty text"
    if kind == "int" and not (is_int and value > 0):
        return f"must be a whole number greater than 0 (got {value!r})"
    if kind == "number" and not ((is_int or isinstance(value, float)) and value > 0):
        return f"must be a number greater than 0 (got {value!r})"
    if kind == "texts" and not (isinstance(value, list) and value
                                and all(isinstance(v, str) and v.strip() for v in value)):
        return "must be a non-empty list of texts"
    if kind == "rules" and not (isinstance(value, list) and value
                                and all(v in COMPLETION_RULES for v in value)):
        return f"must be a non-empty list of rules from: {', '.join(COMPLETION_RULES)}"
    if kind == "slugs" and not (isinstance(value, list)
                                and all(is_slug(v) for v in value)):
        return "must be a list of module slugs"
    return None


def _check_unique(docs: list[_Document], key: str, what: str, problems: list[Problem]) -> None:
    seen: dict[Any, Path] = {}
    for doc in docs:
        value = doc.meta.get(key)
        if value is None:
            continue
        if value in seen:
            problems.append(Problem(doc.path, doc.key_lines.get(key, 1),
                                    f"duplicate {what} {value!r} (also in {seen[value]})"))
        else:
            seen[value] = doc.path


def _load_lessons(folder: Path, module_slug: str, problems: list[Problem]) -> list[Lesson]:
    docs = []
    for path in sorted(folder.glob("*.md")):
        if path.name in IGNORED or path.name.startswith("_") or path.stem == "quiz":
            continue
        doc = _read(path, problems)
        if doc and _check_fields(doc, LESSON_FIELDS, problems):
            docs.append(doc)
            if not doc.body.strip():
                problems.append(Problem(path, doc.body_line, "lesson is empty: write its text "
                                                             "below the front matter"))
    _check_unique(docs, "slug", "lesson slug", problems)
    _check_unique(docs, "order", "lesson order", problems)
    lessons = [
        Lesson(module_slug, d.meta["slug"], d.meta["title"], d.meta["order"],
               d.meta["estimated_minutes"], d.path, d.body, d.body_line)
        for d in docs
    ]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.slug))


def _load_module(folder: Path, problems: list[Problem]) -> tuple[Module, _Document] | None:
    path = folder / MODULE_FILE
    if not path.exists():
        problems.append(Problem(path, 1, f"{MODULE_FILE} is missing: every module folder needs "
                                         "one with the module's front matter"))
        return None
    doc = _read(path, problems)
    if doc is None or not _check_fields(doc, MODULE_FIELDS, problems):
        return None
    meta = doc.meta
    lessons = _load_lessons(folder, meta["slug"], problems)
    if not lessons:
        problems.append(Problem(path, 1, "module has no lessons: add at least one lesson file"))
    quiz = None
    if (folder / QUIZ_FILE).exists():
        quiz, quiz_problems = load_quiz(folder / QUIZ_FILE)
        problems.extend(quiz_problems)
    completion = tuple(meta.get("completion") or ("lessons",))
    if "post_test" in completion and (quiz is None or "post" not in quiz.use_as):
        problems.append(Problem(path, doc.key_lines.get("completion", 1),
                                f"completion rule 'post_test' needs a {QUIZ_FILE} used as "
                                "post-test in this module"))
    module = Module(
        slug=meta["slug"], title=meta["title"], order=meta["order"], jp=meta["jp"],
        estimated_minutes=meta["estimated_minutes"], objectives=tuple(meta["objectives"]),
        prerequisites=tuple(meta.get("prerequisites") or ()),
        summary=meta.get("summary") or "", folder=folder, path=path, overview=doc.body,
        body_line=doc.body_line, lessons=tuple(lessons),
        completion=completion, quiz=quiz,
    )
    return module, doc


def load_catalogue(root: Path | str) -> Catalogue:
    """Load and check the whole tree; problems are collected, never raised."""
    root = Path(root)
    problems: list[Problem] = []
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        problems.append(Problem(modules_dir, 1, "folder 'modules' not found in the content "
                                                "directory"))
        return Catalogue(root, (), tuple(problems))
    loaded = [
        result for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir())
        if (result := _load_module(folder, problems)) is not None
    ]
    docs = [doc for _, doc in loaded]
    _check_unique(docs, "slug", "module slug", problems)
    _check_unique(docs, "order", "module order", problems)
    modules = sorted((module for module, _ in loaded), key=lambda m: (m.order, m.slug))
    problems.extend(check_prerequisites(modules, {d.meta["slug"]: d.key_lines for d in docs}))
    for module in modules:
        problems.extend(check_body(module.path, module.overview, module.body_line, root))
        for lesson in module.lessons:
            problems.extend(check_body(lesson.path, lesson.body, lesson.body_line, root))
    rubrics, rubric_problems = load_rubrics(root / "rubrics")
    problems.extend(rubric_problems)
    return Catalogue(root, tuple(modules), tuple(problems), rubrics)
