"""The values that flow through the pipeline, from source locations to the deck the exporters get.

Frozen dataclasses only: no I/O, no behaviour beyond small lookups, and no import of any other
module of cardsmith, so that every stage can use them and none depends on another through them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# How long work tells how far it got: progress(what, done, total), e.g. ("rendering", 1200, 20000).
# The command line shows it on a terminal; everywhere else it is a function that does nothing.
Progress = Callable[[str, int, int], None]


def no_progress(what: str, done: int, total: int) -> None:
    """A Progress that shows nothing."""


# --- Where things are, and what is wrong with them ---------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file; line and column start at 1 (0 means unknown)."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the sources, compiler-style."""

    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


# --- The curriculum ------------------------------------------------------------------------------


class Kind(enum.Enum):
    """What a curriculum node is."""

    PHASE = "phase"  # a `##` section whose title starts with the phase word, or made a deck in deck.yaml
    SECTION = "section"  # any other `##` section (projects, resources): not studied
    WEEK = "week"  # a `###` heading
    TOPIC = "topic"  # a list item at any depth, a `####`… heading, or the bold label of a list (a group)


@dataclass(frozen=True, slots=True)
class Node:
    """One heading or list item of the curriculum."""

    index: int  # position in document order (a preorder walk)
    parent: int | None
    kind: Kind
    title: str
    location: Location
    path: tuple[str, ...]  # titles from the `##` section down to this node
    ordinal: int = 0  # phases: 1, 2, … among the phases; weeks: 1, 2, … among their phase's weeks

    @property
    def depth(self) -> int:
        return len(self.path) - 1


@dataclass(frozen=True, slots=True)
class Curriculum:
    """A parsed curriculum: the nodes in document order."""

    title: str
    nodes: tuple[Node, ...]
    children: tuple[tuple[int, ...], ...] = field(default=(), compare=False)
    links: tuple[Location, ...] = ()  # list items left out because they are only a link (deck.yaml: link_items)

    def __post_init__(self) -> None:
        kids: list[list[int]] = [[] for _ in self.nodes]
        for node in self.nodes:
            if node.parent is not None:
                kids[node.parent].append(node.index)
        object.__setattr__(self, "children", tuple(tuple(k) for k in kids))

    @property
    def phases(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is Kind.PHASE)

    @property
    def roots(self) -> tuple[int, ...]:
        """The `##` sections."""
        return tuple(n.index for n in self.nodes if n.parent is None)

    def is_leaf(self, index: int) -> bool:
        return not self.children[index]

    def ancestors(self, index: int) -> tuple[Node, ...]:
        """The node and its ancestors, from the `##` section down."""
        chain: list[Node] = []
        current: int | None = index
        while current is not None:
            chain.append(self.nodes[current])
            current = self.nodes[current].parent
        return tuple(reversed(chain))

    def section_of(self, index: int) -> Node:
        return self.ancestors(index)[0]

    def subtree(self, index: int) -> range:
        """Indices of the node and everything below it (they are contiguous in preorder)."""
        end = index + 1
        depth = self.nodes[index].depth
        while end < len(self.nodes) and self.nodes[end].depth > depth:
            end += 1
        return range(index, end)


# --- Questions as written, and linked to the plan --------------------------------------------


class CardType(enum.Enum):
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    TYPE_IN = "type-in"


@dataclass(frozen=True, slots=True)
class Question:
    """One card entry of a question file, as written."""

    id: str
    type: CardType
    topic: str
    location: Location  # the card's `- ` in its file
    topic_location: Location
    q: str = ""
    a: str = ""
    text: str = ""
    extra: str = ""
    tags: tuple[str, ...] = ()
    was: tuple[str, ...] = ()  # ids this card had before a rename
    positions: str = ""  # where each key's value starts: "key line column" for each key, joined by ";"
    check: str = ""  # how `cardsmith verify` checks the question's code: "", "output", "raises" or "runs"
    python: str = ""  # the Python versions the check holds for, e.g. ">=3.13" ("": any)
    needs: tuple[str, ...] = ()  # the modules outside the standard library that the checked code imports
    allow: tuple[str, ...] = ()  # card-quality warnings switched off for this card (lint.py)

    def where(self, key: str) -> Location:
        """The location of a key's value, or of the card when the key is absent."""
        for entry in self.positions.split(";"):
            name, _, place = entry.partition(" ")
            if name == key:
                line, _, col = place.partition(" ")
                return Location(self.location.path, int(line), int(col))
        return self.location

    @property
    def texts(self) -> tuple[str, ...]:
        """Every text of the card that may be Markdown."""
        return (self.q, self.a, self.text, self.extra)


@dataclass(frozen=True, slots=True)
class WrittenId:
    """An id written in a question file, whether or not its card has errors: its `id`, or one in `was:`."""

    name: str
    key: str  # "id" or "was"
    location: Location


@dataclass(frozen=True, slots=True)
class QuestionFile:
    """What a question file holds: its cards without errors, and every id written in it."""

    questions: tuple[Question, ...] = ()
    ids: tuple[WrittenId, ...] = ()


@dataclass(frozen=True, slots=True)
class Card:
    """A question linked to its curriculum node, with the images it shows."""

    question: Question
    node: int
    media: tuple[tuple[str, str], ...] = ()  # image source as written -> packaged file name


# --- Notes: what the exporters write -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deck:
    """An Anki deck by the parts of its full name."""

    parts: tuple[str, ...]  # e.g. ("Python", "01 Фаза 1: …", "01 Неделя 1-2: …")

    @property
    def name(self) -> str:
        return "::".join(self.parts)


# A hidden cloze deletion in a one-card side: BLANK_OPEN, the hint (often empty), BLANK_CLOSE.
# Private-use characters survive Markdown processing, so each format writes the blank its own way.
BLANK_OPEN = "\ue000"
BLANK_CLOSE = "\ue001"


@dataclass(frozen=True, slots=True)
class Sides:
    """A note as one question and one answer in Markdown, for apps that show one card per note.

    A cloze's front has every deletion hidden (as a blank, see BLANK_OPEN) and its back has
    every deletion filled in; a type-in answer is escaped so that it reads as typed.
    """

    front: str
    back: str
    extra: str


@dataclass(frozen=True, slots=True)
class Note:
    """A card ready for export: everything any format needs, worked out once."""

    id: str  # the author's card id
    guid: str
    notetype: str  # key of the note type (`basic`, `reversed`, `cloze`, `type-in`)
    fields: tuple[tuple[str, str], ...]  # (field name, HTML), in the note type's field order
    sides: Sides  # the same content as Markdown
    cards: tuple[int, ...]  # the cards Anki makes: template numbers, or cloze numbers (from 1)
    media: tuple[tuple[str, str], ...]  # image source as written -> packaged file name
    deck: Deck
    phase: int  # ordinal of the note's phase: which per-phase package holds it
    tags: tuple[str, ...]
    order: int  # position in curriculum order, 0-based
    location: Location  # where the card is written
    was: tuple[str, ...]  # the ids the card had before (first id first)
    content_hash: str  # what the lock compares: everything that goes into the note but its id
    digest: str  # everything the exporters see of the note but `mod`
    mod: int = 0  # seconds since the epoch when the content last changed (from the lock)

    def dated(self, mod: int) -> Note:
        """The note with its time: a copy, made quicker than by dataclasses.replace, which checks every field."""
        copy = object.__new__(Note)
        for name in Note.__slots__:
            object.__setattr__(copy, name, getattr(self, name))
        object.__setattr__(copy, "mod", mod)
        return copy

    def field(self, name: str) -> str:
        """The HTML of a field by name."""
        for key, value in self.fields:
            if key == name:
                return value
        raise KeyError(name)

    @property
    def values(self) -> tuple[str, ...]:
        """The HTML of every field, in order."""
        return tuple(value for _, value in self.fields)


@dataclass(frozen=True, slots=True)
class ReleasedNote:
    """A note as a package released earlier holds it (recover.py reads them when the lock is lost)."""

    guid: str
    mod: int
    notetype_id: int
    values: tuple[str, ...]  # the fields' HTML, in order
    tags: tuple[str, ...]
    deck: str  # the full name of its cards' deck
    cards: int  # how many cards it has


@dataclass(frozen=True, slots=True)
class ReleasedNoteType:
    """A note type as a package released earlier holds it."""

    id: int
    mod: int
    css: str
    fields: tuple[str, ...]  # names, in order
    templates: tuple[tuple[str, str, str], ...]  # name, front, back
    sort_field: int


@dataclass(frozen=True, slots=True)
class Released:
    """What the packages in the output folder hold of the notes and note types a lock lacks."""

    notes: dict[str, ReleasedNote] = field(default_factory=dict)  # by GUID
    notetypes: dict[int, ReleasedNoteType] = field(default_factory=dict)  # by id


@dataclass(frozen=True, slots=True)
class NoteField:
    name: str
    id: int


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    id: int
    front: str
    back: str


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type: fields and templates with frozen ids."""

    key: str
    name: str
    id: int
    cloze: bool
    fields: tuple[NoteField, ...]
    templates: tuple[Template, ...]
    sort_field: int = 0


@dataclass(frozen=True, slots=True)
class DeckConfig:
    """The settings of `deck.yaml`."""

    title: str
    id: str
    description: str = ""
    version: str = ""
    language: str = "ru"  # of the cards' text (BCP 47, as in HTML's lang)
    authors: tuple[str, ...] = ()
    curriculum: str = "curriculum.md"
    phase_word: str = ""  # "": any of the usual words (curriculum.PHASE_WORDS)
    sections: tuple[str, ...] = ()  # `##` sections that are decks although not phases
    exclude: tuple[str, ...] = ()  # titles, labels or paths of the curriculum whose subtrees are not in the deck
    link_items: bool = False  # whether list items that are only a link are topics
    formats: tuple[str, ...] = ("apkg",)
    allow: tuple[str, ...] = ()  # card-quality warnings switched off for the whole deck (lint.py)
    report_url: str = ""  # "report a mistake" link of every card: a URL template with {id} and {title}
    coverage_min: int = 0  # the fewest cards every topic should have: `coverage`'s --min when not given (0: none)
    path: str = "deck.yaml"  # as shown in messages
    # setting -> where its value is; the items of `exclude` as `exclude[0]`, `exclude[1]`…
    where: tuple[tuple[str, Location], ...] = field(default=(), compare=False)

    def location(self, setting: str) -> Location:
        """Where a setting's value is written (the file when it is not)."""
        return next((where for name, where in self.where if name == setting), Location(self.path))


@dataclass(frozen=True, slots=True)
class Project:
    """A deck project read from disk and checked."""

    cards_dir: Path
    config: DeckConfig
    curriculum: Curriculum
    cards: tuple[Card, ...]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]  # warnings; when loaded leniently, also the errors of the cards left out
    media: tuple[tuple[str, bytes], ...] = ()  # packaged file name -> bytes, sorted
    read: tuple[tuple[str, str], ...] = ()  # every file read (deck.yaml, curriculum, questions, images) -> SHA-256
    ids: tuple[WrittenId, ...] = ()  # every id written in the question files, cards with errors too

    @property
    def left_out(self) -> frozenset[str]:
        """The ids of cards that have errors (only a lenient load keeps going without them)."""
        return frozenset(i.name for i in self.ids if i.key == "id") - {card.question.id for card in self.cards}


@dataclass(frozen=True, slots=True)
class BuiltDeck:
    """Everything an exporter needs: the notes in curriculum order with their times."""

    config: DeckConfig
    notes: tuple[Note, ...]
    notetypes: tuple[NoteType, ...]  # every note type of cardsmith, by key order
    notetype_mods: dict[str, int]  # note type key -> mod time from the lock
    stylesheet: str  # the CSS of every note type
    media: tuple[tuple[str, bytes], ...] = ()  # (packaged file name, content), sorted

    def notetype(self, key: str) -> NoteType:
        return next(nt for nt in self.notetypes if nt.key == key)
