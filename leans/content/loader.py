"""Read the content tree (``content/modules/*/``) and check every module and lesson."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it.token import Token

from leans.content.blocks import parse_blocks
from leans.content.checks import check_body, check_glossary_body, check_prerequisites, links_to
from leans.content.glossary import GLOSSARY_FILE, Glossary, read_terms
from leans.content.markdown import parse
from leans.content.model import Catalogue, Lesson, Module, Objective
from leans.content.problems import Problem
from leans.content.quiz import load_quiz
from leans.content.rubric import load_rubrics
from leans.content.yamlcheck import front_matter_end
from leans.core.slugs import is_slug

#: Completion rules a module may list; each is explained in docs/content-format.md.
COMPLETION_RULES = ("lessons", "tasks", "post_test", "action_plan")
QUIZ_FILE = "quiz.yaml"
MODULE_FILE = "module.md"
IGNORED = {"README.md", MODULE_FILE}
#: Fields of content format v1 that are still read but no longer used (``leans content
#: check`` asks to delete them): minutes are computed now.
OBSOLETE_FIELDS = ("estimated_minutes",)

#: Field name -> (kind, required). Kinds: slug, text, int, int0, number, objectives, slugs,
#: rules, ignored.
MODULE_FIELDS: dict[str, tuple[str, bool]] = {
    "slug": ("slug", True), "title": ("text", True), "order": ("int", True),
    "jp": ("number", True), "objectives": ("objectives", True), "summary": ("text", False),
    "prerequisites": ("slugs", False), "completion": ("rules", False),
    "estimated_minutes": ("ignored", False),
}
LESSON_FIELDS: dict[str, tuple[str, bool]] = {
    "slug": ("slug", True), "title": ("text", True), "order": ("int", True),
    "activity_minutes": ("int0", False), "estimated_minutes": ("ignored", False),
}
GLOSSARY_FIELDS: dict[str, tuple[str, bool]] = {"title": ("text", True)}


@dataclass
class _Document:
    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int]
    #: The front matter's text, to read the lines of list items when a check needs them.
    front: str = ""

    def item_lines(self, key: str) -> list[int]:
        """The file line of each item of the list under ``key`` (empty if not a list)."""
        try:
            node = yaml.compose(self.front, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return []
        if not isinstance(node, yaml.MappingNode):
            return []
        items = next((value for name, value in node.value
                      if isinstance(name, yaml.ScalarNode) and name.value == key), None)
        if not isinstance(items, yaml.SequenceNode):
            return []
        return [item.start_mark.line + 2 for item in items.value]


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
    return _Document(path, dict(post.metadata), post.content, end + 2, key_lines,
                     "\n".join(lines[1:end]))


def _check_fields(doc: _Document, spec: dict[str, tuple[str, bool]],
                  problems: list[Problem]) -> bool:
    ok = True
    known = ", ".join(name for name, (kind, _required) in spec.items() if kind != "ignored")
    for name in doc.meta:
        if name not in spec:
            problems.append(Problem(doc.path, doc.key_lines.get(name, 1),
                                    f"unknown field '{name}' (known: {known})"))
            ok = False
    for name, (kind, required) in spec.items():
        line = doc.key_lines.get(name, 1)
        if name not in doc.meta or doc.meta[name] is None:
            if required:
                problems.append(Problem(doc.path, 1, f"required field '{name}' is missing"
                                                     + MISSING_HINTS.get(name, "")))
                ok = False
            continue
        if kind == "objectives":
            found = _objective_problems(doc, name)
            problems.extend(found)
            ok = ok and not found
            continue
        message = _field_error(kind, doc.meta[name])
        if message:
            problems.append(Problem(doc.path, line, f"field '{name}' {message}"))
            ok = False
    return ok


#: What to write when a required field is missing, after "required field 'x' is missing".
MISSING_HINTS = {
    "objectives": ": write 'objectives:' with items '- id: kk-1' and 'text: ...' (an id, a-z "
                  "0-9 '-', unique in the module, for each objective)",
}


def _objective_problems(doc: _Document, name: str) -> list[Problem]:
    """An ``objectives`` list: each item an ``id`` (unique slug) and a ``text``."""
    value, line = doc.meta[name], doc.key_lines.get(name, 1)
    if not isinstance(value, list) or not value:
        return [Problem(doc.path, line, f"field '{name}' must be a non-empty list of objectives, "
                                        "each '- id: kk-1' with 'text: ...' below it")]
    problems, seen = [], {}
    lines = doc.item_lines(name)
    for number, item in enumerate(value, 1):
        where = lines[number - 1] if number <= len(lines) else line
        if not isinstance(item, dict):
            problems.append(Problem(doc.path, where, f"objective {number} must have an id and a "
                                                     f"text: write '- id: kk-{number}' and "
                                                     "'text: ...' below it (content format v2)"))
            continue
        for key in item:
            if key not in ("id", "text"):
                problems.append(Problem(doc.path, where, f"unknown field {key!r} in objective "
                                                         f"{number} (known: id, text)"))
        oid, text = item.get("id"), item.get("text")
        if not is_slug(oid):
            problems.append(Problem(doc.path, where, f"objective {number} needs an id of a-z, "
                                                     f"0-9 and '-', e.g. 'id: kk-{number}' "
                                                     f"(got {oid!r})"))
        elif oid in seen:
            problems.append(Problem(doc.path, where, f"duplicate objective id {oid!r} (also "
                                                     f"objective {seen[oid]}): give each its "
                                                     "own id"))
        else:
            seen[oid] = number
        if not (isinstance(text, str) and text.strip()):
            problems.append(Problem(doc.path, where, f"objective {number} needs 'text:' with "
                                                     "the objective as a sentence"))
    return problems


def _field_error(kind: str, value: Any) -> str | None:
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == "ignored":
        return None
    if kind == "int0" and not (is_int and value >= 0):
        return f"must be a whole number, 0 or more (got {value!r})"
    if kind == "slug" and not is_slug(value):
        return f"must be a slug of a-z, 0-9 and '-' (got {value!r})"
    if kind == "text" and not (isinstance(value, str) and value.strip()):
        return "must be non-empty text"
    if kind == "int" and not (is_int and value > 0):
        return f"must be a whole number greater than 0 (got {value!r})"
    if kind == "number" and not ((is_int or isinstance(value, float)) and value > 0):
        return f"must be a number greater than 0 (got {value!r})"
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
        Lesson(module_slug, d.meta["slug"], d.meta["title"], d.meta["order"], d.path, d.body,
               d.body_line, activity_minutes=d.meta.get("activity_minutes") or 0)
        for d in docs
    ]
    return sorted(lessons, key=lambda lesson: (lesson.order, lesson.slug))


def _check_blocks(module: Module) -> list[Problem]:
    """Block attributes of every lesson, task ids unique in the module, and no attributes in
    module.md (its overview has no time or answers)."""
    problems: list[Problem] = []
    seen: dict[str, tuple[Path, int]] = {}
    for lesson in module.lessons:
        problems.extend(Problem(lesson.path, lesson.body_line + line, message)
                        for line, message in lesson.block_problems)
        for block in lesson.blocks:
            if block.task_id is None:
                continue
            where = lesson.body_line + block.line
            if block.task_id in seen:
                path, line = seen[block.task_id]
                problems.append(Problem(lesson.path, where, f"duplicate task id "
                                                            f"{block.task_id!r} (also in "
                                                            f"{path}:{line}): task ids must be "
                                                            "unique within the module"))
            else:
                seen[block.task_id] = (lesson.path, where)
    problems.extend(_no_attributes(module.path, module.overview, module.body_line, MODULE_FILE))
    return problems


def _no_attributes(path: Path, body: str, offset: int, where: str) -> list[Problem]:
    blocks, found = parse_blocks(body)
    problems = [Problem(path, offset + line, message) for line, message in found]
    problems.extend(Problem(path, offset + block.line,
                            f"block attributes (id=, menit=) belong in lessons, not in "
                            f"{where}: remove the braces")
                    for block in blocks if block.minutes or block.task_id)
    return problems


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
    objectives = tuple(Objective(item["id"], item["text"].strip())
                       for item in meta["objectives"])
    lessons = _load_lessons(folder, meta["slug"], problems)
    if not lessons:
        problems.append(Problem(path, 1, "module has no lessons: add at least one lesson file"))
    quiz = None
    if (folder / QUIZ_FILE).exists():
        quiz, quiz_problems = load_quiz(folder / QUIZ_FILE, tuple(o.id for o in objectives))
        problems.extend(quiz_problems)
    completion = tuple(meta.get("completion") or ("lessons",))
    completion_line = doc.key_lines.get("completion", 1)
    if "post_test" in completion and (quiz is None or "post" not in quiz.use_as):
        problems.append(Problem(path, completion_line,
                                f"completion rule 'post_test' needs a {QUIZ_FILE} used as "
                                "post-test in this module"))
    module = Module(
        slug=meta["slug"], title=meta["title"], order=meta["order"], jp=meta["jp"],
        objectives=objectives, prerequisites=tuple(meta.get("prerequisites") or ()),
        summary=meta.get("summary") or "", folder=folder, path=path, overview=doc.body,
        body_line=doc.body_line, lessons=tuple(lessons),
        completion=completion, quiz=quiz,
    )
    problems.extend(_check_blocks(module))
    if "tasks" in completion and not module.tasks:
        problems.append(Problem(path, completion_line,
                                "completion rule 'tasks' needs at least one answerable task in "
                                "the module's lessons: '::: tugas Judul {id=...}'"))
    return module, doc


def _load_glossary(root: Path, problems: list[Problem]) -> Glossary | None:
    path = root / GLOSSARY_FILE
    if not path.is_file():
        return None
    doc = _read(path, problems)
    if doc is None or not _check_fields(doc, GLOSSARY_FIELDS, problems):
        return None
    terms, found = read_terms(doc.body, doc.body_line)
    problems.extend(Problem(path, line, message) for line, message in found)
    problems.extend(check_glossary_body(path, doc.body, doc.body_line))
    problems.extend(_no_attributes(path, doc.body, doc.body_line, GLOSSARY_FILE))
    return Glossary(doc.meta["title"].strip(), path, doc.body, doc.body_line, terms)


def _check_glossary_links(path: Path, body: str, offset: int, glossary: Glossary,
                          tokens: list[Token] | None = None) -> list[Problem]:
    """Links to a glossary term (``glosarium.md#anchor``) name a term that exists."""
    return [
        Problem(path, offset + line, f"link {target!r}: the glossary has no term with the "
                                     f"anchor {fragment!r} (a term's anchor is its '##' heading "
                                     "in lower case, spaces as '-')")
        for target, fragment, line in links_to(path, body, glossary.path, tokens)
        if fragment and fragment not in glossary.anchors
    ]


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
    glossary = _load_glossary(root, problems)
    for module in modules:
        bodies = [(module.path, module.overview, module.body_line),
                  *((lesson.path, lesson.body, lesson.body_line) for lesson in module.lessons)]
        for path, body, offset in bodies:
            tokens = parse(body)  # once for both checks: parsing is most of the load time
            problems.extend(check_body(path, body, offset, root, tokens))
            if glossary is not None:
                problems.extend(_check_glossary_links(path, body, offset, glossary, tokens))
    rubrics, rubric_problems = load_rubrics(root / "rubrics")
    problems.extend(rubric_problems)
    return Catalogue(root, tuple(modules), tuple(problems), rubrics, glossary)
