"""How many cards each curriculum topic has (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from cardsmith.model import Card, Curriculum, Kind


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


def format_tree(rows: tuple[Row, ...], minimum: int = 1) -> str:
    """A readable tree: total per node, leaves with fewer than `minimum` cards marked."""
    lines = []
    for row in rows:
        mark = "  ✗" if row.leaf and row.total < minimum else ""
        lines.append(f"{row.total:4d}  {'  ' * (len(row.path) - 1)}{row.path[-1]}{mark}")
    leaves = [r for r in rows if r.leaf]
    short = [r for r in leaves if r.total < minimum]
    lines.append(
        f"{sum(r.cards for r in rows)} cards; {len(leaves) - len(short)} of {len(leaves)} topics "
        f"have at least {minimum} card{'s' if minimum != 1 else ''}"
    )
    return "\n".join(lines)
