"""What a lost or cut lock knew, read back from the packages released into the output folder.

A note's `mod` in a released package is the time learners' copies have. When the lock has no
entry for a card whose note is in those packages (the lock was deleted, cut at a line, or lost
in a merge), a build must not give that note a new time: Anki would then update every such note
on the next import and overwrite the learners' own edits. The packages hold, for every note, its
GUID, `mod`, fields, tags and deck: enough for `plan.recovered_entries` to rebuild the lock's
entry, so that an unchanged note keeps its released time.

The output folder is untrusted like everything else: a package that cannot be read, or is too
large, is passed over, and no time outside the years 2000 to 2100 is taken.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from cardsmith.model import Released, ReleasedNote, ReleasedNoteType

MAX_COLLECTION_BYTES = 1 << 30  # a package's collection larger than this is not read
_CHUNK = 500  # GUIDs per query (SQLite's limit on parameters is far above)


def packages(out_dir: Path, deck_id: str) -> list[Path]:
    """The deck's packages in the output folder, the one with every phase first (names as exporters/apkg.py)."""
    if not out_dir.is_dir():
        return []
    every = [out_dir / (f"{deck_id}-all.apkg" if deck_id == "collection" else f"{deck_id}.apkg")]
    phases = sorted(out_dir.glob(f"{deck_id}-phase-*.apkg"))
    return [path for path in every + phases if path.is_file()]


def released(packages: Iterable[Path], guids: set[str]) -> tuple[Released, list[str]]:
    """The notes with these GUIDs in the first packages that hold them, the note types of those
    packages, and which packages could not be read."""
    found = Released()
    unreadable: list[str] = []
    for package in packages:
        wanted = guids - found.notes.keys()
        if not wanted:
            break
        try:
            notes, notetypes = _read(package, wanted)
        except (OSError, zipfile.BadZipFile, sqlite3.Error, ValueError, KeyError, TypeError, AttributeError):
            unreadable.append(str(package))
            continue
        found.notes.update(notes)
        for key, notetype in notetypes.items():
            found.notetypes.setdefault(key, notetype)
    return found, unreadable


def _read(package: Path, guids: set[str]) -> tuple[dict[str, ReleasedNote], dict[int, ReleasedNoteType]]:
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("collection.anki2")
        if info.file_size > MAX_COLLECTION_BYTES:
            raise ValueError("collection too large")
        with tempfile.TemporaryDirectory(prefix="cardsmith-") as folder:
            copy = Path(folder) / "collection.anki2"
            with archive.open(info) as source, copy.open("wb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
                    if target.tell() > MAX_COLLECTION_BYTES:
                        raise ValueError("collection too large")
            with closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as db:
                return _notes(db, guids), _notetypes(db)


def _notetypes(db: sqlite3.Connection) -> dict[int, ReleasedNoteType]:
    (models_json,) = db.execute("SELECT models FROM col").fetchone()
    found = {}
    for model in json.loads(models_json).values():
        found[int(model["id"])] = ReleasedNoteType(
            int(model["id"]),
            int(model["mod"]),
            str(model["css"]),
            tuple(str(f["name"]) for f in model["flds"]),
            tuple((str(t["name"]), str(t["qfmt"]), str(t["afmt"])) for t in model["tmpls"]),
            int(model["sortf"]),
        )
    return found


def _notes(db: sqlite3.Connection, guids: set[str]) -> dict[str, ReleasedNote]:
    (decks_json,) = db.execute("SELECT decks FROM col").fetchone()
    decks = {int(key): str(value["name"]) for key, value in json.loads(decks_json).items()}
    found: dict[str, ReleasedNote] = {}
    wanted = sorted(guids)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(f"SELECT id, guid, mid, mod, tags, flds FROM notes WHERE guid IN ({marks})", chunk)
        for note_id, guid, mid, mod, tags, fields in rows.fetchall():
            cards = db.execute("SELECT did, ord FROM cards WHERE nid = ?", (note_id,)).fetchall()
            if not cards:
                continue
            found[str(guid)] = ReleasedNote(
                str(guid),
                int(mod),
                int(mid),
                tuple(str(fields).split("\x1f")),
                tuple(str(tags).split()),
                decks[int(cards[0][0])],
                max(int(number) for _, number in cards) + 1,
            )
    return found
