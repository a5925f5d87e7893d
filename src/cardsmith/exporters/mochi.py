"""Mochi (mochi.cards): a `.mochi` zip holding `data.edn` (format version 2) and the media files.

From Mochi's format reference (docs/formats.md §3): `:version 2` is required; decks have `:name`, a
keyword `:id` of at least 8 characters from [0-9A-Za-z] and `:parent-id` for nesting; a card's
`:content` is Markdown whose sides are separated by a line `---`; `:pos` sorts lexicographically,
so it is zero-padded. Decks here are the deck title, then phases, then weeks; ids are hashes of
the deck names and of the notes' GUIDs, so they stay the same from build to build.

What a card may carry besides `:content` and `:pos` is not in the retrievable docs: `:id` is
written because Mochi's API gives every card one; whether a re-import updates cards by id is
unverified (see the README).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cardsmith.exporters import text
from cardsmith.exporters.base import Convert, Output, deck_tree, deterministic_zip
from cardsmith.model import BuiltDeck, Note

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LETTERS = _ALPHABET[10:]
_TAG_START = re.compile(r"(?<![\\\S])#(?=[^\s#])")
_SIDE_RULE = re.compile(r" {0,3}-{3,} *")  # a prose line `---` would split the card's sides
# An image's destination (`![alt](dest` — written plain or in <>), and a reference definition's (`[r]: dest`).
_IMAGE = re.compile(r"(!\[[^\]]*\]\()(<[^>\n]*>|[^)\s]+)")
_DEFINITION = re.compile(r"^( {0,3}\[[^\]\n]+\]:[ \t]*)(<[^>\n]*>|\S+)", re.MULTILINE)
SIDES = "\n\n---\n\n"
# Between the answer and the explanation (`extra`): a horizontal rule, as in the Mnemosyne and
# Obsidian files. Not `---`, which is Mochi's side separator (the explanation would become a
# third side), but `***`, which prose `---` lines become here too; the blank lines around it keep
# it a rule of its own, never part of a paragraph or a list.
EXTRA = "\n\n***\n\n"


def mochi_id(*key: str) -> str:
    """A stable 10-character id: a letter (an EDN keyword must not start with a digit), then base62."""
    number = int.from_bytes(hashlib.sha256("\x1f".join(key).encode("utf-8")).digest()[:12], "big")
    number, first = divmod(number, len(_LETTERS))
    out = [_LETTERS[first]]
    for _ in range(9):
        number, rest = divmod(number, len(_ALPHABET))
        out.append(_ALPHABET[rest])
    return "".join(out)


def edn_string(value: str) -> str:
    """An EDN string literal: only `\\"`, `\\\\` and the C escapes are defined (edn-format spec)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def _rewrite(value: str, images: tuple[tuple[str, str], ...]) -> str:
    """A side's Markdown as Mochi shows it literally, images pointing at the attachments."""
    attachments = dict(images)  # by the source as markdown-it reads it (percent-encoded), as note.media has it
    normalize = text.markdown().normalizeLink

    def attachment(match: re.Match[str]) -> str:
        written = match.group(2)
        name = attachments.get(normalize(written[1:-1] if written.startswith("<") else written))
        # Mochi's attachment syntax [3p]: `![](@media/<file>)`, the file at the zip's root.
        if name is None:
            return match.group(0)
        plain = not re.search(r"[\s()<>]", name)  # else in <>, as Markdown needs for such a destination
        return match.group(1) + (f"@media/{name}" if plain else f"<@media/{name}>")

    def prose(chunk: str) -> str:
        chunk = _DEFINITION.sub(attachment, _IMAGE.sub(attachment, chunk))
        # cardsmith shows card text literally (raw HTML off); in Mochi `#tag` makes a tag [3p] and
        # `{{…}}` is the cloze syntax [unverified]: all are escaped so the text shows as written.
        # `<` too, but for the one that opens an image's destination.
        chunk = _TAG_START.sub(r"\\#", chunk).replace("{", "\\{")
        chunk = re.sub(r"<(?!@media/)", "&lt;", chunk)
        lines = ["***" if _SIDE_RULE.fullmatch(line) else line for line in chunk.split("\n")]
        return text.fill_blanks("\n".join(lines), lambda hint: "\\" + text.blank_label(hint))

    return text.rewrite_markdown(value, prose, text.fill_blanks, lambda block: text.fill_blanks(block.source))


def _content(note: Note, media: frozenset[str], convert: Convert) -> str:
    images = tuple((src, name) for src, name in note.media if name in media)
    sides = note.sides
    back = convert(_rewrite, sides.back, images)
    if sides.extra:
        back += EXTRA + convert(_rewrite, sides.extra, images)
    return convert(_rewrite, sides.front, images) + SIDES + back


def data_edn(deck: BuiltDeck, notes: tuple[Note, ...], convert: Convert) -> str:
    """The `data.edn` of the deck: every deck with its parent, cards in curriculum order."""
    media = frozenset(name for name, _ in deck.media)
    cards: dict[tuple[str, ...], list[str]] = {d.parts: [] for d in deck_tree(notes)}
    for note in notes:
        cards[note.deck.parts].append(
            f"{{:id :{mochi_id('card', note.guid)} :pos {edn_string(f'{note.order:06d}')} "
            f":content {edn_string(_content(note, media, convert))}}}"
        )
    decks = []
    for parts, entries in cards.items():
        fields = [f":id :{mochi_id('deck', deck.config.id, *parts)}", f":name {edn_string(parts[-1])}"]
        if len(parts) > 1:
            fields.append(f":parent-id :{mochi_id('deck', deck.config.id, *parts[:-1])}")
        if entries:
            fields.append(":cards\n   [" + "\n    ".join(entries) + "]")
        decks.append("{" + "\n   ".join(fields) + "}")
    return "{:version 2\n :decks\n [" + "\n  ".join(decks) + "]}\n"


def file_name(deck: BuiltDeck) -> str:
    return f"{deck.config.id}.mochi"


class MochiExporter:
    name = "mochi"
    description = "Mochi .mochi file (data.edn, decks per phase and week)"

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        return (file_name(deck),)

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        return (Output(file_name(deck), deck.notes, tuple(name for name, _ in deck.media)),)

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        members: dict[str, bytes | Path] = {"data.edn": data_edn(deck, output.notes, convert).encode("utf-8")}
        members.update((name, data) for name, data in deck.media if name in output.media)
        return deterministic_zip(members)
