"""Parse a curriculum written in Markdown into phases, weeks and topics (markdown-it tokens).

The structure is read from tokens, never from regexes over lines: `##` sections (a phase when its
title starts with the phase word), `###` weeks or sections, and list items at any depth — bullet
or numbered, bold or not — as topics. Every node keeps its source line.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is loaded when a curriculum is parsed, not when it comes from the cache
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from cardsmith.errors import Location, Problem, Severity, error
from cardsmith.model import Curriculum, Kind, Node


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # html on so that HTML comments become html_block tokens and are skipped, not read as topics
    return MarkdownIt("commonmark", {"html": True})


# What a phase heading starts with when deck.yaml sets no phase_word: the usual words for it.
PHASE_WORDS = ("Фаза", "Phase", "Этап", "Stage", "Модуль", "Module", "Часть", "Part")


def is_phase_title(title: str, phase_word: str = "") -> bool:
    """Whether a `##` title starts with the phase word (by default, one of PHASE_WORDS as a word)."""
    if phase_word:
        return title.startswith(phase_word)
    return any(title.startswith(word) and not title[len(word) : len(word) + 1].isalpha() for word in PHASE_WORDS)


def parse_curriculum(
    text: str, path: str, phase_word: str = "", sections: tuple[str, ...] = ()
) -> tuple[Curriculum, list[Problem]]:
    """Parse curriculum Markdown; a problem if it has no phases."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    tokens = _parser().parse(text)
    nodes: list[Node] = []
    title = ""
    section: int | None = None  # index of the current `##` node
    week: int | None = None  # index of the current `###` node
    items: list[int | None] = []  # one entry per open list item: its node index
    heading: Token | None = None

    def add(kind: Kind, title: str, parent: int | None, line: int) -> int:
        path_ = (nodes[parent].path if parent is not None else ()) + (title,)
        ordinal = 0 if kind is Kind.TOPIC else 1 + sum(1 for n in nodes if n.kind is kind and n.parent == parent)
        nodes.append(Node(len(nodes), parent, kind, title, Location(path, line, 1), path_, ordinal))
        return len(nodes) - 1

    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = token
            items = []
        elif token.type == "inline" and heading is not None:
            name = inline_text(token)
            line = heading.map[0] + 1 if heading.map else 0
            level = int(heading.tag[1])
            if level == 1 and not title:
                title = name
            elif level == 2:
                is_phase = is_phase_title(name, phase_word) or any(_matches(name, s) for s in sections)
                section = add(Kind.PHASE if is_phase else Kind.SECTION, name, None, line)
                week = None
            elif level == 3 and section is not None:
                week = add(Kind.WEEK, name, section, line)
            heading = None
        elif token.type == "list_item_open":
            parent = next((p for p in reversed(items) if p is not None), None)
            if parent is None:
                parent = week if week is not None else section
            items.append(None)
            if parent is None:
                continue  # a list before the first section: not part of the plan
            inline = _first_inline(tokens, i)
            if inline is not None and inline_text(inline):
                line = token.map[0] + 1 if token.map else 0
                items[-1] = add(Kind.TOPIC, inline_text(inline), parent, line)
        elif token.type == "list_item_close":
            items.pop()

    curriculum = Curriculum(title, tuple(nodes))
    problems: list[Problem] = []
    if not curriculum.phases:
        if phase_word:
            why = f"starts with '{phase_word}' (the phase_word setting in deck.yaml)"
        else:
            why = f"starts with a phase word ({', '.join(PHASE_WORDS)}); set phase_word in deck.yaml to the word your plan uses"
        problems.append(error(Location(path, 1, 1), f"no phases found: a phase is a '## ' heading whose title {why}"))
    return curriculum, problems


def _matches(title: str, name: str) -> bool:
    return name in aliases(title)


def _first_inline(tokens: list[Token], start: int) -> Token | None:
    """The inline token of a list item's own paragraph (not of a nested item)."""
    for token in tokens[start + 1 :]:
        if token.type in ("bullet_list_open", "ordered_list_open", "list_item_close"):
            return None
        if token.type == "inline":
            return token
    return None


def inline_text(token: Token) -> str:
    """The plain title of an inline token: markup removed, `__name__` kept as written."""
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("strong_open", "strong_close", "em_open", "em_close") and child.markup.startswith("_"):
            # `__init__` parses as bold "init"; in a plan about Python it is a name
            parts.append(child.markup)
        elif child.type == "html_inline" and not child.content.startswith("<!--"):
            parts.append(child.content)
    return unicodedata.normalize("NFC", " ".join("".join(parts).split()))  # `й` typed as и + ◌̆ is still `й`


LABEL_SEPARATORS = (": ", " — ", " – ", " - ")  # what ends a title's short label


def aliases(title: str) -> set[str]:
    """The names a topic path segment may use for a title.

    The title itself, its label before a colon or a dash (`Фаза 1`, `Неделя 1-2`, `Week 4` for
    `Week 4 — HTTP`), and the title without a trailing parenthetical (`FastAPI` for `FastAPI
    (рекомендуемый для начинающих)`).
    """
    names = {title}
    for separator in LABEL_SEPARATORS:
        if separator in title:
            names.add(title.split(separator, 1)[0].strip())
    if title.endswith(")") and " (" in title:
        names.add(title[: title.rindex(" (")].strip())
    return {n for n in names if n}


# --- The parsed-file cache ----------------------------------------------------------------------


def encode(curriculum: Curriculum, problems: list[Problem]) -> str:
    """A parsed curriculum as JSON, for the cache (decode gives it back)."""
    nodes = [
        [
            n.index,
            n.parent,
            n.kind.value,
            n.title,
            [n.location.path, n.location.line, n.location.col],
            list(n.path),
            n.ordinal,
        ]
        for n in curriculum.nodes
    ]
    found = [[p.severity.value, p.location.path, p.location.line, p.location.col, p.message] for p in problems]
    return json.dumps({"title": curriculum.title, "nodes": nodes, "problems": found}, ensure_ascii=False)


def decode(text: str) -> tuple[Curriculum, list[Problem]]:
    """A cached curriculum; ValueError if it is not what `encode` writes (the file is then parsed again)."""
    try:
        data = json.loads(text)
        nodes = []
        for position, (index, parent, kind, title, where, path, ordinal) in enumerate(data["nodes"]):
            if index != position or not (parent is None or 0 <= parent < index):
                raise ValueError("nodes out of order")
            if not all(type(value) is str for value in (title, where[0], *path)):
                raise ValueError("a title that is not text")
            nodes.append(
                Node(
                    index,
                    parent,
                    Kind(kind),
                    title,
                    Location(where[0], int(where[1]), int(where[2])),
                    tuple(path),
                    int(ordinal),
                )
            )
        problems = [
            Problem(Severity(severity), Location(str(path), int(line), int(col)), str(message))
            for severity, path, line, col, message in data["problems"]
        ]
        return Curriculum(str(data["title"]), tuple(nodes)), problems
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a cached curriculum: {exc}") from None
