"""The JSON Schemas of question files and deck.yaml accept and refuse what the loaders do.

The schemas are validated here as an editor does: JSON Schema 2020-12 with ECMA-262 patterns
(`regress`, the engine check-jsonschema uses), on the values YAML 1.1 reads (PyYAML, as cardsmith).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import regress
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError, validators

from cardsmith import config, questions
from cardsmith.cli import cli
from cardsmith.exporters import NAMES
from cardsmith.layout import discover
from cardsmith.model import DeckConfig, Question
from cardsmith.schema import deck_schema, questions_schema
from cardsmith.sources import Text
from cardsmith.tooling import vscode_settings
from conftest import FIXTURES, ROOT


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "string") and regress.Regex(pattern, "u").find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Editor = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})
QUESTIONS = Editor(questions_schema())
DECK = Editor(deck_schema())


def schema_accepts(validator: Any, text: str) -> bool:
    return validator.is_valid(yaml.safe_load(text))


def loader_accepts_questions(text: str) -> bool:
    _, problems = questions.load_question_file(Text("q.yaml", text))
    return not any(p.severity.value == "error" for p in problems)


def loader_accepts_deck(text: str) -> bool:
    deck, problems = config.parse_config(Text("deck.yaml", text), NAMES)
    return deck is not None and not problems


def walk(schema: Any) -> list[dict[str, Any]]:
    """Every subschema (dicts only)."""
    found = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            for key, value in node.items():
                if key in ("properties",):
                    stack.extend(value.values())
                elif key in ("items", "if", "then", "else", "not"):
                    stack.append(value)
                elif key in ("allOf", "anyOf", "oneOf"):
                    stack.extend(value)
    return found


# --- The command and the shape of the schemas ------------------------------------------------------


def test_cardsmith_schema_prints_the_questions_schema_by_default_and_the_deck_one_on_request() -> None:
    default = CliRunner().invoke(cli, ["schema"])
    named = CliRunner().invoke(cli, ["schema", "questions"])
    deck = CliRunner().invoke(cli, ["schema", "deck"])
    assert default.exit_code == named.exit_code == deck.exit_code == 0
    assert default.stdout == named.stdout
    assert json.loads(named.stdout)["title"] == "cardsmith question file"
    assert json.loads(deck.stdout)["title"] == "cardsmith deck.yaml"
    assert json.loads(deck.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert named.stdout.startswith('{\n  "$schema": "https://json-schema.org/draft/2020-12/schema",\n')


def test_an_unknown_schema_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["schema", "lock"])
    assert result.exit_code == 2
    assert "'lock' is not one of 'questions', 'deck'" in result.stderr


def test_both_schemas_are_valid_draft_2020_12_schemas_with_ecma_patterns() -> None:
    for schema in (questions_schema(), deck_schema()):
        Draft202012Validator.check_schema(schema)
        for node in walk(schema):
            if "pattern" in node:
                regress.Regex(node["pattern"], "u")  # raises on what JavaScript (with the u flag) refuses


def test_the_schemas_use_only_keywords_that_draft_07_has_too() -> None:
    """VS Code's YAML extension validates with draft-07 rules: the schemas mean the same to it."""
    draft_07 = {
        "$schema", "title", "description", "type", "properties", "required", "additionalProperties",
        "items", "enum", "const", "pattern", "anyOf", "allOf", "if", "then", "not", "maxItems", "minimum",
    }  # fmt: skip
    used = {key for schema in (questions_schema(), deck_schema()) for node in walk(schema) for key in node}
    assert used <= draft_07


def test_the_card_types_and_what_each_needs() -> None:
    card = questions_schema()["properties"]["cards"]["items"]
    assert card["properties"]["type"]["enum"] == ["basic", "reversed", "cloze", "type-in"]
    assert card["properties"]["check"]["enum"] == ["output", "raises", "runs"]
    assert card["required"] == ["id"]
    assert card["allOf"] == [
        {
            "if": {"properties": {"type": {"const": "basic"}}},
            "then": {"required": ["q", "a"], "properties": {"text": False}},
        },
        {
            "if": {"properties": {"type": {"const": "reversed"}}, "required": ["type"]},
            "then": {"required": ["q", "a"], "properties": {"text": False}},
        },
        {
            "if": {"properties": {"type": {"const": "cloze"}}, "required": ["type"]},
            "then": {"required": ["text"], "properties": {"q": False, "a": False, "check": False}},
        },
        {
            "if": {"properties": {"type": {"const": "type-in"}}, "required": ["type"]},
            "then": {"required": ["q", "a"], "properties": {"text": False, "a": {"pattern": r"^\s*[^\n]*\s*$"}}},
        },
        {"if": {"required": ["python"]}, "then": {"required": ["check"]}},
        {
            "if": {"required": ["needs"], "properties": {"needs": {"not": {"type": "array", "maxItems": 0}}}},
            "then": {"required": ["check"]},
        },
    ]


def test_the_id_patterns_are_the_loaders() -> None:
    card = questions_schema()["properties"]["cards"]["items"]["properties"]
    assert card["id"]["pattern"] == r"^\s*(?:[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*)\s*$"
    assert card["tags"]["anyOf"][0]["pattern"] == r'^(?:[^\s"]+)$'
    assert deck_schema()["properties"]["id"]["pattern"] == r"^\s*(?:[a-z0-9]+(?:[-_.][a-z0-9]+)*)\s*$"


# --- Every key the loaders accept is in the schemas, and no other ------------------------------------


def loader_deck_keys() -> set[str]:
    """Every setting config.py knows: the keys of its *_KEYS lists and the DeckConfig fields it fills."""
    lists = {key for name, keys in vars(config).items() if name.endswith("_KEYS") for key in keys}
    fields = {field.name for field in dataclasses.fields(DeckConfig)} - {"path", "where"}
    return lists | fields


def test_every_setting_the_loader_knows_is_in_the_deck_schema_and_no_other() -> None:
    assert set(deck_schema()["properties"]) == loader_deck_keys()
    assert deck_schema()["required"] == ["title", "id"]


def test_the_loader_accepts_each_setting_of_the_deck_schema_as_a_setting() -> None:
    for key in deck_schema()["properties"]:
        _, problems = config.parse_config(Text("deck.yaml", f"title: T\nid: t\n{key}: x\n"), NAMES)
        assert not [p for p in problems if "unknown setting" in p.message], key
    _, problems = config.parse_config(Text("deck.yaml", "title: T\nid: t\ntitel: x\n"), NAMES)
    assert [p.message for p in problems] == ["unknown setting 'titel' (did you mean 'title'?)"]


def test_every_card_key_the_loader_knows_is_in_the_questions_schema_and_no_other() -> None:
    schema = questions_schema()
    card = schema["properties"]["cards"]["items"]["properties"]
    assert set(card) == set(questions.CARD_KEYS)
    written = {field.name for field in dataclasses.fields(Question)} - {"location", "topic_location", "positions"}
    assert set(card) == written
    assert set(schema["properties"]) == set(questions.FILE_KEYS) == {"topic", "cards"}


def test_the_loader_accepts_each_card_key_of_the_questions_schema_as_a_key() -> None:
    for key in questions_schema()["properties"]["cards"]["items"]["properties"]:
        _, problems = questions.load_question_file(Text("q.yaml", f"cards:\n  - id: a\n    {key}: x\n"))
        assert not [p for p in problems if "unknown key" in p.message], key


def test_every_key_is_described_in_one_english_sentence() -> None:
    for schema in (questions_schema(), deck_schema()):
        described = [schema, *schema["properties"].values()]
        described += schema.get("properties", {}).get("cards", {}).get("items", {}).get("properties", {}).values()
        for node in described:
            text = node.get("description", "")
            assert re.fullmatch(r"[A-Z`'].*[.]", text), text
            assert not re.search(r"[.!?] [A-Z]", text), text  # one sentence


# --- What ships validates ------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [ROOT / "cards", FIXTURES / "mini"], ids=["shipped deck", "mini"])
def test_every_question_file_and_deck_yaml_that_ships_validates(folder: Path) -> None:
    files = discover(folder)
    assert files
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [e.message for e in QUESTIONS.iter_errors(data)] == [], path
    deck = yaml.safe_load((folder / "deck.yaml").read_text(encoding="utf-8"))
    assert [e.message for e in DECK.iter_errors(deck)] == []


def test_the_project_init_writes_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init"]).exit_code == 0
    assert DECK.is_valid(yaml.safe_load(Path("cards/deck.yaml").read_text(encoding="utf-8")))
    assert QUESTIONS.is_valid(yaml.safe_load(Path("cards/questions/week-01.yaml").read_text(encoding="utf-8")))


# --- Bad input: the schema refuses what the loader refuses ------------------------------------------

T = "topic: Фаза 1 / Неделя 1-2\n"
QUESTION_CASES = {
    # name: (question file, accepted by both)
    "basic": (T + "cards:\n  - id: a\n    q: x\n    a: y\n", True),
    "every card type": (
        T + "cards:\n  - {id: a, type: reversed, q: x, a: y}\n  - {id: b, type: cloze, text: 'x {{c1::y}}'}\n"
        "  - {id: c, type: type-in, q: x, a: '201'}\n",
        True,
    ),
    "no cards yet": ("cards: []\n", True),
    "a card with its own topic in a file without one": ("cards:\n  - {id: a, q: x, a: y, topic: T}\n", True),
    "lists written as one value": (T + "cards:\n  - {id: a, q: x, a: y, tags: t, was: b, allow: long-answer}\n", True),
    "check with python and needs": (
        T + "cards:\n  - {id: a, q: x, a: y, check: output, python: '>=3.11,<3.14', needs: [pydantic]}\n",
        True,
    ),
    "an empty needs without check": (T + "cards:\n  - {id: a, q: x, a: y, needs: []}\n", True),
    "unknown key": (T + "cards:\n  - {id: a, q: x, answer: y}\n", False),
    "misspelt key": (T + "cards:\n  - {id: a, q: x, a: y, tgas: [t]}\n", False),
    "unknown file key": (T + "card: []\n", False),
    "no cards key": (T, False),
    "cards not a list": (T + "cards: x\n", False),
    "a card that is not a mapping": (T + "cards:\n  - just text\n", False),
    "missing id": (T + "cards:\n  - {q: x, a: y}\n", False),
    "empty id": (T + "cards:\n  - {id: '', q: x, a: y}\n", False),
    "bad id": (T + "cards:\n  - {id: list slicing, q: x, a: y}\n", False),
    "id read as a number": (T + "cards:\n  - {id: 404, q: x, a: y}\n", False),
    "missing q": (T + "cards:\n  - {id: a, a: y}\n", False),
    "missing a": (T + "cards:\n  - {id: a, q: x}\n", False),
    "q of spaces": (T + "cards:\n  - {id: a, q: '  ', a: y}\n", False),
    "q as a list": (T + "cards:\n  - {id: a, q: [x], a: y}\n", False),
    "a read as true": (T + "cards:\n  - {id: a, q: x, a: yes}\n", False),
    "a read as a number": (T + "cards:\n  - {id: a, q: x, a: 1.10}\n", False),
    "a left empty": (T + "cards:\n  - id: a\n    q: x\n    a:\n", False),
    "unknown card type": (T + "cards:\n  - {id: a, type: flashcard, q: x, a: y}\n", False),
    "cloze without text": (T + "cards:\n  - {id: a, type: cloze}\n", False),
    "cloze with q": (T + "cards:\n  - {id: a, type: cloze, text: '{{c1::x}}', q: x}\n", False),
    "basic with text": (T + "cards:\n  - {id: a, q: x, a: y, text: z}\n", False),
    "type-in answer of two lines": (T + 'cards:\n  - {id: a, type: type-in, q: x, a: "y\\nz"}\n', False),
    "tag with a space": (T + "cards:\n  - {id: a, q: x, a: y, tags: [two words]}\n", False),
    "tags as a mapping": (T + "cards:\n  - {id: a, q: x, a: y, tags: {a: b}}\n", False),
    "bad id in was": (T + "cards:\n  - {id: a, q: x, a: y, was: [old id]}\n", False),
    "unknown check": (T + "cards:\n  - {id: a, q: x, a: y, check: prints}\n", False),
    "check on a cloze card": (T + "cards:\n  - {id: a, type: cloze, text: '{{c1::x}}', check: runs}\n", False),
    "python without check": (T + "cards:\n  - {id: a, q: x, a: y, python: '>=3.11'}\n", False),
    "python that is no range": (T + "cards:\n  - {id: a, q: x, a: y, check: runs, python: '3.11'}\n", False),
    "python read as a number": (T + "cards:\n  - {id: a, q: x, a: y, check: runs, python: 3.11}\n", False),
    "needs without check": (T + "cards:\n  - {id: a, q: x, a: y, needs: [pydantic]}\n", False),
    "needs a package name, not a module": (
        T + "cards:\n  - {id: a, q: x, a: y, check: runs, needs: [factory-boy]}\n",
        False,
    ),
    "unknown warning in allow": (T + "cards:\n  - {id: a, q: x, a: y, allow: [long-answers]}\n", False),
    "no topic anywhere": ("cards:\n  - {id: a, q: x, a: y}\n", False),
    "a file topic that is no text": ("topic: 5\ncards:\n  - {id: a, q: x, a: y}\n", False),
}


@pytest.mark.parametrize("text, accepted", QUESTION_CASES.values(), ids=QUESTION_CASES.keys())
def test_the_schema_and_the_loader_agree_on_each_question_file(text: str, accepted: bool) -> None:
    assert loader_accepts_questions(text) is accepted
    assert schema_accepts(QUESTIONS, text) is accepted


DECK_CASES = {
    "the minimum": ("title: T\nid: t\n", True),
    "every kind of setting": (
        "title: T\nid: my-deck\ndescription: ''\nversion: 1.0.0\nlanguage: pt-BR\ncurriculum: plan.md\n"
        "phase_word: Week\nauthors: Ann\nsections: [Projects]\nexclude: [Resources]\nformats: [apkg, csv]\n"
        "allow: [long-answer]\nlink_items: yes\ncoverage_min: 2\nreport_url: https://example.org/new?title={id}\n",
        True,
    ),
    "missing title": ("id: t\n", False),
    "missing id": ("title: T\n", False),
    "unknown setting": ("title: T\nid: t\ntheme: dark\n", False),
    "not a mapping": ("- title\n", False),
    "empty title": ("title: ' '\nid: t\n", False),
    "id with capitals": ("title: T\nid: My-Deck\n", False),
    "version read as a number": ("title: T\nid: t\nversion: 1.0\n", False),
    "authors as a number": ("title: T\nid: t\nauthors: 5\n", False),
    "authors as a mapping": ("title: T\nid: t\nauthors: {a: b}\n", False),
    "unknown format": ("title: T\nid: t\nformats: [pdf]\n", False),
    "unknown warning": ("title: T\nid: t\nallow: [long]\n", False),
    "bad language": ("title: T\nid: t\nlanguage: english\n", False),
    "an empty exclude entry": ("title: T\nid: t\nexclude: ['']\n", False),
    "link_items in quotes": ("title: T\nid: t\nlink_items: 'true'\n", False),
    "coverage_min of 0": ("title: T\nid: t\ncoverage_min: 0\n", False),
    "coverage_min in quotes": ("title: T\nid: t\ncoverage_min: '2'\n", False),
    "report_url without {id}": ("title: T\nid: t\nreport_url: https://example.org/issues\n", False),
    "report_url not on the web": ("title: T\nid: t\nreport_url: mailto:a@b.org?subject={id}\n", False),
}


@pytest.mark.parametrize("text, accepted", DECK_CASES.values(), ids=DECK_CASES.keys())
def test_the_schema_and_the_loader_agree_on_each_deck_yaml(text: str, accepted: bool) -> None:
    assert loader_accepts_deck(text) is accepted
    assert schema_accepts(DECK, text) is accepted


# --- And on every mix of keys and values -----------------------------------------------------------

TEXTS = ["x", "", "  ", "two\nlines", "y\n", 5, None, True, ["x"], {"k": "v"}]
CARD_VALUES: dict[str, list[Any]] = {
    "id": ["list-slicing", "A.b_c-1", "", "bad id", "-x", "é", 404, None, ["a"]],
    "type": ["basic", "reversed", "cloze", "type-in", "Cloze", "", 3, None],
    "topic": ["Фаза 1 / Неделя 1-2", "", 5, None],
    "q": TEXTS,
    "a": TEXTS,
    "text": TEXTS,
    "extra": ["why", "", 5, None],
    "tags": ["t", ["a", "b"], [], ["a b"], "a b", "t\n", [1], {"a": 1}, None, ['x"y']],
    "was": ["old-id", ["old", "older"], [], ["bad id"], 5, None],
    "check": ["output", "raises", "runs", "print", "", 5, None],
    "python": [">=3.11", ">=3.11,<3.14", " == 3.12 ", "3.11", "", 3.11, None],
    "needs": ["pydantic", ["pydantic", "sqlalchemy"], [], ["bad-name"], 5, None, {"a": 1}],
    "allow": ["long-answer", ["near-duplicate", "gives-away"], [], ["no-such"], "LONG", None, 5],
    "answer": ["y"],
}
DROP = object()  # a mutation that removes the key
VALID_CARDS: list[dict[str, Any]] = [
    {"id": "a", "q": "x", "a": "y"},
    {"id": "b", "type": "reversed", "q": "x", "a": "y", "tags": ["t"]},
    {"id": "c", "type": "cloze", "text": "{{c1::x}}", "extra": "why"},
    {"id": "d", "type": "type-in", "q": "x", "a": "201", "topic": "Фаза 1"},
    {"id": "e", "q": "x", "a": "y", "check": "output", "python": ">=3.11", "needs": ["pydantic"], "was": "old"},
]


def mutated(base: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
    card = copy.deepcopy(base)  # no value shared between cards: YAML would write an alias, which cardsmith refuses
    for key, value in changes:
        if value is DROP:
            card.pop(key, None)
        else:
            card[key] = copy.deepcopy(value)
    return card


changes = st.sampled_from([(key, value) for key, values in CARD_VALUES.items() for value in [*values, DROP]])
cards = st.builds(mutated, st.sampled_from(VALID_CARDS), st.lists(changes, max_size=2))
question_files = st.fixed_dictionaries(
    {"cards": st.lists(cards, max_size=2)}, optional={"topic": st.sampled_from(["Фаза 1", "Фаза 1", 5, None])}
)


@settings(max_examples=400, deadline=None)
@given(question_files)
def test_the_schema_and_the_loader_agree_on_any_question_file(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert schema_accepts(QUESTIONS, text) is loader_accepts_questions(text), text


DECK_VALUES: dict[str, list[Any]] = {
    "description": ["", "text", 5],
    "version": ["1.0.0", "", 1.5, None],
    "language": ["en", "pt-BR", "english1", ""],
    "curriculum": ["curriculum.md", "", 5],
    "phase_word": ["Phase", "  ", 5],
    "report_url": [
        "https://example.org/new?title={id}&deck={title}",
        "HTTP://{id}.example.org",
        "https://example.org/{id}/{x}",
        "https://example.org/new?title={id",
        "https:///new?title={id}",
        "https://example.org/new title={id}",
        "ftp://example.org/{id}",
        "https://example.org/",
        "",
        5,
    ],
    "authors": ["Ann", ["Ann", "Bob"], [], [5], {"a": 1}, None],
    "sections": ["Projects", [], [1]],
    "exclude": ["Resources", ["A", ""], []],
    "formats": ["apkg", ["apkg", "csv"], ["pdf"], []],
    "allow": ["long-answer", ["long"], []],
    "link_items": [True, False, "true", 1, None],
    "coverage_min": [1, 2, 0, -1, "2", 2.5, True, None],
    "theme": ["dark"],
}
DECK_VALUES["title"] = ["Deck", "", 5]
DECK_VALUES["id"] = ["my-deck", "My-Deck", "a b", 5]
settings_changes = st.sampled_from([(key, value) for key, values in DECK_VALUES.items() for value in [*values, DROP]])
decks = st.builds(mutated, st.just({"title": "Deck", "id": "my-deck"}), st.lists(settings_changes, max_size=3))


@settings(max_examples=400, deadline=None)
@given(decks)
def test_the_schema_and_the_loader_agree_on_any_deck_yaml(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False) if data else "{}\n"
    assert schema_accepts(DECK, text) is loader_accepts_deck(text), text


def test_every_setting_of_the_deck_schema_is_tried_by_the_property_test() -> None:
    assert set(deck_schema()["properties"]) == set(DECK_VALUES) - {"theme"}


# --- VS Code -------------------------------------------------------------------------------------


def vscode_matches(globs: list[str], path: str) -> bool:
    """Whether VS Code's YAML extension ties a file to a schema (vscode-json-languageservice's
    FilePatternAssociation: each glob is matched as `**/glob`; the last glob that matches decides)."""
    matched = False
    for glob in globs:
        include = not glob.startswith("!")
        body = "**/" + glob.lstrip("!").lstrip("/")
        regex = ""
        i = 0
        while i < len(body):
            if body.startswith("**/", i):
                regex, i = regex + "(?:[^/]*(?:/|$))*", i + 3
            elif body.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif body[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            else:
                regex, i = regex + re.escape(body[i]), i + 1
        if re.fullmatch(regex, path):
            matched = include
    return matched


def test_init_ties_the_question_files_and_deck_yaml_to_their_schemas_in_vs_code() -> None:
    settings_json = json.loads(vscode_settings("cards"))
    assert settings_json == {
        "yaml.schemas": {
            ".vscode/cardsmith-questions.schema.json": [
                "cards/**/*.yaml",
                "cards/**/*.yml",
                "!cards/deck.yaml",
                "!**/.*",
                "!**/.*/**",
            ],
            ".vscode/cardsmith-deck.schema.json": ["cards/deck.yaml"],
        },
        "yaml.yamlVersion": "1.1",
    }
    schemas = settings_json["yaml.schemas"]
    question_globs, deck_globs = schemas.values()
    prefix = "file:///home/ann/go-deck/"
    for path, kind in {
        "cards/questions/week-01.yaml": "questions",
        "cards/phase-1/Week2.yml": "questions",
        "cards/deck.yaml": "deck",
        "cards/.cardsmith-cache/x.yaml": None,
        ".github/workflows/decks.yml": None,
        ".pre-commit-config.yaml": None,
        "other/notes.yaml": None,
    }.items():
        found = [
            name
            for name, globs in (("questions", question_globs), ("deck", deck_globs))
            if vscode_matches(globs, prefix + path)
        ]
        assert found == ([kind] if kind else []), path


def test_a_deck_at_the_root_of_its_repository_leaves_out_the_hidden_files() -> None:
    schemas = json.loads(vscode_settings("."))["yaml.schemas"]
    question_globs, deck_globs = schemas.values()
    assert question_globs == ["**/*.yaml", "**/*.yml", "!deck.yaml", "!**/.*", "!**/.*/**"]
    root = "file:///home/ann/go-deck/"
    assert vscode_matches(question_globs, root + "questions/week-01.yaml")
    assert not vscode_matches(question_globs, root + "deck.yaml")
    assert vscode_matches(deck_globs, root + "deck.yaml")
    assert not vscode_matches(question_globs, root + ".github/workflows/decks.yml")
    assert not vscode_matches(question_globs, root + ".pre-commit-config.yaml")


def test_init_writes_the_schemas_cardsmith_schema_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0
    for kind in ("questions", "deck"):
        written = Path(f".vscode/cardsmith-{kind}.schema.json").read_text(encoding="utf-8")
        assert written == CliRunner().invoke(cli, ["schema", kind]).stdout
    assert json.loads(Path(".vscode/extensions.json").read_text(encoding="utf-8")) == {
        "recommendations": ["redhat.vscode-yaml"]
    }
    assert json.loads(Path(".vscode/settings.json").read_text(encoding="utf-8")) == json.loads(vscode_settings("cards"))


def test_check_jsonschema_validates_the_shipped_cards_with_the_schema(tmp_path: Path) -> None:
    """What a deck's CI could run on its own: the schema as a file, the YAML files checked by another tool."""
    schema = tmp_path / "questions.schema.json"
    schema.write_text(CliRunner().invoke(cli, ["schema", "questions"]).stdout, encoding="utf-8")
    files = [str(path) for path in discover(FIXTURES / "mini")]
    run = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *files], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("cards:\n  - id: a\n    q: x\n    answer: y\n    topic: T\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(bad)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "Additional properties are not allowed ('answer' was unexpected)" in run.stdout
