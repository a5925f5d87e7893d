"""The pipeline (DESIGN.md §3): read everything, check it, compute the outputs, then write.

discover → read → parse curriculum, load questions → link and validate → render → identity and
times from the lock → export. This is the only module that touches the disk; everything it
calls takes values and returns values. Nothing is written unless validation passed, and every
file is written to a temporary file beside it and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cardsmith import assemble, config, curriculum, lock, notes, questions, render, sources
from cardsmith.errors import Location, OutputError, Problem, ProblemsError, error, has_errors, sort_problems, warning
from cardsmith.exporters import NAMES, BuiltDeck, get_exporter
from cardsmith.model import Card, CardType, Curriculum, DeckConfig, Note, Question
from cardsmith.notetypes import NOTETYPES, NoteType, stylesheet

LOCK_NAME = "cardsmith.lock"
QUESTION_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Project:
    """A deck project read from disk and checked."""

    cards_dir: Path
    config: DeckConfig
    curriculum: Curriculum
    cards: tuple[Card, ...]
    files: tuple[str, ...]
    problems: tuple[Problem, ...]  # warnings only; errors stop load_project
    media: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # question file -> (src, flat name)
    media_files: tuple[tuple[str, bytes], ...] = ()  # flat name -> bytes, sorted


@dataclass(frozen=True, slots=True)
class Changes:
    """How the notes differ from the lock."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    notetypes_changed: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed"
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """The notes with their times, and the lock that goes with them."""

    deck: BuiltDeck
    lock_text: str
    changes: Changes


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
    plan_, found = curriculum.parse_curriculum(source.text, shown, cfg.phase_word, cfg.sections)
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
    cards, found = assemble.link(plan_, loaded)
    all_problems += found
    media, media_files, found = collect_media(cards_dir, cards)
    all_problems += found
    if has_errors(all_problems):
        raise ProblemsError(sort_problems(all_problems))
    return Project(
        cards_dir, cfg, plan_, cards, tuple(str(p) for p in files), sort_problems(all_problems), media, media_files
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
                data = target.read_bytes()
                flat = f"{hashlib.sha256(data).hexdigest()[:8]}-{target.name}"
                files[flat] = data
                mapping.setdefault(question.location.path, {})[src] = flat
    return {k: tuple(sorted(v.items())) for k, v in mapping.items()}, tuple(sorted(files.items())), problems


def _notetype_hashes(notetype: NoteType) -> tuple[str, str]:
    """(schema hash, content hash): what needs "merge note types" in Anki, and everything."""
    schema = [
        notetype.name,
        notetype.cloze,
        [(f.name, f.id) for f in notetype.fields],
        [(t.name, t.id) for t in notetype.templates],
    ]
    content = [schema, [(t.front, t.back) for t in notetype.templates], stylesheet(), notetype.sort_field]

    def digest(value: object) -> str:
        return hashlib.sha256(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()[:16]

    return digest(schema), digest(content)


def _card_count(note: Note) -> int:
    question = note.card.question
    if question.type is CardType.CLOZE:
        return max(int(n) for n in assemble.CLOZE_OPEN.findall(question.text))
    return 2 if question.type is CardType.REVERSED else 1


def plan(project: Project, previous: lock.Lock, now: int, allow_schema_change: bool = False) -> Plan:
    """Give every note and note type its mod time from the lock, and say what changed."""
    made = notes.make_notes(project.config, project.curriculum, project.cards, project.media)
    cards_lock: dict[str, lock.Entry] = {}
    dated: list[Note] = []
    new, changed, unchanged = [], [], []
    warnings: list[Problem] = []
    claimed: set[str] = set()
    for note in made:
        question = note.card.question
        old_key = next((k for k in (question.id, *question.was) if k in previous.cards), None)
        old = previous.cards.get(old_key) if old_key else None
        if old_key:
            claimed.add(old_key)
        renamed = old_key is not None and old_key != question.id  # the Card ID field changes too
        mod = lock.next_mod(old, "" if renamed else note.content_hash, now)
        deck_hash = hashlib.sha256(note.deck.name.encode()).hexdigest()[:8]
        count = _card_count(note)
        cards_lock[question.id] = lock.Entry(note.content_hash, mod, deck_hash, count)
        dated.append(replace(note, mod=mod))
        if old is None:
            new.append(question.id)
        elif old.content == note.content_hash and not renamed:
            unchanged.append(question.id)
        else:
            changed.append(question.id)
            if old.deck and old.deck != deck_hash:
                warnings.append(
                    warning(
                        question.location,
                        f"card '{question.id}' moved to deck '{note.deck.name}'; Anki keeps cards already imported in "
                        "their old deck (move them in the browser: Change Deck); its tags are updated",
                    )
                )
            if old.cards > count and question.type is CardType.CLOZE:
                warnings.append(
                    warning(
                        question.location,
                        f"cloze card '{question.id}' now has {count} deletion(s), not {old.cards}; Anki keeps the extra "
                        "cards, empty: remove them with Tools > Check Database / Empty Cards",
                    )
                )
    removed = sorted(set(previous.cards) - claimed)
    by_hash = {cards_lock[i].content: i for i in new}
    for old_id in removed:
        twin = by_hash.get(previous.cards[old_id].content)
        if twin:
            warnings.append(
                warning(
                    next(n.card.question.location for n in dated if n.card_id == twin),
                    f"card '{twin}' has the same content as removed card '{old_id}'; if it was renamed, add "
                    f"'was: {old_id}' to keep the learner's review history",
                )
            )
        else:
            warnings.append(
                warning(
                    Location(str(project.cards_dir / LOCK_NAME)),
                    f"card '{old_id}' was removed; Anki keeps notes it already imported (find them with "
                    f'"Card ID:{old_id}" in the browser and delete them by hand)',
                )
            )
    notetype_lock: dict[str, lock.Entry] = {}
    notetype_mods: dict[str, int] = {}
    changed_types = []
    for key, notetype in sorted(NOTETYPES.items()):
        schema, content = _notetype_hashes(notetype)
        old = previous.notetypes.get(key)
        mod = lock.next_mod(old, content, now)
        if old is not None and old.content != content:
            changed_types.append(key)
            if old.schema and old.schema != schema and not allow_schema_change:
                raise ProblemsError(
                    (
                        error(
                            Location(str(project.cards_dir / LOCK_NAME)),
                            f"the fields or templates of note type '{notetype.name}' changed; every learner would "
                            "have to tick 'merge note types' on import or the notes would not update. Pass "
                            "--allow-schema-change if that is really meant",
                        ),
                    )
                )
        notetype_lock[key] = lock.Entry(content, mod, schema=schema)
        notetype_mods[key] = mod
    new_lock = lock.Lock(cards_lock, notetype_lock)
    changes = Changes(
        tuple(new), tuple(changed), tuple(unchanged), tuple(removed), tuple(changed_types), tuple(warnings)
    )
    deck = BuiltDeck(project.config, project.curriculum, tuple(dated), notetype_mods, project.media_files)
    return Plan(deck, lock.format_lock(new_lock), changes)


def read_lock(cards_dir: Path) -> lock.Lock:
    """The project's lock, or an empty one before the first build."""
    path = cards_dir / LOCK_NAME
    if not path.exists():
        return lock.Lock()
    try:
        return lock.parse_lock(path.read_text(encoding="utf-8"))
    except lock.LockSyntaxError as exc:
        raise ProblemsError((error(Location(str(path), exc.line, 1), str(exc)),)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProblemsError((error(Location(str(path)), f"cannot read the lock file: {exc}"),)) from None


def render_outputs(plan_: Plan, formats: Iterable[str]) -> dict[str, bytes]:
    """The bytes of every output file of the chosen formats."""
    outputs: dict[str, bytes] = {}
    for name in formats:
        outputs.update(get_exporter(name).export(plan_.deck))
    return outputs


def obsolete_outputs(plan_: Plan, formats: Iterable[str], out_dir: Path, outputs: dict[str, bytes]) -> list[Path]:
    """Files an earlier build of these formats wrote that this one would not (a phase gone, say).

    Only names the exporters claim (their `patterns`) are candidates: nothing else in the output
    folder is ever touched.
    """
    if not out_dir.is_dir():
        return []
    found: set[Path] = set()
    for name in formats:
        exporter = get_exporter(name)
        patterns = exporter.patterns(plan_.deck) if hasattr(exporter, "patterns") else ()
        for pattern in patterns:
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
    now: int | None = None,
    allow_schema_change: bool = False,
) -> BuildResult:
    """Build the decks; with `check`, write nothing and report which files are stale."""
    project = load_project(cards_dir)
    chosen = formats or project.config.formats
    unknown = [f for f in chosen if f not in NAMES]
    if unknown:
        raise OutputError(f"unknown format '{unknown[0]}'; known: {', '.join(NAMES)}")
    _check_out_dir(out_dir)
    plan_ = plan(project, read_lock(cards_dir), source_date_epoch() if now is None else now, allow_schema_change)
    outputs = render_outputs(plan_, chosen)
    obsolete = obsolete_outputs(plan_, chosen, out_dir, outputs)
    files = {out_dir / name: data for name, data in outputs.items()}
    files[cards_dir / LOCK_NAME] = plan_.lock_text.encode("utf-8")
    differ = sorted(str(path) for path, data in files.items() if not path.is_file() or path.read_bytes() != data)
    unchanged = sorted(str(path) for path in files if str(path) not in differ)
    warnings = project.problems + plan_.changes.warnings
    if check:
        stale = tuple(sorted(differ + [str(p) for p in obsolete]))
        return BuildResult(plan_, stale=stale, unchanged=tuple(unchanged), warnings=warnings)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_all({p: d for p, d in files.items() if str(p) in differ}, cards_dir / LOCK_NAME)
        for path in obsolete:
            path.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}") from None
    return BuildResult(
        plan_, written=tuple(differ), unchanged=tuple(unchanged), removed=tuple(map(str, obsolete)), warnings=warnings
    )
