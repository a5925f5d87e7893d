"""How many cards each curriculum topic has (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from cardsmith.curriculum import links_note
from cardsmith.model import Card, Curriculum, DeckConfig, Kind


@dataclass(frozen=True, slots=True)
class Row:
    path: tuple[str, ...]  # titles from the phase down
    leaf: bool
    cards: int  # cards attached to this node itself
    total: int  # cards in this node and below

    def as_json(self) -> dict[str, object]:
        return {"path": list(self.path), "leaf": self.leaf, "cards": self.cards, "total": self.total}


def coverage(curriculum: Curriculum, cards: tuple[Card, ...]) -> tuple[Row, ...]:
    """One row per node of every phase, in curriculum order."""
    own = [0] * len(curriculum.nodes)
    for card in cards:
        own[card.node] += 1
    rows = []
    for node in curriculum.nodes:
        if curriculum.section_of(node.index).kind is not Kind.PHASE:
            continue
        total = sum(own[i] for i in curriculum.subtree(node.index))
        rows.append(Row(node.path, curriculum.is_leaf(node.index), own[node.index], total))
    return tuple(rows)


def hints(config: DeckConfig, curriculum: Curriculum, rows: tuple[Row, ...], minimum: int = 1) -> list[str]:
    """How to leave out of the deck what is not studied: `exclude:`, and the link items left out."""
    found = []
    if not config.exclude and any(row.leaf and row.total < minimum for row in rows):
        found.append(
            "a part of the plan that is not studied (resources, projects, a schedule) can be left out of the deck: "
            "list its title or label under 'exclude:' in deck.yaml"
        )
    if curriculum.links:
        found.append(links_note(len(curriculum.links)))
    return found


def format_tree(rows: tuple[Row, ...], minimum: int = 1, notes: list[str] | tuple[str, ...] = ()) -> str:
    """A readable tree: total per node, leaves with fewer than `minimum` cards marked, the notes, the sum."""
    lines = []
    for row in rows:
        mark = "  ✗" if row.leaf and row.total < minimum else ""
        lines.append(f"{row.total:4d}  {'  ' * (len(row.path) - 1)}{row.path[-1]}{mark}")
    lines += [f"note: {note}" for note in notes]
    leaves = [r for r in rows if r.leaf]
    short = [r for r in leaves if r.total < minimum]
    lines.append(
        f"{sum(r.cards for r in rows)} cards; {len(leaves) - len(short)} of {len(leaves)} topics "
        f"have at least {minimum} card{'s' if minimum != 1 else ''}"
    )
    return "\n".join(lines)
