"""Turn linked cards into notes: rendered fields, deck, tags, GUID and curriculum order (pure)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping

from cardsmith import render
from cardsmith.curriculum import aliases
from cardsmith.model import Card, CardType, Curriculum, Deck, DeckConfig, Kind, Node, Note
from cardsmith.notetypes import FOR_CARD_TYPE

_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid_for(*values: str) -> str:
    """Anki GUID of a key, exactly as `genanki.guid_for` computes it (a test checks they agree)."""
    digest = hashlib.sha256("__".join(values).encode("utf-8")).digest()[:8]
    number = int.from_bytes(digest, "big")
    out = []
    while number > 0:
        number, rest = divmod(number, len(_BASE91))
        out.append(_BASE91[rest])
    return "".join(reversed(out))


def short_name(title: str) -> str:
    """The shortest alias of a title: `Фаза 1` for `Фаза 1: Основы Python (4-6 недель)`."""
    return min(aliases(title), key=lambda name: (len(name), name))


def tag_slug(text: str) -> str:
    """A tag-safe form of a title: no spaces, no quotes, no `::` of its own."""
    text = re.sub(r"\s+", "_", text.strip())
    return text.replace('"', "").replace("::", ":")


def _numbers_tag(prefix: str, node: Node, ordinal: int) -> str:
    numbers = re.findall(r"\d+", short_name(node.title))
    if numbers:
        return f"{prefix}::" + "-".join(n.zfill(2) if prefix == "week" else n for n in numbers)
    return f"{prefix}::{ordinal:02d}"


def deck_of(config: DeckConfig, curriculum: Curriculum, node: int) -> Deck:
    """The deck a card of this node goes to, named so Anki's alphabetical walk is curriculum order.

    Anki gathers new cards deck by deck, sub-decks in name order, so `Неделя 12-14` would come
    before `Неделя 7-8`; a zero-padded ordinal in front of each title makes name order the
    curriculum's order.
    """
    chain = curriculum.ancestors(node)
    phase = chain[0]
    phases = [n.index for n in curriculum.phases]
    parts = [config.title, f"{phases.index(phase.index) + 1:02d} {phase.title}"]
    week = next((n for n in chain if n.kind is Kind.WEEK), None)
    if week is not None:
        weeks = [k for k in curriculum.children[phase.index] if curriculum.nodes[k].kind is Kind.WEEK]
        parts.append(f"{weeks.index(week.index) + 1:02d} {week.title}")
    return Deck(tuple(p.replace("::", ":") for p in parts))


def node_tags(curriculum: Curriculum, node: int) -> tuple[str, ...]:
    """Phase, week and topic tags of a node: `phase::1`, `week::01-02`, `topic::A::B`."""
    chain = curriculum.ancestors(node)
    phases = [n.index for n in curriculum.phases]
    tags = [_numbers_tag("phase", chain[0], phases.index(chain[0].index) + 1)]
    week = next((n for n in chain if n.kind is Kind.WEEK), None)
    if week is not None:
        weeks = [k for k in curriculum.children[chain[0].index] if curriculum.nodes[k].kind is Kind.WEEK]
        tags.append(_numbers_tag("week", week, weeks.index(week.index) + 1))
    topics = [tag_slug(short_name(n.title)) for n in chain if n.kind is Kind.TOPIC]
    if topics:
        tags.append("::".join(["topic", *topics]))
    return tuple(tags)


def breadcrumb(curriculum: Curriculum, node: int) -> str:
    """The topic path shown small on the card: short titles joined by ›."""
    chain = curriculum.ancestors(node)
    return " › ".join(
        short_name(n.title) if n.kind is not Kind.TOPIC or i < len(chain) - 1 else n.title for i, n in enumerate(chain)
    )


def markdown_fields(card: Card) -> tuple[str, ...]:
    """The texts of a card that are rendered as Markdown (a type-in answer is plain text)."""
    q = card.question
    if q.type is CardType.CLOZE:
        return (q.text, q.extra)
    return (q.q, q.extra) if q.type is CardType.TYPE_IN else (q.q, q.a, q.extra)


def fields_of(card: Card, topic: str, media: tuple[tuple[str, str], ...] = ()) -> tuple[str, ...]:
    """The HTML fields of a card's note, in its note type's field order; `topic` is the breadcrumb."""
    q = card.question
    topic = render.render_plain(topic)
    extra = render.render_markdown(q.extra, media)
    card_id = render.render_plain(q.id)
    if q.type is CardType.CLOZE:
        return (render.render_markdown(q.text, media), extra, topic, card_id)
    back = render.render_plain(q.a) if q.type is CardType.TYPE_IN else render.render_markdown(q.a, media)
    return (render.render_markdown(q.q, media), back, extra, topic, card_id)


def content_hash(notetype: str, fields: tuple[str, ...], deck: str, tags: tuple[str, ...]) -> str:
    """A hash of everything that goes into a note but its id (so a pure rename keeps it)."""
    blob = json.dumps([notetype, list(fields[:-1]), deck, list(tags)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def make_notes(
    config: DeckConfig,
    curriculum: Curriculum,
    cards: tuple[Card, ...],
    media: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
) -> tuple[Note, ...]:
    """Notes in curriculum order: by topic position, then by file and place in the file.

    A renamed card keeps the GUID of the first id it had (`was:`), so Anki keeps its history.
    """
    ordered = sorted(enumerate(cards), key=lambda pair: (pair[1].node, pair[0]))
    # What depends only on the topic is worked out once per topic, not once per card.
    decks: dict[int, Deck] = {}
    topic_tags: dict[int, tuple[str, ...]] = {}
    crumbs: dict[int, str] = {}
    notes = []
    for order, (_, card) in enumerate(ordered):
        notetype = FOR_CARD_TYPE[card.question.type]
        if card.node not in decks:
            decks[card.node] = deck_of(config, curriculum, card.node)
            topic_tags[card.node] = node_tags(curriculum, card.node)
            crumbs[card.node] = breadcrumb(curriculum, card.node)
        deck = decks[card.node]
        fields = fields_of(card, crumbs[card.node], (media or {}).get(card.question.location.path, ()))
        tags = tuple(dict.fromkeys(topic_tags[card.node] + card.question.tags))  # the topic's, then the card's own
        notes.append(
            Note(
                card_id=card.question.id,
                guid=guid_for(config.id, (card.question.was or (card.question.id,))[0]),
                notetype=notetype.key,
                fields=fields,
                deck=deck,
                phase=curriculum.section_of(card.node).index,
                tags=tags,
                order=order,
                card=card,
                content_hash=content_hash(notetype.key, fields, deck.name, tags),
            )
        )
    return tuple(notes)
