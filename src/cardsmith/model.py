"""The values that flow through the pipeline: curriculum, questions, notes. No I/O here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from cardsmith.errors import Location, Problem
from cardsmith.lock import LOCK_NAME


class Kind(enum.Enum):
    """What a curriculum node is."""

    PHASE = "phase"  # a `##` section whose title starts with the phase word, or made a deck in deck.yaml
    SECTION = "section"  # any other `##` section (projects, resources): not studied
    WEEK = "week"  # a `###` heading
    TOPIC = "topic"  # a list item, at any depth


@dataclass(frozen=True, slots=True)
class Node:
    """One heading or list item of the curriculum."""

    index: int  # position in document order (a preorder walk)
    parent: int | None
    kind: Kind
    title: str
    location: Location
    path: tuple[str, ...]  # titles from the `##` section down to this node

    @property
    def depth(self) -> int:
        return len(self.path) - 1


@dataclass(frozen=True, slots=True)
class Curriculum:
    """A parsed curriculum: the nodes in document order."""

    title: str
    nodes: tuple[Node, ...]
    children: tuple[tuple[int, ...], ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        kids: list[list[int]] = [[] for _ in self.nodes]
        for node in self.nodes:
            if node.parent is not None:
                kids[node.parent].append(node.index)
        object.__setattr__(self, "children", tuple(tuple(k) for k in kids))

    @property
    def phases(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.kind is Kind.PHASE)

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
    key_locations: tuple[tuple[str, Location], ...] = ()  # where each key's value starts

    def where(self, key: str) -> Location:
        """The location of a key's value, or of the card when the key is absent."""
        return next((loc for name, loc in self.key_locations if name == key), self.location)


@dataclass(frozen=True, slots=True)
class Card:
    """A question linked to its curriculum node."""

    question: Question
    node: int


@dataclass(frozen=True, slots=True)
class Deck:
    """An Anki deck by the parts of its full name."""

    parts: tuple[str, ...]  # e.g. ("Python", "01 Фаза 1: …", "01 Неделя 1-2: …")

    @property
    def name(self) -> str:
        return "::".join(self.parts)


@dataclass(frozen=True, slots=True)
class Note:
    """A card ready for export: rendered fields, deck, tags, identity and time."""

    card_id: str
    guid: str
    notetype: str  # a key of notetypes.NOTETYPES
    fields: tuple[str, ...]  # HTML, in the note type's field order
    deck: Deck
    phase: int  # index of the phase node: which per-phase package holds the note
    tags: tuple[str, ...]
    order: int  # position in curriculum order, 0-based
    card: Card
    mod: int = 0  # seconds since the epoch when the content last changed (from the lock)
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class DeckConfig:
    """The settings of `deck.yaml`."""

    title: str
    id: str
    description: str = ""
    version: str = ""
    authors: tuple[str, ...] = ()
    curriculum: str = "curriculum.md"
    phase_word: str = "Фаза"
    sections: tuple[str, ...] = ()  # `##` sections that are decks although not phases
    formats: tuple[str, ...] = ("apkg",)


@dataclass(frozen=True, slots=True)
class Project:
    """A deck project read from disk and checked."""

    cards_dir: Path
    config: DeckConfig
    curriculum: Curriculum
    cards: tuple[Card, ...]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]  # warnings only; errors stop load_project
    media: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # question file -> (src, flat name)
    media_files: tuple[tuple[str, bytes], ...] = ()  # flat name -> bytes, sorted

    @property
    def lock_path(self) -> Path:
        return self.cards_dir / LOCK_NAME
