"""Broken and hostile sources: every problem located, all at once, exit 1, nothing written."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cardsmith.cache import Caches
from cardsmith.cli import cli
from cardsmith.curriculum import parse_curriculum
from cardsmith.pipeline import prepare
from cardsmith.questions import load_questions
from cardsmith.sources import Text, decode
from conftest import NOW

Q = "cards/questions/bad.yaml"
TOPIC = "Фаза 1 / Неделя 7-8 / Синтаксис / Переменные"


@pytest.fixture
def project(mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small deck as ./cards, so messages show short relative paths."""
    monkeypatch.chdir(mini.parent)
    return mini


def check(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", "--cards", "cards", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr.splitlines()


def write(project: Path, text: str | bytes, name: str = "bad.yaml") -> None:
    path = project / "questions" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


CASES = {
    "yaml syntax": (
        "cards:\n  - id: a\n    q: [not closed\n    a: b\n",
        f"{Q}:4:6: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    "unquoted colon": (
        f"cards:\n  - id: a\n    q: Что такое dict: словарь?\n    a: b\n    topic: {TOPIC}\n",
        f'{Q}:3:22: error: invalid YAML: mapping values are not allowed in this context; a value that contains ": " '
        'must be quoted, e.g. q: "a: b", or written as a block (q: |)',
    ),
    "tab indentation": ("cards:\n\t- id: a\n", f"{Q}:2:1: error: tab used for indentation; YAML allows only spaces"),
    "duplicate key": (
        f"cards:\n  - id: a\n    q: x\n    a: y\n    a: z\n    topic: {TOPIC}\n",
        f"{Q}:5:5: error: duplicate key 'a' (first at line 4); YAML would keep only the last one",
    ),
    "missing id": (
        f"cards:\n  - q: x\n    a: y\n    topic: {TOPIC}\n",
        f"{Q}:2:5: error: card has no 'id'; every card needs a unique id (e.g. id: list-slicing)",
    ),
    "empty id": (
        f"cards:\n  - id:\n    q: x\n    a: y\n    topic: {TOPIC}\n",
        f"{Q}:2:8: error: 'id' must be text, not empty",
    ),
    "missing q": (f"cards:\n  - id: a\n    a: y\n    topic: {TOPIC}\n", f"{Q}:2:5: error: basic card 'a' has no 'q'"),
    "empty a": (f"cards:\n  - id: a\n    q: x\n    a: ''\n    topic: {TOPIC}\n", f"{Q}:4:8: error: 'a' is empty"),
    "missing text": (
        f"cards:\n  - id: a\n    type: cloze\n    topic: {TOPIC}\n",
        f"{Q}:2:5: error: cloze card 'a' has no 'text'",
    ),
    "misspelt key": (
        f"cards:\n  - id: a\n    q: x\n    answr: y\n    topic: {TOPIC}\n",
        f"{Q}:4:5: error: unknown key 'answr' (did you mean 'a'?)",
    ),
    "cards not a list": (
        "cards: x\n",
        f"{Q}:1:8: error: 'cards' must be a list of cards (lines starting with '- '), not text",
    ),
    "number for text": (
        f"cards:\n  - id: a\n    q: x\n    a: 1.10\n    topic: {TOPIC}\n",
        f"{Q}:4:8: error: 'a' must be text, but YAML reads '1.10' as a number; quote it: a: \"1.10\"",
    ),
    "tags not a list of strings": (
        f"cards:\n  - id: a\n    q: x\n    a: y\n    topic: {TOPIC}\n    tags: {{a: b}}\n",
        f"{Q}:6:11: error: 'tags' must be a list of text, like [a, b]",
    ),
    "unknown type": (
        f"cards:\n  - id: a\n    type: flip\n    q: x\n    a: y\n    topic: {TOPIC}\n",
        f"{Q}:3:11: error: unknown card type 'flip'; use one of: basic, reversed, cloze, type-in",
    ),
    "unknown topic": (
        "cards:\n  - id: a\n    q: x\n    a: y\n    topic: Фаза 1 / Неделя 7-8 / Синтаксис / Перменные\n",
        f"{Q}:5:12: error: unknown topic 'Фаза 1 / Неделя 7-8 / Синтаксис / Перменные': no topic 'Перменные' under "
        "'Фаза 1 / Неделя 7-8 / Синтаксис'; closest: 'Переменные', 'Операторы (арифметические)'",
    ),
    "cloze without deletion": (
        f"cards:\n  - id: a\n    type: cloze\n    text: no blanks\n    topic: {TOPIC}\n",
        f"{Q}:4:11: error: cloze card 'a' has no deletion; mark one like {{{{c1::answer}}}}",
    ),
    "cloze gap": (
        f"cards:\n  - id: a\n    type: cloze\n    text: '{{{{c1::x}}}} {{{{c3::y}}}}'\n    topic: {TOPIC}\n",
        f"{Q}:4:11: error: cloze card 'a' skips c2; number deletions from c1 without gaps",
    ),
    "cloze unbalanced": (
        f"cards:\n  - id: a\n    type: cloze\n    text: '{{{{c1::x}} y'\n    topic: {TOPIC}\n",
        f"{Q}:4:11: error: cloze card 'a' has a '{{{{c…::' without its closing '}}}}'",
    ),
    "invalid utf-8": (
        b"cards:\n  - id: a\n    q: caf\xe9\n",
        f"{Q}:3:11: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8",
    ),
    "empty file": ("", f"{Q}:1:1: error: empty file; a question file needs a 'cards:' list"),
    "no cards key": (
        "topic: x\ncard: []\n",
        f"{Q}:2:1: error: unknown key 'card' (did you mean 'cards'?)",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_broken_question_file_gets_one_located_error(project: Path, case: str) -> None:
    text, expected = CASES[case]
    write(project, text)
    code, err = check()
    assert code == 1
    assert expected in err
    assert err[-1].endswith("error(s).")  # check never writes: it says nothing about writing


def test_a_file_without_cards_says_what_is_missing(project: Path) -> None:
    write(project, "topic: x\n")
    assert check() == (
        1,
        [
            f"{Q}:1:1: error: no 'cards:' key; a question file is a mapping with a 'cards:' list",
            "1 error(s).",
        ],
    )


def test_duplicate_ids_across_files_are_reported_at_both(project: Path) -> None:
    write(project, f"cards:\n  - id: late-card\n    q: x\n    a: y\n    topic: {TOPIC}\n")
    code, err = check()
    first = "cards/questions/phase-1.yaml:3:9"
    assert (code, err) == (
        1,
        [
            f"{Q}:2:9: error: duplicate card id 'late-card', also used at {first}; ids must be unique in the deck",
            f"{first}: error: duplicate card id 'late-card', also used at {Q}:2:9; ids must be unique in the deck",
            "2 error(s).",
        ],
    )


def test_a_duplicate_id_is_reported_even_while_its_card_has_another_error(project: Path) -> None:
    write(project, f"cards:\n  - id: late-card\n    q: ''\n    a: y\n    topic: {TOPIC}\n")
    code, err = check()
    assert code == 1
    assert f"{Q}:3:8: error: 'q' is empty" in err
    assert (
        f"{Q}:2:9: error: duplicate card id 'late-card', also used at cards/questions/phase-1.yaml:3:9; ids must be unique in the deck"
        in err
    )


def test_all_problems_of_all_files_come_at_once(project: Path) -> None:
    write(project, "cards:\n\t- id: a\n", "one.yaml")
    write(project, "cards: x\n", "two.yaml")
    code, err = check()
    assert code == 1
    assert err == [
        "cards/questions/one.yaml:2:1: error: tab used for indentation; YAML allows only spaces",
        "cards/questions/two.yaml:1:8: error: 'cards' must be a list of cards (lines starting with '- '), not text",
        "2 error(s).",
    ]


def test_a_bom_is_accepted(project: Path) -> None:
    write(project, "\ufeff" + f"cards:\n  - id: bom\n    q: x\n    a: y\n    topic: {TOPIC}\n")
    assert check() == (0, [])


@pytest.mark.parametrize(
    ("deck_yaml", "expected"),
    [
        ("title: T\n", "cards/deck.yaml:1:1: error: missing setting 'id'"),
        (
            "title: T\nid: Has Spaces\n",
            "cards/deck.yaml:2:5: error: 'id' must be lower-case letters, digits and dashes",
        ),
        ("title: T\nid: t\ntitel: x\n", "cards/deck.yaml:3:1: error: unknown setting 'titel' (did you mean 'title'?)"),
        (
            "title: T\nid: t\nformats: [apgk]\n",
            "cards/deck.yaml:3:11: error: unknown format 'apgk' (did you mean 'apkg'?)",
        ),
        (
            "title: T\nid: t\ncurriculum: nope.md\n",
            "cards/deck.yaml: error: curriculum file 'nope.md' not found in cards",
        ),
        ("- title\n", "cards/deck.yaml:1:1: error: deck.yaml must be a mapping of settings (title: …, id: …)"),
        (
            "title: T\nid: t\nlanguage: Русский\n",
            "cards/deck.yaml:3:11: error: 'language' must be a language tag such as ru, en or pt-BR",
        ),
    ],
)
def test_a_broken_deck_yaml_is_located(project: Path, deck_yaml: str, expected: str) -> None:
    (project / "deck.yaml").write_text(deck_yaml, encoding="utf-8")
    code, err = check()
    assert code == 1 and err[0].startswith(expected), err


def test_a_missing_deck_yaml_says_how_to_start(project: Path) -> None:
    (project / "deck.yaml").unlink()
    assert check()[1][0] == "cards/deck.yaml: error: no deck.yaml here; create one with `cardsmith init cards`"


def test_a_curriculum_without_phases_is_an_error(project: Path) -> None:
    (project / "curriculum.md").write_text("# План\n\n## Введение\n- тема\n", encoding="utf-8")
    code, err = check()
    assert code == 1
    assert err[0] == (
        "cards/curriculum.md:1:1: error: no phases found: a phase is a '## ' heading whose title starts with a phase "
        "word (Фаза, Phase, Этап, Stage, Модуль, Module, Часть, Part); set phase_word in deck.yaml to the word your "
        "plan uses"
    )


def elapsed(project: Path) -> tuple[float, int, list[str]]:
    start = time.perf_counter()
    code, err = check()
    return time.perf_counter() - start, code, err


def test_an_alias_bomb_is_refused_without_expanding(project: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    write(project, "\n".join(lines) + "\ncards: []\n")
    seconds, code, err = elapsed(project)
    assert code == 1
    assert err[0] == f"{Q}:2:10: error: YAML anchors and aliases (& and *) are not supported here; write the value out"
    assert seconds < 30  # a generous bound: expanding it would never finish


def test_a_50_mb_file_is_refused_before_it_is_read(project: Path) -> None:
    with open(project / "questions" / "bad.yaml", "wb") as out:
        out.truncate(50 * 1024 * 1024)
    seconds, code, err = elapsed(project)
    assert code == 1
    assert err[0] == f"{Q}: error: file is 50.0 MB; the limit is 5 MB (split it into several files)"
    assert seconds < 30


def test_a_one_megabyte_field_is_refused(project: Path) -> None:
    write(project, f"cards:\n  - id: a\n    q: {'x' * 1_000_000}\n    a: y\n    topic: {TOPIC}\n")
    code, err = check()
    assert code == 1
    assert err[0] == f"{Q}:3:8: error: value is longer than 100,000 characters"


def test_nesting_ten_thousand_deep_is_refused(project: Path) -> None:
    write(project, "cards: " + "[" * 10_000 + "]" * 10_000 + "\n")
    code, err = check()
    assert code == 1
    assert err[0].startswith(f"{Q}:1:") and err[0].endswith("error: YAML nested too deeply")


def test_raw_html_and_javascript_links_never_reach_a_note(project: Path, tmp_path: Path) -> None:
    write(
        project,
        "cards:\n  - id: xss\n    q: '<script>alert(1)</script> <img src=x onerror=alert(1)>'\n"
        f"    a: '[click](javascript:alert(1))'\n    topic: {TOPIC}\n",
    )
    deck = prepare(Path("cards"), Caches(), now=NOW).plan.deck
    note = next(n for n in deck.notes if n.id == "xss")
    assert "<script" not in note.field("Front") and "<img" not in note.field("Front")
    assert "&lt;script&gt;" in note.field("Front")
    assert "javascript:" not in note.field("Back").replace("[click](javascript:alert(1))", "")
    assert "<a " not in note.field("Back")


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../../outside.png", "image '../../outside.png' is outside the deck folder cards; copy it into the folder"),
        ("/etc/hostname", "image '/etc/hostname' is outside the deck folder cards; copy it into the folder"),
        ("link.png", "image 'link.png' is outside the deck folder cards; copy it into the folder"),
        ("missing.png", "image 'missing.png' not found"),
        (
            "https://example.org/a.png",
            "image 'https://example.org/a.png' is on the web; save it in the deck folder and link the file",
        ),
    ],
)
def test_images_that_leave_the_deck_folder_are_refused(project: Path, src: str, message: str) -> None:
    (project.parent / "outside.png").write_bytes(b"png")
    (project / "questions" / "link.png").symlink_to(project.parent / "outside.png")
    write(project, f"cards:\n  - id: img\n    q: '![x]({src})'\n    a: y\n    topic: {TOPIC}\n")
    code, err = check()
    assert code == 1
    assert err[0].startswith(f"{Q}:2:5: error: {message}")


def test_an_image_inside_the_deck_folder_is_packaged(project: Path, tmp_path: Path) -> None:
    (project / "questions" / "img").mkdir()
    (project / "questions" / "img" / "schema.png").write_bytes(b"\x89PNG fake")
    write(project, f"cards:\n  - id: img\n    q: '![схема](img/schema.png)'\n    a: y\n    topic: {TOPIC}\n")
    deck = prepare(Path("cards"), Caches(), now=NOW).plan.deck
    image = b"\x89PNG fake"
    flat = hashlib.sha256(image).hexdigest()[:8] + "-schema.png"
    assert deck.media == ((flat, image),)
    note = next(n for n in deck.notes if n.id == "img")
    assert f'<img src="{flat}" alt="схема" />' in note.field("Front")
    assert note.media == (("img/schema.png", flat),)


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_build_changes_no_byte_of_the_decks_or_the_lock(project: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["build", "--cards", "cards", "--out", "decks"], env={"SOURCE_DATE_EPOCH": str(NOW)}
        ).exit_code
        == 0
    )
    before = snapshot(project.parent / "decks", project)
    (project / "questions" / "phase-1.yaml").write_text(
        (project / "questions" / "phase-1.yaml").read_text(encoding="utf-8").replace("a: Нет.", "a: Нет!"),
        encoding="utf-8",
    )
    write(project, "cards: x\n")
    result = runner.invoke(
        cli, ["build", "--cards", "cards", "--out", "decks"], env={"SOURCE_DATE_EPOCH": str(NOW + 9)}
    )
    assert result.exit_code == 1
    (project / "questions" / "bad.yaml").unlink()
    after = snapshot(project.parent / "decks", project)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed == {str(project / "questions" / "phase-1.yaml")}


def test_a_write_that_fails_midway_leaves_everything_as_it_was(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["build", "--cards", "cards", "--out", "decks"], env={"SOURCE_DATE_EPOCH": str(NOW)})
    before = snapshot(project.parent / "decks", project)
    (project / "questions" / "phase-2.yaml").write_text(
        (project / "questions" / "phase-2.yaml").read_text(encoding="utf-8").replace("В `.github/workflows/`.", "Там."),
        encoding="utf-8",
    )
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 1:
            raise PermissionError(13, "Permission denied", dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = runner.invoke(
        cli, ["build", "--cards", "cards", "--out", "decks"], env={"SOURCE_DATE_EPOCH": str(NOW + 9)}
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write ") and "Permission denied" in result.stderr
    after = snapshot(project.parent / "decks", project)
    assert {k for k in after if before.get(k) != after[k]} == {str(project / "questions" / "phase-2.yaml")}
    assert not [p for p in (project.parent / "decks").iterdir() if p.name.endswith(".tmp")]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
@example("\r|:")  # a lone \r is a line break to YAML: its marks count it, so must the diagnosis
@example("a: |x\u2028b: 1")
def test_any_text_loads_to_questions_or_problems_never_an_exception(text: str) -> None:
    questions, problems = load_questions(Text("q.yaml", text))
    assert isinstance(questions, tuple) and isinstance(problems, list)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["topic", "cards", "x"]),
        yaml_values
        | st.lists(
            st.dictionaries(
                st.sampled_from(["id", "q", "a", "text", "type", "topic", "tags", "was", "extra", "zz"]),
                yaml_values,
                max_size=8,
            ),
            max_size=3,
        ),
    )
)
def test_any_yaml_shaped_structure_loads_or_reports(data: object) -> None:
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True)
    questions, problems = load_questions(Text("q.yaml", text))
    assert questions or problems or data.get("cards") == []  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses_as_a_curriculum_or_reports(text: str) -> None:
    curriculum, problems = parse_curriculum(text, "c.md")
    assert curriculum.phases or problems


@settings(max_examples=100, deadline=None)
@given(st.binary())
def test_any_bytes_decode_or_report(data: bytes) -> None:
    text, problems = decode(data, "q.yaml")
    assert (text is None) == bool(problems)


def test_an_image_that_cannot_be_read_is_a_located_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "questions" / "dot.png").write_bytes(b"png")
    write(project, f"cards:\n  - id: img\n    q: '![x](dot.png)'\n    a: y\n    topic: {TOPIC}\n")
    real = Path.read_bytes

    def unreadable(path: Path) -> bytes:
        if path.name == "dot.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    code, err = check()
    assert code == 1
    assert err[0] == f"{Q}:2:5: error: image 'dot.png' cannot be read: Permission denied"
