"""What the last successful build read and wrote, to tell at once when a build has nothing to do.

A build whose inputs are byte for byte those of the last successful build with the same
arguments (deck.yaml, the curriculum, every question file and image, and the lock that build
wrote), and whose outputs are still on disk as that build wrote them, would write nothing and
find nothing new: it can say so without loading the deck. Any difference at all, a new question
file or an output folder's manifest (the files a build may remove) edited, takes the whole build.
Like the rest of the cache, this only makes a build faster: `build --check` never uses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cardsmith.files import sha256_of
from cardsmith.layout import discover
from cardsmith.model import Location, Problem, Severity


@dataclass(frozen=True, slots=True)
class LastBuild:
    """A successful build: what it read, what it wrote, and what it found."""

    read: tuple[tuple[str, str], ...]  # every source file -> SHA-256 of the bytes read
    questions: tuple[str, ...]  # the question files, as discovered
    lock: str  # SHA-256 of the lock it left
    outputs: tuple[tuple[str, str], ...]  # every output file of its formats and the manifest -> SHA-256 of what it left
    notes: tuple[str, ...]  # the card ids, in curriculum order
    warnings: tuple[Problem, ...]  # what is wrong with the sources (warnings only)
    partial: bool = False  # it built only some of deck.yaml's formats, and left the lock
    pending: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = ((), (), ())  # partial: new, changed, removed


def key(out_dir: Path, formats: tuple[str, ...] | None) -> str:
    """Builds with other arguments write other files: each has its own record."""
    return json.dumps([str(out_dir.resolve()), list(formats) if formats else None])


def encode(last: LastBuild) -> str:
    warnings = [[w.severity.value, w.location.path, w.location.line, w.location.col, w.message] for w in last.warnings]
    read, outputs = [list(pair) for pair in last.read], [list(pair) for pair in last.outputs]
    parts = [read, list(last.questions), last.lock, outputs, list(last.notes), warnings]
    parts += [last.partial, [list(ids) for ids in last.pending]]
    return json.dumps(parts, ensure_ascii=False)


def decode(text: str) -> LastBuild | None:
    """The record, or None if it is not what `encode` writes."""
    try:
        read, questions, lock, outputs, notes, warnings, partial, (new, changed, removed) = json.loads(text)
        return LastBuild(
            tuple((str(path), str(digest)) for path, digest in read),
            tuple(map(str, questions)),
            str(lock),
            tuple((str(path), str(digest)) for path, digest in outputs),
            tuple(map(str, notes)),
            tuple(
                Problem(Severity(severity), Location(str(path), int(line), int(col)), str(message))
                for severity, path, line, col, message in warnings
            ),
            partial is True,
            (tuple(map(str, new)), tuple(map(str, changed)), tuple(map(str, removed))),
        )
    except (TypeError, ValueError):
        return None


def nothing_changed(cards_dir: Path, out_dir: Path, lock: Path, last: LastBuild) -> bool:
    """Whether the sources, the lock and the outputs are all still exactly as the last build left them.

    The outputs are compared with what this build left, not with what the newest build of each
    file wrote: a build with other formats may have rewritten a package since.
    """
    if tuple(str(path) for path in discover(cards_dir)) != last.questions:
        return False
    if any(sha256_of(Path(path)) != digest for path, digest in last.read) or sha256_of(lock) != last.lock:
        return False
    # The manifest is among the outputs: as long as it is unchanged, the build would remove nothing.
    return out_dir.is_dir() and all(sha256_of(Path(path)) == digest for path, digest in last.outputs)
