"""Load a question file (YAML) into Questions, with a location for every card and key."""

from __future__ import annotations

import re

import yaml

from cardsmith import sources
from cardsmith.errors import Location, Problem, error, has_errors, warning
from cardsmith.model import CardType, Question
from cardsmith.suggest import closest, did_you_mean

ID_PATTERN = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
TAG_PATTERN = re.compile(r"[^\s\"]+")
FILE_KEYS = ("topic", "cards")
CARD_KEYS = ("id", "type", "topic", "q", "a", "text", "extra", "tags", "was")
TEXT_KEYS = ("topic", "q", "a", "text", "extra")
# What authors write instead of the short keys, for "did you mean" hints.
SYNONYMS = {
    "question": "q",
    "front": "q",
    "answer": "a",
    "back": "a",
    "note": "extra",
    "notes": "extra",
    "explanation": "extra",
    "comment": "extra",
    "tag": "tags",
    "kind": "type",
    "cloze": "text",
    "old_id": "was",
    "renamed_from": "was",
}
# Which text fields each card type needs, and which it may not have.
REQUIRED = {
    CardType.BASIC: ("q", "a"),
    CardType.REVERSED: ("q", "a"),
    CardType.TYPE_IN: ("q", "a"),
    CardType.CLOZE: ("text",),
}
FORBIDDEN = {
    CardType.BASIC: ("text",),
    CardType.REVERSED: ("text",),
    CardType.TYPE_IN: ("text",),
    CardType.CLOZE: ("q", "a"),
}


def load_questions(source: sources.Text) -> tuple[tuple[Question, ...], list[Problem]]:
    """Read every card of a question file; problems are collected, never raised."""
    path = source.path
    root, problems = sources.compose(source)
    if problems:
        return (), problems
    if root is None:
        return (), [error(Location(path, 1, 1), "empty file; a question file needs a 'cards:' list")]
    if not isinstance(root, yaml.MappingNode):
        return (), [
            error(
                sources.loc(path, root),
                f"a question file must be a mapping with a 'cards:' list, not {sources.describe(root)}",
            )
        ]
    items, problems = sources.mapping_items(path, root)
    for name, (key, _) in items.items():
        if name not in FILE_KEYS:
            problems.append(error(sources.loc(path, key), f"unknown key '{name}'{did_you_mean(name, FILE_KEYS)}"))
    default_topic: tuple[str, Location] | None = None
    if "topic" in items:
        text, found = sources.text_value(path, items["topic"][1], "topic")
        problems += found
        if text is not None:
            default_topic = (text, sources.loc(path, items["topic"][1]))
    if "cards" not in items:
        problems.append(
            error(Location(path, 1, 1), "no 'cards:' key; a question file is a mapping with a 'cards:' list")
        )
        return (), problems
    cards_node = items["cards"][1]
    if not isinstance(cards_node, yaml.SequenceNode):
        problems.append(
            error(
                sources.loc(path, cards_node),
                f"'cards' must be a list of cards (lines starting with '- '), not {sources.describe(cards_node)}",
            )
        )
        return (), problems
    questions: list[Question] = []
    for card_node in cards_node.value:
        question, found = _load_card(path, card_node, default_topic)
        problems += found
        if question is not None:
            questions.append(question)
    return tuple(questions), problems


def _load_card(
    path: str, node: yaml.Node, default_topic: tuple[str, Location] | None
) -> tuple[Question | None, list[Problem]]:
    where = sources.loc(path, node)
    if not isinstance(node, yaml.MappingNode):
        return None, [error(where, f"a card must be a mapping (id: …, q: …, a: …), not {sources.describe(node)}")]
    items, problems = sources.mapping_items(path, node)
    values: dict[str, str] = {}
    for name, (key, value) in items.items():
        if name not in CARD_KEYS:
            problems.append(error(sources.loc(path, key), f"unknown key '{name}'{_hint(name)}"))
        elif name in TEXT_KEYS or name in ("id", "type"):
            text, found = sources.text_value(path, value, name)
            problems += found
            if text is not None:
                values[name] = text

    card_id = values.get("id", "").strip()
    if "id" not in items:
        problems.append(error(where, "card has no 'id'; every card needs a unique id (e.g. id: list-slicing)"))
    elif "id" in values and not card_id:
        problems.append(error(sources.loc(path, items["id"][1]), "'id' is empty"))
    elif card_id and not ID_PATTERN.fullmatch(card_id):
        problems.append(
            error(
                sources.loc(path, items["id"][1]),
                f"id '{card_id}' may use only letters, digits, '-', '_' and '.' (e.g. list-slicing)",
            )
        )

    card_type: CardType | None = CardType.BASIC
    if "type" in values:
        try:
            card_type = CardType(values["type"].strip())
        except ValueError:
            card_type = None
            names = [t.value for t in CardType]
            problems.append(
                error(
                    sources.loc(path, items["type"][1]),
                    f"unknown card type '{values['type']}'{did_you_mean(values['type'], names)}; "
                    f"use one of: {', '.join(names)}",
                )
            )
    if card_type is not None:
        for name in REQUIRED[card_type]:
            if name not in items:
                problems.append(error(where, f"{card_type.value} card '{card_id}' has no '{name}'"))
            elif name in values and not values[name].strip():
                problems.append(error(sources.loc(path, items[name][1]), f"'{name}' is empty"))
        for name in FORBIDDEN[card_type]:
            if name in items:
                hint = (
                    "use 'text' with {{c1::…}}"
                    if card_type is CardType.CLOZE
                    else "'text' is for cloze cards (type: cloze)"
                )
                problems.append(
                    error(sources.loc(path, items[name][0]), f"a {card_type.value} card has no '{name}'; {hint}")
                )
    if card_type is CardType.TYPE_IN and "\n" in values.get("a", "").strip():
        problems.append(
            error(
                sources.loc(path, items["a"][1]),
                "a type-in answer must be one line: the exact text to type (put explanations in 'extra')",
            )
        )
    elif card_type is CardType.TYPE_IN and any(mark in values.get("a", "") for mark in ("`", "**")):
        problems.append(
            warning(
                sources.loc(path, items["a"][1]),
                "a type-in answer is compared with what the learner types, character for character, and is not "
                "Markdown: the learner would have to type the ` or ** too",
            )
        )

    tags, found = _string_list(path, items.get("tags"), "tags", TAG_PATTERN, "a tag cannot contain spaces or quotes")
    problems += found
    was, found = _string_list(path, items.get("was"), "was", ID_PATTERN, "not a valid card id")
    problems += found

    if "topic" in values:
        topic, topic_location = values["topic"], sources.loc(path, items["topic"][1])
    elif default_topic is not None:
        topic, topic_location = default_topic
    else:
        topic, topic_location = "", where
        problems.append(error(where, f"card '{card_id}' has no 'topic' and the file sets no default 'topic:'"))

    if has_errors(problems) or card_type is None:
        return None, problems
    return (
        Question(
            id=card_id,
            type=card_type,
            topic=topic,
            location=where,
            topic_location=topic_location,
            q=values.get("q", ""),
            a=values.get("a", ""),
            text=values.get("text", ""),
            extra=values.get("extra", ""),
            tags=tags,
            was=was,
            key_locations=tuple((name, sources.loc(path, value)) for name, (_, value) in items.items()),
        ),
        problems,
    )


def _hint(name: str) -> str:
    """Suggest the card key an unknown key probably meant (`answer` → `a`, `tgas` → `tags`)."""
    meaning = {key: key for key in CARD_KEYS} | SYNONYMS
    found = closest(name, meaning, n=1)
    return f" (did you mean '{meaning[found[0]]}'?)" if found else ""


def _string_list(
    path: str, pair: tuple[yaml.Node, yaml.Node] | None, name: str, pattern: re.Pattern[str], why: str
) -> tuple[tuple[str, ...], list[Problem]]:
    """A list of short strings (a single string is accepted as a list of one)."""
    if pair is None:
        return (), []
    node = pair[1]
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    if isinstance(node, yaml.MappingNode):
        return (), [error(sources.loc(path, node), f"'{name}' must be a list of text, like [a, b]")]
    values: list[str] = []
    problems: list[Problem] = []
    for item in nodes:
        text, found = sources.text_value(path, item, name)
        if found:
            problems.append(error(sources.loc(path, item), f"'{name}' must be a list of text, like [a, b]"))
            continue
        assert text is not None
        if not pattern.fullmatch(text):
            problems.append(error(sources.loc(path, item), f"'{text}' in '{name}': {why}"))
            continue
        values.append(text)
    return tuple(values), problems
