from __future__ import annotations

from pathlib import Path

from cardsmith.build import build
from cardsmith.watch import snapshot, watch
from conftest import NOW


def test_watch_rebuilds_after_a_change_and_survives_a_broken_file(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    lines: list[str] = []
    edits = iter(
        [
            lambda: (mini / "questions" / "broken.yaml").write_text("cards: x\n", encoding="utf-8"),
            lambda: None,  # quiet: the change is acted on
            lambda: (mini / "questions" / "broken.yaml").unlink(),
            lambda: None,
        ]
    )

    def fake_sleep(seconds: float) -> None:
        next(edits, lambda: None)()

    def run() -> str:
        result = build(mini, out, now=NOW)
        return f"{len(result.written)} written"

    watch(mini, run, lines.append, rounds=3, sleep=fake_sleep)
    assert lines == [
        "5 written",  # three packages, the manifest, the lock
        f"{mini / 'questions' / 'broken.yaml'}:1:8: error: 'cards' must be a list of cards (lines starting with '- '), not text",
        "build failed; the previous decks are unchanged. Waiting for the next change…",
        "0 written",
    ]


def test_the_lock_written_by_a_build_is_not_a_change(mini: Path, tmp_path: Path) -> None:
    before = snapshot(mini)
    build(mini, tmp_path / "decks", now=NOW)
    assert (mini / "cardsmith.lock").exists()
    assert snapshot(mini) == before
