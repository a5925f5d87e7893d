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
_HASH = r"[0-9a-f]{16}"
_CARD = re.compile(rf"card (\S+) content=({_HASH}) deck=([0-9a-f.]*) cards=([0-9]{{1,4}}) mod=([0-9]{{1,20}})")
_NOTETYPE = re.compile(rf"notetype (\S+) schema=({_HASH}) content=({_HASH}) mod=([0-9]{{1,20}})")
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")

# Times a note may carry: from 2000 to 2100. Anything else is a mistake (milliseconds for seconds,
# a cut or edited lock) that would make a note older than learners' copies, or newer forever.
EARLIEST = 946_684_800  # 2000-01-01
LATEST = 4_102_444_799  # 2099-12-31 23:59:59


def valid_time(seconds: int) -> bool:
    """Whether a time is one a note may carry (see EARLIEST and LATEST)."""
    return EARLIEST <= seconds <= LATEST


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


RESTORE = "restore it from git (git checkout -- {path}) or settle the merge as the README says"


def parse_lock(text: str) -> tuple[Lock, list[tuple[int, str]]]:
    """Read a lock file: the lock, and (line, message) for every line that is not what cardsmith writes.

    A duplicate card or note type (what a bad merge leaves) is a problem at both lines: keeping
    either would give a note a time older than learners may already have. Git's conflict markers
    are reported as such. Messages end where the caller adds how to restore the lock.
    """
    cards: dict[str, Entry] = {}
    notetypes: dict[str, Entry] = {}
    seen: dict[tuple[str, str], int] = {}
    deck_id = ""
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith(_CONFLICT):
            problems.append((number, f"a merge conflict ('{line[:7]}') is left in the lock"))
            continue
        released = _DECK.fullmatch(line)
        card = _CARD.fullmatch(line)
        notetype = _NOTETYPE.fullmatch(line)
        if released:
            deck_id = released.group(1)
            continue
        if card:
            kind, key, mod = "card", card.group(1), int(card.group(5))
            entry = Entry(card.group(2), mod, card.group(3), int(card.group(4)))
        elif notetype:
            kind, key, mod = "notetype", notetype.group(1), int(notetype.group(4))
            entry = Entry(notetype.group(3), mod, schema=notetype.group(2))
        else:
            problems.append((number, f"unreadable line {line[:80]!r}"))
            continue
        if not valid_time(mod):
            problems.append((number, f"mod={mod} is not a time between the years 2000 and 2100"))
            continue
        if (kind, key) in seen:
            first = seen[kind, key]
            problems.append((first, f"{kind} '{key}' is also on line {number}"))
            problems.append((number, f"{kind} '{key}' is also on line {first}"))
            continue
        seen[kind, key] = number
        (cards if kind == "card" else notetypes)[key] = entry
    return Lock(cards, notetypes, deck_id), sorted(problems)


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
