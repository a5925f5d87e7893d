"""Give every note and note type its `mod` from the lock, and say what changed since (pure).

The rules are Anki's (DESIGN.md §4, and lock.py): a note is updated on import only when its
incoming `mod` is newer, so an unchanged card keeps its time and a changed one moves forward.
Renames (`was:`), moved decks, dropped cloze deletions, removed cards and note type changes are
reported here, because Anki will not sort them out on import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from cardsmith import assemble, lock, notes
from cardsmith.errors import Location, Problem, ProblemsError, error, warning
from cardsmith.exporters.base import BuiltDeck
from cardsmith.model import CardType, Note, Project
from cardsmith.notetypes import NOTETYPES, NoteType, stylesheet


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


def _notetype_hashes(notetype: NoteType) -> tuple[str, str]:
    """(schema hash, content hash): what needs "merge note types" in Anki, and everything."""
    schema = [
        notetype.name,
        notetype.cloze,
        [(f.name, f.id) for f in notetype.fields],
        [(t.name, t.id) for t in notetype.templates],
    ]
    content = [schema, [(t.front, t.back) for t in notetype.templates], stylesheet(), notetype.sort_field]

    def digest(value: object) -> str:
        return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:16]

    return digest(schema), digest(content)


def _card_count(note: Note) -> int:
    question = note.card.question
    if question.type is CardType.CLOZE:
        return max(int(n) for n in assemble.CLOZE_OPEN.findall(question.text))
    return 2 if question.type is CardType.REVERSED else 1


def plan(project: Project, previous: lock.Lock, now: int, allow_schema_change: bool = False) -> Plan:
    """Give every note and note type its mod time from the lock, and say what changed."""
    made = notes.make_notes(project.config, project.curriculum, project.cards, project.media)
    cards_lock: dict[str, lock.Entry] = {}
    dated: list[Note] = []
    new, changed, unchanged = [], [], []
    warnings: list[Problem] = []
    claimed: set[str] = set()
    for note in made:
        question = note.card.question
        old_key = next((k for k in (question.id, *question.was) if k in previous.cards), None)
        old = previous.cards.get(old_key) if old_key else None
        if old_key:
            claimed.add(old_key)
        renamed = old_key is not None and old_key != question.id  # the Card ID field changes too
        mod = lock.next_mod(old, "" if renamed else note.content_hash, now)
        deck_hash = hashlib.sha256(note.deck.name.encode()).hexdigest()[:8]
        count = _card_count(note)
        cards_lock[question.id] = lock.Entry(note.content_hash, mod, deck_hash, count)
        dated.append(replace(note, mod=mod))
        if old is None:
            new.append(question.id)
        elif old.content == note.content_hash and not renamed:
            unchanged.append(question.id)
        else:
            changed.append(question.id)
            if old.deck and old.deck != deck_hash:
                warnings.append(
                    warning(
                        question.location,
                        f"card '{question.id}' moved to deck '{note.deck.name}'; Anki keeps cards already imported in "
                        "their old deck (move them in the browser: Change Deck); its tags are updated",
                    )
                )
            if old.cards > count and question.type is CardType.CLOZE:
                warnings.append(
                    warning(
                        question.location,
                        f"cloze card '{question.id}' now has {count} deletion(s), not {old.cards}; Anki keeps the extra "
                        "cards, empty: remove them with Tools > Check Database / Empty Cards",
                    )
                )
    removed = sorted(set(previous.cards) - claimed)
    by_hash = {cards_lock[i].content: i for i in new}
    for old_id in removed:
        twin = by_hash.get(previous.cards[old_id].content)
        if twin:
            warnings.append(
                warning(
                    next(n.card.question.location for n in dated if n.card_id == twin),
                    f"card '{twin}' has the same content as removed card '{old_id}'; if it was renamed, add "
                    f"'was: {old_id}' to keep the learner's review history",
                )
            )
        else:
            warnings.append(
                warning(
                    Location(str(project.lock_path)),
                    f"card '{old_id}' was removed; Anki keeps notes it already imported (find them with "
                    f'"Card ID:{old_id}" in the browser and delete them by hand)',
                )
            )
    notetype_lock: dict[str, lock.Entry] = {}
    notetype_mods: dict[str, int] = {}
    changed_types = []
    for key, notetype in sorted(NOTETYPES.items()):
        schema, content = _notetype_hashes(notetype)
        old = previous.notetypes.get(key)
        mod = lock.next_mod(old, content, now)
        if old is not None and old.content != content:
            changed_types.append(key)
            if old.schema and old.schema != schema and not allow_schema_change:
                raise ProblemsError(
                    (
                        error(
                            Location(str(project.lock_path)),
                            f"the fields or templates of note type '{notetype.name}' changed; every learner would "
                            "have to tick 'merge note types' on import or the notes would not update. Pass "
                            "--allow-schema-change if that is really meant",
                        ),
                    )
                )
        notetype_lock[key] = lock.Entry(content, mod, schema=schema)
        notetype_mods[key] = mod
    new_lock = lock.Lock(cards_lock, notetype_lock)
    changes = Changes(
        tuple(new), tuple(changed), tuple(unchanged), tuple(removed), tuple(changed_types), tuple(warnings)
    )
    deck = BuiltDeck(project.config, project.curriculum, tuple(dated), notetype_mods, project.media_files)
    return Plan(deck, lock.format_lock(new_lock), changes)
