"""Anki packages: one `.apkg` with every phase and one per phase, with stable identity and times.

genanki writes the collection's schema, its decks and its note types; the notes and cards are
written here, each note with its own `mod` from the lock (Anki updates a note only when that is
newer) and exactly the cards the cloze parser found (genanki's own regex misses nested
deletions). The package-wide time, which also seeds the note and card ids, is the newest `mod`
in the package, and the zip is written deterministically. An edit in phase 1 therefore leaves
the phase 2–4 packages byte-identical, and an unchanged rebuild changes nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import genanki

from cardsmith.exporters.base import Convert, Output, deck_tree, deterministic_zip, media_of
from cardsmith.model import BuiltDeck, Note, NoteType

# Anki treats a file of this name as a whole-collection backup and offers to replace the
# learner's collection with it, so the all-phases package never takes it.
RESERVED_NAME = "collection.apkg"


class _Model(genanki.Model):  # type: ignore[misc]
    """A genanki model that writes its own mod time instead of the package's."""

    def __init__(self, notetype: NoteType, css: str, mod: int) -> None:
        super().__init__(
            model_id=notetype.id,
            name=notetype.name,
            fields=[{"name": f.name, "id": f.id} for f in notetype.fields],
            templates=[{"name": t.name, "id": t.id, "qfmt": t.front, "afmt": t.back} for t in notetype.templates],
            css=css,
            model_type=genanki.Model.CLOZE if notetype.cloze else genanki.Model.FRONT_BACK,
            sort_field_index=notetype.sort_field,
        )
        self.mod = mod

    def to_json(self, timestamp: float, deck_id: int) -> dict[str, Any]:
        data: dict[str, Any] = super().to_json(self.mod, deck_id)
        data["did"] = None  # not the id of whichever deck happened to be written last
        return data


def deck_id(name: str) -> int:
    """A stable Anki deck id from a deck name (decks are matched by name on import anyway)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:6], "big") | 1 << 50


def all_phases_name(deck: BuiltDeck) -> str:
    name = f"{deck.config.id}.apkg"
    return name if name != RESERVED_NAME else f"{deck.config.id}-all.apkg"


class ApkgExporter:
    name = "apkg"
    description = "Anki packages: one with all phases and one per phase"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (all_phases_name(deck), f"{deck.config.id}-phase-*.apkg")

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        if not deck.notes:
            return ()
        found = [Output(all_phases_name(deck), deck.notes, media_of(deck.notes))]
        for phase in sorted({note.phase for note in deck.notes}):
            notes = tuple(n for n in deck.notes if n.phase == phase)
            found.append(Output(f"{deck.config.id}-phase-{phase}.apkg", notes, media_of(notes)))
        return tuple(found)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        media = [(name, data) for name, data in deck.media if name in output.media]
        members: dict[str, bytes | Path] = {
            "media": json.dumps({str(i): name for i, (name, _) in enumerate(media)}).encode(),
            **{str(i): data for i, (_, data) in enumerate(media)},
        }
        with tempfile.TemporaryDirectory(prefix="cardsmith-") as folder:
            collection = Path(folder) / "collection.anki2"
            write_collection(collection, deck, output.notes)
            members["collection.anki2"] = collection
            return deterministic_zip(members)


def write_collection(path: Path, deck: BuiltDeck, notes: tuple[Note, ...]) -> None:
    """The collection database of a package holding `notes`, as genanki lays it out."""
    keys = sorted({note.notetype for note in notes})
    models = {key: _Model(deck.notetype(key), deck.stylesheet, deck.notetype_mods[key]) for key in keys}
    decks = sorted(deck_tree(notes), key=lambda d: d.parts)
    by_deck: dict[str, list[Note]] = {d.name: [] for d in decks}
    for note in notes:
        by_deck[note.deck.name].append(note)
    genanki_decks = []
    for d in decks:
        target = genanki.Deck(deck_id(d.name), d.name, deck.config.description if len(d.parts) == 1 else "")
        for model in models.values():
            target.add_model(model)
        genanki_decks.append(target)
    timestamp = max([n.mod for n in notes] + [deck.notetype_mods[k] for k in keys])
    ids = itertools.count(timestamp * 1000)  # genanki's id sequence: each note, then its cards
    with closing(sqlite3.connect(path)) as db:
        cursor = db.cursor()
        genanki.Package([]).write_to_db(cursor, timestamp, ids)  # the schema and the collection row
        for d, target in zip(decks, genanki_decks, strict=True):  # in genanki's order, so the file is the same
            target.write_to_db(cursor, timestamp, ids)  # the deck and the note types
            for note in by_deck[d.name]:
                _insert(cursor, note, deck.notetype(note.notetype), deck_id(d.name), ids)
        db.commit()


def _insert(cursor: sqlite3.Cursor, note: Note, notetype: NoteType, deck: int, ids: itertools.count[int]) -> None:
    """One note and its cards, as genanki's Note.write_to_db writes them, with the note's own time."""
    values = note.values
    note_id = next(ids)
    cursor.execute(
        "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);",
        (
            note_id,
            note.guid,
            notetype.id,
            note.mod,
            -1,
            f" {' '.join(note.tags)} ",
            "\x1f".join(values),
            values[notetype.sort_field],
            0,
            0,
            "",
        ),
    )
    for number in note.cards:
        cursor.execute(
            "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);",
            (next(ids), note_id, deck, number - 1, note.mod, -1, 0, 0, note.order, 0, 0, 0, 0, 0, 0, 0, 0, ""),
        )
