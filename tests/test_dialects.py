"""Another plan, written in another Markdown hand, builds into the right decks in its own folders."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.cli import cli
from conftest import NOW, ROOT

CURRICULUM = (
    "\ufeff# Go for beginners\r\n"
    "\r\n"
    "<!-- draft: weeks may move -->\r\n"
    "## Stage 1: Basics\r\n"
    "1. **Types**\r\n"
    "    1. `int` and `float`\r\n"
    "    2. Strings  \r\n"
    "2. Control flow\r\n"
    "\r\n"
    "## Stage 2: Web\r\n"
    "### Week 10: HTTP\r\n"
    "* **net/http**\r\n"
    "    * Handlers\r\n"
    "### Week 9: Tooling\r\n"
    "* `go test`\r\n"
    "\r\n"
    "## Resources\r\n"
    "* The Go Tour\r\n"
)

QUESTIONS = """\
cards:
  - id: go-int-size
    topic: Stage 1 / Types / int and float
    q: How many bits has `int64`?
    a: "64"
    type: type-in
  - id: go-strings-immutable
    topic: Stage 1 / Types / Strings
    q: Are Go strings mutable?
    a: No.
  - id: go-for-only-loop
    topic: Stage 1 / Control flow
    type: cloze
    text: Go has one loop keyword, {{c1::for}}.
  - id: go-handler-interface
    topic: Stage 2 / Week 10 / net/http / Handlers
    q: Which method does `http.Handler` require?
    a: "`ServeHTTP(w, r)`"
  - id: go-test-command
    topic: Stage 2 / Week 9 / go test
    q: Which files does `go test` look at?
    a: Files ending in `_test.go`.
"""


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def go_plan(tmp_path: Path) -> Path:
    plan = tmp_path / "go-plan"
    (plan / "questions").mkdir(parents=True)
    (plan / "deck.yaml").write_text("title: Go\nid: go-basics\nphase_word: Stage\n", encoding="utf-8")
    (plan / "curriculum.md").write_bytes(CURRICULUM.encode("utf-8"))
    (plan / "questions" / "all.yaml").write_text(QUESTIONS, encoding="utf-8")
    return plan


@pytest.mark.anki
def test_a_plan_in_another_dialect_builds_into_its_own_decks_without_touching_ours(
    go_plan: Path, tmp_path: Path, collection: Any
) -> None:
    ours = digest(ROOT / "decks")
    out = tmp_path / "go-decks"
    result = CliRunner().invoke(
        cli, ["build", "--cards", str(go_plan), "--out", str(out)], env={"SOURCE_DATE_EPOCH": str(NOW)}
    )
    assert result.exit_code == 0, result.output
    assert sorted(digest(out)) == [
        ".cardsmith-outputs",
        "go-basics-phase-1.apkg",
        "go-basics-phase-2.apkg",
        "go-basics.apkg",
    ]
    assert digest(ROOT / "decks") == ours

    import_apkg(collection, out / "go-basics.apkg")
    assert collection.note_count() == 5
    deck_of = {
        card_id: collection.decks.name(collection.get_card(note_by_card_id(collection, card_id).card_ids()[0]).did)
        for card_id in ("go-int-size", "go-for-only-loop", "go-handler-interface", "go-test-command")
    }
    assert deck_of == {
        "go-int-size": "Go::01 Stage 1: Basics",
        "go-for-only-loop": "Go::01 Stage 1: Basics",
        "go-handler-interface": "Go::02 Stage 2: Web::01 Week 10: HTTP",
        "go-test-command": "Go::02 Stage 2: Web::02 Week 9: Tooling",
    }
    assert note_by_card_id(collection, "go-int-size")["Topic"] == "Stage 1 › Types › int and float"
