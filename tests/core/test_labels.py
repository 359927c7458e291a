"""One label table: every code people could see has a label in both languages. That no page
or export shows a raw code is checked in ``test_no_raw_codes.py``."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from leans.core.labels import LABELS, Labelled, label, label_id

CATALOGUE = Path(__file__).resolve().parents[2] / "leans/translations/id/LC_MESSAGES/messages.po"


def labelled_enums(app) -> list[type[Labelled]]:
    """Every Labelled enum of the app (the app imports every feature's models)."""
    found, queue = [], list(Labelled.__subclasses__())
    while queue:
        cls = queue.pop()
        found.append(cls)
        queue.extend(cls.__subclasses__())
    return found


def test_every_code_has_a_label_in_both_languages(app):
    enums = {cls.__name__: cls for cls in labelled_enums(app)}
    assert {"PlanState", "PlanAction", "UpdateStatus", "TrackerState", "QuizKind",
            "CertificateStatus", "JobKind", "JobStatus", "ProgressStatus", "Role",
            "UnitType", "AuditAction", "AuditObject"} <= set(enums)
    with CATALOGUE.open("rb") as file:
        translated = {m.id: m.string for m in read_po(file) if m.id and m.string}
    for name, cls in enums.items():
        assert name in LABELS, f"{name} has no labels in leans/core/labels.py"
        assert set(LABELS[name]) == {m.value for m in cls}, f"{name}: labels and codes differ"
        for member in cls:
            english = LABELS[name][member.value]._args[0]
            assert english in translated, f"{name}.{member.name}: {english!r} not translated"
    assert set(LABELS) == set(enums), "labels for an enum that no longer exists"


def test_labels_follow_the_language_and_exports_are_indonesian(app):
    from leans.assessments.plans.states import PlanState

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            assert label(PlanState.REVISION_REQUESTED) == "Revision requested"
        assert label_id(PlanState.REVISION_REQUESTED) == "Perlu revisi"
        assert label(None) == "" and label("teks") == "teks"
