"""The images cards show: found in their Markdown, checked, read, and given flat package names.

A source is relative to its question file and must stay inside the deck folder. Anki keeps
media in one flat folder, so each file is packaged as `<hash>-<name>`: unique, and a changed
image gets a new name (a learner's collection never keeps a stale copy under the old one).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cardsmith.errors import Problem, error
from cardsmith.model import Question
from cardsmith.render import Media, media_references

REMOTE = ("http:", "https:", "ftp:", "//")


class MediaReader:
    """Reads each image once, however many cards show it, and remembers its packaged name."""

    def __init__(self, cards_dir: Path) -> None:
        self.cards_dir = cards_dir
        self.root = cards_dir.resolve()
        self.names: dict[Path, str] = {}
        self.files: dict[str, bytes] = {}
        self.read: dict[str, str] = {}  # path -> SHA-256 of the bytes read

    def of(self, question: Question) -> tuple[Media, list[Problem]]:
        """The images of one card (source as written -> packaged name), and what is wrong with them."""
        found: dict[str, str] = {}
        problems: list[Problem] = []
        where = question.location
        for src in (src for text in question.texts for src in media_references(text)):
            if src.startswith("data:") or src in found:
                continue
            if src.lower().startswith(REMOTE):
                problems.append(
                    error(where, f"image '{src}' is on the web; save it in the deck folder and link the file")
                )
                continue
            target = (Path(where.path).parent / src).resolve()
            if Path(src).is_absolute() or not target.is_relative_to(self.root):
                problems.append(
                    error(where, f"image '{src}' is outside the deck folder {self.cards_dir}; copy it into the folder")
                )
                continue
            if not target.is_file():
                problems.append(error(where, f"image '{src}' not found (looked for {target})"))
                continue
            if target not in self.names:
                try:
                    data = target.read_bytes()
                except OSError as exc:
                    problems.append(error(where, f"image '{src}' cannot be read: {exc.strerror or exc}"))
                    continue
                self.read[str(target)] = hashlib.sha256(data).hexdigest()
                self.names[target] = f"{self.read[str(target)][:8]}-{target.name}"
                self.files[self.names[target]] = data
            found[src] = self.names[target]
        return tuple(sorted(found.items())), problems

    @property
    def packaged(self) -> tuple[tuple[str, bytes], ...]:
        """Every image read, by packaged name, sorted."""
        return tuple(sorted(self.files.items()))
