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
    """Each field (but Topic and Card ID) by name as (HTML, render key or ""), and each side's Markdown."""
    q, media = card.question, card.media

    def markdown(text: str) -> tuple[str, str]:
        return renderer.field(text, media)

    if q.type is CardType.CLOZE:
        sides = Sides(cloze.hide_all(q.text), cloze.reveal_all(q.text), q.extra)
        return {"Text": markdown(q.text), "Extra": markdown(q.extra)}, sides
    if q.type is CardType.TYPE_IN:
        back, back_markdown = (render_plain(q.a), ""), plain_as_markdown(q.a)
    else:
        back, back_markdown = markdown(q.a), q.a
    fields = {"Front": markdown(q.q), "Back": back, "Extra": markdown(q.extra)}
    return fields, Sides(q.q, back_markdown, q.extra)


def content_hash(notetype: str, values: tuple[str, ...], deck: str, tags: tuple[str, ...]) -> str:
    """A hash of everything that goes into a note but its id (so a pure rename keeps it)."""
    blob = json.dumps([notetype, list(values[:-1]), deck, list(tags)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def note_key(config: DeckConfig, card: Card, place: Place) -> bytes:
    """A digest of everything a note is made from but its position: the card as written, its images, its place."""
    q, where = card.question, card.question.location
    texts = (q.q, q.a, q.text, q.extra)
    small = (config.id, q.id, q.type.value, q.tags, q.was, where.path, where.line, where.col, card.media, place.deck.parts)
    small += (place.tags, place.breadcrumb, place.phase, tuple(map(len, texts)))
    digest = hashlib.blake2b(repr(small).encode("utf-8", "surrogatepass"), digest_size=16)
    for text in texts:  # long: hashed as they are (the lengths above keep them apart)
        digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _new_note(
    config: DeckConfig, card: Card, place: Place, order: int, digest: str, renderer: Renderer
) -> tuple[Note, str]:
    """The note of one card, made from scratch (its `mod` comes later), and its record for the memo.

    The record holds what is costly to work out again: the render key of each Markdown field (its
    HTML is in the memo under that key), the HTML of the plain fields, the cards, the GUID, the
    content hash (a hash of all the note's HTML, for the lock) and, for a cloze, its sides.
    """
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    made, sides = _fields_and_sides(card, renderer)
    made |= {"Topic": (render_plain(place.breadcrumb), ""), "Card ID": (render_plain(q.id), "")}
    fields = tuple((f.name, made[f.name][0]) for f in notetype.fields)
    if notetype.cloze:
        cards = cloze.numbers(made["Text"][0]) or (1,)  # what Anki finds in the field it renders
    else:
        cards = tuple(range(1, len(notetype.templates) + 1))
    tags = tuple(dict.fromkeys(place.tags + q.tags))  # the topic's, then the card's own
    guid = guid_for(config.id, (q.was or (q.id,))[0])
    content = content_hash(notetype.key, tuple(value for _, value in fields), place.deck.name, tags)
    note = Note(
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
        digest=digest,
    )
    stored = [[name, key] if key else [name, None, html] for name, (html, key) in made.items()]
    cloze_sides = [sides.front, sides.back] if notetype.cloze else None
    record = json.dumps([guid, stored, list(cards), list(tags), content, cloze_sides], ensure_ascii=False)
    return note, record


def _remembered_note(card: Card, place: Place, order: int, digest: str, record: str, renderer: Renderer) -> Note | None:
    """The note of one card from its record; None if the record or an HTML it needs is not usable."""
    q = card.question
    notetype = FOR_CARD_TYPE[q.type]
    try:
        guid, stored, cards, tags, content, cloze_sides = json.loads(record)
        made = {}
        for name, key, *html in stored:
            value = html[0] if key is None else renderer.memo.lookup(bytes.fromhex(key))
            if not isinstance(value, str):
                return None
            made[name] = value
        fields = tuple((f.name, made[f.name]) for f in notetype.fields)
        if notetype.cloze:
            front, back = cloze_sides
            sides = Sides(str(front), str(back), q.extra)
        else:
            sides = Sides(q.q, plain_as_markdown(q.a) if q.type is CardType.TYPE_IN else q.a, q.extra)
        return Note(
            id=q.id,
            guid=str(guid),
            notetype=notetype.key,
            fields=fields,
            sides=sides,
            cards=tuple(int(n) for n in cards),
            media=card.media,
            deck=place.deck,
            phase=place.phase,
            tags=tuple(map(str, tags)),
            order=order,
            location=q.location,
            was=q.was,
            content_hash=str(content),
            digest=digest,
        )
    except (TypeError, ValueError, KeyError):
        return None


def make_notes(
    config: DeckConfig, curriculum: Curriculum, cards: tuple[Card, ...], renderer: Renderer
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
    renderer.prepare(
        (text, card.media)
        for (_, card), note in zip(ordered, remembered, strict=True)
        if note is None
        for text in markdown_texts(card)
    )
    notes = []
    for order, ((_, card), note) in enumerate(zip(ordered, remembered, strict=True)):
        if note is None:
            note, record = _new_note(config, card, places[card.node], order, digests[order], renderer)
            renderer.memo.add(keys[order], record)
        notes.append(note)
    return tuple(notes)
