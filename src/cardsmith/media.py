"""The images cards show: found in their Markdown, checked, read, and given flat package names.

Every image markdown-it reads is checked, whatever its syntax (inline, reference-style, nested),
and the renderer shows only the images checked here. A source is relative to its question file
and must stay inside the deck folder; markdown-it percent-encodes it (`схема.png`, `<my pic.png>`),
so it is decoded to find the file. Anki keeps media in one flat folder, so each file is packaged
as `<hash>-<name>`: unique, and a changed image gets a new name (a learner's collection never
keeps a stale copy under the old one). The name is one Anki keeps as it is (NFC, none of the
characters it drops, at most 120 bytes) and that reads the same as a web address (no `%` or `#`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from cardsmith.errors import Problem, error
from cardsmith.model import Question
from cardsmith.render import Media, embedded, media_references

REMOTE = ("http:", "https:", "ftp:", "//")
# What Anki removes from a media file's name (rslib media/files.rs, `disallowed_char`), what would
# not read as the file in an `src` (`%` starts an escape, `#` a fragment) and `{ }` (cloze marks).
_UNSAFE_IN_NAME = re.compile(r'[\[\]<>:"/?*^\\|%#{}\x00-\x1f\x7f]')
MAX_NAME_BYTES = 120  # Anki shortens longer names


def package_name(digest: str, name: str) -> str:
    """The flat name a file is packaged under: `<hash>-<name>`, safe as a media name and an `src`."""
    name = _UNSAFE_IN_NAME.sub("_", unicodedata.normalize("NFC", name))
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension.encode()) > 10:
        stem, dot, extension = name, "", ""
    room = MAX_NAME_BYTES - len(digest[:8]) - 1 - len(dot + extension)
    stem = stem.encode()[:room].decode(errors="ignore")
    return f"{digest[:8]}-{stem}{dot}{extension}"


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
            if embedded(src) or src in found:
                continue
            path = unquote(src)  # markdown-it percent-encodes the source as written
            if src.lower().startswith(REMOTE):
                problems.append(
                    error(where, f"image '{path}' is on the web; save it in the deck folder and link the file")
                )
                continue
            if "\0" in path:
                problems.append(error(where, f"image '{src}' not found"))
                continue
            target = (Path(where.path).parent / path).resolve()
            if Path(path).is_absolute() or not target.is_relative_to(self.root):
                problems.append(
                    error(where, f"image '{path}' is outside the deck folder {self.cards_dir}; copy it into the folder")
                )
                continue
            if not target.is_file():
                problems.append(error(where, f"image '{path}' not found (looked for {target})"))
                continue
            if target not in self.names:
                try:
                    data = target.read_bytes()
                except OSError as exc:
                    problems.append(error(where, f"image '{src}' cannot be read: {exc.strerror or exc}"))
                    continue
                self.read[str(target)] = hashlib.sha256(data).hexdigest()
                self.names[target] = package_name(self.read[str(target)], target.name)
                self.files[self.names[target]] = data
            found[src] = self.names[target]
        return tuple(sorted(found.items())), problems

    @property
    def packaged(self) -> tuple[tuple[str, bytes], ...]:
        """Every image read, by packaged name, sorted."""
        return tuple(sorted(self.files.items()))
