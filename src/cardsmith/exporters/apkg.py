"""Anki packages: one `.apkg` with every phase and one per phase, with stable identity and times.

genanki stamps one time on every note and model and writes a zip with wall-clock entry times;
here each note and note type carries its own `mod` from the lock, the package-wide time (which
also seeds genanki's note and card ids) is the newest `mod` in the package, and the zip is
rewritten deterministically. An edit in phase 1 therefore leaves the phase 2–4 packages
byte-identical, and an unchanged rebuild changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from typing import Any

import genanki

from cardsmith.exporters.base import BuiltDeck, deterministic_zip
from cardsmith.model import Deck, Note
from cardsmith.notetypes import NOTETYPES, NoteType, stylesheet

# Anki treats a file of this name as a whole-collection backup and offers to replace the
# learner's collection with it, so the all-phases package never takes it.
RESERVED_NAME = "collection.apkg"


class _Model(genanki.Model):  # type: ignore[misc]
    """A genanki model that writes its own mod time instead of the package's."""

    def __init__(self, notetype: NoteType, mod: int) -> None:
        super().__init__(
            model_id=notetype.id,
            name=notetype.name,
            fields=[{"name": f.name, "id": f.id} for f in notetype.fields],
            templates=[{"name": t.name, "id": t.id, "qfmt": t.front, "afmt": t.back} for t in notetype.templates],
            css=stylesheet(),
            model_type=genanki.Model.CLOZE if notetype.cloze else genanki.Model.FRONT_BACK,
            sort_field_index=notetype.sort_field,
        )
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(self.mod, deck_id)
        data["did"] = None  # not the id of whichever deck happened to be written last
        return data


class _Note(genanki.Note):  # type: ignore[misc]
    """A genanki note that writes its own mod time (Anki updates only when it is newer)."""

    def __init__(self, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)

    def _check_invalid_html_tags_in_fields(self) -> None:
        """Skip genanki's check: the fields are markdown-it's output with raw HTML off."""


def deck_id(name: str) -> int:
    """A stable Anki deck id from a deck name (decks are matched by name on import anyway)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:6], "big") | 1 << 50


def package_names(deck: BuiltDeck) -> dict[int | None, str]:
    """Output file per phase (None: all phases)."""
    base = deck.config.id
    everything = f"{base}.apkg" if f"{base}.apkg" != RESERVED_NAME else f"{base}-all.apkg"
    names: dict[int | None, str] = {None: everything}
    for phase in deck.curriculum.phases:
        names[phase.index] = f"{base}-phase-{deck.phase_ordinal(phase.index)}.apkg"
    return names


class ApkgExporter:
    name = "apkg"
    description = "Anki packages: one with all phases and one per phase"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (*package_names(deck).values(), f"{deck.config.id}-phase-*.apkg")

    def export(self, deck: BuiltDeck) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for phase, filename in package_names(deck).items():
            notes = tuple(n for n in deck.notes if phase is None or n.phase == phase)
            if not notes:
                continue
            out[filename] = write_package(deck, notes)
        return out


def _decks_for(notes: tuple[Note, ...]) -> list[Deck]:
    """Every deck of the package, parents included, in name order."""
    parts = {note.deck.parts[:depth] for note in notes for depth in range(1, len(note.deck.parts) + 1)}
    return [Deck(p) for p in sorted(parts)]


def write_package(deck: BuiltDeck, notes: tuple[Note, ...]) -> bytes:
    """The bytes of one `.apkg` holding `notes`."""
    models = {key: _Model(NOTETYPES[key], deck.notetype_mods[key]) for key in sorted({n.notetype for n in notes})}
    genanki_decks: dict[str, genanki.Deck] = {}
    for d in _decks_for(notes):
        description = deck.config.description if len(d.parts) == 1 else ""
        genanki_decks[d.name] = genanki.Deck(deck_id(d.name), d.name, description)
    for note in notes:
        genanki_decks[note.deck.name].add_note(
            _Note(
                note.mod,
                model=models[note.notetype],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.order,
            )
        )
    for target in genanki_decks.values():
        for model in models.values():
            target.add_model(model)
    timestamp = max([n.mod for n in notes] + [deck.notetype_mods[k] for k in models])
    package = genanki.Package(list(genanki_decks.values()), media_files=[])
    handle, raw = tempfile.mkstemp(suffix=".apkg")
    os.close(handle)
    try:
        package.write_to_file(raw, timestamp=timestamp)
        with zipfile.ZipFile(raw) as packed:
            members = {name: packed.read(name) for name in packed.namelist()}
    finally:
        os.unlink(raw)
    # Media go straight into the zip: genanki wants paths, the build holds bytes.
    media = sorted((name, data) for name, data in deck.media if any(name in f for n in notes for f in n.fields))
    members["media"] = json.dumps({str(i): name for i, (name, _) in enumerate(media)}).encode()
    members.update({str(i): data for i, (_, data) in enumerate(media)})
    return deterministic_zip(members)
