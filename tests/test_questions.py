from __future__ import annotations

import textwrap

import pytest

from cardsmith.model import CardType
from cardsmith.questions import load_questions
from cardsmith.sources import Text, decode


def load(text: str) -> tuple[list[str], list[str]]:
    questions, problems = load_questions(Text("q.yaml", textwrap.dedent(text)))
    return [q.id for q in questions], [str(p) for p in problems]


def test_a_card_keeps_its_fields_location_and_the_file_topic() -> None:
    questions, problems = load_questions(
        Text(
            "q.yaml",
            textwrap.dedent(
                """\
                topic: Фаза 1 / Неделя 1-2
                cards:
                  - id: list-slicing
                    q: Что вернёт `[1, 2, 3][1:]`?
                    a: "`[2, 3]`"
                    extra: Срез не включает конец.
                    tags: [slices]
                  - id: floor
                    type: cloze
                    topic: Фаза 1 / Операторы
                    text: "`7 // 2` равно {{c1::3}}"
                """
            ),
        )
    )
    assert problems == []
    first, second = questions
    assert (first.id, first.type, first.topic, first.q, first.a, first.tags) == (
        "list-slicing",
        CardType.BASIC,
        "Фаза 1 / Неделя 1-2",
        "Что вернёт `[1, 2, 3][1:]`?",
        "`[2, 3]`",
        ("slices",),
    )
    assert str(first.location) == "q.yaml:3:5"
    assert str(first.topic_location) == "q.yaml:1:8"
    assert (second.type, second.topic, str(second.topic_location)) == (
        CardType.CLOZE,
        "Фаза 1 / Операторы",
        "q.yaml:10:12",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cards:\n  - id: a\n    q: x\n    q: y\n    a: z\n    topic: t\n",
            ["q.yaml:4:5: error: duplicate key 'q' (first at line 3); YAML would keep only the last one"],
        ),
        (
            "cards:\n  - q: x\n    a: y\n    topic: t\n",
            ["q.yaml:2:5: error: card has no 'id'; every card needs a unique id (e.g. id: list-slicing)"],
        ),
        ("cards:\n  - id: ''\n    q: x\n    a: y\n    topic: t\n", ["q.yaml:2:9: error: 'id' is empty"]),
        ("cards:\n  - id: a\n    a: y\n    topic: t\n", ["q.yaml:2:5: error: basic card 'a' has no 'q'"]),
        ("cards:\n  - id: a\n    q: '  '\n    a: y\n    topic: t\n", ["q.yaml:3:8: error: 'q' is empty"]),
        (
            "cards:\n  - id: a\n    qestion: x\n    q: x\n    a: y\n    topic: t\n",
            ["q.yaml:3:5: error: unknown key 'qestion' (did you mean 'q'?)"],
        ),
        (
            "cards:\n  - id: a\n    q: x\n    a: 404\n    topic: t\n",
            ["q.yaml:4:8: error: 'a' must be text, but YAML reads '404' as a number; quote it: a: \"404\""],
        ),
        (
            "cards:\n  - id: a\n    type: clozе\n    text: x\n    topic: t\n",
            [
                "q.yaml:3:11: error: unknown card type 'clozе' (did you mean 'cloze'?); use one of: basic, reversed, cloze, type-in"
            ],
        ),
        (
            "cards:\n  - id: a\n    type: cloze\n    q: x\n    topic: t\n",
            [
                "q.yaml:2:5: error: cloze card 'a' has no 'text'",
                "q.yaml:4:5: error: a cloze card has no 'q'; use 'text' with {{c1::…}}",
            ],
        ),
        (
            "cards:\n  - id: a\n    q: x\n    a: y\n    topic: t\n    tags: [ok, 'two words']\n",
            ["q.yaml:6:16: error: 'two words' in 'tags': a tag cannot contain spaces or quotes"],
        ),
        (
            "cards:\n  - id: a\n    q: x\n    a: y\n",
            ["q.yaml:2:5: error: card 'a' has no 'topic' and the file sets no default 'topic:'"],
        ),
        (
            "cards: {}\n",
            ["q.yaml:1:8: error: 'cards' must be a list of cards (lines starting with '- '), not a mapping"],
        ),
        ("topic: x\n", ["q.yaml:1:1: error: no 'cards:' key; a question file is a mapping with a 'cards:' list"]),
        ("", ["q.yaml:1:1: error: empty file; a question file needs a 'cards:' list"]),
        ("- a\n", ["q.yaml:1:1: error: a question file must be a mapping with a 'cards:' list, not a list"]),
        (
            "cards:\n  - id: a\n    type: type-in\n    q: x\n    a: |\n      two\n      lines\n    topic: t\n",
            [
                "q.yaml:5:8: error: the answer of type-in card 'a' must be one line: the exact text to type "
                "(put explanations in 'extra')"
            ],
        ),
    ],
)
def test_each_mistake_is_reported_with_its_place(text: str, expected: list[str]) -> None:
    assert load(text)[1] == expected


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    ids, problems = load(
        """\
        cards:
          - id: good
            q: x
            a: y
            topic: t
          - id: bad-one
            q: x
            topic: t
          - id: bad-two
            q: x
            a: y
            topic: t
            colour: red
        """
    )
    assert ids == ["good"]
    assert problems == [
        "q.yaml:6:5: error: basic card 'bad-one' has no 'a'",
        "q.yaml:13:5: error: unknown key 'colour'",
    ]


def test_an_unquoted_colon_in_a_value_gets_a_hint_to_quote_it() -> None:
    _, problems = load("cards:\n  - id: a\n    q: Что такое dict: словарь?\n    a: y\n")
    assert len(problems) == 1
    assert problems[0].startswith("q.yaml:3:")
    assert 'a value that contains ": " must be quoted' in problems[0]


def test_tabs_used_for_indentation_are_named() -> None:
    _, problems = load("cards:\n\t- id: a\n")
    assert problems == ["q.yaml:2:1: error: tab used for indentation; YAML allows only spaces"]


def test_aliases_are_refused_before_they_can_expand() -> None:
    bomb = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    _, problems = load(bomb)
    assert len(problems) == 1
    assert "anchors and aliases (& and *) are not supported" in problems[0]


def test_invalid_utf8_names_line_and_column_and_a_bom_is_accepted() -> None:
    text, problems = decode("cards:\n  - id: \xff\n".encode("latin-1"), "q.yaml")
    assert text is None
    assert [str(p) for p in problems] == ["q.yaml:2:9: error: invalid UTF-8 (byte 0xff); save the file as UTF-8"]
    text, problems = decode("\ufeffcards: []\r\n".encode("utf-8"), "q.yaml")
    assert problems == [] and text is not None
    assert text.text == "cards: []\n"


def test_markdown_in_a_type_in_answer_is_left_to_the_quality_warnings() -> None:
    # The loader keeps the card; the warning is type-in-markup in lint.py (tests/test_lint.py), so it can be allowed.
    ids, problems = load("cards:\n  - id: a\n    type: type-in\n    q: Метод?\n    a: '`append`'\n    topic: t\n")
    assert ids == ["a"]
    assert problems == []


def test_check_python_and_allow_are_read_and_checked() -> None:
    questions, problems = load_questions(
        Text(
            "q.yaml",
            "topic: t\ncards:\n  - id: a\n    q: x\n    a: y\n    check: output\n    python: '>=3.12'\n"
            "    allow: [long-answer]\n",
        )
    )
    assert problems == []
    assert (questions[0].check, questions[0].python, questions[0].allow) == ("output", ">=3.12", ("long-answer",))
    _, problems = load_questions(
        Text(
            "q.yaml",
            "topic: t\ncards:\n  - id: a\n    q: x\n    a: y\n    check: outptu\n    python: 'three'\n"
            "    allow: [long-answr]\n"
            "  - id: b\n    type: cloze\n    text: '{{c1::x}}'\n    check: runs\n"
            "  - id: c\n    q: x\n    a: y\n    python: '>=3.12'\n",
        )
    )
    assert [str(p) for p in problems] == [
        "q.yaml:6:12: error: check 'outptu' (did you mean 'output'?): use one of output, raises, runs",
        "q.yaml:7:13: error: python 'three': write a range of versions such as '>=3.13' or '>=3.11,<3.14'",
        "q.yaml:8:12: error: unknown warning 'long-answr' (did you mean 'long-answer'?); known: long-answer, "
        "gives-away, answer-in-question, code-language, type-in-markup, near-duplicate",
        "q.yaml:12:12: error: a cloze card has no answer to check its code against",
        "q.yaml:16:13: error: 'python' says which versions a check holds for: add 'check'",
    ]


def test_version_ranges_match_as_written() -> None:
    from cardsmith.versions import matches, parse_range

    clauses, why = parse_range(">=3.11, <3.14")
    assert why == ""
    assert [matches(clauses, v) for v in ((3, 10, 9), (3, 11, 0), (3, 13, 7), (3, 14, 0))] == [False, True, True, False]
    assert matches(parse_range("==3.12")[0], (3, 12, 4))
    assert parse_range(">= 3")[1] == "" and parse_range("~=3.1")[1] != ""
