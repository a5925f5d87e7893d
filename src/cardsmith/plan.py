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
from collections.abc import Mapping
from dataclasses import dataclass, field

from cardsmith import lock
from cardsmith.errors import Location, Problem, ProblemsError, error, warning
from cardsmith.model import BuiltDeck, DeckConfig, Note, NoteType, Released
from cardsmith.notes import content_hash
from cardsmith.notetypes import NOTETYPES, for_deck


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
    released_as: str = ""  # the deck id the lock had: another than the deck's own when it was changed on purpose


@dataclass(slots=True)
class _Dating:
    """What dating the notes found, note by note."""

    notes: list[Note] = field(default_factory=list)
    entries: dict[str, lock.Entry] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)  # lock entries that a note took over
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    moved: list[tuple[Note, str]] = field(default_factory=list)  # changed notes in another deck, and their old deck
    warnings: list[Problem] = field(default_factory=list)


def previous_entry(note: Note, previous: lock.Lock) -> str | None:
    """The lock key of the note: its id, or the first id in `was:` that the lock knows."""
    if note.id in previous.cards:
        return note.id
    return next((key for key in note.was if key in previous.cards), None)


@functools.lru_cache(maxsize=4096)
def _name_hash(name: str, size: int = 6) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:size]


def deck_hash(note: Note) -> str:
    """What the lock keeps of a note's deck: a short hash of each part of its name, joined by ".".

    A hash per part (title, phase, week) tells which heading a moved card's deck was renamed at.
    Locks of cardsmith 0.1 kept one hash of the whole name (8 hex digits, no "."): still understood.
    """
    return ".".join(_name_hash(part) for part in note.deck.parts)


def _moved(note: Note, old: lock.Entry) -> bool:
    if not old.deck:
        return False
    if "." not in old.deck and len(old.deck) == 8:  # an older lock: a hash of the whole name
        return old.deck != _name_hash(note.deck.name, 8)
    return old.deck != deck_hash(note)


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
            if _moved(note, old):
                found.moved.append((note, old.deck))
            found.warnings += _cloze_warnings(note, old, count)
    return found


def _cloze_warnings(note: Note, old: lock.Entry, count: int) -> list[Problem]:
    if old.cards > count and note.notetype == "cloze":
        return [
            warning(
                note.location,
                f"cloze card '{note.id}' now has {count} deletion(s), not {old.cards}; Anki keeps the extra "
                "cards, empty: remove them with Tools > Check Database / Empty Cards",
            )
        ]
    return []


def _prefixes(hashes: str) -> set[tuple[str, ...]]:
    parts = tuple(hashes.split("."))
    return {parts[:depth] for depth in range(1, len(parts) + 1)}


def moved_warnings(
    moved: list[tuple[Note, str]],
    notes: list[Note],
    previous: lock.Lock,
    headings: Mapping[tuple[str, ...], Location],
) -> list[Problem]:
    """One warning per renamed heading (or deck title), and one per card moved to another deck.

    A card's deck was renamed when, at the first part of its name that differs, the old name is
    gone (no heading or card has it now) and the new one is new (no card had it before): then
    the cards under it moved along, and one warning says so at the heading (`headings`: deck
    name parts -> where the heading is written).
    """
    now = {
        tuple(_name_hash(part) for part in parts[:depth]) for parts in headings for depth in range(1, len(parts) + 1)
    }
    for note in notes:
        now |= _prefixes(deck_hash(note))
    before: set[tuple[str, ...]] = set()
    for entry in previous.cards.values():
        if "." in entry.deck:
            before |= _prefixes(entry.deck)
    renamed: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Note]] = {}
    warnings = []
    for note, old_deck in moved:
        old = tuple(old_deck.split(".")) if "." in old_deck else ()
        new = tuple(deck_hash(note).split("."))
        depth = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), -1)
        if depth >= 0 and old[: depth + 1] not in now and new[: depth + 1] not in before:
            renamed.setdefault((note.deck.parts[: depth + 1], old[: depth + 1]), []).append(note)
            continue
        warnings.append(
            warning(
                note.location,
                f"card '{note.id}' moved to deck '{note.deck.name}'; Anki keeps cards already imported in "
                "their old deck (move them in the browser: Change Deck); its tags and breadcrumb are updated",
            )
        )
    for (parts, _), cards in renamed.items():
        what = "the deck title" if len(parts) == 1 else "the heading"
        where = headings.get(parts, cards[0].location)
        warnings.append(
            warning(
                where,
                f"{what} of deck '{'::'.join(parts)}' changed, so {len(cards)} card(s) moved to a deck of that name; "
                "Anki keeps the cards learners already have in the old deck (they can move them in the browser: "
                "Change Deck, or rename the old deck); their tags and breadcrumbs are updated",
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
    previous: lock.Lock,
    now: int,
    css: str,
    lock_path: str,
    allow_schema_change: bool,
    notetypes: Mapping[str, NoteType] = NOTETYPES,
) -> tuple[dict[str, lock.Entry], list[str]]:
    """Give each note type its time; refuse a change of fields or templates unless allowed.

    `notetypes` are the deck's (notetypes.for_deck: its `report_url` is in their templates).
    """
    entries: dict[str, lock.Entry] = {}
    changed = []
    for key, notetype in sorted(notetypes.items()):
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
    headings: Mapping[tuple[str, ...], Location] | None = None,
    left_out: frozenset[str] = frozenset(),
    allow_schema_change: bool = False,
    allow_id_change: bool = False,
    warnings: tuple[Problem, ...] = (),
) -> Plan:
    """Give every note and note type its mod time from the lock, and say what changed.

    `css` is the note types' stylesheet (notetypes.stylesheet); `headings` says where each deck's
    heading is written (deck name parts -> location), for warnings about renamed ones; `left_out`
    are ids of cards that have errors and are not among the notes (not removed: only unfinished).
    """
    previous = check_deck_id(config, previous, allow_id_change)
    dating = date_notes(notes, previous, now)
    dating.claimed |= left_out & set(previous.cards)
    dating.warnings += moved_warnings(dating.moved, dating.notes, previous, headings or {})
    removed, gone = removed_cards(previous, dating, lock_path)
    notetypes = for_deck(config.report_url, config.title)
    notetype_entries, changed_types = date_notetypes(previous, now, css, lock_path, allow_schema_change, notetypes)
    changes = Changes(
        tuple(dating.new),
        tuple(dating.changed),
        tuple(dating.unchanged),
        tuple(removed),
        tuple(changed_types),
        tuple(warnings) + tuple(dating.warnings + gone),
    )
    deck = BuiltDeck(
        config,
        tuple(dating.notes),
        tuple(notetypes[key] for key in sorted(notetypes)),
        {key: entry.mod for key, entry in notetype_entries.items()},
        css,
        media,
    )
    new_lock = lock.Lock(dating.entries, notetype_entries, config.id)
    return Plan(deck, lock.format_lock(new_lock), changes, previous.deck_id or config.id)


def recovered_entries(
    previous: lock.Lock,
    notes: tuple[Note, ...],
    released: Released,
    css: str,
    where: str,
    types: Mapping[str, NoteType] = NOTETYPES,
) -> tuple[lock.Lock, list[Problem]]:
    """The lock with an entry for each note and note type it lacks that a released package holds (recover.py).

    The entry is what the lock would have said: the package's time, and the hash of the content
    learners have, so that what is unchanged since keeps its time and what changed moves on.
    """
    by_id = {notetype.id: notetype for notetype in NOTETYPES.values()}
    cards = dict(previous.cards)
    taken = []
    for note in notes:
        old = released.notes.get(note.guid)
        if old is None or previous_entry(note, previous) is not None or not lock.valid_time(old.mod):
            continue
        notetype = by_id.get(old.notetype_id)
        if notetype is None or len(old.values) != len(notetype.fields):
            continue
        content = content_hash(notetype.key, old.values, old.deck, old.tags)
        deck = ".".join(_name_hash(part) for part in old.deck.split("::"))
        cards[note.id] = lock.Entry(content, old.mod, deck, old.cards)
        taken.append(note.id)
    if not taken:
        return previous, []
    notetypes = dict(previous.notetypes)
    for key, notetype in types.items():  # the deck's (notetypes.for_deck)
        was = released.notetypes.get(notetype.id)
        if key in notetypes or was is None or not lock.valid_time(was.mod):
            continue
        schema, content = notetype_hashes(notetype, css)
        same = (
            was.css == css
            and was.fields == tuple(f.name for f in notetype.fields)
            and was.templates == tuple((t.name, t.front, t.back) for t in notetype.templates)
            and was.sort_field == notetype.sort_field
        )
        notetypes[key] = lock.Entry(content if same else "", was.mod, schema=schema if same else "")
    message = (
        f"the lock had no entry for {len(taken)} card(s) that the released packages hold; their times were "
        f"taken from the packages, so learners' copies update only where the card changed (restore the lock "
        f"from git if you can: git checkout -- {where})"
    )
    return lock.Lock(cards, notetypes, previous.deck_id), [warning(Location(where), message)]


def check_deck_id(config: DeckConfig, previous: lock.Lock, allow_id_change: bool) -> lock.Lock:
    """The lock to date the notes against: refuse a deck id other than the one the notes were released under.

    Every note's GUID is made from the deck id, so a changed id makes every note new to Anki.
    When that is meant (`allow_id_change`), the deck starts afresh: an empty lock.
    """
    if not previous.deck_id or previous.deck_id == config.id:
        return previous
    if allow_id_change:
        return lock.Lock(deck_id=previous.deck_id)
    count = len(previous.cards)
    raise ProblemsError(
        (
            error(
                config.location("id"),
                f"the deck id changed from '{previous.deck_id}' to '{config.id}'. Every note's GUID is made from "
                f"the id, so learners who have the deck would get all {count} notes a second time, without their "
                f"review history, and keep the old ones too. Set 'id: {previous.deck_id}' back; or, to start a new "
                "deck on purpose, build with --allow-id-change (the lock starts afresh and the files named after "
                f"'{previous.deck_id}' are removed from the output folder)",
            ),
        )
    )
