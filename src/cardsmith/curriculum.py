"""Parse a curriculum written in Markdown into phases, weeks and topics (markdown-it tokens).

The structure is read from tokens, never from regexes over lines: `##` sections (a phase when its
title starts with the phase word), `###` weeks or sections, deeper headings as groups of topics,
a paragraph that is only bold text followed by a list as the group of that list, and list items
at any depth — bullet or numbered, bold or not — as topics. Titles are read as a reader sees
them: no emphasis or code marks, no leading or trailing emoji, no task-list box. Every node keeps
its source line.

The tokens make a tree of everything the plan holds; what deck.yaml leaves out is then cut from
it: the subtrees `exclude:` names, and list items that are only a link (resources) unless
`link_items: true`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is loaded when a curriculum is parsed, not when it comes from the cache
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from cardsmith.errors import Location, Problem, Severity, error
from cardsmith.model import Curriculum, DeckConfig, Kind, Node
from cardsmith.suggest import did_you_mean


def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # html on so that HTML comments become html_block tokens and are skipped, not read as topics
    return MarkdownIt("commonmark", {"html": True})


# What a phase heading starts with when deck.yaml sets no phase_word: the usual words for it.
PHASE_WORDS = ("Фаза", "Phase", "Этап", "Stage", "Модуль", "Module", "Часть", "Part")
SEPARATOR = " / "  # between the titles of a path (as in a card's `topic:`)


def _starts_with_word(title: str, word: str) -> bool:
    """`Week 1` starts with the word `Week`; `Weekly review` does not."""
    after = title[len(word) : len(word) + 1]
    return title.startswith(word) and not (word[-1:].isalpha() and after.isalpha())


def is_phase_title(title: str, phase_word: str = "") -> bool:
    """Whether a `##` title starts with the phase word (by default, one of PHASE_WORDS) as a word."""
    return any(_starts_with_word(title, word) for word in ((phase_word,) if phase_word else PHASE_WORDS))


def first_words(titles: Iterable[str]) -> dict[str, tuple[int, int]]:
    """The word each title starts with -> (how many titles start with it, how many of those go on with a number)."""
    found: dict[str, tuple[int, int]] = {}
    for title in titles:
        match = re.match(r"([^\W\d_]+)(\s*\d)?", title)
        if match:
            seen, numbered = found.get(match[1], (0, 0))
            found[match[1]] = (seen + 1, numbered + bool(match[2]))
    return found


def suggest_phase_word(titles: Iterable[str]) -> str:
    """The phase word `##` titles share (`Week` for `Week 1`, `Week 2: HTTP`…), or "".

    The word that the most titles start with and go on with a number, when two titles or more
    start with it.
    """
    found = first_words(titles)
    best = max(found, key=lambda word: (found[word][1], found[word][0]), default="")
    return best if best and found[best][0] >= 2 and found[best][1] >= 1 else ""


# --- Titles as a reader sees them -------------------------------------------------------------

_BOXES = re.compile(r"(?:\[[ xX]\](?:\s+|$))+")  # task-list boxes: `[ ]`, `[x]`
_KEYCAP = re.compile(r"[0-9#*]\ufe0f?\u20e3")  # 1️⃣


def _is_emoji(char: str) -> bool:
    """An emoji or a part of one (variation selector, joiner, skin tone, flag tag): not a letter, digit or `#`."""
    code = ord(char)
    if char in "\u200d\ufe0e\ufe0f\u20e3" or 0xE0020 <= code <= 0xE007F:
        return True
    return code >= 0x2190 and unicodedata.category(char) in ("So", "Sk")


def _trim_emoji(text: str) -> str:
    """The text without the emoji (and spaces) it starts or ends with."""
    start, end = 0, len(text)
    while start < end:
        if text[start] in "0123456789#*":  # a keycap emoji, or the title's own first character
            keycap = _KEYCAP.match(text, start, end)
            if keycap is None:
                break
            start = keycap.end()
        elif _is_emoji(text[start]) or text[start].isspace():
            start += 1
        else:
            break
    while end > start:
        if text[end - 1] == "\u20e3":
            end -= 1
            if end > start and text[end - 1] == "\ufe0f":
                end -= 1
            if end > start and text[end - 1] in "0123456789#*":
                end -= 1
        elif _is_emoji(text[end - 1]) or text[end - 1].isspace():
            end -= 1
        else:
            break
    return text[start:end]


def clean_title(text: str) -> str:
    """A title without the emoji it starts or ends with and without task-list boxes (`[ ]`, `[x]`).

    A title that is only an emoji keeps it; a box alone leaves nothing. In time linear in the title.
    """
    title = _trim_emoji(text) or text
    boxes = _BOXES.match(title)
    if boxes:
        title = title[boxes.end() :]
        title = _trim_emoji(title) or title
    return title


def _blank(text: str) -> bool:
    """Text that is nothing but spaces, emoji or a task-list box."""
    return not clean_title(_trim_emoji(text))


def _plain(children: Sequence[Token]) -> str:
    """The text of inline tokens, markup removed; `__name__` is kept as written (a name, not bold)."""
    parts: list[str] = []
    opened: list[int] = []  # where each open `_` emphasis starts among the parts
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("strong_open", "em_open") and child.markup.startswith("_"):
            opened.append(len(parts))
            parts.append("")
        elif child.type in ("strong_close", "em_close") and child.markup.startswith("_") and opened:
            # `__init__` parses as bold "init"; in a plan about Python it is a name. Emphasis over
            # words (`__Day 1: Types__`) is emphasis.
            start = opened.pop()
            if not any(char.isspace() for char in "".join(parts[start:])):
                parts[start] = child.markup
                parts.append(child.markup)
        elif child.type == "html_inline" and not child.content.startswith("<!--"):
            parts.append(child.content)
    return unicodedata.normalize("NFC", " ".join("".join(parts).split()))  # `й` typed as и + ◌̆ is still `й`


def inline_text(token: Token) -> str:
    """The title of an inline token as a reader sees it: markup, leading emoji and task-list box removed."""
    return clean_title(_plain(token.children or ()))


_AFTER_LINK = re.compile(r"\s*(?:$|[-–—:,(]|by\s)")  # what may follow a resource's link: a description
_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMPHASIS = ("strong_open", "strong_close", "em_open", "em_close")


def _is_link_only(inline: Token) -> bool:
    """A list item that is a link (a resource): `[Docs](…)`, `[Docs](…) - what it is`, or an address."""
    children = [
        child
        for child in inline.children or ()
        if child.type not in _EMPHASIS and not (child.type == "text" and _blank(child.content))
    ]
    if not children:
        return False
    if children[0].type != "link_open":
        return _URL.fullmatch(inline_text(inline)) is not None
    close = next((k for k, child in enumerate(children) if child.type == "link_close"), len(children))
    tail = "".join(child.content for child in children[close + 1 :] if child.type in ("text", "code_inline"))
    return _AFTER_LINK.match(tail) is not None


def _bold_label(inline: Token) -> str:
    """The title of a paragraph that is only bold text, maybe followed by a colon (`**Day 1-2: Types**`), or ""."""
    children = [c for c in inline.children or () if not (c.type == "text" and _blank(c.content))]
    if len(children) < 3 or children[0].type != "strong_open":
        return ""
    depth, end = 0, 0
    while end < len(children):  # to the `**` that closes the first one
        depth += {"strong_open": 1, "strong_close": -1}.get(children[end].type, 0)
        if depth == 0:
            break
        end += 1
    rest = children[end + 1 :]
    if depth or len(rest) > 1 or any(c.type != "text" or c.content.strip() != ":" for c in rest):
        return ""
    return clean_title(_plain(children[1:end]).removesuffix(":").strip())


# --- The tree of the plan ---------------------------------------------------------------------


@dataclass(slots=True)
class _Raw:
    """A node of the plan as written, before deck.yaml leaves parts out."""

    kind: Kind
    title: str
    line: int
    parent: int | None
    link: bool = False  # a list item that is only a link


def _loose(text: str) -> str:
    return " ".join(clean_title(text).split()).casefold()


def _ends_with(segments: list[str], chain: list[set[str]]) -> bool:
    """Whether a path (loose segments) names the last node of a chain (loose names of each node), from the end.

    Titles may contain " / " themselves, so segments are joined, up to the length of the longest name.
    """
    if not segments:
        return True
    if not chain:
        return False
    longest = max(map(len, chain[-1]), default=0)
    joined = ""
    for n in range(1, len(segments) + 1):
        joined = segments[-n] + (SEPARATOR + joined if joined else "")
        if len(joined) > longest:
            return False
        if joined in chain[-1] and _ends_with(segments[:-n], chain[:-1]):
            return True
    return False


def parse_curriculum(
    text: str,
    path: str,
    phase_word: str = "",
    sections: tuple[str, ...] = (),
    exclude: tuple[tuple[str, Location], ...] = (),
    link_items: bool = False,
) -> tuple[Curriculum, list[Problem]]:
    """Parse curriculum Markdown; a problem if it has no phases, or if an `exclude` entry names nothing.

    `exclude` holds titles, labels or paths (`Week 2 / Resources`) whose subtrees are left out,
    each with where deck.yaml writes it; with `link_items`, list items that are only a link are
    topics too.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    tokens = _parser().parse(text)
    raw: list[_Raw] = []
    title = ""
    heads: list[tuple[int, int | None]] = []  # the open headings: level, node (None: not part of the plan)
    lists: list[int | None] = []  # each open list: the node its items go under
    items: list[int | None] = []  # each open list item: the node its nested lists go under
    group: int | None = None  # a bold paragraph's group, waiting for the list that follows it

    def add(kind: Kind, name: str, parent: int | None, token: Token, link: bool = False) -> int:
        raw.append(_Raw(kind, name, token.map[0] + 1 if token.map else 0, parent, link))
        return len(raw) - 1

    def context() -> int | None:
        if items:
            return items[-1]
        return heads[-1][1] if heads else None

    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            level, name = int(token.tag[1]), inline_text(tokens[i + 1])
            if level == 1:
                title = title or name
                continue
            while heads and heads[-1][0] >= level:
                heads.pop()
            parent = heads[-1][1] if heads else None
            if level == 2:
                is_phase = is_phase_title(name, phase_word) or any(_matches(name, s) for s in sections)
                node = add(Kind.PHASE if is_phase else Kind.SECTION, name, None, token) if name else None
            elif parent is None or not name:
                node = parent  # a heading with no title adds no level
            else:
                node = add(Kind.WEEK if level == 3 else Kind.TOPIC, name, parent, token)
            heads.append((level, node))
        elif token.type == "paragraph_open" and i > 0 and tokens[i - 1].type != "list_item_open":
            follows = tokens[i + 3].type if i + 3 < len(tokens) else ""
            parent = context()
            if follows in ("bullet_list_open", "ordered_list_open") and parent is not None:
                label = _bold_label(tokens[i + 1])
                if label:
                    group = add(Kind.TOPIC, clean_title(label), parent, token)
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(group if group is not None else context())
            group = None
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            parent = lists[-1] if lists else None
            node = parent  # an empty item adds no level
            inline = _first_inline(tokens, i) if parent is not None else None
            name = inline_text(inline) if inline is not None else ""
            if inline is not None and name:
                node = add(Kind.TOPIC, name, parent, token, _is_link_only(inline))
            items.append(node)
        elif token.type == "list_item_close":
            items.pop()

    return _cut(title, raw, path, phase_word, exclude, link_items)


def _cut(
    title: str,
    raw: list[_Raw],
    path: str,
    phase_word: str,
    exclude: tuple[tuple[str, Location], ...],
    link_items: bool,
) -> tuple[Curriculum, list[Problem]]:
    """The curriculum without the parts deck.yaml leaves out, numbered; the problems found."""
    problems: list[Problem] = []
    chains: list[list[set[str]]] = []  # the loose names of each node and of its ancestors
    for node in raw if exclude else ():
        names = {_loose(name) for name in aliases(node.title)}
        chains.append((chains[node.parent] if node.parent is not None else []) + [names])
    excluded = [False] * len(raw)
    for entry, where in exclude:
        segments = [_loose(s) for s in entry.split(SEPARATOR)]
        found = [k for k in range(len(raw)) if _ends_with(segments, chains[k])]
        for k in found:
            excluded[k] = True
        if not found:
            pool = {name for node in raw for name in aliases(node.title)}
            problems.append(
                error(
                    where,
                    f"'exclude' names '{entry}', but no heading, bold label or list item of {path} has that "
                    f"title or label{did_you_mean(entry, pool)}",
                )
            )
    resource = [node.link and not link_items for node in raw]  # a link, or a group of nothing but links
    kids: list[list[int]] = [[] for _ in raw]
    for k, node in enumerate(raw):
        if node.parent is not None:
            kids[node.parent].append(k)
    if not link_items:
        for k in reversed(range(len(raw))):
            resource[k] = resource[k] or (bool(kids[k]) and all(resource[kid] for kid in kids[k]))
    links: list[Location] = []  # the link items left out
    gone = [""] * len(raw)  # why a node is left out: "exclude" or "links"
    kept: dict[int, int] = {}  # raw index -> node index
    count: dict[tuple[int | None, Kind], int] = {}
    nodes: list[Node] = []
    for k, node in enumerate(raw):
        parent = node.parent
        if parent is not None and gone[parent]:
            gone[k] = gone[parent]
        elif excluded[k]:
            gone[k] = "exclude"
        elif resource[k]:
            gone[k] = "links"
        if gone[k]:
            if gone[k] == "links" and node.link:
                links.append(Location(path, node.line, 1))
            continue
        up = kept[parent] if parent is not None else None
        ordinal = 0
        if node.kind is not Kind.TOPIC:
            ordinal = count[(up, node.kind)] = count.get((up, node.kind), 0) + 1
        trail = (nodes[up].path if up is not None else ()) + (node.title,)
        kept[k] = len(nodes)
        nodes.append(Node(len(nodes), up, node.kind, node.title, Location(path, node.line, 1), trail, ordinal))
    curriculum = Curriculum(title, tuple(nodes), links=tuple(links))
    if not curriculum.phases:
        problems.append(_no_phases(path, phase_word, [node.title for node in raw if node.parent is None]))
    return curriculum, problems


def _no_phases(path: str, phase_word: str, headings: list[str]) -> Problem:
    """No phases: say what a phase is, which words the `##` headings start with and which phase_word would do."""
    if phase_word:
        why = f"starts with '{phase_word}' (the phase_word setting in deck.yaml)"
    else:
        why = f"starts with a phase word ({', '.join(PHASE_WORDS)})"
    message = f"no phases found: a phase is a '## ' heading whose title {why}"
    words = first_words(headings)
    suggested = suggest_phase_word(headings)
    shown = ", ".join(f"'{word}'" + (f" ({n} of them)" if n > 1 else "") for word, (n, _) in list(words.items())[:6])
    if suggested and suggested != phase_word:
        message += f"; the '## ' headings here start with {shown}: set phase_word: {suggested} in deck.yaml"
    elif len(headings) > 1 and words:
        message += (
            f"; the '## ' headings here start with {shown}; set phase_word in deck.yaml to the word your plan uses"
        )
    elif not phase_word:
        message += "; set phase_word in deck.yaml to the word your plan uses"
    return error(Location(path, 1, 1), message)


def _matches(title: str, name: str) -> bool:
    return name in aliases(title)


def _first_inline(tokens: list[Token], start: int) -> Token | None:
    """The inline token of a list item's own paragraph (not of a nested item)."""
    for index in range(start + 1, len(tokens)):  # not a slice: that would copy the rest of the plan for each item
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open", "list_item_close"):
            return None
        if token.type == "inline":
            return token
    return None


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


def links_note(count: int) -> str:
    """What to say about the list items left out because they are only a link."""
    items = (
        "1 list item that is only a link (a resource) is"
        if count == 1
        else f"{count} list items that are only a link (resources) are"
    )
    return f"{items} left out; 'link_items: true' in deck.yaml keeps such items as topics"


# --- What deck.yaml says about the curriculum -------------------------------------------------


def excluded(config: DeckConfig) -> tuple[tuple[str, Location], ...]:
    """The `exclude:` entries of deck.yaml, each with where it is written."""
    return tuple((entry, config.location(f"exclude[{n}]")) for n, entry in enumerate(config.exclude))


def parse_for(text: str, path: str, config: DeckConfig) -> tuple[Curriculum, list[Problem]]:
    """Parse a curriculum with the settings of deck.yaml that shape it."""
    return parse_curriculum(text, path, config.phase_word, config.sections, excluded(config), config.link_items)


def settings_of(config: DeckConfig) -> str:
    """The settings that shape the parse, as text: part of the cache key (with a version of the parser)."""
    places = [[entry, str(where)] for entry, where in excluded(config)]
    return json.dumps(["curriculum-2", config.phase_word, list(config.sections), places, config.link_items])


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
    links = [[where.path, where.line, where.col] for where in curriculum.links]
    data = {"title": curriculum.title, "nodes": nodes, "links": links, "problems": found}
    return json.dumps(data, ensure_ascii=False)


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
        links = tuple(Location(str(path), int(line), int(col)) for path, line, col in data["links"])
        return Curriculum(str(data["title"]), tuple(nodes), links=links), problems
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a cached curriculum: {exc}") from None
