"""Shared by the exporter tests: the built fixture deck, readers for the formats, Anki imports."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardsmith.cache import Caches
from cardsmith.exporters import export as export_all
from cardsmith.exporters import get_exporter
from cardsmith.model import BuiltDeck
from cardsmith.pipeline import prepare
from cardsmith.plan import Plan

DECK_DIR = Path(__file__).parent / "fixtures" / "exporters" / "deck"
NOW = 1_700_000_000


def built(cards_dir: Path = DECK_DIR, now: int = NOW) -> Plan:
    """The real pipeline on a deck project (with no cache): load, check, render, plan against its lock."""
    return prepare(cards_dir, Caches(), now=now).plan


@functools.cache
def fixture_deck() -> BuiltDeck:
    """The exporter fixture deck (every card type, code, `#`, `::`, tabs, quotes), built once."""
    return built().deck


def export(name: str, deck: BuiltDeck | None = None) -> dict[str, bytes]:
    return export_all(get_exporter(name), deck or fixture_deck())


def only_file(name: str, deck: BuiltDeck | None = None) -> tuple[str, bytes]:
    files = export(name, deck)
    assert len(files) == 1, files.keys()
    return next(iter(files.items()))


def squash(text: str) -> str:
    """Text with every run of whitespace made one space: for comparing content across layouts."""
    return " ".join(text.split())


# --- Anki --------------------------------------------------------------------------------------


def import_apkg(col: Any, path: Path) -> Any:
    """Import a package with the import dialog's defaults; return the log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    return col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    ).log


def import_csv(col: Any, path: Path) -> Any:
    """Import a text file as Anki's CSV dialog does: metadata from the file, then import."""
    from anki.collection import ImportCsvRequest

    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def log_counts(log: Any) -> dict[str, int]:
    keys = ("new", "updated", "duplicate", "conflicting", "first_field_match", "missing_notetype", "empty_first_field")
    return {key: len(getattr(log, key)) for key in keys}


def write(tmp_path: Path, files: dict[str, bytes]) -> dict[str, Path]:
    """Write exporter output under tmp_path (sub-folders included)."""
    paths = {}
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths[name] = path
    return paths


# --- EDN (the subset Mochi's data.edn uses) ------------------------------------------------------


@dataclass(frozen=True)
class Keyword:
    name: str


_EDN_TOKEN = re.compile(r'\s*(?:,\s*)*(\{|\}|\[|\]|"(?:[^"\\]|\\.)*"|:[^\s,{}\[\]"]+|-?\d+|true|false|nil)', re.S)
_EDN_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def read_edn(source: str) -> Any:
    """A strict reader for maps, vectors, strings, keywords, integers, booleans and nil."""
    tokens: list[str] = []
    pos = 0
    while source[pos:].strip():
        match = _EDN_TOKEN.match(source, pos)
        assert match, f"unreadable EDN at {pos}: {source[pos : pos + 40]!r}"
        tokens.append(match.group(1))
        pos = match.end()

    def value(i: int) -> tuple[Any, int]:
        token = tokens[i]
        if token in ("{", "["):
            items = []
            i += 1
            while tokens[i] != ("}" if token == "{" else "]"):
                item, i = value(i)
                items.append(item)
            if token == "[":
                return items, i + 1
            assert len(items) % 2 == 0, "odd number of forms in a map"
            keys = items[0::2]
            assert len(set(keys)) == len(keys), "duplicate key in a map"
            return dict(zip(keys, items[1::2], strict=True)), i + 1
        if token.startswith('"'):
            body = token[1:-1]
            out = re.sub(r"\\(.)", lambda m: _EDN_ESCAPES[m.group(1)], body)
            return out, i + 1
        if token.startswith(":"):
            return Keyword(token[1:]), i + 1
        if token in ("true", "false"):
            return token == "true", i + 1
        if token == "nil":
            return None, i + 1
        return int(token), i + 1

    result, end = value(0)
    assert end == len(tokens), "trailing forms after the top-level value"
    return result


# --- Obsidian Spaced Repetition: the plugin's parser rules ---------------------------------------


@dataclass(frozen=True)
class OsrCard:
    kind: str  # SingleLineBasic, SingleLineReversed, MultiLineBasic, MultiLineReversed, Cloze
    text: str
    first_line: int


def _inline_marker(line: str, marker: str) -> bool:
    """hasInlineMarker: the first occurrence counts unless it sits inside an inline code span."""
    index = line.find(marker)
    if index < 0:
        return False
    before = line[:index].count("`")
    after = line[index + len(marker) :].count("`")
    return not (before % 2 == 1 and after % 2 == 1)


def parse_osr(text: str) -> list[OsrCard]:
    """Cards as obsidian-spaced-repetition's `parse()` finds them with the default settings.

    A port of the plugin's parser (src/parser.ts, see docs/formats.md §8): separators `::`, `:::`, `?`,
    `??`, no end marker (a blank line ends a card), fenced code taken whole, `==…==` clozes.
    """
    cards: list[OsrCard] = []
    card_text = ""
    kind: str | None = None
    first = 0
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0

    def push(last_text: str) -> None:
        if kind is None:
            return
        if kind.startswith("MultiLine"):
            separator = "?" if kind == "MultiLineBasic" else "??"
            body = last_text.split("\n")
            index = next(n for n, line in enumerate(body) if line.strip() == separator)
            if all(not line.strip() for line in body[index + 1 :]):
                return
        cards.append(OsrCard(kind, last_text.rstrip(), first))

    while i < len(lines):
        line = lines[i]
        trimmed = line.strip()
        if line.startswith("<!--") and not line.startswith("<!--SR:"):
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            if not card_text:
                first = i + 1
            i += 1
            continue
        if not trimmed:
            push(card_text)
            kind, card_text, first = None, "", i + 1
            i += 1
            continue
        card_text = card_text + "\n" + line.rstrip() if card_text else line.rstrip()
        if kind is None:
            for marker, name in ((":::", "SingleLineReversed"), ("::", "SingleLineBasic")):
                if _inline_marker(line, marker):
                    kind = name
                    break
        if kind in ("SingleLineBasic", "SingleLineReversed"):
            cards.append(OsrCard(kind, line, i))
            kind, card_text = None, ""
        elif trimmed == "?":
            if len(card_text) > 1:
                kind = "MultiLineBasic"
        elif trimmed == "??":
            if len(card_text) > 1:
                kind = "MultiLineReversed"
        elif line.startswith("```") or line.startswith("~~~"):
            close = re.match(r"`+|~+", line)
            assert close
            while i + 1 < len(lines) and not lines[i + 1].startswith(close.group()):
                i += 1
                card_text += "\n" + lines[i]
            card_text += "\n" + close.group()
            i += 1
        elif kind is None and re.search(r"==.*?==", line):
            kind = "Cloze"
        i += 1
    push(card_text)
    return cards


def osr_deck_tags(text: str) -> list[tuple[int, str]]:
    """(line, tag) of every `#flashcards…` tag line: a tag applies until the next one."""
    found = []
    for number, line in enumerate(text.split("\n")):
        for tag in re.findall(r"(?<!\S)#flashcards(?:/[^\s#]+)?", line):
            found.append((number, tag))
    return found
