"""Read a deck project from disk: deck.yaml, the curriculum, every question file, the images, the lock.

Everything is checked before anything is built, and every problem is collected: loading raises
one ProblemsError with all the errors, or gives a Project (whose warnings it carries). A question
file whose bytes are unchanged since the last build is not parsed again: its result comes from
the cache, keyed by its name and bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from cardsmith import assemble, config, curriculum, lock, questions, sources
from cardsmith.errors import Location, Problem, ProblemsError, error, has_errors, sort_problems
from cardsmith.layout import discover, lock_path
from cardsmith.media import MediaReader
from cardsmith.memo import Memo
from cardsmith.model import (
    Curriculum,
    DeckConfig,
    Progress,
    Project,
    Question,
    QuestionFile,
    WrittenId,
    no_progress,
)

T = TypeVar("T")
Read = dict[str, str]  # every file a build reads -> the SHA-256 of the bytes it read


def _read(path: Path, read: Read) -> tuple[bytes | None, list[Problem]]:
    data, problems = sources.read_bytes(path, str(path))
    if data is not None:
        read[str(path)] = hashlib.sha256(data).hexdigest()
    return data, problems


def _parse_cached(
    path: Path,
    settings: str,
    parsed: Memo,
    read: Read,
    parse: Callable[[sources.Text], tuple[T, list[Problem]]],
    encode: Callable[[Any, list[Problem]], str],
    decode: Callable[[str], tuple[T, list[Problem]]],
) -> tuple[T | None, list[Problem]]:
    """Parse a source file, or take the result from the cache when its bytes (and `settings`) are as last time."""
    shown = str(path)
    data, problems = _read(path, read)
    if data is None:
        return None, problems
    key = hashlib.blake2b(f"{settings}\0{shown}\0".encode("utf-8", "surrogateescape") + data, digest_size=16).digest()
    cached = parsed.lookup(key)
    if cached is not None:
        try:
            return decode(cached)
        except ValueError:
            pass  # a broken cache entry is only slower
    source, problems = sources.decode(data, shown)
    if source is None:
        return None, problems
    found, problems = parse(source)
    parsed.add(key, lambda: encode(found, problems))  # made only when the cache is written
    return found, problems


def read_questions(path: Path, parsed: Memo, read: Read) -> tuple[QuestionFile, list[Problem]]:
    """The cards of one question file, from the cache when its bytes are the same as last time."""
    parse, encode, decode = questions.load_question_file, questions.encode, questions.decode
    found, problems = _parse_cached(path, "questions", parsed, read, parse, encode, decode)
    return found or QuestionFile(), problems


def read_curriculum(path: Path, cfg: DeckConfig, parsed: Memo, read: Read) -> tuple[Curriculum | None, list[Problem]]:
    """The curriculum, from the cache when its bytes and the settings that shape it are unchanged."""

    def parse(source: sources.Text) -> tuple[Curriculum, list[Problem]]:
        return curriculum.parse_for(source.text, source.path, cfg)

    settings = curriculum.settings_of(cfg)
    return _parse_cached(path, settings, parsed, read, parse, curriculum.encode, curriculum.decode)


def read_config(cards_dir: Path, read: Read) -> tuple[DeckConfig | None, list[Problem]]:
    """`deck.yaml`, checked."""
    from cardsmith.exporters import NAMES  # the format names deck.yaml may list

    path = cards_dir / config.FILENAME
    if not path.is_file():
        return None, [
            error(Location(str(path)), f"no {config.FILENAME} here; create one with `cardsmith init {cards_dir}`")
        ]
    data, problems = _read(path, read)
    source, found = sources.decode(data, str(path)) if data is not None else (None, [])
    if source is None:
        return None, problems + found
    return config.parse_config(source, NAMES)


def require_deck_folder(cards_dir: Path) -> None:
    """Refuse a deck folder that does not exist, with a located error that says what to pass."""
    if not cards_dir.is_dir():
        here = Path(config.FILENAME).is_file() and cards_dir == Path("cards")
        hint = (
            f"this folder has a {config.FILENAME}: pass --cards . (or run from the folder above)"
            if here
            else "pass --cards DIR, or start one with `cardsmith init`"
        )
        raise ProblemsError((error(Location(str(cards_dir)), f"no such deck folder; {hint}"),))


def _config_and_plan(cards_dir: Path, parsed: Memo, read: Read) -> tuple[DeckConfig, Curriculum, list[Problem]]:
    require_deck_folder(cards_dir)
    cfg, problems = read_config(cards_dir, read)
    if cfg is None:
        raise ProblemsError(sort_problems(problems))
    path = cards_dir / cfg.curriculum
    if not path.is_file():
        missing = error(
            Location(str(cards_dir / config.FILENAME)), f"curriculum file '{cfg.curriculum}' not found in {cards_dir}"
        )
        raise ProblemsError(sort_problems([*problems, missing]))
    plan, found = read_curriculum(path, cfg, parsed, read)
    if plan is None:
        raise ProblemsError(sort_problems(problems + found))
    return cfg, plan, problems + found


def load_project(
    cards_dir: Path, parsed: Memo | None = None, *, lenient: bool = False, progress: Progress = no_progress
) -> Project:
    """Read and check a deck project; raise ProblemsError with every error found.

    With `lenient`, errors in cards do not stop the loading: the cards that have them are left
    out and the errors are among the project's problems (for preview, status, coverage and new,
    which are useful while a card is half-written). Errors in deck.yaml or the curriculum stop
    it all the same.
    """
    parsed = parsed if parsed is not None else Memo()
    read: Read = {}
    cfg, plan, problems = _config_and_plan(cards_dir, parsed, read)
    files = discover(cards_dir)
    loaded: list[Question] = []
    ids: list[WrittenId] = []
    inside = cards_dir.resolve()
    for number, path in enumerate(files, start=1):
        progress("reading", number, len(files))
        if not path.resolve().is_relative_to(inside):  # a link to a file elsewhere: not read, not echoed
            message = f"this question file is a link to a file outside the deck folder {cards_dir}; copy the file in"
            problems.append(error(Location(str(path)), message))
            continue
        found_file, found = read_questions(path, parsed, read)
        problems += found
        loaded.extend(found_file.questions)
        ids.extend(found_file.ids)
    cards, found = assemble.link(plan, loaded, ids)
    problems += found
    images = MediaReader(cards_dir)
    with_media = []
    for card in cards:
        media, found = images.of(card.question)
        problems += found
        if not has_errors(found):
            with_media.append(replace(card, media=media) if media else card)
    if has_errors(problems) and not lenient:
        raise ProblemsError(sort_problems(problems))
    read.update(images.read)
    return Project(
        cards_dir,
        cfg,
        plan,
        tuple(with_media),
        tuple(str(p) for p in files),
        sort_problems(problems),
        images.packaged,
        tuple(sorted(read.items())),
        tuple(ids),
    )


MAX_LOCK_BYTES = 64 * 1024 * 1024  # a lock line is under 200 bytes: this is room for 300,000 cards


def read_lock(cards_dir: Path) -> lock.Lock:
    """The project's lock, or an empty one before the first build; every unreadable line is an error.

    A lock that is not a regular file (a FIFO would hang the build) or is absurdly large is
    refused before it is read. The messages say how to restore the lock, never to delete it:
    without it, every note would get a new time (see recover.py for what a build does then).
    """
    path = lock_path(cards_dir)
    restore = lock.RESTORE.format(path=path)
    if not path.exists() and not path.is_symlink():
        return lock.Lock()
    try:
        if not path.is_file():
            raise ProblemsError((error(Location(str(path)), f"the lock is not a regular file; {restore}"),))
        size = path.stat().st_size
        if size > MAX_LOCK_BYTES:
            message = f"the lock is {size // 1024 // 1024} MB, far more than any deck needs; {restore}"
            raise ProblemsError((error(Location(str(path)), message),))
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise ProblemsError((error(Location(str(path)), f"the lock is not UTF-8 text; {restore}"),)) from None
    except OSError as exc:
        message = f"cannot read the lock: {exc.strerror or exc}"
        raise ProblemsError((error(Location(str(path)), message),)) from None
    found, problems = lock.parse_lock(text)
    if problems:
        settle = (
            "keep, for each card in conflict, the line with the larger mod=, remove the markers and run "
            '`cardsmith build` (README: "When two authors\' branches meet")'
        )
        raise ProblemsError(
            tuple(
                error(Location(str(path), line, 1), f"{message}; {settle if 'merge conflict' in message else restore}")
                for line, message in problems
            )
        )
    return found
