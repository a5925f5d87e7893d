"""The exporters through `cardsmith build`: registered, written into the output folder, stable."""

from __future__ import annotations

import shutil
from pathlib import Path

from cardsmith import build
from cardsmith.exporters import NAMES, get_exporter
from exporter_helpers import DECK_DIR, NOW

FLAT = ("anki-csv", "csv", "mochi", "quizlet", "mnemosyne", "obsidian")


def test_every_format_is_registered_with_a_name_and_description() -> None:
    assert set(FLAT) | {"crowdanki", "apkg"} <= set(NAMES)
    for name in NAMES:
        exporter = get_exporter(name)
        assert exporter.name == name
        assert exporter.description


def test_a_build_writes_each_format_and_a_rebuild_changes_nothing(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(DECK_DIR, cards)
    first = build.build(cards, tmp_path / "decks", FLAT, now=NOW)
    assert first.partial and not (cards / "cardsmith.lock").exists()  # deck.yaml lists apkg too
    assert sorted(Path(p).name for p in first.written) == sorted(
        [
            ".cardsmith-outputs",
            "exporter-test-anki.txt",
            "exporter-test-mnemosyne.txt",
            "exporter-test-obsidian.md",
            "exporter-test-quizlet.txt",
            "exporter-test.csv",
            "exporter-test.mochi",
        ]
    )
    again = build.build(cards, tmp_path / "decks", FLAT, now=NOW + 3600)
    assert again.written == ()


def test_a_build_writes_the_crowdanki_folder_and_a_rebuild_keeps_it(tmp_path: Path) -> None:
    cards = tmp_path / "cards"
    shutil.copytree(DECK_DIR, cards)
    folder = tmp_path / "decks" / "exporter-test-crowdanki"
    build.build(cards, tmp_path / "decks", ("crowdanki",), now=NOW)
    assert (folder / "deck.json").is_file()
    assert len(list((folder / "media").iterdir())) == 1
    again = build.build(cards, tmp_path / "decks", ("crowdanki",), now=NOW)
    assert again.written == () and again.removed == ()
    assert (folder / "deck.json").is_file()
