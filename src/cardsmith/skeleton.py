"""`cardsmith new`: find a topic by part of its title and write a card skeleton for it (pure)."""

from __future__ import annotations

import re

import yaml

from cardsmith import sources
from cardsmith.assemble import SEPARATOR, loose_match, resolve_topic
from cardsmith.curriculum import aliases
from cardsmith.errors import ProblemsError, error
from cardsmith.model import Curriculum, Kind, Location
from cardsmith.notes import short_name
from cardsmith.suggest import closest

FIELDS = {
    "basic": {"q": "", "a": ""},
    "reversed": {"q": "", "a": ""},
    "type-in": {"q": "", "a": ""},
    "cloze": {"text": "… {{c1::…}} …"},
}


def find_topics(curriculum: Curriculum, query: str) -> list[int]:
    """Topics of the phases that a query names, the first kind that matches of:

    a topic path (as in a question file, or with other spacing around '/' and letter case), a
    whole title or label, a part of a title. So `Функции` is the topic of that name, although
    other titles contain the word too.
    """
    studied = [n for n in curriculum.nodes if curriculum.section_of(n.index).kind is Kind.PHASE]
    ids = {n.index for n in studied}
    exact = [i for i in resolve_topic(curriculum, query)[0] if i in ids]
    if exact:
        return exact
    loose = [i for i in loose_match(curriculum, query) if i in ids]
    if loose:
        return loose
    wanted = query.strip().casefold()
    whole = [n.index for n in studied if wanted in {name.casefold() for name in aliases(n.title)}]
    if whole:
        return whole
    return [n.index for n in studied if any(wanted in name.casefold() for name in aliases(n.title))]


def near_topics(curriculum: Curriculum, query: str, n: int = 3) -> list[int]:
    """Topics whose titles look most like the query, for "did you mean"."""
    studied = [n for n in curriculum.nodes if curriculum.section_of(n.index).kind is Kind.PHASE]
    by_name: dict[str, int] = {}
    for node in studied:
        for name in aliases(node.title):
            by_name.setdefault(name, node.index)
    found = closest(query.strip(), by_name, n=n, cutoff=0.5)
    return list(dict.fromkeys(by_name[name] for name in found))


def topic_path(curriculum: Curriculum, index: int) -> str:
    """The shortest path that names the node unambiguously (labels where they suffice)."""
    chain = curriculum.ancestors(index)
    short = SEPARATOR.join(short_name(n.title) for n in chain)
    if resolve_topic(curriculum, short)[0] == [index]:
        return short
    return SEPARATOR.join(n.title for n in chain)


def skeleton(curriculum: Curriculum, index: int, card_type: str, card_id: str) -> str:
    """A card entry, indented to go under `cards:` (written by the YAML library: any title is safe)."""
    entry: dict[str, str] = {"id": card_id}
    if card_type != "basic":
        entry["type"] = card_type
    entry["topic"] = topic_path(curriculum, index)
    entry.update(FIELDS[card_type])
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1_000_000)
    return "".join("  " + line for line in text.splitlines(keepends=True))


EMPTY_FLOW = re.compile(r"^cards:[ \t]*\[[ \t]*\]", re.MULTILINE)  # `cards: []`, as `init` writes it


def appended(path: str, old: str, entry: str, card_id: str) -> str:
    """A question file's text with a card entry added at its end, checked by reading it back.

    An empty `cards: []` becomes `cards:` (block items cannot follow a flow list). Raises a located
    ProblemsError when the result would not be valid YAML with the card last in its `cards:` list.
    """
    text = EMPTY_FLOW.sub("cards:", old, count=1)
    text = (text if text.endswith("\n") or not text else text + "\n") + entry
    root, problems = sources.compose(sources.Text(path, old))
    if root is None and problems:  # invalid YAML already: its own located error
        raise ProblemsError(tuple(problems))
    node, _ = sources.compose(sources.Text(path, text))
    cards = _cards_node(node)
    last = cards.value[-1] if isinstance(cards, yaml.SequenceNode) and cards.value else None
    if isinstance(last, yaml.MappingNode) and any(
        k.value == "id" and getattr(v, "value", None) == card_id for k, v in last.value
    ):
        return text
    key = _cards_key(root)
    where = sources.loc(path, key) if key is not None else Location(path, 1, 1)
    raise ProblemsError(
        (
            error(
                where,
                "cannot add a card to this file: --append needs 'cards:' as its last key, followed by "
                "nothing, [] or a list of '- ' lines",
            ),
        )
    )


def _cards_key(root: yaml.Node | None) -> yaml.Node | None:
    if isinstance(root, yaml.MappingNode):
        return next((k for k, _ in root.value if isinstance(k, yaml.ScalarNode) and k.value == "cards"), None)
    return None


def _cards_node(root: yaml.Node | None) -> yaml.Node | None:
    if isinstance(root, yaml.MappingNode):
        return next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "cards"), None)
    return None
