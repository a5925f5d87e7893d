"""YAML indentation mistakes are named as such, at the line the author has to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cardsmith.cli import cli
from cardsmith.sources import Text, compose

Q = "cards/questions/bad.yaml"
TOPIC = "Фаза 1 / Неделя 7-8 / Синтаксис / Переменные"
CARD = f"topic: {TOPIC}\ncards:\n  - id: loops-for-else\n"  # lines 1-3; the cases go on from line 4


@pytest.fixture
def project(mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small deck as ./cards, so messages show short relative paths."""
    monkeypatch.chdir(mini.parent)
    return mini


def check(project: Path, text: str) -> tuple[int, list[str]]:
    (project / "questions" / "bad.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--cards", "cards"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.splitlines()


CASES = {
    "a key one space too far": (
        "    q: Когда выполняется `else` у цикла `for`?\n     a: Когда цикл завершился без `break`.\n",
        f"{Q}:5:6: error: wrong indentation: line 5 is indented by 5 spaces, but the keys above it by 4; "
        "indent 'a:' like 'q:'",
    ),
    "a key one space too far after a quoted value": (
        '    q: "Когда?"\n     a: Без `break`.\n',
        f"{Q}:5:6: error: wrong indentation: line 5 is indented by 5 spaces, but the keys above it by 4; "
        "indent 'a:' like 'q:'",
    ),
    "a key one space too few": (
        "    q: Когда?\n   a: Без `break`.\n    tags: [python]\n",
        f"{Q}:5:4: error: wrong indentation: line 5 is indented by 3 spaces, but the keys above it by 4; "
        "indent 'a:' like 'q:'",
    ),
    "a card key at the column of its '- '": (
        "    q: Когда?\n  a: Без `break`.\n",
        f"{Q}:5:3: error: wrong indentation: line 5 is indented by 2 spaces, but the keys above it by 4; "
        "indent 'a:' like 'q:'",
    ),
    "a card one space too far": (
        "    q: Когда?\n    a: Без `break`.\n   - id: next\n    q: x\n",
        f"{Q}:6:4: error: wrong indentation: line 6 is indented by 3 spaces, but the '- ' items above it by 2; "
        "indent it like them",
    ),
    "text on the line of '|'": (
        "    q: Когда?\n    a: | Когда цикл завершился без `break`.\n",
        f"{Q}:5:10: error: text after '|' must start on the next line, indented (or drop the '|' for one-line text)",
    ),
    "text on the line of '>-'": (
        "    q: Когда?\n    a: >- Без `break`.\n",
        f"{Q}:5:11: error: text after '>-' must start on the next line, indented (or drop the '>-' for one-line text)",
    ),
    "the text of 'q: |' not indented": (
        "    q: |\n    Когда выполняется `else`?\n    a: Без `break`.\n",
        f"{Q}:5:5: error: the text of 'q: |' must be indented more than 'q'",
    ),
    "the text of 'q: |' further left than 'q'": (
        "    q: |\nprint(1)\n    a: Без `break`.\n",
        f"{Q}:5:1: error: the text of 'q: |' must be indented more than 'q'",
    ),
    "the text of 'q: |' that YAML reads as a key": (
        "    q: |\n    Что такое: цикл?\n    a: Без `break`.\n",
        f"{Q}:5:5: error: the text of 'q: |' must be indented more than 'q'",
    ),
    "the text of 'a: |' as the file's last line": (
        "    q: Когда?\n    a: |\n    Без `break`.\n",
        f"{Q}:6:5: error: the text of 'a: |' must be indented more than 'a'",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_indentation_mistake_is_named_at_the_line_to_fix(project: Path, case: str) -> None:
    text, expected = CASES[case]
    code, err = check(project, CARD + text)
    assert (code, err[:-1]) == (1, [expected])  # the one problem, then the count


def test_the_first_line_indented_too_far_is_named(project: Path) -> None:
    code, err = check(project, f" topic: {TOPIC}\ncards: []\n")
    assert (code, err[0]) == (
        1,
        f"{Q}:1:2: error: wrong indentation: line 1 is indented by 1 space, but the keys below it by 0; "
        "indent 'topic:' like 'cards:'",
    )


def test_a_colon_inside_a_correctly_indented_value_still_asks_for_quotes(project: Path) -> None:
    code, err = check(project, CARD + "    q: Что делает a: b?\n    a: y\n")
    assert (code, err[0]) == (
        1,
        f'{Q}:4:20: error: invalid YAML: mapping values are not allowed in this context; a value that contains ": " '
        'must be quoted, e.g. q: "a: b", or written as a block (q: |)',
    )


def test_a_tab_in_the_indentation_is_still_named(project: Path) -> None:
    code, err = check(project, CARD + "    q: x\n\ta: y\n")
    assert (code, err[0]) == (1, f"{Q}:5:1: error: tab used for indentation; YAML allows only spaces")


def test_an_empty_block_followed_by_a_key_is_still_an_empty_value(project: Path) -> None:
    code, err = check(project, CARD + "    q: |\n    a: y\n")
    assert (code, err[0]) == (1, f"{Q}:4:8: error: 'q' is empty")


# A valid question file: every value is plain text on the key's line, a flow list, or an indented block.
words = st.text(alphabet="абвгдxyz019 ", min_size=1, max_size=12).map(lambda s: "w" + s.strip())
value_lines = st.one_of(
    words.map(lambda w: [w]),
    st.lists(words, min_size=1, max_size=3).map(lambda ws: [f"[{', '.join(ws)}]"]),
    st.lists(words, min_size=1, max_size=3).map(lambda ws: ["|", *ws]),
)
card_keys = st.lists(st.sampled_from(["q", "a", "extra", "tags", "topic"]), min_size=1, max_size=4, unique=True)


@st.composite
def shifted_files(draw: st.DrawFn) -> tuple[str, int, int]:
    """A valid file with one key line moved one space left or right: (text, 1-based line, its new indent)."""
    lines: list[str] = ["topic: Фаза 1", "cards:"]
    key_lines: list[int] = [0, 1]
    for number in range(draw(st.integers(1, 3))):
        lines.append(f"  - id: c{number}")
        for key in draw(card_keys):
            first, *more = draw(value_lines)
            key_lines.append(len(lines))
            lines.append(f"    {key}: {first}")
            lines.extend(f"      {line}" for line in more)
    line = draw(st.sampled_from(key_lines[::-1]))  # the cards' keys first: hypothesis favours early choices
    indent = len(lines[line]) - len(lines[line].lstrip(" "))
    new = indent + draw(st.sampled_from([-1, 1] if indent else [1]))
    lines[line] = " " * new + lines[line].lstrip(" ")
    return "\n".join(lines) + "\n", line + 1, new


@settings(max_examples=300, deadline=None)
@given(shifted_files())
def test_moving_any_key_line_by_one_space_is_named_at_that_line(case: tuple[str, int, int]) -> None:
    text, line, indent = case
    _, problems = compose(Text("q.yaml", text))
    assert [str(p).split(", but", 1)[0] for p in problems] == [
        f"q.yaml:{line}:{indent + 1}: error: wrong indentation: line {line} is indented by "
        + ("1 space" if indent == 1 else f"{indent} spaces")
    ], text
