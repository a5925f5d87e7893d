"""What every exporter is: the files it writes for a deck, each a pure function of the notes it holds.

An exporter says which files it writes and which notes and media go into each (`outputs`), and
writes one of them on request (`write`). The build keys each file by exactly those inputs, so a
file whose notes did not change is not written again, and an edit to one card rewrites only the
files that hold it. Conversions of a field's text (Markdown to plain text, say) go through
`convert`, which remembers them between builds: a field that did not change is not converted again.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cardsmith.model import BuiltDeck, Deck, Note


@dataclass(frozen=True, slots=True)
class Output:
    """One file an exporter writes: its name in the output folder, and everything that goes into it."""

    name: str
    notes: tuple[Note, ...] = ()
    media: tuple[str, ...] = ()  # packaged names of the media files it holds


class Convert(Protocol):
    """`convert(function, *args)` is `function(*args)`, remembered: the function must be pure."""

    def __call__(self, function: Callable[..., str], *args: Any) -> str: ...


def plain(function: Callable[..., str], *args: Any) -> str:
    """A `convert` that remembers nothing (for tests and one-off use)."""
    return function(*args)


class Exporter(Protocol):
    """One output format: a name for `--format`, the files it writes, and how to write each."""

    name: str
    description: str

    def outputs(self, deck: BuiltDeck) -> tuple[Output, ...]:
        """The files this format writes for the deck, in a fixed order."""
        ...

    def write(self, deck: BuiltDeck, output: Output, convert: Convert) -> bytes:
        """The exact bytes of one of those files."""
        ...

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        """Globs (relative to the output folder) of every file this format may write for the deck.

        The build deletes matching files that it no longer writes, and nothing else.
        """
        ...


def export(exporter: Exporter, deck: BuiltDeck, convert: Convert = plain) -> dict[str, bytes]:
    """Every file of a format, by name (for tests and small decks: the build writes them one by one)."""
    return {output.name: exporter.write(deck, output, convert) for output in exporter.outputs(deck)}


def deck_tree(notes: Iterable[Note]) -> tuple[Deck, ...]:
    """Every deck the notes are in, with all their parents, parents first, in the notes' order."""
    seen: dict[tuple[str, ...], None] = {}
    for note in notes:
        for depth in range(1, len(note.deck.parts) + 1):
            seen.setdefault(note.deck.parts[:depth], None)
    return tuple(Deck(parts) for parts in seen)


def media_of(notes: Iterable[Note]) -> tuple[str, ...]:
    """The packaged names of the media the notes show, sorted."""
    return tuple(sorted({name for note in notes for _, name in note.media}))


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# The last of zlib's fast levels: packages 13% larger than at level 6, written in 40% of the time.
LEVEL = 3


def deterministic_zip(members: dict[str, bytes | Path]) -> bytes:
    """A zip with sorted members, fixed times and deflate: the same input gives the same bytes.

    A member given as a Path is streamed from that file rather than read into memory.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            member = members[name]
            if isinstance(member, Path):
                info.file_size = member.stat().st_size
                # what writestr(..., compresslevel=…) sets (public as `compress_level` from Python 3.13)
                setattr(
                    info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel", LEVEL
                )
                with member.open("rb") as source, out.open(info, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            else:
                out.writestr(info, member, compresslevel=LEVEL)
    return buffer.getvalue()
