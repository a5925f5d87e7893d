"""`cardsmith build`: read and plan the deck project, then write what changed — or, with `check`, say it.

The build reads like the pipeline: if nothing at all changed since the last build, say so;
otherwise load the caches, prepare the deck (load, check, render, plan), build the outputs that
may have changed, stage them with the lock, rename them into place, and remember what was built.
Nothing is written unless everything before it succeeded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cardsmith import cache, files, lastbuild
from cardsmith.clock import source_date_epoch
from cardsmith.errors import OutputError, Problem, ProblemsError
from cardsmith.layout import lock_path
from cardsmith.model import Progress, no_progress
from cardsmith.plan import Changes

if TYPE_CHECKING:
    from cardsmith.outputs import Outputs
    from cardsmith.pipeline import Prepared


@dataclass(frozen=True, slots=True)
class BuildResult:
    notes: int
    changes: Changes
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # with check=True: files that differ from what the sources build (all three kinds)
    removed: tuple[str, ...] = ()  # listed outputs this build no longer makes, dead builds' temporaries (check: would)
    warnings: tuple[Problem, ...] = field(default=())
    missing: tuple[str, ...] = ()  # with check=True: stale files that do not exist at all
    partial: bool = False  # only some of deck.yaml's formats were built: the lock was left as it was


def build(
    cards_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...] | None = None,
    *,
    check: bool = False,
    strict: bool = False,
    now: int | None = None,
    allow_schema_change: bool = False,
    allow_id_change: bool = False,
    progress: Progress = no_progress,
) -> BuildResult:
    """Build the decks; with `check`, write nothing and report which files are stale.

    With `strict`, warnings (a removed card, a rename without `was:`…) stop the build like errors.
    `check` trusts no cache: it builds everything from the sources and compares bytes. A build of
    only some of the formats deck.yaml lists (`formats`) leaves the lock as it is: the lock says
    what learners have been given, and the notes' times and the warnings about what changed since
    stay until a full build.
    """
    files.check_out_dir(out_dir)
    now = source_date_epoch() if now is None else now  # checked even when there is nothing to do
    leftovers = files.stale_temporaries(out_dir, cards_dir)  # of builds killed while writing
    if not check:
        done = _nothing_to_do(cards_dir, out_dir, formats)
        if done is not None:
            if strict and done.warnings:
                raise ProblemsError(done.warnings)
            files.remove(leftovers)
            return replace(done, removed=tuple(map(str, leftovers)))
    # Loaded only now: a build with nothing to do needs none of it.
    from cardsmith.exporters import NAMES
    from cardsmith.outputs import build_outputs, manifest
    from cardsmith.pipeline import prepare

    caches = cache.Caches() if check else cache.load(cards_dir)
    prepared = prepare(
        cards_dir,
        caches,
        now=now,
        allow_schema_change=allow_schema_change,
        allow_id_change=allow_id_change,
        progress=progress,
        released=out_dir,
    )
    chosen = tuple(dict.fromkeys(formats or prepared.project.config.formats))  # each format once
    unknown = [f for f in chosen if f not in NAMES]
    if unknown:
        raise OutputError(f"unknown format '{unknown[0]}'; known: {', '.join(NAMES)}")
    if strict and prepared.problems:
        raise ProblemsError(prepared.problems)
    deck, lock = prepared.plan.deck, lock_path(cards_dir)
    changes = prepared.plan.changes
    partial = not set(prepared.project.config.formats) <= set(chosen)
    listed = manifest(deck, chosen, out_dir, released_as=prepared.plan.released_as)
    obsolete = sorted({*listed.obsolete, *leftovers})  # what this build removes, and nothing else
    with files.Staging() as staging:
        write = (lambda path, data: None) if check else staging.stage
        made = build_outputs(deck, chosen, out_dir, caches.previous_outputs, caches.fields, write, progress)
        made.digests[listed.path] = hashlib.sha256(listed.text).hexdigest()
        if files.sha256_of(listed.path) != made.digests[listed.path]:
            made.changed.append(listed.path)
            write(listed.path, listed.text)
        else:
            made.unchanged.append(listed.path)
        outputs = sorted((str(path), made.digests[path]) for path in made.changed + made.unchanged)
        lock_text = prepared.plan.lock_text.encode("utf-8")
        if partial:
            pass  # the lock stays as the last full build left it
        elif not lock.is_file() or lock.read_bytes() != lock_text:
            made.changed.append(lock)
            write(lock, lock_text)
        else:
            made.unchanged.append(lock)
        changed, unchanged = sorted(map(str, made.changed)), tuple(sorted(map(str, made.unchanged)))
        if check:
            stale = tuple(sorted(changed + [str(p) for p in obsolete]))
            missing = tuple(path for path in stale if not Path(path).exists())
            return BuildResult(
                len(deck.notes),
                changes,
                stale=stale,
                unchanged=unchanged,
                warnings=prepared.problems,
                missing=missing,
                removed=tuple(map(str, obsolete)),
                partial=partial,
            )
        # The outputs first, then the removals, the manifest and the lock: until every output is
        # in place the old manifest stays, and it lists only files that builds wrote.
        staging.commit(last=(listed.path,) if partial else (listed.path, lock), remove=obsolete)
    left = lock.read_bytes() if partial and lock.is_file() else b"" if partial else lock_text
    _remember(caches, prepared, made, out_dir, formats, outputs, left, partial)
    cache.save(cards_dir, caches)
    written, removed = tuple(changed), tuple(map(str, obsolete))
    return BuildResult(
        len(deck.notes), changes, written, unchanged, removed=removed, warnings=prepared.problems, partial=partial
    )


def _nothing_to_do(cards_dir: Path, out_dir: Path, formats: tuple[str, ...] | None) -> BuildResult | None:
    """The result of a build whose sources, lock and outputs are exactly as the last one left them, if so."""
    text = cache.load_builds(cards_dir).get(lastbuild.key(out_dir, formats))
    last = lastbuild.decode(text) if text is not None else None
    if last is None or not lastbuild.nothing_changed(cards_dir, out_dir, lock_path(cards_dir), last):
        return None
    unchanged = tuple(sorted([*(path for path, _ in last.outputs), str(lock_path(cards_dir))]))
    new, changed, removed = last.pending  # what a partial build left for the next full one
    pending = set(new) | set(changed)
    unchanged_notes = tuple(i for i in last.notes if i not in pending)
    return BuildResult(
        len(last.notes),
        Changes(new, changed, unchanged_notes, removed),
        unchanged=unchanged,
        warnings=last.warnings,
        partial=last.partial,
    )


def _remember(
    caches: cache.Caches,
    prepared: Prepared,
    made: Outputs,
    out_dir: Path,
    formats: tuple[str, ...] | None,
    outputs: list[tuple[str, str]],
    lock_text: bytes,
    partial: bool,
) -> None:
    """Keep what this build was made from and wrote, for the next build's cache."""
    caches.outputs.update(made.records)
    project = prepared.project
    deck = prepared.plan.deck
    caches.builds[lastbuild.key(out_dir, formats)] = lastbuild.encode(
        lastbuild.LastBuild(
            read=project.read,
            questions=project.files,
            lock=hashlib.sha256(lock_text).hexdigest() if lock_text else "",
            outputs=tuple(outputs),
            notes=tuple(note.id for note in deck.notes),
            # A full build's plan warnings are about the lock it replaced; a partial build left the lock.
            warnings=prepared.problems if partial else project.problems,
            partial=partial,
            pending=(prepared.plan.changes.new, prepared.plan.changes.changed, prepared.plan.changes.removed)
            if partial
            else ((), (), ()),
        )
    )
