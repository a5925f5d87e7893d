"""Load a question file (YAML) into Questions, with a location for every card and key."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from cardsmith import sources
from cardsmith.errors import Location, Problem, Severity, error, has_errors
from cardsmith.model import CardType, Question, QuestionFile, WrittenId
from cardsmith.render import unsafe_markup
from cardsmith.suggest import closest, did_you_mean

ID_PATTERN = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
TAG_PATTERN = re.compile(r"[^\s\"]+")
LINT_PATTERN = re.compile(r"[a-z]+(?:-[a-z]+)*")
MODULE_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a top-level module, as imported
FILE_KEYS = ("topic", "cards")
CARD_KEYS = ("id", "type", "topic", "q", "a", "text", "extra", "tags", "was", "check", "python", "needs", "allow")
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
    "verify": "check",
    "expect": "check",
    "allowed": "allow",
    "requires": "needs",
    "imports": "needs",
}
CHECKS = ("output", "raises", "runs")  # what `check:` may say (verify.py runs them)
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
    """The cards of a question file that have no errors, and every problem (collected, never raised)."""
    found, problems = load_question_file(source)
    return found.questions, problems


def load_question_file(source: sources.Text) -> tuple[QuestionFile, list[Problem]]:
    """Read every card of a question file; problems are collected, never raised.

    The cards with errors are left out, but their ids are kept: a duplicate is found even while
    one of its cards has another error, and `cardsmith new` knows every id already taken.
    """
    path = source.path
    root, problems = sources.compose(source)
    if problems:
        return QuestionFile(), problems
    if root is None:
        return QuestionFile(), [error(Location(path, 1, 1), "empty file; a question file needs a 'cards:' list")]
    if not isinstance(root, yaml.MappingNode):
        return QuestionFile(), [
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
            default_topic = (unicodedata.normalize("NFC", text), sources.loc(path, items["topic"][1]))
    if "cards" not in items:
        problems.append(
            error(Location(path, 1, 1), "no 'cards:' key; a question file is a mapping with a 'cards:' list")
        )
        return QuestionFile(), problems
    cards_node = items["cards"][1]
    if not isinstance(cards_node, yaml.SequenceNode):
        problems.append(
            error(
                sources.loc(path, cards_node),
                f"'cards' must be a list of cards (lines starting with '- '), not {sources.describe(cards_node)}",
            )
        )
        return QuestionFile(), problems
    questions: list[Question] = []
    ids: list[WrittenId] = []
    for card_node in cards_node.value:
        question, found, written = _load_card(path, card_node, default_topic)
        problems += found
        ids += written
        if question is not None:
            questions.append(question)
    return QuestionFile(tuple(questions), tuple(ids)), problems


@dataclass(slots=True)
class _Reading:
    """A card while it is read: its keys, the values read so far, and the problems found."""

    path: str
    where: Location
    items: dict[str, tuple[yaml.Node, yaml.Node]]
    values: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def at(self, key: str) -> Location:
        """Where the value of a key starts."""
        return sources.loc(self.path, self.items[key][1])


def _read_texts(card: _Reading) -> None:
    """Every key is known, and every text key holds text."""
    for name, (key, value) in card.items.items():
        if name not in CARD_KEYS:
            card.problems.append(error(sources.loc(card.path, key), f"unknown key '{name}'{_hint(name)}"))
        elif name in TEXT_KEYS or name in ("id", "type", "check", "python"):
            text, found = sources.text_value(card.path, value, name)
            card.problems.extend(found)
            if text is not None:  # space around a value means nothing (a block scalar ends with a newline)
                card.values[name] = text.strip()


def _read_id(card: _Reading) -> str:
    """The card's id: present, not empty, and made of the allowed characters."""
    card_id = card.values.get("id", "").strip()
    if "id" not in card.items:
        card.problems.append(
            error(card.where, "card has no 'id'; every card needs a unique id (e.g. id: list-slicing)")
        )
    elif "id" in card.values and not card_id:
        card.problems.append(error(card.at("id"), "'id' is empty"))
    elif card_id and not ID_PATTERN.fullmatch(card_id):
        card.problems.append(
            error(card.at("id"), f"id '{card_id}' may use only letters, digits, '-', '_' and '.' (e.g. list-slicing)")
        )
    return card_id


def _read_type(card: _Reading) -> CardType | None:
    """The card type, basic when absent; None when it is not one of the four."""
    if "type" not in card.values:
        return CardType.BASIC
    try:
        return CardType(card.values["type"].strip())
    except ValueError:
        names = [t.value for t in CardType]
        card.problems.append(
            error(
                card.at("type"),
                f"unknown card type '{card.values['type']}'{did_you_mean(card.values['type'], names)}; "
                f"use one of: {', '.join(names)}",
            )
        )
        return None


def _check_fields_of_type(card: _Reading, card_type: CardType, card_id: str) -> None:
    """The text keys the card type needs are there and not empty; the ones it cannot have are not."""
    for name in REQUIRED[card_type]:
        if name not in card.items:
            card.problems.append(error(card.where, f"{card_type.value} card '{card_id}' has no '{name}'"))
        elif name in card.values and not card.values[name].strip():
            card.problems.append(error(card.at(name), f"'{name}' is empty"))
    for name in FORBIDDEN[card_type]:
        if name in card.items:
            hint = (
                "use 'text' with {{c1::…}}"
                if card_type is CardType.CLOZE
                else "'text' is for cloze cards (type: cloze)"
            )
            card.problems.append(
                error(sources.loc(card.path, card.items[name][0]), f"a {card_type.value} card has no '{name}'; {hint}")
            )


def _check_typed_answer(card: _Reading, card_id: str) -> None:
    """A type-in answer is one line, compared character for character (Markdown in it: lint.py, type-in-markup)."""
    answer = card.values.get("a", "")
    if "\n" in answer.strip():
        card.problems.append(
            error(
                card.at("a"),
                f"the answer of type-in card '{card_id}' must be one line: the exact text to type "
                "(put explanations in 'extra')",
            )
        )


def _check_verification(
    card: _Reading, card_type: CardType | None, allow: tuple[str, ...], needs: bool
) -> list[Problem]:
    """`check:` names one of CHECKS on a card with a question and an answer; `python:` is a version range;
    `needs:` goes with a check."""
    from cardsmith.lint import NAMES
    from cardsmith.versions import parse_range

    problems = []
    check = card.values.get("check")
    if check is not None:
        if check not in CHECKS:
            problems.append(
                error(card.at("check"), f"check '{check}'{did_you_mean(check, CHECKS)}: use one of {', '.join(CHECKS)}")
            )
        elif card_type is CardType.CLOZE:
            problems.append(error(card.at("check"), "a cloze card has no answer to check its code against"))
    python = card.values.get("python")
    if python is not None:
        why = parse_range(python)[1]
        if why:
            problems.append(error(card.at("python"), f"python '{python}': {why}"))
        elif check is None:
            problems.append(error(card.at("python"), "'python' says which versions a check holds for: add 'check'"))
    if needs and check is None:
        problems.append(error(card.at("needs"), "'needs' names the modules a check imports: add 'check'"))
    for name in allow:
        if name not in NAMES:
            problems.append(
                error(
                    card.at("allow"), f"unknown warning '{name}'{did_you_mean(name, NAMES)}; known: {', '.join(NAMES)}"
                )
            )
    return problems


def _read_topic(card: _Reading, default: tuple[str, Location] | None, card_id: str) -> tuple[str, Location]:
    """The card's own topic, or the file's."""
    if "topic" in card.values:
        return unicodedata.normalize("NFC", card.values["topic"]), card.at("topic")
    if default is not None:
        return default
    card.problems.append(error(card.where, f"card '{card_id}' has no 'topic' and the file sets no default 'topic:'"))
    return "", card.where


def _load_card(
    path: str, node: yaml.Node, default_topic: tuple[str, Location] | None
) -> tuple[Question | None, list[Problem], list[WrittenId]]:
    where = sources.loc(path, node)
    if not isinstance(node, yaml.MappingNode):
        message = f"a card must be a mapping (id: …, q: …, a: …), not {sources.describe(node)}"
        return None, [error(where, message)], []
    items, problems = sources.mapping_items(path, node)
    card = _Reading(path, where, items, problems=problems)
    _read_texts(card)
    card_id = _read_id(card)
    card_type = _read_type(card)
    if card_type is not None:
        _check_fields_of_type(card, card_type, card_id)
    if card_type is CardType.TYPE_IN:
        _check_typed_answer(card, card_id)
    tags, found = _string_list(path, items.get("tags"), "tags", TAG_PATTERN, "a tag cannot contain spaces or quotes")
    was, found_was = _string_list(path, items.get("was"), "was", ID_PATTERN, "not a valid card id")
    allow, found_allow = _string_list(path, items.get("allow"), "allow", LINT_PATTERN, "not the name of a warning")
    needs, found_needs = _string_list(
        path, items.get("needs"), "needs", MODULE_PATTERN, "not the name of a module, as `import` writes it"
    )
    card.problems += found + found_was + found_allow + found_needs
    card.problems += _check_verification(card, card_type, allow, bool(needs))
    for name in ("q", "a", "text", "extra"):
        if name in card.values and not (name == "a" and card_type is CardType.TYPE_IN):  # a typed answer is plain
            card.problems += [error(card.at(name), message) for message in unsafe_markup(card.values[name])]
    topic, topic_location = _read_topic(card, default_topic, card_id)
    ids = [WrittenId(card_id, "id", card.at("id"))] if card_id and ID_PATTERN.fullmatch(card_id) else []
    ids += [WrittenId(name, "was", card.at("was")) for name in was]
    if has_errors(card.problems) or card_type is None:
        return None, card.problems, ids
    positions = ";".join(
        f"{name} {value.start_mark.line + 1} {value.start_mark.column + 1}" for name, (_, value) in items.items()
    )
    values = card.values
    question = Question(
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
        positions=positions,
        check=values.get("check", ""),
        python=values.get("python", ""),
        needs=needs,
        allow=allow,
    )
    return question, card.problems, ids


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


# --- The parsed-file cache: questions and problems as JSON ----------------------------------------


def encode(found: QuestionFile, problems: list[Problem]) -> str:
    """A question file's result as JSON, for the cache (decode gives it back)."""

    def where(location: Location) -> list[object]:
        return [location.path, location.line, location.col]

    return json.dumps(
        {
            "questions": [
                [
                    q.id,
                    q.type.value,
                    q.topic,
                    where(q.location),
                    where(q.topic_location),
                    q.q,
                    q.a,
                    q.text,
                    q.extra,
                    list(q.tags),
                    list(q.was),
                    q.positions,
                    q.check,
                    q.python,
                    list(q.needs),
                    list(q.allow),
                ]
                for q in found.questions
            ],
            "ids": [[i.name, i.key, *where(i.location)] for i in found.ids],
            "problems": [[p.severity.value, *where(p.location), p.message] for p in problems],
        },
        ensure_ascii=False,
    )


def decode(text: str) -> tuple[QuestionFile, list[Problem]]:
    """A cached result; ValueError if it is not what `encode` writes (the file is then parsed again)."""
    try:
        data = json.loads(text)
        questions = []
        for row in data["questions"]:
            card_id, kind, topic, where, topic_where, q, a, body, extra, tags, was, positions, check, python = row[:14]
            needs, allow = row[14:]
            texts = (card_id, topic, q, a, body, extra, positions, check, python, *tags, *was, *needs, *allow)
            texts += (where[0], topic_where[0])
            if not all(type(value) is str for value in texts):
                raise ValueError("a text that is not text")
            questions.append(
                Question(
                    card_id,
                    CardType(kind),
                    topic,
                    Location(where[0], int(where[1]), int(where[2])),
                    Location(topic_where[0], int(topic_where[1]), int(topic_where[2])),
                    q,
                    a,
                    body,
                    extra,
                    tuple(tags),
                    tuple(was),
                    positions,
                    check,
                    python,
                    tuple(needs),
                    tuple(allow),
                )
            )
        problems = [
            Problem(Severity(severity), Location(str(path), int(line), int(col)), str(message))
            for severity, path, line, col, message in data["problems"]
        ]
        ids = [
            WrittenId(str(name), str(key), Location(str(path), int(line), int(col)))
            for name, key, path, line, col in data["ids"]
        ]
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a cached question file: {exc}") from None
    return QuestionFile(tuple(questions), tuple(ids)), problems
