"""The one way every command reads a deck project: load it, render it, and plan it against the lock.

`build`, `check`, `status`, `preview` and `watch` all call `prepare`, with the caches they were
given (`cache.load` for a fast build, `Caches()` for one that must not trust any), so that each
sees exactly the same notes, changes and warnings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from cardsmith import recover
from cardsmith.cache import Caches
from cardsmith.clock import source_date_epoch
from cardsmith.errors import sort_problems, warning
from cardsmith.layout import lock_path
from cardsmith.lint import lint
from cardsmith.lock import Lock
from cardsmith.model import Curriculum, DeckConfig, Kind, Location, Note, Problem, Progress, Project, no_progress
from cardsmith.notes import make_notes, place_of
from cardsmith.notetypes import for_deck, stylesheet
from cardsmith.plan import Plan, plan, previous_entry, recovered_entries
from cardsmith.project import load_project, read_lock
from cardsmith.render import Renderer


@dataclass(frozen=True, slots=True)
class Prepared:
    """A deck project read and planned: its notes with their times, changes and the new lock."""

    project: Project
    plan: Plan
    renderer: Renderer

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every warning (of the sources, and of what Anki will not do on re-import), and with a
        lenient `prepare` the errors of the cards that were left out."""
        return self.project.problems + self.plan.changes.warnings


def headings(config: DeckConfig, curriculum: Curriculum) -> dict[tuple[str, ...], Location]:
    """Where the name of each deck is written: the title in deck.yaml, each phase and week heading."""
    found: dict[tuple[str, ...], Location] = {(config.title,): config.location("title")}
    for node in curriculum.nodes:
        if node.kind in (Kind.PHASE, Kind.WEEK) and curriculum.section_of(node.index).kind is Kind.PHASE:
            found[place_of(config, curriculum, node.index).deck.parts] = node.location
    return found


def prepare(
    cards_dir: Path,
    caches: Caches,
    *,
    now: int | None = None,
    allow_schema_change: bool = False,
    allow_id_change: bool = False,
    lenient: bool = False,
    progress: Progress = no_progress,
    released: Path | None = None,
) -> Prepared:
    """Load, check, render and plan a deck project; raise ProblemsError with every error found.

    With `lenient` (never for a build), cards with errors are left out instead: their errors are
    among the problems, and the lock entries of those cards count as neither changed nor removed.
    `released` is the output folder: when the lock lacks notes that its packages hold, their
    times come from there (recover.py).
    """
    project = load_project(cards_dir, caches.questions, lenient=lenient, progress=progress)
    project = with_lint(project)
    renderer = Renderer(caches.fields, workers=min(4, os.cpu_count() or 1))
    notes = make_notes(project.config, project.curriculum, project.cards, renderer, progress)
    previous, recovered = read_lock(cards_dir), list[Problem]()
    css = caches.fields(stylesheet)  # Pygments computes its part: remembered, like a rendered field
    if released is not None:
        where = str(lock_path(cards_dir))
        previous, recovered = recover_lock(previous, notes, project.config, released, css, where)
    planned = plan(
        project.config,
        notes,
        project.media,
        previous,
        source_date_epoch() if now is None else now,
        css=css,
        lock_path=str(lock_path(cards_dir)),
        headings=headings(project.config, project.curriculum),
        left_out=project.left_out,
        allow_schema_change=allow_schema_change,
        allow_id_change=allow_id_change,
        warnings=tuple(recovered),
    )
    return Prepared(project, planned, renderer)


def with_lint(project: Project) -> Project:
    """The project with the card-quality warnings among its problems (lint.py), but those deck.yaml allows.

    Among the project's problems, so that a build that finds nothing to do repeats them too.
    """
    found = lint(project.cards, project.config.allow)
    return replace(project, problems=sort_problems(project.problems + tuple(found))) if found else project


def recover_lock(
    previous: Lock, notes: tuple[Note, ...], config: DeckConfig, out_dir: Path, css: str, where: str
) -> tuple[Lock, list[Problem]]:
    """The lock, completed from the released packages where it lacks notes they hold (recover.py)."""
    missing = {note.guid for note in notes if previous_entry(note, previous) is None}
    if not missing or (previous.deck_id and previous.deck_id != config.id):
        return previous, []
    found, unreadable = recover.released(recover.packages(out_dir, config.id), missing)
    notetypes = for_deck(config.report_url, config.title)
    completed, problems = recovered_entries(previous, notes, found, css, where, notetypes)
    for package in unreadable:
        problems.append(warning(Location(package), "cannot read this package to recover the times the lock lacks"))
    return completed, problems
