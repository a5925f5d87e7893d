"""Turn linked cards into complete notes: fields, sides, cards, media, deck, tags and GUID (pure).

Everything a later stage needs of a card is decided here, once: which fields are Markdown, the
HTML of each field by name, the Markdown of each side for the text formats, the cards Anki will
make (from the cloze parser), the images, and where the note goes in Anki. Nothing after
`make_notes` reads a Question again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from cardsmith import cloze
from cardsmith.curriculum import aliases
from cardsmith.memo import key_of
from cardsmith.model import Card, CardType, Curriculum, Deck, DeckConfig, Kind, Node, Note, Sides
from cardsmith.notetypes import FOR_CARD_TYPE
from cardsmith.render import Renderer, plain_as_markdown, render_plain

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


@dataclass(frozen=True, slots=True)
class Place:
    """Where a topic's cards go: their deck, the tags of the topic, the breadcrumb, the phase."""

    deck: Deck
    tags: tuple[str, ...]
    breadcrumb: str
    phase: int


def _numbers_tag(prefix: str, node: Node) -> str:
    numbers = re.findall(r"\d+", short_name(node.title))
    if numbers:
        return f"{prefix}::" + "-".join(n.zfill(2) if prefix == "week" else n for n in numbers)
    return f"{prefix}::{node.ordinal:02d}"


def place_of(config: DeckConfig, curriculum: Curriculum, node: int) -> Place:
    """The deck, tags and breadcrumb of a curriculum node's cards.

    Anki gathers new cards deck by deck, sub-decks in name order, so `Неделя 12-14` would come
    before `Неделя 7-8`; a zero-padded ordinal in front of each title makes name order the
    curriculum's order. Decks do not follow a card that moves, so phase, week and topic are tags
    too (`phase::1`, `week::01-02`, `topic::A::B`).
    """
    chain = curriculum.ancestors(node)
    phase = chain[0]
    week = next((n for n in chain if n.kind is Kind.WEEK), None)
    parts = [config.title, f"{phase.ordinal:02d} {phase.title}"]
    tags = [_numbers_tag("phase", phase)]
    if week is not None:
        parts.append(f"{week.ordinal:02d} {week.title}")
        tags.append(_numbers_tag("week", week))
    topics = [tag_slug(short_name(n.title)) for n in chain if n.kind is Kind.TOPIC]
    if topics:
        tags.append("::".join(["topic", *topics]))
    crumb = " › ".join(
        short_name(n.title) if n.kind is not Kind.TOPIC or i < len(chain) - 1 else n.title for i, n in enumerate(chain)
    )
    return Place(Deck(tuple(p.replace("::", ":") for p in parts)), tuple(tags), crumb, phase.ordinal)


def markdown_texts(card: Card) -> tuple[str, ...]:
    """The texts of a card that are rendered as Markdown (a type-in answer is plain text)."""
    q = card.question
    if q.type is CardType.CLOZE:
        return (q.text, q.extra)
    return (q.q, q.extra) if q.type is CardType.TYPE_IN else (q.q, q.a, q.extra)


def _fields_and_sides(card: Card, renderer: Renderer) -> tuple[dict[str, tuple[str, str]], Sides]:
    """Each field (but Topic and Card ID) by name as (HTML, what it is made from), and each side's Markdown."""
    q, media = card.question, card.media

    def markdown(text: str) -> tuple[str, str]:
        return renderer.field(text, media)

    if q.type is CardType.CLOZE:
        text = q.text.strip()
        sides = Sides(cloze.hide_all(text), cloze.reveal_all(text), q.extra.strip())
        return {"Text": markdown(q.text), "Extra": markdown(q.extra)}, sides
    if q.type is CardType.TYPE_IN:
        back, back_markdown = (render_plain(q.a), "plain:" + q.a), plain_as_markdown(q.a)
    else:
        back, back_markdown = markdown(q.a), q.a.strip()
    fields = {"Front": markdown(q.q), "Back": back, "Extra": markdown(q.extra)}
    return fields, Sides(q.q.strip(), back_markdown, q.extra.strip())


def content_hash(notetype: str, values: tuple[str, ...], deck: str, tags: tuple[str, ...]) -> str:
    """A hash of everything that goes into a note but its id (so a pure rename keeps it)."""
    blob = json.dumps([notetype, list(values[:-1]), deck, list(tags)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _digest(*parts: object) -> str:
    """A digest of strings, numbers and tuples of them (their repr is unambiguous and quick)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def make_note(config: DeckConfig, card: Card, place: Place, order: int, renderer: Renderer) -> Note:
    """The complete note of one card (its `mod` comes later, from the lock)."""
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    made, sides = _fields_and_sides(card, renderer)
    made |= {"Topic": (render_plain(place.breadcrumb), place.breadcrumb), "Card ID": (render_plain(q.id), q.id)}
    fields = tuple((f.name, made[f.name][0]) for f in notetype.fields)
    if notetype.cloze:
        cards = cloze.numbers(made["Text"][0]) or (1,)  # what Anki finds in the field it renders
    else:
        cards = tuple(range(1, len(notetype.templates) + 1))
    tags = tuple(dict.fromkeys(place.tags + q.tags))  # the topic's, then the card's own
    guid = guid_for(config.id, (q.was or (q.id,))[0])
    html = tuple(value for _, value in fields)
    # The content hash covers every field's HTML; it is remembered by what the HTML is made from
    # (the render keys), so that an unchanged note is not hashed again in full.
    made_from = "\0".join(made[f.name][1] for f in notetype.fields[:-1])
    hashed = key_of(content_hash, (notetype.key, made_from, place.deck.name, "\0".join(tags)))
    content = renderer.memo.get(hashed, content_hash, notetype.key, html, place.deck.name, tags)
    return Note(
        id=q.id,
        guid=guid,
        notetype=notetype.key,
        fields=fields,
        sides=sides,
        cards=cards,
        media=card.media,
        deck=place.deck,
        phase=place.phase,
        tags=tags,
        order=order,
        location=q.location,
        was=q.was,
        content_hash=content,
        # Every side is made from the same texts as the fields: their render keys stand for them.
        digest=_digest(content, q.id, guid, made_from, cards, card.media, place.phase, order),
    )


def make_notes(
    config: DeckConfig, curriculum: Curriculum, cards: tuple[Card, ...], renderer: Renderer
) -> tuple[Note, ...]:
    """Notes in curriculum order: by topic position, then by file and place in the file.

    A renamed card keeps the GUID of the first id it had (`was:`), so Anki keeps its history.
    New fields are rendered first, all at once, so that a cold build can use every core.
    """
    renderer.prepare((text, card.media) for card in cards for text in markdown_texts(card))
    ordered = sorted(enumerate(cards), key=lambda pair: (pair[1].node, pair[0]))
    places: dict[int, Place] = {}  # what depends only on the topic is worked out once per topic
    notes = []
    for order, (_, card) in enumerate(ordered):
        if card.node not in places:
            places[card.node] = place_of(config, curriculum, card.node)
        notes.append(make_note(config, card, places[card.node], order, renderer))
    return tuple(notes)
