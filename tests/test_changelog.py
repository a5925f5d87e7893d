"""`cardsmith changelog`: release notes of the cards between a git ref and the working tree.

Each test makes a real git repository: a first version built and tagged, then a second one that
adds, edits, renames (with and without an edit) and removes cards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith.build import build
from cardsmith.changelog import one_line
from cardsmith.cli import cli
from conftest import FIXTURES, NOW, edit


@pytest.fixture(autouse=True)
def _git_without_user_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str) -> str:
    settings = ["-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgSign=false"]
    done = subprocess.run(["git", "-C", str(repo), *settings, *args], check=True, capture_output=True, text=True)
    return done.stdout


def commit(repo: Path, message: str, tag: str | None = None) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["changelog", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the mini deck at version 1.0.0, built and tagged `v1.0.0`."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "mini", repo / "cards")
    edit(repo / "cards" / "deck.yaml", "formats: [apkg]", "version: 1.0.0\nformats: [apkg]")
    build(repo / "cards", repo / "decks", now=NOW)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "1.0.0", tag="v1.0.0")
    return repo


def second_version(cards: Path) -> None:
    """Version 1.1.0: one card added, one edited, one renamed, one renamed and edited, one removed."""
    edit(cards / "deck.yaml", "version: 1.0.0", "version: 1.1.0")
    phase_1 = cards / "questions" / "phase-1.yaml"
    edit(phase_1, "  - id: late-card\n", "  - id: lambda-double\n    was: late-card\n")
    edit(phase_1, "a: Нет.", "a: Нет, только с буквы или `_`.")
    added = (
        "  - id: def-returns-none\n"
        "    topic: Фаза 1 / Неделя 12-14 / Функции\n"
        '    q: "Что вернёт функция **без** `return`? См. [документацию](https://docs.python.org/3/)."\n'
        '    a: "`None`"\n'
    )
    phase_1.write_text(phase_1.read_text(encoding="utf-8") + added, encoding="utf-8")
    phase_2 = cards / "questions" / "phase-2.yaml"
    edit(
        phase_2,
        "  - id: http-post-status\n    type: type-in\n    q: Какой код ответа означает «создано»?",
        "  - id: http-created-status\n    was: http-post-status\n    type: type-in\n"
        "    q: Какой код ответа означает «ресурс создан»?",
    )
    text = phase_2.read_text(encoding="utf-8")
    phase_2.write_text(text[: text.index("  - id: ci-pipeline")], encoding="utf-8")


RELEASE_NOTES = """\
Cards since v1.0.0: 1 added, 1 changed, 2 renamed, 1 removed, 3 unchanged.

## Фаза 1: Основы (2 недели)

### Неделя 7-8: Первые шаги

- Changed `name-rules`: Может ли имя переменной начинаться с цифры?

### Неделя 12-14: Потом

- Added `def-returns-none`: Что вернёт функция без `return`? См. документацию.
- Renamed `late-card` → `lambda-double`: Что вернёт `(lambda x: x * 2)(3)`?

## Фаза 2: Сеть

### Неделя 15: HTTP

- Renamed and changed `http-post-status` → `http-created-status`: Какой код ответа означает «ресурс создан»?
- Removed `ci-pipeline`: Где лежат workflow GitHub Actions?
"""


def test_the_release_notes_since_the_last_tag_group_every_kind_of_change_by_phase_and_week(repo: Path) -> None:
    second_version(repo / "cards")  # not built, not committed: the working tree against the tag
    assert run("--cards", str(repo / "cards")) == (0, RELEASE_NOTES, "")
    assert run("--cards", str(repo / "cards"), "--since", "v1.0.0") == (0, RELEASE_NOTES, "")


def test_json_has_one_object_per_changed_card_in_the_same_order(repo: Path) -> None:
    second_version(repo / "cards")
    code, out, _ = run("--cards", str(repo / "cards"), "--json")
    assert code == 0
    phase_1, phase_2 = "Фаза 1: Основы (2 недели)", "Фаза 2: Сеть"
    assert json.loads(out) == {
        "since": "v1.0.0",
        "title": "Мини",
        "version": "1.1.0",
        "since_version": "1.0.0",
        "summary": "Cards since v1.0.0: 1 added, 1 changed, 2 renamed, 1 removed, 3 unchanged.",
        "counts": {"added": 1, "changed": 1, "renamed": 2, "removed": 1, "unchanged": 3},
        "cards": [
            {
                "change": "changed",
                "id": "name-rules",
                "was": None,
                "edited": True,
                "phase": phase_1,
                "week": "Неделя 7-8: Первые шаги",
                "question": "Может ли имя переменной начинаться с цифры?",
                "question_markdown": "Может ли имя переменной начинаться с цифры?",
            },
            {
                "change": "added",
                "id": "def-returns-none",
                "was": None,
                "edited": False,
                "phase": phase_1,
                "week": "Неделя 12-14: Потом",
                "question": "Что вернёт функция без return? См. документацию.",
                "question_markdown": "Что вернёт функция без `return`? См. документацию.",
            },
            {
                "change": "renamed",
                "id": "lambda-double",
                "was": "late-card",
                "edited": False,
                "phase": phase_1,
                "week": "Неделя 12-14: Потом",
                "question": "Что вернёт (lambda x: x * 2)(3)?",
                "question_markdown": "Что вернёт `(lambda x: x * 2)(3)`?",
            },
            {
                "change": "renamed",
                "id": "http-created-status",
                "was": "http-post-status",
                "edited": True,
                "phase": phase_2,
                "week": "Неделя 15: HTTP",
                "question": "Какой код ответа означает «ресурс создан»?",
                "question_markdown": "Какой код ответа означает «ресурс создан»?",
            },
            {
                "change": "removed",
                "id": "ci-pipeline",
                "was": None,
                "edited": False,
                "phase": phase_2,
                "week": "Неделя 15: HTTP",
                "question": "Где лежат workflow GitHub Actions?",
                "question_markdown": "Где лежат workflow GitHub Actions?",
            },
        ],
        "notetypes": [],
    }
    assert out.endswith("}\n") and '"Мини"' in out  # readable: not \u-escaped


def test_once_the_new_version_is_tagged_the_default_is_the_tag_before(repo: Path) -> None:
    cards = repo / "cards"
    second_version(cards)
    build(cards, repo / "decks", now=NOW + 86_400)
    commit(repo, "1.1.0", tag="v1.1.0")
    assert run("--cards", str(cards)) == (0, RELEASE_NOTES, "")  # the notes of the version just tagged
    nothing = "Cards since v1.1.0: 0 added, 0 changed, 0 renamed, 0 removed, 7 unchanged.\n"
    assert run("--cards", str(cards), "--since", "v1.1.0") == (0, nothing, "")
    edit(cards / "questions" / "phase-1.yaml", 'a: "`6`"', 'a: "`6`, число"')
    changed = (
        "Cards since v1.1.0: 0 added, 1 changed, 0 renamed, 0 removed, 6 unchanged.\n\n"
        "## Фаза 1: Основы (2 недели)\n\n### Неделя 12-14: Потом\n\n"
        "- Changed `lambda-double`: Что вернёт `(lambda x: x * 2)(3)`?\n"
    )
    assert run("--cards", str(cards)) == (0, changed, "")  # uncommitted changes: since the last tag


def test_a_ref_without_a_lock_is_compared_by_the_notes_its_sources_make(tmp_path: Path) -> None:
    """Without a build at the ref (no lock there), each card's content comes from the sources at the ref."""
    repo = tmp_path / "repo"
    cards = repo / "cards"
    shutil.copytree(FIXTURES / "mini", cards)
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "the first cards")
    first = git(repo, "rev-parse", "--short", "HEAD").strip()
    build(cards, repo / "decks", now=NOW)  # a lock in the working tree only: not what the ref has
    edit(cards / "questions" / "phase-2.yaml", "«создано»", "«ресурс создан»")
    expected = (
        f"Cards since {first}: 0 added, 1 changed, 0 renamed, 0 removed, 6 unchanged.\n\n"
        "## Фаза 2: Сеть\n\n### Неделя 15: HTTP\n\n"
        "- Changed `http-post-status`: Какой код ответа означает «ресурс создан»?\n"
    )
    assert run("--cards", str(cards)) == (0, expected, "")  # no tag: since the first commit


def test_a_changed_report_url_shows_as_changed_note_types_and_no_changed_card(repo: Path) -> None:
    cards = repo / "cards"
    edit(cards / "deck.yaml", "version: 1.0.0", "version: 1.0.0\nreport_url: https://example.org/report?card={id}")
    expected = (
        "Cards since v1.0.0: 0 added, 0 changed, 0 renamed, 0 removed, 7 unchanged.\n\n"
        "Card templates or style changed: cardsmith Basic, cardsmith Cloze, cardsmith Reversed, cardsmith Type-in.\n"
    )
    assert run("--cards", str(cards)) == (0, expected, "")
    assert json.loads(run("--cards", str(cards), "--json")[1])["notetypes"] == [
        "cardsmith Basic",
        "cardsmith Cloze",
        "cardsmith Reversed",
        "cardsmith Type-in",
    ]


def test_outside_a_git_repository_it_is_a_usage_error(mini: Path) -> None:
    code, out, err = run("--cards", str(mini))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {mini} is not in a git repository; `changelog` compares the deck with an earlier commit, so the "
        "deck project must be in git (git init, then commit it and tag the version you release)\n"
    )


def test_an_unknown_ref_is_a_usage_error(repo: Path) -> None:
    code, out, err = run("--cards", str(repo / "cards"), "--since", "v9")
    assert (code, out, err) == (2, "", "error: unknown git ref 'v9': not a tag, branch or commit of this repository\n")
    code, _, err = run("--cards", str(repo / "cards"), "--since", "--all")
    assert (code, err) == (2, "error: unknown git ref '--all': not a tag, branch or commit of this repository\n")


def test_a_repository_without_a_commit_is_a_usage_error(mini: Path) -> None:
    git(mini, "init", "-q", "-b", "main")
    code, _, err = run("--cards", str(mini))
    assert (code, err) == (
        2,
        "error: the repository has no commit yet; commit the deck project first (and tag each release)\n",
    )


def test_errors_in_the_cards_are_reported_at_their_place_and_exit_1(repo: Path) -> None:
    cards = repo / "cards"
    edit(cards / "questions" / "phase-2.yaml", "type: type-in", "type: typein")
    code, out, err = run("--cards", str(cards))
    assert (code, out) == (1, "")
    assert err.startswith(f"{cards / 'questions' / 'phase-2.yaml'}:8:11: error: unknown card type 'typein'")
    assert err.endswith("\n1 error(s).\n")


def test_a_broken_deck_yaml_at_the_ref_is_an_error_at_ref_and_path(repo: Path) -> None:
    edit(repo / "cards" / "deck.yaml", "id: mini-deck", "id: [mini-deck")
    commit(repo, "broken", tag="v1.0.1")
    edit(repo / "cards" / "deck.yaml", "id: [mini-deck", "id: mini-deck")
    code, out, err = run("--cards", str(repo / "cards"))
    assert (code, out) == (1, "")
    assert err == (
        "v1.0.1:cards/deck.yaml:3:12: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
        "sequence)\n1 error(s).\n"
    )


@pytest.mark.parametrize(
    ("markdown", "plain", "marked"),
    [
        ("Что вернёт `[1, 2][1:]`?", "Что вернёт [1, 2][1:]?", "Что вернёт `[1, 2][1:]`?"),
        (
            "**Жирно**, _курсив_, [ссылка](https://x.org) и ![схема](s.png)",
            "Жирно, курсив, ссылка и схема",
            "Жирно, курсив, ссылка и схема",
        ),
        ("Что выведет?\n\n```python\n\nx = 1\nprint(x)\n```", "Что выведет? x = 1 …", "Что выведет? `x = 1` …"),
        ("```python\nprint(1)\n```", "print(1)", "`print(1)`"),
        ("Строка\nвторая", "Строка вторая", "Строка вторая"),
        ("`a``b` и `` `x` ``", "a``b и `x`", "```a``b``` и `` `x` ``"),
        (
            "\\*не курсив\\* $5 ~x~ <b> 1 & 2 &amp;amp;",
            "*не курсив* $5 ~x~ <b> 1 & 2 &amp;",
            "\\*не курсив\\* \\$5 \\~x\\~ \\<b> 1 & 2 \\&amp;",
        ),
        ("[x](y) как текст: \\[x\\](y)", "x как текст: [x](y)", "x как текст: [x\\](y)"),
        ("Формула \\(x^2\\)", "Формула \\(x^2\\)", "Формула \\\\(x^2\\\\)"),
        (
            "`7 // 2` равно \ue000\ue001, а `7 % 2` равно \ue000остаток\ue001",
            "7 // 2 равно [...], а 7 % 2 равно [остаток]",
            "`7 // 2` равно [...], а `7 % 2` равно [остаток]",
        ),
    ],
)
def test_a_question_becomes_one_line_of_text_and_of_markdown(markdown: str, plain: str, marked: str) -> None:
    assert one_line(markdown) == (plain, marked)


def test_a_long_question_is_cut_at_a_word() -> None:
    assert one_line("слово " * 30, limit=20) == ("слово слово слово…", "слово слово слово…")
    assert one_line("Что делает `" + "x" * 30 + "`?", limit=20) == (
        "Что делает xxxxxxxxx …",
        "Что делает `xxxxxxxxx` …",
    )
