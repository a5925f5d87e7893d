"""The lock file: per card, a hash of its note's content and the time that content last changed.

Anki updates a note on re-import only when the incoming `mod` is newer than its own
(rslib/src/import_export/package/apkg/import/notes.rs: "update if newer"), and with an equal
`mod` nothing updates. So a note's `mod` must be the time its content last changed: the build
time would overwrite the learner's own edits on every import, a fixed time would never deliver a
fix. The lock keeps that time, so an unchanged card keeps its `mod` and the build is
byte-identical; a changed card gets `max(now, old + 1)` so even an older SOURCE_DATE_EPOCH or
two edits in one second still arrive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cardsmith.layout import LOCK

LOCK_NAME = LOCK
HEADER = (
    "# cardsmith.lock: what each note was built from and when its content last changed.\n"
    "# Written by `cardsmith build`; commit it with the cards and do not edit it by hand.\n"
)
_DECK = re.compile(r"deck id=(\S+)")
_LINE = re.compile(r"(card|notetype) (\S+)((?: \w+=\S+)+)")
_CARD = re.compile(r"card (\S+) content=(\S+) deck=(\S+) cards=(\d+) mod=(\d+)")  # as format_lock writes it


@dataclass(frozen=True, slots=True)
class Entry:
    """What the lock remembers of one card or note type."""

    content: str  # hash of the content
    mod: int  # when the content last changed
    deck: str = ""  # cards: a short hash of each part of the deck name, joined by "." (see deck_hashes)
    cards: int = 0  # cards: how many cards the note makes (a removed cloze leaves an empty card)
    schema: str = ""  # note types: hash of field and template names and ids


@dataclass(frozen=True, slots=True)
class Lock:
    cards: dict[str, Entry] = field(default_factory=dict)
    notetypes: dict[str, Entry] = field(default_factory=dict)
    deck_id: str = ""  # the deck id the notes were released under (their GUIDs are made from it)


class LockSyntaxError(ValueError):
    """A line of the lock file is not what cardsmith writes."""

    def __init__(self, line: int, text: str) -> None:
        super().__init__(f"unreadable line: {text!r}; restore the file from git or delete it to start afresh")
        self.line = line


def parse_lock(text: str) -> Lock:
    """Read a lock file; raise LockSyntaxError naming the line on anything unexpected."""
    cards: dict[str, Entry] = {}
    notetypes: dict[str, Entry] = {}
    deck_id = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        released = _DECK.fullmatch(line)
        if released:
            deck_id = released.group(1)
            continue
        card = _CARD.fullmatch(line)
        if card:
            key, content, deck_hash, count, mod = card.groups()
            cards[key] = Entry(content, int(mod), deck_hash, int(count))
            continue
        match = _LINE.fullmatch(line.strip())
        if not match:
            raise LockSyntaxError(number, line)
        values = dict(pair.split("=", 1) for pair in match.group(3).split())
        try:
            entry = Entry(
                content=values["content"],
                mod=int(values["mod"]),
                deck=values.get("deck", ""),
                cards=int(values.get("cards", "0")),
                schema=values.get("schema", ""),
            )
        except (KeyError, ValueError):
            raise LockSyntaxError(number, line) from None
        (cards if match.group(1) == "card" else notetypes)[match.group(2)] = entry
    return Lock(cards, notetypes, deck_id)


def format_lock(lock: Lock) -> str:
    """Write a lock: sorted, one entry per line, so a diff shows exactly which cards changed."""
    lines = [HEADER]
    if lock.deck_id:
        lines.append(f"deck id={lock.deck_id}\n")
    for key, e in sorted(lock.notetypes.items()):
        lines.append(f"notetype {key} schema={e.schema} content={e.content} mod={e.mod}\n")
    for key, e in sorted(lock.cards.items()):
        lines.append(f"card {key} content={e.content} deck={e.deck} cards={e.cards} mod={e.mod}\n")
    return "".join(lines)


def next_mod(previous: Entry | None, content: str, now: int) -> int:
    """The mod time of something whose content hash is `content` now."""
    if previous is None:
        return now
    if previous.content == content:
        return previous.mod
    return max(now, previous.mod + 1)
