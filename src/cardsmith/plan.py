"""Give every note and note type its `mod` from the lock, and say what changed since (pure).

Anki updates a note on import only when the incoming `mod` is newer (see lock.py), so an
unchanged card keeps its time and a changed one moves forward. What Anki will not sort out on
import — renames (`was:`), moved decks, dropped cloze deletions, removed cards, note type
changes — is reported here. The steps, in order: match each note to its lock entry, date the
notes, account for the cards that are gone, date the note types.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field

from cardsmith import lock
from cardsmith.errors import Location, Problem, ProblemsError, error, warning
from cardsmith.model import BuiltDeck, DeckConfig, Note, NoteType
from cardsmith.notetypes import NOTETYPES


@dataclass(frozen=True, slots=True)
class Changes:
    """How the notes differ from the lock."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    notetypes_changed: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed"
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """The notes with their times, and the lock that goes with them."""

    deck: BuiltDeck
    lock_text: str
    changes: Changes


@dataclass(slots=True)
class _Dating:
    """What dating the notes found, note by note."""

    notes: list[Note] = field(default_factory=list)
    entries: dict[str, lock.Entry] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)  # lock entries that a note took over
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def previous_entry(note: Note, previous: lock.Lock) -> str | None:
    """The lock key of the note: its id, or the first id in `was:` that the lock knows."""
    if note.id in previous.cards:
        return note.id
    return next((key for key in note.was if key in previous.cards), None)


@functools.lru_cache(maxsize=1024)
def _name_hash(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:8]


def deck_hash(note: Note) -> str:
    """What the lock keeps of a note's deck: enough to notice that it moved."""
    return _name_hash(note.deck.name)


def date_notes(notes: tuple[Note, ...], previous: lock.Lock, now: int) -> _Dating:
    """Give each note the time its content last changed; warn about what Anki will not redo."""
    found = _Dating()
    for note in notes:
        old_key = previous_entry(note, previous)
        old = previous.cards.get(old_key) if old_key else None
        if old_key:
            found.claimed.add(old_key)
        renamed = old_key is not None and old_key != note.id  # the Card ID field changes too
        mod = lock.next_mod(old, "" if renamed else note.content_hash, now)
        count = max(note.cards)
        found.entries[note.id] = lock.Entry(note.content_hash, mod, deck_hash(note), count)
        found.notes.append(note.dated(mod))
        if old is None:
            found.new.append(note.id)
        elif old.content == note.content_hash and not renamed:
            found.unchanged.append(note.id)
        else:
            found.changed.append(note.id)
            found.warnings += _changed_warnings(note, old, count)
    return found


def _changed_warnings(note: Note, old: lock.Entry, count: int) -> list[Problem]:
    warnings = []
    if old.deck and old.deck != deck_hash(note):
        warnings.append(
            warning(
                note.location,
                f"card '{note.id}' moved to deck '{note.deck.name}'; Anki keeps cards already imported in "
                "their old deck (move them in the browser: Change Deck); its tags are updated",
            )
        )
    if old.cards > count and note.notetype == "cloze":
        warnings.append(
            warning(
                note.location,
                f"cloze card '{note.id}' now has {count} deletion(s), not {old.cards}; Anki keeps the extra "
                "cards, empty: remove them with Tools > Check Database / Empty Cards",
            )
        )
    return warnings


def removed_cards(previous: lock.Lock, dating: _Dating, lock_path: str) -> tuple[list[str], list[Problem]]:
    """Lock entries no note took over: a rename without `was:` when a new card has the same content."""
    removed = sorted(set(previous.cards) - dating.claimed)
    by_hash = {dating.entries[i].content: i for i in dating.new}
    where = {note.id: note.location for note in dating.notes}
    warnings = []
    for old_id in removed:
        twin = by_hash.get(previous.cards[old_id].content)
        if twin:
            warnings.append(
                warning(
                    where[twin],
                    f"card '{twin}' has the same content as removed card '{old_id}'; if it was renamed, add "
                    f"'was: {old_id}' to keep the learner's review history",
                )
            )
        else:
            warnings.append(
                warning(
                    Location(lock_path),
                    f"card '{old_id}' was removed; Anki keeps notes it already imported (find them with "
                    f'"Card ID:{old_id}" in the browser and delete them by hand)',
                )
            )
    return removed, warnings


def notetype_hashes(notetype: NoteType, css: str) -> tuple[str, str]:
    """(schema hash, content hash): what needs "merge note types" in Anki, and everything."""
    schema = [
        notetype.name,
        notetype.cloze,
        [(f.name, f.id) for f in notetype.fields],
        [(t.name, t.id) for t in notetype.templates],
    ]
    content = [schema, [(t.front, t.back) for t in notetype.templates], css, notetype.sort_field]

    def digest(value: object) -> str:
        return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:16]

    return digest(schema), digest(content)


def date_notetypes(
    previous: lock.Lock, now: int, css: str, lock_path: str, allow_schema_change: bool
) -> tuple[dict[str, lock.Entry], list[str]]:
    """Give each note type its time; refuse a change of fields or templates unless allowed."""
    entries: dict[str, lock.Entry] = {}
    changed = []
    for key, notetype in sorted(NOTETYPES.items()):
        schema, content = notetype_hashes(notetype, css)
        old = previous.notetypes.get(key)
        if old is not None and old.content != content:
            changed.append(key)
            if old.schema and old.schema != schema and not allow_schema_change:
                raise ProblemsError(
                    (
                        error(
                            Location(lock_path),
                            f"the fields or templates of note type '{notetype.name}' changed; every learner would "
                            "have to tick 'merge note types' on import or the notes would not update. Pass "
                            "--allow-schema-change if that is really meant",
                        ),
                    )
                )
        entries[key] = lock.Entry(content, lock.next_mod(old, content, now), schema=schema)
    return entries, changed


def plan(
    config: DeckConfig,
    notes: tuple[Note, ...],
    media: tuple[tuple[str, bytes], ...],
    previous: lock.Lock,
    now: int,
    *,
    css: str,
    lock_path: str,
    allow_schema_change: bool = False,
) -> Plan:
    """Give every note and note type its mod time from the lock, and say what changed.

    `css` is the note types' stylesheet (notetypes.stylesheet).
    """
    dating = date_notes(notes, previous, now)
    removed, gone = removed_cards(previous, dating, lock_path)
    notetype_entries, changed_types = date_notetypes(previous, now, css, lock_path, allow_schema_change)
    changes = Changes(
        tuple(dating.new),
        tuple(dating.changed),
        tuple(dating.unchanged),
        tuple(removed),
        tuple(changed_types),
        tuple(dating.warnings + gone),
    )
    deck = BuiltDeck(
        config,
        tuple(dating.notes),
        tuple(NOTETYPES[key] for key in sorted(NOTETYPES)),
        {key: entry.mod for key, entry in notetype_entries.items()},
        css,
        media,
    )
    return Plan(deck, lock.format_lock(lock.Lock(dating.entries, notetype_entries)), changes)
