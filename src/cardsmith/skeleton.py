"""`cardsmith new`: find a topic by part of its title and write a card skeleton for it (pure)."""

from __future__ import annotations

from cardsmith.assemble import SEPARATOR, resolve_topic
from cardsmith.curriculum import aliases
from cardsmith.model import Curriculum, Kind
from cardsmith.notes import short_name

TYPES = {
    "basic": '    q: ""\n    a: ""\n',
    "reversed": '    q: ""\n    a: ""\n',
    "type-in": '    q: ""\n    a: ""\n',
    "cloze": '    text: "… {{c1::…}} …"\n',
}


def find_topics(curriculum: Curriculum, query: str) -> list[int]:
    """Topics of the phases that a query names: a full path, or part of one title."""
    exact, _ = resolve_topic(curriculum, query)
    if exact:
        return exact
    wanted = query.strip().casefold()
    return [
        node.index
        for node in curriculum.nodes
        if curriculum.section_of(node.index).kind is Kind.PHASE
        and any(wanted in name.casefold() for name in aliases(node.title))
    ]


def topic_path(curriculum: Curriculum, index: int) -> str:
    """The shortest path that names the node unambiguously (labels where they suffice)."""
    chain = curriculum.ancestors(index)
    short = SEPARATOR.join(short_name(n.title) for n in chain)
    if resolve_topic(curriculum, short)[0] == [index]:
        return short
    return SEPARATOR.join(n.title for n in chain)


def skeleton(curriculum: Curriculum, index: int, card_type: str, card_id: str) -> str:
    """A card entry, indented to go under `cards:`."""
    kind = "" if card_type == "basic" else f"    type: {card_type}\n"
    topic = topic_path(curriculum, index)
    needs_quotes = ": " in topic or topic.startswith(("`", "'", '"'))
    shown = '"' + topic.replace('"', '\\"') + '"' if needs_quotes else topic
    return f"  - id: {card_id}\n{kind}    topic: {shown}\n{TYPES[card_type]}"
