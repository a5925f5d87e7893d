"""Where things are in a deck project: its settings, its question files, its lock and its cache."""

from __future__ import annotations

from pathlib import Path

CONFIG = "deck.yaml"
LOCK = "cardsmith.lock"
CACHE = ".cardsmith-cache"
QUESTION_SUFFIXES = (".yaml", ".yml")  # in any letter case: `Week1.YML` is a question file too


def discover(cards_dir: Path) -> list[Path]:
    """Question files under the deck project, sorted, deck.yaml and hidden folders left out."""
    found = []
    for path in cards_dir.rglob("*"):
        rel = path.relative_to(cards_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in QUESTION_SUFFIXES and path.name.lower() != CONFIG and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(cards_dir).as_posix())


def lock_path(cards_dir: Path) -> Path:
    return cards_dir / LOCK
