"""Builds small content trees for tests."""

from __future__ import annotations

from pathlib import Path

import yaml


def write_doc(path: Path, meta: dict, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def module_meta(slug: str, order: int, **extra) -> dict:
    return {"slug": slug, "title": f"Modul {slug}", "order": order, "jp": 2,
            "estimated_minutes": 90, "objectives": ["Memahami sesuatu."], **extra}


def lesson_meta(slug: str, order: int, **extra) -> dict:
    return {"slug": slug, "title": f"Pelajaran {slug}", "order": order,
            "estimated_minutes": 20, **extra}


def write_module(root: Path, folder: str, meta: dict, lessons: dict[str, tuple[dict, str]],
                 overview: str = "Ringkasan modul.\n") -> Path:
    base = root / "modules" / folder
    write_doc(base / "module.md", meta, overview)
    for name, (lesson, body) in lessons.items():
        write_doc(base / name, lesson, body)
    return base


def small_tree(root: Path) -> Path:
    """Two modules; the second requires the first. Valid."""
    write_module(root, "01-satu", module_meta("satu", 1), {
        "01-a.md": (lesson_meta("a", 1), "## Bagian A\n\nTeks A. Lanjut ke [B](02-b.md).\n"),
        "02-b.md": (lesson_meta("b", 2), "## Bagian B\n\nTeks B.\n"),
    })
    write_module(root, "02-dua", module_meta("dua", 2, prerequisites=["satu"]), {
        "01-c.md": (lesson_meta("c", 1), "Teks C, lihat [modul satu](../01-satu/01-a.md).\n"),
    })
    return root
