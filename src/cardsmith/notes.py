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
from cardsmith.model import (
    Card,
    CardType,
    Curriculum,
    Deck,
    DeckConfig,
    Kind,
    Node,
    Note,
    Progress,
    Sides,
    no_progress,
)
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
    key: bytes = b""  # all of the above, for note keys (worked out once per topic)


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
    deck = Deck(tuple(p.replace("::", ":") for p in parts))
    key = repr((deck.parts, tags, crumb, phase.ordinal)).encode("utf-8", "surrogatepass")
    return Place(deck, tuple(tags), crumb, phase.ordinal, key)


def markdown_texts(card: Card) -> tuple[str, ...]:
    """The texts of a card that are rendered as Markdown (a type-in answer is plain text)."""
    q = card.question
    if q.type is CardType.CLOZE:
        return (q.text, q.extra)
    return (q.q, q.extra) if q.type is CardType.TYPE_IN else (q.q, q.a, q.extra)


def _markdown_fields(card: Card, renderer: Renderer) -> dict[str, tuple[str, str]]:
    """Each Markdown field of the card's note by name: its HTML and its render key."""
    q, media = card.question, card.media
    if q.type is CardType.CLOZE:
        return {"Text": renderer.field(q.text, media), "Extra": renderer.field(q.extra, media)}
    fields = {"Front": renderer.field(q.q, media), "Extra": renderer.field(q.extra, media)}
    if q.type is not CardType.TYPE_IN:
        fields["Back"] = renderer.field(q.a, media)
    return fields


def _plain_fields(card: Card, place: Place) -> dict[str, str]:
    """The fields that are plain text, as HTML: the breadcrumb, the card id and a type-in answer."""
    q = card.question
    fields = {"Topic": render_plain(place.breadcrumb), "Card ID": render_plain(q.id)}
    if q.type is CardType.TYPE_IN:
        fields["Back"] = render_plain(q.a)  # plain, for Anki to compare with what the learner types
    return fields


def _sides(card: Card) -> Sides:
    """The note as one question and one answer in Markdown (cloze: every deletion hidden, then shown)."""
    q = card.question
    if q.type is CardType.CLOZE:
        return Sides(cloze.hide_all(q.text), cloze.reveal_all(q.text), q.extra)
    return Sides(q.q, plain_as_markdown(q.a) if q.type is CardType.TYPE_IN else q.a, q.extra)


def content_hash(notetype: str, values: tuple[str, ...], deck: str, tags: tuple[str, ...]) -> str:
    """A hash of everything that goes into a note but its id (so a pure rename keeps it)."""
    blob = json.dumps([notetype, list(values[:-1]), deck, list(tags)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def note_key(config: DeckConfig, card: Card, place: Place) -> bytes:
    """A digest of everything a note is made from but its position: the card as written, its images, its place."""
    q, where = card.question, card.question.location
    texts = (q.q, q.a, q.text, q.extra)
    small = (config.id, q.id, q.type.value, q.tags, q.was, where.path, where.line, where.col, card.media)
    digest = hashlib.blake2b(place.key, digest_size=16)
    digest.update(repr((small, tuple(map(len, texts)))).encode("utf-8", "surrogatepass"))
    for text in texts:  # long: hashed as they are (the lengths above keep them apart)
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _note(card: Card, place: Place, order: int, digest: str, html: dict[str, str], made: _Made) -> Note:
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    return Note(
        id=q.id,
        guid=made.guid,
        notetype=notetype.key,
        fields=tuple((f.name, html[f.name]) for f in notetype.fields),
        sides=made.sides,
        cards=made.cards,
        media=card.media,
        deck=place.deck,
        phase=place.phase,
        tags=tuple(dict.fromkeys(place.tags + q.tags)),  # the topic's, then the card's own
        order=order,
        location=q.location,
        was=q.was,
        content_hash=made.content_hash,
        digest=digest,
    )


@dataclass(frozen=True, slots=True)
class _Made:
    """What is costly to work out again for a note, and is remembered in its record."""

    guid: str
    cards: tuple[int, ...]
    content_hash: str
    sides: Sides


def _new_note(
    config: DeckConfig, card: Card, place: Place, order: int, digest: str, renderer: Renderer
) -> tuple[Note, str]:
    """The note of one card, made from scratch (its `mod` comes later), and its record for the memo.

    The record holds what is costly to work out again: the render key of each Markdown field (its
    HTML is in the memo under that key), the GUID, the cards, the content hash (a hash of all the
    note's HTML, for the lock) and, for a cloze, its sides.
    """
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    markdown = _markdown_fields(card, renderer)
    html = {name: value for name, (value, _) in markdown.items()} | _plain_fields(card, place)
    values = tuple(html[f.name] for f in notetype.fields)
    cards = (cloze.numbers(html["Text"]) or (1,)) if notetype.cloze else tuple(range(1, len(notetype.templates) + 1))
    tags = tuple(dict.fromkeys(place.tags + q.tags))
    made = _Made(
        guid_for(config.id, (q.was or (q.id,))[0]),
        cards,  # for a cloze, what Anki finds in the field it renders
        content_hash(notetype.key, values, place.deck.name, tags),
        _sides(card),
    )
    keys = {name: key for name, (_, key) in markdown.items() if key}
    cloze_sides = [made.sides.front, made.sides.back] if notetype.cloze else None
    record = json.dumps([made.guid, keys, list(cards), made.content_hash, cloze_sides], ensure_ascii=False)
    return _note(card, place, order, digest, html, made), record


def _remembered_note(card: Card, place: Place, order: int, digest: str, record: str, renderer: Renderer) -> Note | None:
    """The note of one card from its record; None if the record or an HTML it needs is not usable."""
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    try:
        guid, keys, cards, content, cloze_sides = json.loads(record)
        html = _plain_fields(card, place)
        texts = {"Text": q.text, "Extra": q.extra} if notetype.cloze else {"Front": q.q, "Back": q.a, "Extra": q.extra}
        for name, text in texts.items():
            if name not in html:
                value = renderer.memo.lookup(bytes.fromhex(keys[name])) if text else ""
                if not isinstance(value, str):
                    return None
                html[name] = value
        if notetype.cloze:
            sides = Sides(str(cloze_sides[0]), str(cloze_sides[1]), q.extra)
        else:
            sides = _sides(card)
        made = _Made(str(guid), tuple(int(n) for n in cards), str(content), sides)
        return _note(card, place, order, digest, html, made)
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def make_notes(
    config: DeckConfig,
    curriculum: Curriculum,
    cards: tuple[Card, ...],
    renderer: Renderer,
    progress: Progress = no_progress,
) -> tuple[Note, ...]:
    """Notes in curriculum order: by topic position, then by file and place in the file.

    A renamed card keeps the GUID of the first id it had (`was:`), so Anki keeps its history.
    A note made from the same card in the same place as in an earlier build comes from its
    record in the memo; the fields of the others are rendered first, all at once, so that a cold
    build can use every core.
    """
    ordered = sorted(enumerate(cards), key=lambda pair: (pair[1].node, pair[0]))
    places: dict[int, Place] = {}  # what depends only on the topic is worked out once per topic
    for card in cards:
        if card.node not in places:
            places[card.node] = place_of(config, curriculum, card.node)
    keys = [note_key(config, card, places[card.node]) for _, card in ordered]
    # The digest stands for everything an exporter sees of a note: what it is made from, and where it is.
    digests = [
        hashlib.blake2b(key + order.to_bytes(8, "little"), digest_size=16).hexdigest() for order, key in enumerate(keys)
    ]
    remembered = []
    for order, (_, card) in enumerate(ordered):
        record = renderer.memo.lookup(keys[order])
        place = places[card.node]
        remembered.append(
            None if record is None else _remembered_note(card, place, order, digests[order], record, renderer)
        )
    fresh = (
        (text, card.media)
        for (_, card), note in zip(ordered, remembered, strict=True)
        if note is None
        for text in markdown_texts(card)
    )
    renderer.prepare(fresh, progress)
    notes = []
    total = len(ordered)
    for order, ((_, card), note) in enumerate(zip(ordered, remembered, strict=True)):
        if note is None:
            note, record = _new_note(config, card, places[card.node], order, digests[order], renderer)
            renderer.memo.add(keys[order], record)
            if order % 64 == 0:
                progress("making notes", order, total)
        notes.append(note)
    progress("making notes", total, total)
    renderer.forget()  # the render keys of this batch: the memo has the renders
    return tuple(notes)
