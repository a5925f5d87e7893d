"""`cardsmith watch`: rebuild whenever a source changes, and keep going when a build fails."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from cardsmith.errors import CardsmithError, ProblemsError
from cardsmith.layout import LOCK

Snapshot = dict[str, tuple[int, int]]


def snapshot(cards_dir: Path) -> Snapshot:
    """Size and modification time of every source file (the lock and hidden files, which builds
    write, left out)."""
    found: Snapshot = {}
    for path in sorted(cards_dir.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(cards_dir).parts)
        if path.name == LOCK or hidden or not path.is_file():
            continue
        try:
            stat = path.stat()
        except OSError:  # deleted while we looked
            continue
        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def watch(
    cards_dir: Path,
    run: Callable[[], str],
    report: Callable[[str], None],
    *,
    interval: float = 0.5,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run `run` now and after every change; report its summary or its problems.

    A change is acted on once the files have stopped changing for one interval (an editor that
    saves in several steps triggers one build). `rounds` bounds the polling, for tests.
    """

    def attempt() -> None:
        try:
            report(run())
        except ProblemsError as exc:
            for problem in exc.problems:
                report(str(problem))
            report("build failed; the previous decks are unchanged. Waiting for the next change…")
        except CardsmithError as exc:
            report(f"error: {exc}")

    attempt()
    seen = snapshot(cards_dir)
    polled = 0
    while rounds is None or polled < rounds:
        sleep(interval)
        polled += 1
        current = snapshot(cards_dir)
        if current == seen:
            continue
        while True:  # wait until the files are quiet
            sleep(interval)
            settled = snapshot(cards_dir)
            if settled == current:
                break
            current = settled
        seen = current
        attempt()
