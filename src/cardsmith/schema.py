"""JSON Schemas (draft 2020-12) of question files and `deck.yaml`, made from the loaders' own rules.

Editors that validate YAML against a JSON Schema (VS Code's YAML extension, JetBrains IDEs) use
them to show mistakes while an author types, complete keys and describe each key on hover. They
are built from what `questions.py` and `config.py` accept (their key lists, patterns and card
types), so the schema and the loader never disagree; tests/test_schema.py checks both ways. A
schema cannot see other files: topic paths and duplicate ids are checked by `cardsmith check` only.

Only keywords that draft-07 has too are used (no `$ref`, no `dependentRequired`), because that is
what the YAML extension of VS Code validates with; for draft 2020-12 they mean the same. Patterns
are ECMA-262 regular expressions, as JSON Schema defines them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cardsmith import config, questions, versions
from cardsmith.exporters import NAMES as FORMATS
from cardsmith.lint import NAMES as WARNINGS
from cardsmith.model import CardType

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("questions", "deck")

Schema = dict[str, Any]

# One English sentence per key: editors show it on hover.
FILE_DESCRIPTIONS = {
    "topic": "The default topic of the cards below: a path of curriculum titles or labels from the phase down, separated by ' / '.",
    "cards": "The cards of this file, each an item starting with '- '.",
}
CARD_DESCRIPTIONS = {
    "id": "The card's identity, unique in the deck and never reused, of letters, digits, '-', '_' and '.': its Anki GUID is made from it.",
    "type": "The card type: basic (the default), reversed (a card each way), cloze ('text' with {{c1::…}} deletions) or type-in (the learner types the answer).",
    "topic": "Where the card belongs, as a path of curriculum titles or labels separated by ' / '; the file's 'topic' when left out.",
    "q": "The question, in Markdown (every card type but cloze).",
    "a": "The answer, in Markdown; on a type-in card, the exact one-line text the learner types.",
    "text": "The text of a cloze card, in Markdown, with deletions written {{c1::answer}} or {{c1::answer::hint}}.",
    "extra": "Shown under the answer, in Markdown: the why, a pitfall or an example.",
    "tags": "Extra Anki tags for this card, each without spaces or quotes.",
    "was": "The id, or ids, this card had before a rename, first id first, so that learners keep its reviews.",
    "check": "How `cardsmith verify` checks the Python code the question shows: its output, the exception it raises, or that it runs.",
    "python": "With 'check': the Python versions the check holds for, such as '>=3.11' or '>=3.11,<3.14'.",
    "needs": "With 'check': the modules outside the standard library that the code imports, as `import` names them.",
    "allow": "Card-quality warnings switched off for this card, by name.",
}
DECK_DESCRIPTIONS = {
    "title": "The name of the top deck in Anki.",
    "id": "Names every card's GUID, in lower-case letters, digits, '-', '_' and '.': never change it after the deck is released.",
    "description": "Shown on the deck's overview screen in Anki, in Markdown.",
    "version": "The deck's version, such as 1.0.0.",
    "language": "The language of the cards as a language tag such as ru, en or pt-BR (default ru), which the preview and site pages give to browsers.",
    "curriculum": "The curriculum file, relative to the deck folder (default curriculum.md).",
    "phase_word": "The word a '## ' heading of a phase starts with (default: any of Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part).",
    "report_url": "The address a learner opens to report a mistake in a card, with {id} where the card's id goes and optionally {title} for the deck's title.",
    "authors": "The deck's authors.",
    "sections": "Other '## ' sections of the curriculum that should be decks too, by title or label.",
    "exclude": "Parts of the curriculum that are not studied, by title, label or path ('Week 2 / Resources'): they and all below them are left out of the deck.",
    "formats": "What `cardsmith build` writes when no --format is given.",
    "allow": "Card-quality warnings switched off for the whole deck, by name.",
    "link_items": "Whether list items of the curriculum that are only a link (resources) are topics too; by default they are left out.",
    "coverage_min": "The fewest cards every topic of the curriculum should have: below it `cardsmith coverage` fails, as with --min.",
}

NOT_BLANK = r"\S"  # what `'q' is empty` refuses: a value of spaces only
ONE_LINE = r"^\s*[^\n]*\s*$"  # a type-in answer: one line once the spaces around it are left out


def _ecma(pattern: str) -> str:
    r"""A Python pattern of the loaders as ECMA-262 (with the `u` flag) reads it the same: `\"` is just `"`."""
    return pattern.replace('\\"', '"')


def _whole(pattern: re.Pattern[str], spaces: bool = False) -> str:
    """A loader's `fullmatch` pattern as a JSON Schema pattern (which searches), with the spaces the loader strips."""
    around = r"\s*" if spaces else ""
    return f"^{around}(?:{_ecma(pattern.pattern)}){around}$"


def _text(**rules: Any) -> Schema:
    return {"type": "string", **rules}


def _one_or_list(item: Schema) -> Schema:
    """A list of values, or a single value that stands for a list of one (as the loaders read them)."""
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _described(key: str, schema: Schema, descriptions: dict[str, str]) -> Schema:
    return {"description": descriptions[key], **schema} if key in descriptions else schema


# --- Question files ------------------------------------------------------------------------------


def _card_key(key: str) -> Schema:
    """What one card key may hold, by the rules of questions.py."""
    required_somewhere = {name for names in questions.REQUIRED.values() for name in names}
    if key == "id":
        return _text(pattern=_whole(questions.ID_PATTERN, spaces=True))
    if key == "type":
        return {"enum": [t.value for t in CardType]}
    if key == "check":
        return {"enum": list(questions.CHECKS)}
    if key == "python":
        clause = _ecma(versions._CLAUSE.pattern)
        return _text(pattern=f"^(?:{clause})(?:,(?:{clause}))*$")
    if key == "tags":
        return _one_or_list(_text(pattern=_whole(questions.TAG_PATTERN)))
    if key == "was":
        return _one_or_list(_text(pattern=_whole(questions.ID_PATTERN)))
    if key == "needs":
        return _one_or_list(_text(pattern=_whole(questions.MODULE_PATTERN)))
    if key == "allow":
        return _one_or_list({"enum": list(WARNINGS)})
    if key in questions.TEXT_KEYS:
        return _text(pattern=NOT_BLANK) if key in required_somewhere else _text()
    return {}  # a key this module does not know yet: tests/test_schema.py fails until it does


def _type_rules() -> list[Schema]:
    """Each card type: the keys it needs and the ones it cannot have (basic when `type` is left out)."""
    rules = []
    for card_type in CardType:
        when: Schema = {"properties": {"type": {"const": card_type.value}}}
        if card_type is not CardType.BASIC:
            when["required"] = ["type"]
        forbidden: dict[str, Any] = dict.fromkeys(questions.FORBIDDEN[card_type], False)
        if card_type is CardType.CLOZE:
            forbidden["check"] = False  # a cloze card has no answer to check its code against
        if card_type is CardType.TYPE_IN:
            forbidden["a"] = {"pattern": ONE_LINE}
        then: Schema = {"required": list(questions.REQUIRED[card_type]), "properties": forbidden}
        rules.append({"if": when, "then": then})
    return rules


def _check_rules() -> list[Schema]:
    """`python` and `needs` go with `check` (an empty `needs: []` says nothing)."""
    return [
        {"if": {"required": ["python"]}, "then": {"required": ["check"]}},
        {
            "if": {"required": ["needs"], "properties": {"needs": {"not": {"type": "array", "maxItems": 0}}}},
            "then": {"required": ["check"]},
        },
    ]


def questions_schema() -> Schema:
    """The JSON Schema of a question file."""
    card = {
        "type": "object",
        "description": "One card; 'id' is required, and 'q' and 'a' (or 'text' on a cloze card).",
        "properties": {key: _described(key, _card_key(key), CARD_DESCRIPTIONS) for key in questions.CARD_KEYS},
        "required": ["id"],
        "additionalProperties": False,
        "allOf": _type_rules() + _check_rules(),
    }
    properties: Schema = {
        "topic": _described("topic", _text(), FILE_DESCRIPTIONS),
        "cards": _described("cards", {"type": "array", "items": card}, FILE_DESCRIPTIONS),
    }
    return {
        "$schema": DIALECT,
        "title": "cardsmith question file",
        "description": "A question file of a cardsmith deck: a default topic and a list of cards.",
        "type": "object",
        "properties": {key: properties[key] for key in questions.FILE_KEYS},
        "required": ["cards"],
        "additionalProperties": False,
        # A card without its own topic takes the file's: without that, every card needs one.
        "if": {"not": {"required": ["topic"]}},
        "then": {"properties": {"cards": {"items": {"required": ["topic"]}}}},
    }


# --- deck.yaml -----------------------------------------------------------------------------------


def _deck_key(key: str) -> Schema:
    """What one setting may hold, by the rules of config.py."""
    if key == "id":
        return _text(pattern=_whole(config.ID_PATTERN, spaces=True))
    if key == "language":
        return _text(pattern=_whole(config.LANGUAGE, spaces=True))
    if key == "description":
        return _text()
    if key == "report_url":  # an http(s) address with {id}, and no braces but {id} and {title}
        part = r"(?:[^\s{}]|\{id\}|\{title\})"
        host = r"(?:[^\s{}/?#:@\[]|\{id\}|\{title\})"
        return _text(pattern=rf"^\s*(?=[^\n]*\{{id\}})[Hh][Tt][Tt][Pp][Ss]?://{host}{part}*\s*$")
    if key in config.TEXT_KEYS:
        return _text(pattern=NOT_BLANK)
    if key == "formats":
        return _one_or_list({"enum": list(FORMATS)})
    if key == "allow":
        return _one_or_list({"enum": list(WARNINGS)})
    if key == "exclude":
        return _one_or_list(_text(pattern=NOT_BLANK))
    if key in config.LIST_KEYS:
        return _one_or_list(_text())
    if key in getattr(config, "BOOL_KEYS", ()):
        return {"type": "boolean"}
    if key in getattr(config, "INT_KEYS", ()):
        return {"type": "integer", "minimum": 1}
    return {}  # a setting this module does not know yet: tests/test_schema.py fails until it does


def deck_keys() -> tuple[str, ...]:
    """Every setting `deck.yaml` may have, in the order config.py lists them."""
    found: list[str] = []
    for name in ("TEXT_KEYS", "LIST_KEYS", "BOOL_KEYS", "INT_KEYS"):
        found += [key for key in getattr(config, name, ()) if key not in found]
    return tuple(found)


def deck_schema() -> Schema:
    """The JSON Schema of `deck.yaml`."""
    return {
        "$schema": DIALECT,
        "title": "cardsmith deck.yaml",
        "description": "The settings of a cardsmith deck: its title, id, curriculum and what to build.",
        "type": "object",
        "properties": {key: _described(key, _deck_key(key), DECK_DESCRIPTIONS) for key in deck_keys()},
        "required": list(config.REQUIRED),
        "additionalProperties": False,
    }


def schema(kind: str) -> Schema:
    """The schema of `questions` or `deck`."""
    if kind == "deck":
        return deck_schema()
    if kind == "questions":
        return questions_schema()
    raise ValueError(f"no schema '{kind}'; there are: {', '.join(KINDS)}")


def schema_text(kind: str) -> str:
    """A schema as `cardsmith schema` prints it and `cardsmith init` writes it."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"
