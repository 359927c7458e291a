"""The layers of docs/architecture.md, held: no package imports one above it, no import
cycle anywhere, no view module imports another view module, no feature imports the factory.

The order is declared once, in docs/architecture.md (the block under "Layers"); this test
reads it. Imports are read with ``ast`` from every module of ``leans/``, including imports
inside functions and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "leans"
DOC = ROOT / "docs" / "architecture.md"


def declared_layers() -> list[list[str]]:
    """Layers from the doc, lowest first; each layer is a list of packages that are peers
    (peers never import each other)."""
    block = re.search(r"<!-- layers -->\n```\n(.*?)```", DOC.read_text(), re.S)
    assert block, "docs/architecture.md must declare the layers in a ``` block after " \
                  "<!-- layers -->"
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    top_down = [line.split() for line in lines if line]
    return list(reversed(top_down))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every ``leans`` module this file imports (``from a import b`` counts ``a.b`` when
    ``a.b`` is a module, else ``a``)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in known else target)
    return {m for m in found if m == "leans" or m.startswith("leans.")}


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    files = source_files()
    known = {module_name(p) for p in files}
    return {module_name(p): imported_modules(p, known) - {module_name(p)} for p in files}


def layer_of(module: str, layers: list[list[str]]) -> tuple[int, str] | None:
    """(layer index, package) of the most specific declared package holding ``module``;
    ``leans`` itself (the factory) holds only ``leans/__init__.py``."""
    best = None
    for index, peers in enumerate(layers):
        for package in peers:
            inside = module == package or (package != "leans"
                                           and module.startswith(package + "."))
            if inside and (best is None or len(package) > len(best[1])):
                best = (index, package)
    return best


def test_every_module_belongs_to_a_declared_layer(graph):
    layers = declared_layers()
    missing = [m for m in graph if layer_of(m, layers) is None]
    assert not missing, f"modules in no declared layer (add them to docs/architecture.md): " \
                        f"{missing}"


def layer_violations(graph: dict[str, set[str]], layers: list[list[str]]) -> list[str]:
    """Imports of a package in the same layer (a peer) or a higher one."""
    wrong = []
    for module, imports in graph.items():
        mine = layer_of(module, layers)
        for target in imports:
            theirs = layer_of(target, layers)
            if mine is None or theirs is None or mine[1] == theirs[1]:
                continue
            if theirs[0] >= mine[0]:
                wrong.append(f"{module} imports {target}")
    return sorted(wrong)


def find_cycles(graph: dict[str, set[str]]) -> list[str]:
    """Every cycle a depth-first walk meets, as ``a -> b -> a``."""
    cycles: list[str] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in graph:
                continue
            if state.get(target) == 1:
                cycles.append(" -> ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_no_package_imports_a_layer_above_it_or_a_peer(graph):
    wrong = layer_violations(graph, declared_layers())
    assert not wrong, "imports against the layers of docs/architecture.md:\n" + "\n".join(wrong)


def test_no_import_cycles(graph):
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_view_module_imports_another_view_module(graph):
    def is_view(module: str) -> bool:
        return module.rsplit(".", 1)[-1].endswith("views")

    wrong = [f"{m} imports {t}" for m, imports in graph.items() if is_view(m)
             for t in imports if is_view(t)]
    assert not wrong, "\n".join(wrong)


def test_no_feature_imports_the_app_factory():
    wrong = []
    for path in source_files():
        if module_name(path) in {"leans", "leans.cli"}:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "leans" and any(
                    alias.name == "create_app" for alias in node.names):
                wrong.append(module_name(path))
    assert not wrong, f"only the factory's callers may import create_app: {wrong}"


def test_the_checks_find_planted_violations():
    """Upward and peer imports and cycles are found (so the checks are not vacuous)."""
    layers = [["leans.core"], ["leans.assessments.quizzes", "leans.assessments.plans"],
              ["leans.modules"]]
    graph = {"leans.core.a": {"leans.modules.b"}, "leans.modules.b": {"leans.core.a"},
             "leans.assessments.quizzes.x": {"leans.assessments.plans.y"},
             "leans.assessments.plans.y": set()}
    assert layer_violations(graph, layers) == [
        "leans.assessments.quizzes.x imports leans.assessments.plans.y",
        "leans.core.a imports leans.modules.b"]
    assert find_cycles(graph) == ["leans.core.a -> leans.modules.b -> leans.core.a"]
    assert find_cycles({"leans.core.a": {"leans.core.b"}, "leans.core.b": set()}) == []
