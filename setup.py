"""One build step for LEANS LMS: compile the message catalogues (Bahasa Indonesia).

Everything else about the package (name, version, dependencies, package data) is in
pyproject.toml; setuptools reads it from there. This file only adds the step, so that a plain
``pip install .`` or a wheel carries ``leans/translations/<lang>/LC_MESSAGES/messages.mo``
(the ``.mo`` files are build products, not kept in git). Babel is a build requirement
(``[build-system] requires``).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

#: The catalogues, relative to the project root (setuptools runs this file from there).
TRANSLATIONS = Path("leans", "translations")


def compile_catalogues(source_root: Path, target_root: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/<domain>.po`` under ``source_root/TRANSLATIONS``
    into the ``.mo`` at the same place under ``target_root``, as ``pybabel compile`` does.

    A catalogue marked fuzzy as a whole is refused (``pybabel compile`` would skip it
    silently and the package would ship without that language); fuzzy entries are left out.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted((source_root / TRANSLATIONS).glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=po_path.parent.parent.name, domain=po_path.stem)
        if catalog.fuzzy:
            raise RuntimeError(f"{po_path} is marked fuzzy: review it before building")
        mo_path = target_root / po_path.relative_to(source_root).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class BuildPyWithCatalogues(build_py):
    """``build_py`` that also compiles the catalogues: into the build tree for a wheel, into
    the source tree for an editable install (which imports from there)."""

    def run(self) -> None:
        super().run()
        compile_catalogues(Path("."), Path(".") if self.editable_mode else Path(self.build_lib))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
                mo_path = str(Path(self.build_lib, po_path.with_suffix(".mo")))
                if mo_path not in outputs:
                    outputs.append(mo_path)
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogues})
