"""`cardsmith build`: read and plan the deck project, then write what changed — or, with `check`, say it.

The build reads like the pipeline: load the caches, prepare the deck (load, check, render, plan),
build the outputs that may have changed, stage them with the lock, rename them into place, and
remember what was built. Nothing is written unless everything before it succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cardsmith import cache, files
from cardsmith.errors import OutputError, Problem, ProblemsError
from cardsmith.exporters import NAMES
from cardsmith.outputs import build_outputs, obsolete_outputs
from cardsmith.pipeline import prepare
from cardsmith.plan import Plan
from cardsmith.project import lock_path


@dataclass(frozen=True, slots=True)
class BuildResult:
    plan: Plan
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # with check=True: files that differ from what the sources build
    removed: tuple[str, ...] = ()  # outputs of an earlier build that this one no longer makes
    warnings: tuple[Problem, ...] = field(default=())


def build(
    cards_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...] | None = None,
    *,
    check: bool = False,
    strict: bool = False,
    now: int | None = None,
    allow_schema_change: bool = False,
) -> BuildResult:
    """Build the decks; with `check`, write nothing and report which files are stale.

    With `strict`, warnings (a removed card, a rename without `was:`…) stop the build like errors.
    `check` trusts no cache: it builds everything from the sources and compares bytes.
    """
    caches = cache.Caches() if check else cache.load(cards_dir)
    prepared = prepare(cards_dir, caches, now=now, allow_schema_change=allow_schema_change)
    chosen = formats or prepared.project.config.formats
    unknown = [f for f in chosen if f not in NAMES]
    if unknown:
        raise OutputError(f"unknown format '{unknown[0]}'; known: {', '.join(NAMES)}")
    files.check_out_dir(out_dir)
    if strict and prepared.warnings:
        raise ProblemsError(prepared.warnings)
    deck, lock = prepared.plan.deck, lock_path(cards_dir)
    obsolete = obsolete_outputs(deck, chosen, out_dir)
    with files.Staging() as staging:
        write = (lambda path, data: None) if check else staging.stage
        made = build_outputs(deck, chosen, out_dir, caches.previous_outputs, caches.fields, write)
        lock_text = prepared.plan.lock_text.encode("utf-8")
        if not lock.is_file() or lock.read_bytes() != lock_text:
            made.changed.append(lock)
            write(lock, lock_text)
        else:
            made.unchanged.append(lock)
        changed, unchanged = sorted(map(str, made.changed)), tuple(sorted(map(str, made.unchanged)))
        if check:
            stale = tuple(sorted(changed + [str(p) for p in obsolete]))
            return BuildResult(prepared.plan, stale=stale, unchanged=unchanged, warnings=prepared.warnings)
        staging.commit(last=lock)
        files.remove(obsolete)
    caches.outputs.update(made.records)
    cache.save(cards_dir, caches)
    return BuildResult(
        prepared.plan,
        written=tuple(changed),
        unchanged=unchanged,
        removed=tuple(map(str, obsolete)),
        warnings=prepared.warnings,
    )
