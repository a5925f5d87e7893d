"""The pipeline (DESIGN.md §3): read everything, check it, compute the outputs, then write.

discover → read → parse curriculum, load questions → link and validate → render → identity and
times from the lock → export. This is the only module that touches the disk; everything it
calls takes values and returns values. Nothing is written unless validation passed, and every
file is written to a temporary file beside it and renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from cardsmith import assemble, config, curriculum, lock, notes, questions, render, sources
from cardsmith.errors import Location, OutputError, Problem, ProblemsError, error, has_errors, sort_problems
from cardsmith.exporters import NAMES, get_exporter
from cardsmith.model import Card, Project, Question
from cardsmith.regenerate import Plan, plan

QUESTION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class BuildResult:
    plan: Plan
    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()  # with check=True: files that differ from what the sources build
    removed: tuple[str, ...] = ()  # outputs of an earlier build that this one no longer makes
    warnings: tuple[Problem, ...] = field(default=())


def source_date_epoch() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return int(value)
        except ValueError:
            raise OutputError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}") from None
    return int(time.time())


def discover(cards_dir: Path) -> list[Path]:
    """Question files under the deck project, sorted, deck.yaml and hidden folders left out."""
    found = []
    for path in cards_dir.rglob("*"):
        rel = path.relative_to(cards_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix in QUESTION_SUFFIXES and path.name != config.FILENAME and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(cards_dir).as_posix())


def load_project(cards_dir: Path) -> Project:
    """Read and check a deck project; raise ProblemsError with every error found."""
    if not cards_dir.is_dir():
        raise ProblemsError(
            (error(Location(str(cards_dir)), "no such deck folder; pass --cards DIR or run `cardsmith init`"),)
        )
    cfg, problems = config.load_config(cards_dir, NAMES)
    if cfg is None:
        raise ProblemsError(sort_problems(problems))
    all_problems: list[Problem] = list(problems)
    cur_path = cards_dir / cfg.curriculum
    shown = str(cur_path)
    source, found = (
        sources.read_text(cur_path, shown)
        if cur_path.is_file()
        else (
            None,
            [
                error(
                    Location(str(cards_dir / config.FILENAME)),
                    f"curriculum file '{cfg.curriculum}' not found in {cards_dir}",
                )
            ],
        )
    )
    all_problems += found
    if source is None:
        raise ProblemsError(sort_problems(all_problems))
    parsed, found = curriculum.parse_curriculum(source.text, shown, cfg.phase_word, cfg.sections)
    all_problems += found
    files = discover(cards_dir)
    loaded: list[Question] = []
    for path in files:
        text, found = sources.read_text(path, str(path))
        all_problems += found
        if text is not None:
            qs, found = questions.load_questions(text)
            all_problems += found
            loaded.extend(qs)
    cards, found = assemble.link(parsed, loaded)
    all_problems += found
    media, media_files, found = collect_media(cards_dir, cards)
    all_problems += found
    if has_errors(all_problems):
        raise ProblemsError(sort_problems(all_problems))
    return Project(
        cards_dir, cfg, parsed, cards, tuple(str(p) for p in files), sort_problems(all_problems), media, media_files
    )


REMOTE = ("http:", "https:", "ftp:", "//")


def collect_media(
    cards_dir: Path, cards: tuple[Card, ...]
) -> tuple[dict[str, tuple[tuple[str, str], ...]], tuple[tuple[str, bytes], ...], list[Problem]]:
    """Find the images the cards show, refuse any outside the deck folder, and give them flat names.

    A source is relative to its question file. Anki keeps media in one flat folder, so each file
    is packaged as `<hash>-<name>`: unique, and a changed image gets a new name.
    """
    root = cards_dir.resolve()
    mapping: dict[str, dict[str, str]] = {}
    files: dict[str, bytes] = {}
    flat_names: dict[Path, str] = {}
    problems: list[Problem] = []
    for card in cards:
        question = card.question
        for text in (question.q, question.a, question.text, question.extra):
            for src in render.media_references(text) if "](" in text else ():
                where = question.location
                if src.startswith("data:"):
                    continue
                if src.lower().startswith(REMOTE):
                    problems.append(
                        error(where, f"image '{src}' is on the web; save it in the deck folder and link the file")
                    )
                    continue
                base = Path(question.location.path).parent
                target = (base / src).resolve()
                if Path(src).is_absolute() or not target.is_relative_to(root):
                    problems.append(
                        error(where, f"image '{src}' is outside the deck folder {cards_dir}; copy it into the folder")
                    )
                    continue
                if not target.is_file():
                    problems.append(error(where, f"image '{src}' not found (looked for {target})"))
                    continue
                if target not in flat_names:  # an image shown on many cards is read once
                    data = target.read_bytes()
                    flat_names[target] = f"{hashlib.sha256(data).hexdigest()[:8]}-{target.name}"
                    files[flat_names[target]] = data
                flat = flat_names[target]
                mapping.setdefault(question.location.path, {})[src] = flat
    return {k: tuple(sorted(v.items())) for k, v in mapping.items()}, tuple(sorted(files.items())), problems


def read_lock(cards_dir: Path) -> lock.Lock:
    """The project's lock, or an empty one before the first build."""
    path = cards_dir / lock.LOCK_NAME
    if not path.exists():
        return lock.Lock()
    try:
        return lock.parse_lock(path.read_text(encoding="utf-8"))
    except lock.LockSyntaxError as exc:
        raise ProblemsError((error(Location(str(path), exc.line, 1), str(exc)),)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError((error(Location(str(path)), f"cannot read the lock file: {exc}"),)) from None


CACHE = Path(".cardsmith-cache") / "render.sqlite3"


def load_render_cache(cards_dir: Path) -> dict[str, str]:
    """Renders of the previous build, by cache key; nothing if there is no usable cache."""
    path = cards_dir / CACHE
    if not path.is_file():
        return {}
    try:
        with closing(sqlite3.connect(path)) as db:
            return dict(db.execute("SELECT key, html FROM renders"))
    except sqlite3.Error:
        return {}  # a broken cache is only slower


def save_render_cache(cards_dir: Path, renders: dict[str, str], previous: dict[str, str]) -> None:
    """Keep exactly this build's renders for the next one (a cache is never worth failing a build)."""
    if renders.keys() == previous.keys():
        return
    path = cards_dir / CACHE
    try:
        path.parent.mkdir(exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        with closing(sqlite3.connect(tmp)) as db:
            db.execute("CREATE TABLE renders (key TEXT PRIMARY KEY, html TEXT NOT NULL)")
            db.executemany("INSERT INTO renders VALUES (?, ?)", sorted(renders.items()))
            db.commit()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error):
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)


def render_outputs(planned: Plan, formats: Iterable[str]) -> dict[str, bytes]:
    """The bytes of every output file of the chosen formats."""
    outputs: dict[str, bytes] = {}
    for name in formats:
        outputs.update(get_exporter(name).export(planned.deck))
    return outputs


def obsolete_outputs(planned: Plan, formats: Iterable[str], out_dir: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Files an earlier build of these formats wrote that this one would not (a phase gone, say).

    Only names the exporters claim (their `patterns`) are candidates: nothing else in the output
    folder is ever touched.
    """
    if not out_dir.is_dir():
        return []
    found: set[Path] = set()
    for name in formats:
        exporter = get_exporter(name)
        for pattern in exporter.patterns(planned.deck):
            found.update(
                p for p in out_dir.glob(pattern) if p.is_file() and p.relative_to(out_dir).as_posix() not in outputs
            )
    return sorted(found)


def write_all(files: dict[Path, bytes], last: Path) -> None:
    """Write every file through a temporary file beside it, renaming only once all are written.

    A failure while writing leaves every target as it was; `last` (the lock) is renamed last, so
    an interruption between renames can leave only outputs newer than the lock, which the next
    build rewrites.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path in sorted(files, key=lambda p: (p == last, str(p))):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(files[path])
            os.chmod(tmp, 0o644)
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file; pass another --out")


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
    """
    project = load_project(cards_dir)
    chosen = formats or project.config.formats
    unknown = [f for f in chosen if f not in NAMES]
    if unknown:
        raise OutputError(f"unknown format '{unknown[0]}'; known: {', '.join(NAMES)}")
    _check_out_dir(out_dir)
    cached = load_render_cache(cards_dir)
    render.seed(cached)
    fields = [
        (text, project.media.get(card.question.location.path, ()))
        for card in project.cards
        for text in notes.markdown_fields(card)
    ]
    render.prerender(fields, workers=min(4, os.cpu_count() or 1))
    planned = plan(project, read_lock(cards_dir), source_date_epoch() if now is None else now, allow_schema_change)
    outputs = render_outputs(planned, chosen)
    obsolete = obsolete_outputs(planned, chosen, out_dir, outputs)
    files = {out_dir / name: data for name, data in outputs.items()}
    files[project.lock_path] = planned.lock_text.encode("utf-8")
    differ = sorted(str(path) for path, data in files.items() if not path.is_file() or path.read_bytes() != data)
    unchanged = sorted(str(path) for path in files if str(path) not in differ)
    warnings = project.problems + planned.changes.warnings
    if strict and warnings:
        raise ProblemsError(warnings)
    if check:
        stale = tuple(sorted(differ + [str(p) for p in obsolete]))
        return BuildResult(planned, stale=stale, unchanged=tuple(unchanged), warnings=warnings)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_all({p: d for p, d in files.items() if str(p) in differ}, project.lock_path)
        for path in obsolete:
            path.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}") from None
    save_render_cache(cards_dir, render.used(), cached)
    return BuildResult(
        planned, written=tuple(differ), unchanged=tuple(unchanged), removed=tuple(map(str, obsolete)), warnings=warnings
    )


def preview(cards_dir: Path, out_file: Path) -> int:
    """Write the preview page of a deck project; return how many notes it shows."""
    from cardsmith.preview import preview_page

    project = load_project(cards_dir)
    planned = plan(project, read_lock(cards_dir), source_date_epoch(), allow_schema_change=True)
    if out_file.is_dir():
        raise OutputError(f"{out_file} is a folder; pass a file name to --out")
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        write_all({out_file: preview_page(planned.deck).encode("utf-8")}, out_file)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or out_file}: {exc.strerror or exc}") from None
    return len(planned.deck.notes)


def append_card(path: Path, entry: str) -> None:
    """Add a card entry at the end of a question file, creating the file if needed."""
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else "cards:\n"
        joined = old if old.endswith("\n") else old + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_all({path: (joined + entry).encode("utf-8")}, path)
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot add to {path}: {exc}") from None
