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
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from cardsmith.exporters.base import Convert, Output, deck_tree, deterministic_zip, media_of
from cardsmith.exporters.text import markdown
from cardsmith.model import BuiltDeck, DeckConfig, Note, NoteType

# Anki treats a file of this name as a whole-collection backup and offers to replace the
# learner's collection with it, so the all-phases package never takes it.
RESERVED_NAME = "collection.apkg"


def model_json(notetype: NoteType, css: str, mod: int) -> dict[str, Any]:
    """A note type as genanki writes it into the collection, with its own mod time and no deck."""
    import genanki  # only when a package is written: a build that writes none does not load it

    model = genanki.Model(
        model_id=notetype.id,
        name=notetype.name,
        fields=[{"name": f.name, "id": f.id} for f in notetype.fields],
        templates=[{"name": t.name, "id": t.id, "qfmt": t.front, "afmt": t.back} for t in notetype.templates],
        css=css,
        model_type=genanki.Model.CLOZE if notetype.cloze else genanki.Model.FRONT_BACK,
        sort_field_index=notetype.sort_field,
    )
    data: dict[str, Any] = model.to_json(mod, None)  # `did` None: not whichever deck was written last
    return data


# The line under the description that says which version a learner has, by the deck's language.
VERSION_LINES = {
    "en": ("Version {version}, last changed {date}", "Last changed {date}"),
    "ru": ("Версия {version}, последнее изменение {date}", "Последнее изменение {date}"),
}
_MARKDOWN_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")


def newest_change(notes: tuple[Note, ...]) -> str:
    """The date (UTC, YYYY-MM-DD) of the newest change among the notes: the largest `mod`, from the lock."""
    return time.strftime("%Y-%m-%d", time.gmtime(max(note.mod for note in notes))) if notes else ""


def version_line(config: DeckConfig, notes: tuple[Note, ...]) -> str:
    """`Version 1.2.0, last changed 2025-03-01` (in the deck's language when cardsmith knows it, else English).

    The date is that of the newest change among `notes` (the package's), so it is the same on
    every rebuild and an edit in one phase leaves the other phases' packages as they were.
    """
    date = newest_change(notes)
    if not date:
        return ""
    with_version, without = VERSION_LINES.get(config.language.split("-")[0].lower(), VERSION_LINES["en"])
    return with_version.format(version=config.version, date=date) if config.version else without.format(date=date)


def top_description(config: DeckConfig, notes: tuple[Note, ...]) -> str:
    """The HTML of the top deck's description in a package holding `notes`: the description, then the version line."""
    return description_html(config.description, version_line(config, notes))


def description_html(description: str, footer: str = "") -> str:
    """`deck.yaml`'s description as the HTML of the deck's overview screen, with `footer` (text) as a last paragraph.

    Anki puts a deck's description into that screen as HTML (aqt/overview.py, `_desc`), so it is
    rendered here as Markdown with raw HTML off, like card text: `<script>` shows as text. An image
    shows its alt text instead, as the screen would load a web address and a package carries no
    file for it. One paragraph comes without its `<p>`, as Anki's own editor writes a description.
    The footer is parsed on its own (an unclosed code block in the description cannot swallow
    it), with every ASCII punctuation mark written as a character reference (a backslash would make
    `\\(` start math), so that it shows exactly as written.
    """
    md = markdown()  # configured like the card renderer, minus Pygments
    tokens = md.parse(description.strip())
    if footer.strip():
        tokens += md.parse(_MARKDOWN_PUNCTUATION.sub(lambda mark: f"&#{ord(mark.group())};", footer.strip()))
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":  # its alt text, as text
                child.content = "".join(" " if t.type == "softbreak" else t.content for t in child.children or ())
                child.type, child.tag, child.children = "text", "", None
    if [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        tokens = tokens[1:2]
    return str(md.renderer.render(tokens, md.options, {})).strip()


def deck_id(name: str) -> int:
    """A stable Anki deck id from a deck name (decks are matched by name on import anyway)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:6], "big") | 1 << 50


def all_phases_name(deck: BuiltDeck) -> str:
    name = f"{deck.config.id}.apkg"
    return name if name != RESERVED_NAME else f"{deck.config.id}-all.apkg"


class ApkgExporter:
    name = "apkg"
    description = "Anki packages: one with all phases and one per phase (when there are several)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (all_phases_name(deck), f"{deck.config.id}-phase-*.apkg")

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        if not deck.notes:
            return ()
        found = [Output(all_phases_name(deck), deck.notes, media_of(deck.notes))]
        phases = sorted({note.phase for note in deck.notes})
        for phase in phases if len(phases) > 1 else ():  # one phase: its package would be the same
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
    """The collection database of a package holding `notes`, in the layout genanki writes.

    genanki writes the schema and the collection row; the decks and note types go in with one
    update (genanki rewrites that row once per deck), and the notes and cards in two batches.
    """
    keys = sorted({note.notetype for note in notes})
    timestamp = max([n.mod for n in notes] + [deck.notetype_mods[k] for k in keys])
    decks = sorted(deck_tree(notes), key=lambda d: d.parts)
    ids = itertools.count(timestamp * 1000)  # genanki's id sequence: each note, then its cards
    by_deck: dict[tuple[str, ...], list[Note]] = {d.parts: [] for d in decks}
    for note in notes:
        by_deck[note.deck.parts].append(note)
    card_rows: list[tuple[object, ...]] = []

    def note_rows() -> Iterator[tuple[object, ...]]:
        """Each note's row, one at a time (they hold all its HTML), noting its cards' rows as it goes."""
        for d in decks:
            did = deck_id(d.name)
            for note in by_deck[d.parts]:
                notetype = deck.notetype(note.notetype)
                values, note_id = note.values, next(ids)
                fields = "\x1f".join(values)
                tags = f" {' '.join(note.tags)} "
                # `sfld` and `csum` are caches of the sort field's text that Anki works out again for
                # every note it imports (genanki leaves csum 0 too); filling sfld with the field's HTML
                # would make every package hold the front of every card twice.
                yield (note_id, note.guid, notetype.id, note.mod, -1, tags, fields, "", 0, 0, "")
                for number in note.cards:
                    card = (next(ids), note_id, did, number - 1, note.mod, -1, 0, 0, note.order)
                    card_rows.append((*card, 0, 0, 0, 0, 0, 0, 0, 0, ""))

    import genanki

    with closing(sqlite3.connect(path)) as db:
        cursor = db.cursor()
        # A scratch file: no journal and no waiting for the disk (neither changes what is written).
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        # Notes of a few kB would fill a 4 kB page each, leaving half of it empty: 16 kB pages hold
        # the same notes in 40% less space, which also takes zlib 40% less time (Anki reads any size).
        cursor.execute("PRAGMA page_size = 16384")
        genanki.Package([]).write_to_db(cursor, timestamp, ids)  # the schema and the collection row
        (decks_json,) = cursor.execute("SELECT decks FROM col").fetchone()
        all_decks = json.loads(decks_json)
        for d in decks:
            description = top_description(deck.config, notes) if len(d.parts) == 1 else ""
            all_decks[str(deck_id(d.name))] = genanki.Deck(deck_id(d.name), d.name, description).to_json()
        notetypes = [deck.notetype(k) for k in keys]
        models = {str(nt.id): model_json(nt, deck.stylesheet, deck.notetype_mods[nt.key]) for nt in notetypes}
        cursor.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(all_decks), json.dumps(models)))
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", note_rows())
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", card_rows)
        db.commit()
