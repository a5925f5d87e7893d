"""Helpers for tests that import into a real Anki collection with the `anki` package."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def import_apkg(col: Any, path: Path) -> Any:
    """Import a package the way Anki's import dialog does by default; return the import log.

    Defaults of the dialog: update notes and note types "if newer", no merging of note types,
    scheduling not imported.
    """
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition as Cond

    options = ImportAnkiPackageOptions(
        with_scheduling=False,
        with_deck_configs=False,
        merge_notetypes=False,
        update_notes=Cond.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=Cond.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    )
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def counts(log: Any) -> dict[str, int]:
    """How many notes an import added, updated, skipped as identical, or found conflicting."""
    return {
        "new": len(log.new),
        "updated": len(log.updated),
        "duplicate": len(log.duplicate),
        "conflicting": len(log.conflicting),
        "first_field_match": len(log.first_field_match),
        "missing_notetype": len(log.missing_notetype),
    }


def note_by_card_id(col: Any, card_id: str) -> Any:
    """The note whose 'Card ID' field is `card_id`."""
    (nid,) = col.find_notes(f'"Card ID:{card_id}"')
    return col.get_note(nid)
