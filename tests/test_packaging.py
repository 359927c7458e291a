"""Packaging: requirements.lock matches pyproject.toml and pins every file by its hash, and a
wheel built from the sources carries the compiled Bahasa Indonesia catalogue.

The lock checks read only files (no network, well under a second); they are also run on planted
mismatches so that they are known to fail. The wheel test (marked ``build``, a few seconds) builds
with the build requirements already installed in this venv from the lock, so it needs no
network either.
"""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
MAKEFILE = ROOT / "Makefile"
CATALOGUE_MO = "leans/translations/id/LC_MESSAGES/messages.mo"

#: The platforms the lock must serve (the README's): Linux on x86_64 and aarch64, CPython 3.11.
PLATFORMS = {
    machine: {**default_environment(), "sys_platform": "linux", "platform_system": "Linux",
              "os_name": "posix", "platform_machine": machine, "implementation_name": "cpython",
              "platform_python_implementation": "CPython", "python_version": "3.11",
              "python_full_version": "3.11.7"}
    for machine in ("x86_64", "aarch64")
}
HASH_RE = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: Version
    marker: Marker | None
    hashes: int
    text: str


def parse_lock(text: str) -> tuple[list[Pin], list[str]]:
    """The pins of a hashed requirements file, and the problems with its lines."""
    logical, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        current += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            logical.append(current.strip())
            current = ""
    if current:
        logical.append(current.strip())
    pins, problems = [], []
    for entry in logical:
        spec, _, options = entry.partition(" --")
        options = "--" + options if options else ""
        hashes = HASH_RE.findall(options)
        if HASH_RE.sub("", options).strip():
            problems.append(f"unexpected options in the lock: {entry[:100]}")
        try:
            req = Requirement(spec)
        except InvalidRequirement:
            problems.append(f"not a requirement: {entry[:100]}")
            continue
        exact = [s for s in req.specifier if s.operator == "==" and "*" not in s.version]
        if req.url or len(req.specifier) != 1 or not exact:
            problems.append(f"{req.name} is not pinned to one version (==): {spec}")
            continue
        if not hashes:
            problems.append(f"{req.name}=={exact[0].version} has no --hash=sha256: line")
        pins.append(Pin(canonicalize_name(req.name), Version(exact[0].version), req.marker,
                        len(hashes), spec))
    return pins, problems


def lock_tools(makefile_text: str) -> list[str]:
    """The tools locked beside the project (``LOCK_TOOLS`` in the Makefile, e.g. pip)."""
    match = re.search(r"^LOCK_TOOLS\s*:?=\s*(.+)$", makefile_text, re.MULTILINE)
    return match.group(1).split() if match else []


def declared_requirements(pyproject: dict, tools: list[str]) -> list[tuple[str, str]]:
    """``(where, requirement)`` for everything the lock must hold."""
    project = pyproject["project"]
    return ([("dependencies", r) for r in project["dependencies"]]
            + [("test extra", r) for r in project["optional-dependencies"]["test"]]
            + [("build-system requires", r) for r in pyproject["build-system"]["requires"]]
            + [("Makefile LOCK_TOOLS", r) for r in tools])


def lock_problems(pyproject: dict, lock_text: str, tools: list[str]) -> list[str]:
    """Why the lock does not match pyproject.toml (empty when it does)."""
    pins, problems = parse_lock(lock_text)
    for machine, env in PLATFORMS.items():
        chosen: dict[str, list[Pin]] = {}
        for pin in pins:
            if pin.marker is None or pin.marker.evaluate(env):
                chosen.setdefault(pin.name, []).append(pin)
        for name, same in chosen.items():
            if len(same) > 1:
                problems.append(f"{name} is locked twice for Linux {machine}: "
                                + ", ".join(p.text for p in same))
        for where, text in declared_requirements(pyproject, tools):
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            locked = chosen.get(canonicalize_name(req.name))
            if not locked:
                problems.append(f"{req.name} ({where}) is not in the lock for Linux {machine}")
                continue
            for pin in locked:
                if not req.specifier.contains(pin.version, prereleases=True):
                    problems.append(f"{pin.name}=={pin.version} in the lock does not satisfy "
                                    f"{text!r} ({where})")
    return sorted(set(problems))


def real_inputs() -> tuple[dict, str, list[str]]:
    return (tomllib.loads(PYPROJECT.read_text(encoding="utf-8")),
            LOCK.read_text(encoding="utf-8"), lock_tools(MAKEFILE.read_text(encoding="utf-8")))


# --- the lock --------------------------------------------------------------------------------


def test_lock_matches_pyproject_and_every_pin_has_hashes():
    pyproject, lock_text, tools = real_inputs()
    assert tools, "the Makefile names the tools locked beside the project (LOCK_TOOLS)"
    assert lock_problems(pyproject, lock_text, tools) == [], "run `make lock`"
    pins, _ = parse_lock(lock_text)
    assert len(pins) > 50 and all(pin.hashes for pin in pins)


def test_the_lock_is_made_by_make_lock():
    assert "#    make lock" in LOCK.read_text(encoding="utf-8").split("\n", 3)[1]


def _pyproject_with(change) -> dict:
    pyproject, _, _ = real_inputs()
    change(pyproject)
    return pyproject


def _replace(items: list[str], name: str, new: str) -> None:
    index = next(i for i, r in enumerate(items)
                 if canonicalize_name(Requirement(r).name) == canonicalize_name(name))
    items[index] = new


@pytest.mark.parametrize("change, expected", [
    (lambda p: _replace(p["project"]["dependencies"], "Flask", "Flask>=99"),
     "flask==3"),
    (lambda p: p["project"]["dependencies"].append("left-pad>=1"),
     "left-pad (dependencies) is not in the lock"),
    (lambda p: _replace(p["project"]["optional-dependencies"]["test"], "pytest", "pytest<9"),
     "in the lock does not satisfy 'pytest<9' (test extra)"),
    (lambda p: p["project"]["optional-dependencies"]["test"].append("pytest-randomly>=3"),
     "pytest-randomly (test extra) is not in the lock"),
    (lambda p: _replace(p["build-system"]["requires"], "setuptools", "setuptools>=999"),
     "(build-system requires)"),
    (lambda p: p["project"]["dependencies"].append("pywin32>=300; sys_platform == 'linux'"),
     "pywin32 (dependencies) is not in the lock for Linux aarch64"),
], ids=["floor-above-lock", "new-dependency", "test-extra-bound", "new-test-tool",
        "build-requirement", "new-linux-only-dependency"])
def test_the_check_catches_a_planted_pyproject_mismatch(change, expected):
    _, lock_text, tools = real_inputs()
    problems = lock_problems(_pyproject_with(change), lock_text, tools)
    assert any(expected in problem for problem in problems), problems


def test_the_check_ignores_requirements_for_other_platforms():
    _, lock_text, tools = real_inputs()
    pyproject = _pyproject_with(
        lambda p: p["project"]["dependencies"].append("pywin32>=300; sys_platform == 'win32'"))
    assert lock_problems(pyproject, lock_text, tools) == []


def _first_pin_block(lock_text: str) -> str:
    return re.search(r"^[a-z].*?(?=^[a-z])", lock_text, re.MULTILINE | re.DOTALL).group(0)


@pytest.mark.parametrize("tamper, expected", [
    (lambda block: re.sub(r" \\\n\s+--hash=sha256:[0-9a-f]+", "", block),
     "has no --hash=sha256: line"),
    (lambda block: re.sub(r"==[^ ;\\]+", ">=1", block, count=1),
     "is not pinned to one version"),
    (lambda block: re.sub(r"^[a-z0-9-]+==", "flask==", block, count=1),
     "flask is locked twice"),
    (lambda block: "-e git+https://example.org/x.git#egg=x\n" + block,
     "not a requirement"),
    (lambda block: block.replace("--hash=", "--index-url=https://example.org --hash=", 1),
     "unexpected options"),
], ids=["hashes-removed", "unpinned", "duplicate", "editable-vcs-line", "extra-option"])
def test_the_check_catches_a_planted_lock_problem(tamper, expected):
    pyproject, lock_text, tools = real_inputs()
    block = _first_pin_block(lock_text)
    problems = lock_problems(pyproject, lock_text.replace(block, tamper(block), 1), tools)
    assert any(expected in problem for problem in problems), problems


def test_a_removed_pin_is_caught():
    pyproject, lock_text, tools = real_inputs()
    jinja = re.search(r"^jinja2==.*?(?=^[a-z])", lock_text, re.MULTILINE | re.DOTALL).group(0)
    problems = lock_problems(pyproject, lock_text.replace(jinja, ""), tools)
    assert "Jinja2 (dependencies) is not in the lock for Linux x86_64" in problems


# --- the wheel -------------------------------------------------------------------------------


def _unmet_build_requirements(pyproject: dict) -> list[str]:
    unmet = []
    for text in pyproject["build-system"]["requires"]:
        req = Requirement(text)
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            unmet.append(f"{text} (not installed)")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            unmet.append(f"{text} ({installed} installed)")
    return unmet


@pytest.mark.build
def test_wheel_carries_the_compiled_indonesian_catalogue(tmp_path):
    """``pip wheel`` on a copy of the sources without any ``.mo`` file: the wheel has the
    catalogue compiled by setup.py's build step, and it translates."""
    pyproject, _, _ = real_inputs()
    unmet = _unmet_build_requirements(pyproject)
    assert not unmet, f"build requirements missing from this venv, run `make install`: {unmet}"
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "leans", source / "leans",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    assert not list(source.rglob("*.mo"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--check-build-dependencies", "--no-index", "--quiet", "-w", str(tmp_path / "dist"),
         str(source)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("leans_lms-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert CATALOGUE_MO in names
        catalogue = gettext.GNUTranslations(io.BytesIO(archive.read(CATALOGUE_MO)))
        dist_info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        requires = archive.read(dist_info).decode()
    assert catalogue.gettext("Log in to LEANS") == "Masuk ke LEANS"
    assert "leans/translations/id/LC_MESSAGES/messages.po" in names
    assert "Requires-Dist: Flask<4,>=3.1.3" in requires  # metadata still from pyproject.toml
