"""The output files of a build: which must be written again, and their bytes.

Each output file is keyed by everything it is built from: its format and name, the deck's
settings and note types, and the notes and media it holds (each note's digest and `mod`). The
cache remembers the key of every file it wrote and the SHA-256 of its bytes; a file whose key is
unchanged and whose bytes on disk are still those written is not built again. Any other file is
built, and written only if its bytes differ from what is on disk.

The output folder may hold the user's own files too, even where a format writes. A build lists
every file it makes in the folder's manifest (`.cardsmith-outputs`), and removes a file only if
the previous manifest lists it and this build no longer makes it.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path

from cardsmith.cache import Record
from cardsmith.exporters import get_exporter
from cardsmith.exporters.base import Exporter, Output
from cardsmith.files import sha256_of
from cardsmith.memo import Memo, Recorder
from cardsmith.model import BuiltDeck, Progress, no_progress


@dataclass(slots=True)
class Outputs:
    """What a build found about its output files."""

    changed: list[Path] = field(default_factory=list)  # files whose bytes differ from what is on disk
    unchanged: list[Path] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)  # for the cache: what each file was built from
    digests: dict[Path, str] = field(default_factory=dict)  # the SHA-256 of each file as the build leaves it


def deck_key(deck: BuiltDeck) -> bytes:
    """A digest of everything of the deck that is not a note: settings, note types, their times, media."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (repr(deck.config), repr(deck.notetypes), repr(sorted(deck.notetype_mods.items())), deck.stylesheet):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for name, data in deck.media:
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.digest()


def inputs_key(format_name: str, deck: bytes, output: Output) -> str:
    """A digest of everything one output file is built from."""
    digest = hashlib.blake2b(deck, digest_size=16)
    digest.update(f"{format_name}\0{output.name}\0".encode("utf-8", "surrogatepass"))
    for note in output.notes:
        digest.update(f"{note.digest}:{note.mod}\0".encode())
    for name in output.media:
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _Job:
    """One output file to build."""

    exporter: Exporter
    output: Output
    path: Path
    record_key: str
    inputs: str
    on_disk: str | None


def _build(deck: BuiltDeck, job: _Job, memo: Memo) -> tuple[bytes, bytes]:
    """The bytes of one output file, and the keys of the conversions it used."""
    recorder = Recorder(memo)
    return job.exporter.write(deck, job.output, recorder), recorder.used


def build_outputs(
    deck: BuiltDeck,
    formats: Iterable[str],
    out_dir: Path,
    previous: dict[str, Record],
    memo: Memo,
    write: Callable[[Path, bytes], None],
    progress: Progress = no_progress,
) -> Outputs:
    """Build every output file of the chosen formats that may have changed; `write` gets the changed ones.

    Two files are built at a time (writing a package waits on SQLite and zlib, which let the
    other file go on), and each goes to `write` as soon as it is built, in a fixed order, so that
    a build never holds every package in memory at once.
    """
    found = Outputs()
    key_of_deck = deck_key(deck)
    jobs: list[_Job] = []
    for name in formats:
        exporter = get_exporter(name)
        for output in exporter.outputs(deck):
            path = out_dir / output.name
            record_key = str(path.resolve())
            key = inputs_key(name, key_of_deck, output)
            on_disk = sha256_of(path)
            old = previous.get(record_key)
            if old is not None and old.inputs == key and old.sha256 == on_disk:
                found.unchanged.append(path)
                found.digests[path] = old.sha256
                found.records[record_key] = old
                memo.keep(old.uses)  # its conversions stay in the cache for when it is built again
            else:
                jobs.append(_Job(exporter, output, path, record_key, key, on_disk))
    built = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque[tuple[_Job, Future[tuple[bytes, bytes]]]] = deque()
        for job in [*jobs, None]:
            if job is not None:
                pending.append((job, pool.submit(_build, deck, job, memo)))
            while pending and (job is None or len(pending) > 2):
                done, future = pending.popleft()
                data, used = future.result()
                built += 1
                progress("writing", built, len(jobs))
                digest = hashlib.sha256(data).hexdigest()
                found.records[done.record_key] = Record(done.inputs, digest, used)
                found.digests[done.path] = digest
                if digest == done.on_disk:
                    found.unchanged.append(done.path)
                else:
                    found.changed.append(done.path)
                    write(done.path, data)
    return found


MANIFEST = ".cardsmith-outputs"
MANIFEST_HEADER = (
    "# cardsmith: the files builds wrote in this folder, one a line. A build removes a file it no\n"
    "# longer makes only if it is listed here: keep this file with the decks, and do not edit it.\n"
)


@dataclass(frozen=True, slots=True)
class Manifest:
    """The output folder's list of the files builds wrote there (`MANIFEST`), as this build leaves it."""

    path: Path
    text: bytes  # what this build leaves in it
    obsolete: tuple[Path, ...]  # files it listed that this build no longer makes: to remove


def read_manifest(out_dir: Path) -> tuple[str, ...]:
    """The entries of the folder's manifest as they are written (anyone can edit them); none without one."""
    try:
        text = (out_dir / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return ()
    return tuple(line for line in text.split("\n") if line and not line.startswith("#"))


def manifest_text(entries: Iterable[str], header: str = MANIFEST_HEADER) -> bytes:
    """The manifest listing these files (paths relative to the output folder): sorted, so rebuilds are byte-identical.

    A name that a line cannot hold (a line break in it, a `#` first, not UTF-8) is left out: that
    file is then never removed by a build.
    """
    lines = sorted({entry for entry in entries if _well_formed(entry) and _fits_a_line(entry)})
    return (header + "".join(f"{line}\n" for line in lines)).encode("utf-8")


def _fits_a_line(entry: str) -> bool:
    try:
        entry.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8
        return False
    return not entry.startswith("#")


def _well_formed(entry: str) -> bool:
    """A relative path below the folder, written plainly: no `..`, `.` or empty part, not absolute."""
    if not entry or any(c in entry for c in "\0\n\r\\") or entry.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in entry.split("/"))


def former_files(out_dir: Path, made: Iterable[str]) -> set[Path]:
    """The files the folder's manifest lists that are not among `made`: each one a plain path inside the
    folder, reached without a symbolic link (the site's obsolete files; a build also asks which exporter
    claims each, in `manifest`)."""
    keep = set(made)
    return {
        path
        for entry in read_manifest(out_dir)
        if _well_formed(entry) and entry not in keep and (path := _file_inside(out_dir, entry)) is not None
    }


def _claimed(entry: str, patterns: Iterable[str]) -> bool:
    """Whether one of the globs matches the whole path (`*` stays within a folder, as in `Path.glob`)."""
    parts = entry.split("/")
    for pattern in patterns:
        globs = pattern.split("/")
        if len(globs) == len(parts) and all(fnmatchcase(part, glob) for part, glob in zip(parts, globs, strict=True)):
            return True
    return False


def _file_inside(out_dir: Path, entry: str) -> Path | None:
    """The regular file an entry names, reached from the output folder without a symbolic link, if there is one."""
    path = out_dir
    for part in entry.split("/"):
        path = path / part
        if path.is_symlink():  # a linked folder or file may lead out of the output folder
            return None
    return path if path.is_file() else None


def manifest(deck: BuiltDeck, formats: Iterable[str], out_dir: Path, released_as: str = "") -> Manifest:
    """Which files an earlier build wrote that this one no longer makes (a phase gone, say), and the new list.

    Only files the folder's manifest lists are candidates, so nothing a build did not write is
    ever touched; and since the manifest can be edited by anyone, of those only the ones inside the
    output folder (no `..`, no absolute path, no symbolic link on the way) whose names the chosen
    formats claim (their `patterns`). `released_as` is the deck's id before it was changed on
    purpose: the files named after it are claimed too. The new list holds every file this build
    makes and the entries the chosen formats do not claim (those of the other formats, when only
    some are built).
    """
    before = replace(deck, config=replace(deck.config, id=released_as)) if released_as != deck.config.id else None
    makes: set[str] = set()
    patterns: list[str] = []
    for name in formats:
        exporter = get_exporter(name)
        makes.update(output.name for output in exporter.outputs(deck))
        patterns += exporter.patterns(deck) + (exporter.patterns(before) if before and released_as else ())
    kept: set[str] = set()
    obsolete: set[Path] = set()
    for entry in read_manifest(out_dir):
        if not _well_formed(entry) or entry in makes:
            continue
        if not _claimed(entry, patterns):
            kept.add(entry)
        elif (path := _file_inside(out_dir, entry)) is not None:
            obsolete.add(path)
    return Manifest(out_dir / MANIFEST, manifest_text(kept | makes), tuple(sorted(obsolete)))
