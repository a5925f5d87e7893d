"""Release notes of the cards: what changed for learners between a git ref and the working tree.

API (for `cardsmith changelog` and the deck site):

    changes(cards_dir: Path, since: str | None = None, *, progress: Progress = no_progress) -> Changelog
        raises ChangelogError (a CardsmithError; the command exits 2) outside a git repository,
        for an unknown ref or a repository without commits; ProblemsError (exit 1) when the
        deck project in the working tree has errors, or deck.yaml or the curriculum at the ref.
        `since=None`: the last tag; when HEAD itself carries that tag and the deck folder has no
        uncommitted change, the tag before it (the notes of the version just tagged); without
        a tag, the first commit.
    to_markdown(log: Changelog, level: int = 2) -> str    # headings start at `#` * level
    to_json(log: Changelog) -> str

    Changelog: since (the ref as shown), title, version, since_version, groups, unchanged,
        notetypes (names of note types whose templates or style changed), counts(), summary()
    Group: phase, week ("" for cards straight under a phase), cards: tuple[CardChange, ...]
    CardChange: change ("added" | "changed" | "renamed" | "removed"), id, was (renamed: the id
        at the ref, else ""), edited (the content learners see changed: True for "changed",
        for "renamed" whether it changed too, False for the others), question (one line of plain text),
        question_markdown (the same line as Markdown: inline code kept, the rest escaped)
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cardsmith import assemble, cache, config, curriculum, lock, questions, sources
from cardsmith.cloze import fill_blanks, hide_all
from cardsmith.errors import CardsmithError, Location, ProblemsError, error, has_errors, sort_problems
from cardsmith.layout import CONFIG, LOCK, QUESTION_SUFFIXES
from cardsmith.media import MediaReader
from cardsmith.model import Card, CardType, Curriculum, DeckConfig, Progress, Question, WrittenId, no_progress
from cardsmith.notes import make_notes, place_of
from cardsmith.notetypes import for_deck
from cardsmith.pipeline import prepare
from cardsmith.plan import deck_hash, plan, previous_entry
from cardsmith.render import Renderer, markdown

MAX_QUESTION = 120  # characters of a question's one line; a longer one is cut at a word and ends in "…"
KINDS = ("added", "changed", "renamed", "removed")


class ChangelogError(CardsmithError):
    """The history cannot be read: not a git repository, an unknown ref, no commit yet (a usage error: exit 2)."""


# --- The result -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CardChange:
    """One card that changed for learners."""

    change: str  # one of KINDS
    id: str
    question: str  # one line of plain text
    question_markdown: str  # the same line as Markdown (inline code kept, the rest escaped)
    was: str = ""  # renamed: the id the card had at the ref
    edited: bool = False  # the content learners see changed: always for "changed"; for "renamed", whether it did too


@dataclass(frozen=True, slots=True)
class Group:
    """The changed cards of one week (or of a phase, for cards straight under it), in curriculum order."""

    phase: str  # the phase's title, as in the curriculum ("" for removed cards not found at the ref)
    week: str  # the week's title ("" for cards straight under the phase)
    cards: tuple[CardChange, ...]


@dataclass(frozen=True, slots=True)
class Changelog:
    """What changed for learners between a git ref and the working tree."""

    since: str  # the ref as given, the tag found, or the first commit's short hash
    title: str  # the deck's title now
    version: str  # deck.yaml's version now ("" if none)
    since_version: str  # deck.yaml's version at the ref
    groups: tuple[Group, ...]
    unchanged: int  # cards that are the same for learners
    notetypes: tuple[str, ...] = ()  # names of the note types whose templates or style changed

    def counts(self) -> dict[str, int]:
        """How many cards were added, changed, renamed, removed, and stayed the same."""
        found = dict.fromkeys(KINDS, 0)
        for group in self.groups:
            for card in group.cards:
                found[card.change] += 1
        return {**found, "unchanged": self.unchanged}

    def summary(self) -> str:
        """`Cards since v1.0: 2 added, 1 changed, 1 renamed, 1 removed, 40 unchanged.`"""
        counts = self.counts()
        return f"Cards since {self.since}: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()) + "."


# --- Reading the history ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Repository:
    top: Path
    prefix: str  # the deck folder inside the repository: "" or a path ending in "/"


def _git(where: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_LITERAL_PATHSPECS": "1"}
    try:
        return subprocess.run(["git", "-C", str(where), *args], input=stdin, capture_output=True, check=False, env=env)
    except FileNotFoundError:
        raise ChangelogError(
            "git is not installed (or not on PATH); `changelog` reads the deck's history with it"
        ) from None


def _repository(cards_dir: Path) -> _Repository:
    found = _git(cards_dir, "rev-parse", "--show-toplevel", "--show-prefix")
    if found.returncode != 0:
        raise ChangelogError(
            f"{cards_dir} is not in a git repository; `changelog` compares the deck with an earlier commit, "
            "so the deck project must be in git (git init, then commit it and tag the version you release)"
        )
    top, prefix = os.fsdecode(found.stdout).split("\n")[:2]
    return _Repository(Path(top), prefix)


def _commit(repository: _Repository, ref: str) -> str | None:
    found = _git(repository.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return found.stdout.decode().strip() if found.returncode == 0 else None


def _last_tag(repository: _Repository, commit: str) -> str | None:
    found = _git(repository.top, "describe", "--tags", "--abbrev=0", commit)
    return os.fsdecode(found.stdout).strip() if found.returncode == 0 else None


def _unchanged_since_commit(repository: _Repository) -> bool:
    """Whether the deck folder is as HEAD has it: nothing modified, added or new (git-ignored files aside)."""
    found = _git(repository.top, "status", "--porcelain", "-z", "--untracked-files=all", "--", repository.prefix or ".")
    return found.returncode == 0 and not found.stdout


def resolve(repository: _Repository, since: str | None) -> tuple[str, str]:
    """The ref to compare with: (as shown, commit). See the module's docstring for the default."""
    head = _commit(repository, "HEAD")
    if head is None:
        raise ChangelogError("the repository has no commit yet; commit the deck project first (and tag each release)")
    if since is not None:
        commit = _commit(repository, since) if since.strip() and not since.startswith("-") else None
        if commit is None:
            raise ChangelogError(f"unknown git ref '{since}': not a tag, branch or commit of this repository")
        return since, commit
    tag = _last_tag(repository, head)
    if tag is not None and _commit(repository, tag) == head and _unchanged_since_commit(repository):
        parent = _commit(repository, "HEAD^")
        tag = _last_tag(repository, parent) if parent else None  # the version just tagged: since the one before
    if tag is not None:
        return tag, str(_commit(repository, tag))
    roots = _git(repository.top, "rev-list", "--max-parents=0", "HEAD").stdout.decode().split()
    first = roots[-1]
    return _git(repository.top, "rev-parse", "--short", first).stdout.decode().strip(), first


def _tree(repository: _Repository, commit: str) -> dict[str, tuple[str, int]]:
    """The regular files of the deck folder at a commit: path inside the folder -> (blob, size)."""
    args = ["ls-tree", "-r", "-z", "-l", commit]
    found = _git(repository.top, *args, *(["--", repository.prefix] if repository.prefix else []))
    if found.returncode != 0:
        raise ChangelogError(f"cannot list the files of {commit}: {found.stderr.decode(errors='replace').strip()}")
    files = {}
    for entry in found.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = os.fsdecode(name)
        if kind == b"blob" and mode in (b"100644", b"100755") and path.startswith(repository.prefix):
            files[path[len(repository.prefix) :]] = (blob.decode(), int(size))
    return files


def _blobs(repository: _Repository, blobs: list[str]) -> dict[str, bytes]:
    """The bytes of git objects, all read by one `git cat-file --batch`."""
    wanted = sorted(set(blobs))
    if not wanted:
        return {}
    found = _git(repository.top, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in wanted).encode())
    data, at, contents = found.stdout, 0, {}
    for blob in wanted:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        if len(header) != 3:
            raise ChangelogError(f"git cannot read object {blob}")
        size = int(header[2])
        contents[blob] = data[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return contents


def _is_question_file(path: str) -> bool:
    """Whether a path in the deck folder is a question file, as layout.discover decides on disk."""
    parts = path.split("/")
    name = parts[-1]
    return (
        not any(part.startswith(".") for part in parts)
        and name.lower().endswith(QUESTION_SUFFIXES)
        and name.lower() != CONFIG
    )


@dataclass(frozen=True, slots=True)
class _Before:
    """The deck project at the ref: its settings, plan and cards (those without errors), and its lock."""

    config: DeckConfig | None = None
    curriculum: Curriculum | None = None
    cards: tuple[Card, ...] = ()
    released: lock.Lock = field(default_factory=lock.Lock)


def _read_before(repository: _Repository, label: str, commit: str, cards_dir: Path) -> _Before:
    """Read deck.yaml, the curriculum, the question files and the lock at a commit, with the usual loaders.

    deck.yaml, the curriculum and the lock must be readable (errors at `REF:path:line:col`); a
    question file or card with errors is passed over, as it was never released.
    """
    tree = _tree(repository, commit)
    if CONFIG not in tree:
        return _Before()  # no deck here yet: every card is new

    def shown(path: str) -> str:
        return f"{label}:{repository.prefix}{path}"

    def text(path: str, contents: dict[str, bytes]) -> sources.Text:
        blob, size = tree[path]
        if size > sources.MAX_FILE_BYTES:
            raise ProblemsError((error(Location(shown(path)), f"file is over {sources.MAX_FILE_BYTES} bytes"),))
        found, problems = sources.decode(contents[blob], shown(path))
        if found is None:
            raise ProblemsError(tuple(problems))
        return found

    from cardsmith.exporters import NAMES  # the format names deck.yaml may list

    settings, problems = config.parse_config(text(CONFIG, _blobs(repository, [tree[CONFIG][0]])), NAMES)
    if settings is None:
        raise ProblemsError(sort_problems(problems))
    plan_path = posixpath.normpath(settings.curriculum)
    if plan_path not in tree:
        message = f"curriculum file '{settings.curriculum}' not found in {label}:{repository.prefix}"
        raise ProblemsError((error(Location(shown(CONFIG)), message),))
    files = sorted(path for path in tree if _is_question_file(path) and tree[path][1] <= sources.MAX_FILE_BYTES)
    wanted = [path for path in (plan_path, LOCK, *files) if path in tree]
    contents = _blobs(repository, [tree[path][0] for path in wanted])
    source = text(plan_path, contents)
    plan_, _ = curriculum.parse_curriculum(source.text, source.path, settings.phase_word, settings.sections)
    loaded: list[Question] = []
    ids: list[WrittenId] = []
    for path in files:
        # Named as on disk, so that images are found next to the question file (see _made_before).
        found, _ = sources.decode(contents[tree[path][0]], str(cards_dir / path))
        if found is not None:
            read, _ = questions.load_question_file(found)
            loaded += read.questions
            ids += read.ids
    cards, _ = assemble.link(plan_, loaded, ids)
    released = lock.Lock()
    if LOCK in tree:
        released, broken = lock.parse_lock(text(LOCK, contents).text)
        if broken:
            raise ProblemsError(tuple(error(Location(shown(LOCK), line, 1), message) for line, message in broken))
    return _Before(settings, plan_, cards, released)


def _as_built(before: _Before, cards_dir: Path, renderer: Renderer) -> lock.Lock:
    """The lock as a build at the ref would have written it: the lock there, plus the cards it lacks.

    A card that the lock at the ref knows (by its id or a `was:` id) is what learners were given:
    its entry is taken as it is. A card it lacks (the lock was not built at that commit) gets the
    content hash of its note, made from the sources at the ref; its images are read from the
    working tree.
    """
    if before.config is None or before.curriculum is None:
        return before.released
    known = before.released.cards
    missing = [card for card in before.cards if not {card.question.id, *card.question.was} & known.keys()]
    if not missing:
        return replace(before.released, deck_id=before.released.deck_id or before.config.id)
    images = MediaReader(cards_dir)
    with_media = []
    for card in missing:
        media, problems = images.of(card.question)
        with_media.append(replace(card, media=media) if media and not has_errors(problems) else card)
    notes = make_notes(before.config, before.curriculum, tuple(with_media), renderer)
    cards = dict(known)
    for note in notes:
        cards[note.id] = lock.Entry(note.content_hash, lock.EARLIEST, deck_hash(note), max(note.cards))
    return lock.Lock(cards, before.released.notetypes, before.released.deck_id or before.config.id)


# --- One line of a question -----------------------------------------------------------------------

# What Markdown (CommonMark, and GitHub's: `~~`, `$…$` math) would read as markup in a line of text.
# A `[…]` (a cloze's blank) is a link only with `(…)` after it, as the notes have no link definitions.
_TEXT_SPECIAL = re.compile(r"([\\`*_<~$]|\](?=\()|&(?=#?[0-9A-Za-z]+;))")
_SPACES = re.compile(r"\s+")


def _runs_of(children: list[Any], runs: list[tuple[bool, str]]) -> None:
    for child in children:
        if child.type in ("text", "text_special"):
            runs.append((False, child.content))
        elif child.type == "code_inline":
            runs.append((True, child.content))
        elif child.type in ("softbreak", "hardbreak"):
            runs.append((False, " "))
        elif child.type == "math_inline":
            runs.append((False, f"\\({child.content}\\)"))
        elif child.children:  # an image: its alt text
            _runs_of(child.children, runs)


def one_line(text: str, limit: int = MAX_QUESTION) -> tuple[str, str]:
    """A question as one line: (plain text, Markdown). Emphasis and links become their text, images
    their alt text, a code block its first line (`…` when it has more), inline code stays code in
    the Markdown; a cloze's blanks read `[...]` (or `[hint]`). Longer than `limit`: cut at a word."""
    runs: list[tuple[bool, str]] = []
    for token in markdown().parse(text):
        if token.type == "inline":
            _runs_of(token.children or [], runs)
        elif token.type in ("fence", "code_block"):
            lines = [line.strip() for line in token.content.splitlines() if line.strip()]
            runs += [(True, lines[0])] + ([(False, " …")] if len(lines) > 1 else []) if lines else []
        elif token.type.startswith("math_block"):
            runs.append((False, f"\\[{token.content.strip()}\\]"))
        else:
            continue
        runs.append((False, " "))
    merged: list[tuple[bool, str]] = []
    for code, part in runs:
        part = fill_blanks(_SPACES.sub(" ", part))
        if merged and merged[-1][0] == code:
            merged[-1] = (code, _SPACES.sub(" ", merged[-1][1] + part))
        elif part:
            merged.append((code, part))
    if merged and not merged[0][0]:
        merged[0] = (False, merged[0][1].lstrip())
    if merged and not merged[-1][0]:
        merged[-1] = (False, merged[-1][1].rstrip())
    merged = _cut([run for run in merged if run[1]], limit)
    plain = "".join(part for _, part in merged)
    return plain, "".join(_code_span(part) if code else _TEXT_SPECIAL.sub(r"\\\1", part) for code, part in merged)


def _cut(runs: list[tuple[bool, str]], limit: int) -> list[tuple[bool, str]]:
    if sum(len(part) for _, part in runs) <= limit:
        return runs
    kept: list[tuple[bool, str]] = []
    room = limit
    for code, part in runs:
        if len(part) <= room:
            kept.append((code, part))
            room -= len(part)
            continue
        cut = part[:room]
        if " " in cut.strip():
            cut = cut[: cut.rstrip().rfind(" ")]
        if cut.strip():
            kept.append((code, cut.rstrip() if not code else cut))
        break
    if kept and not kept[-1][0]:
        kept[-1] = (False, kept[-1][1].rstrip())
    return [*kept, (False, " …" if kept and kept[-1][0] else "…")]


def _code_span(code: str) -> str:
    """Inline code that shows `code` as it is, whatever backticks it holds (CommonMark's rules)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    pad = " " if code.startswith(("`", " ")) or code.endswith(("`", " ")) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _front(question: Question) -> str:
    """The question side as written: a cloze's text with its deletions hidden."""
    return hide_all(question.text) if question.type is CardType.CLOZE else question.q


# --- Comparing -----------------------------------------------------------------------------------


def changes(cards_dir: Path, since: str | None = None, *, progress: Progress = no_progress) -> Changelog:
    """What changed for learners in the deck project `cards_dir` since the git ref `since` (see the module's docstring).

    "Changed" is what `cardsmith status` calls changed, against the lock as the ref released
    it: the notes' content (fields, deck, tags) differs, so learners' copies update on import.
    """
    if not cards_dir.is_dir():
        prepare(cards_dir, cache.Caches())  # says what is wrong with the folder
    repository = _repository(cards_dir)
    label, commit = resolve(repository, since)
    prepared = prepare(
        cards_dir,
        cache.load(cards_dir),
        now=lock.EARLIEST,
        allow_schema_change=True,
        allow_id_change=True,
        progress=progress,
    )
    before = _read_before(repository, label, commit, cards_dir)
    released = _as_built(before, cards_dir, prepared.renderer)
    now = prepared.project.config
    notes = prepared.plan.deck.notes
    planned = plan(
        now,
        notes,
        prepared.project.media,
        released,
        lock.EARLIEST,
        css=prepared.plan.deck.stylesheet,
        lock_path=f"{label}:{repository.prefix}{LOCK}",
        allow_schema_change=True,
        allow_id_change=True,
    )
    found = planned.changes
    same_deck = not released.deck_id or released.deck_id == now.id
    removed = found.removed if same_deck else tuple(sorted(released.cards))
    added, changed = set(found.new), set(found.changed)
    entries: list[tuple[tuple[str, ...], tuple[int, int], CardChange]] = []
    for note in notes:
        if note.id not in added | changed:
            continue
        plain, marked = one_line(note.sides.front)
        old = previous_entry(note, released) if note.id in changed else None
        if old is None:
            change = CardChange(
                "added" if note.id in added else "changed", note.id, plain, marked, edited=note.id in changed
            )
        elif old != note.id:
            edited = released.cards[old].content != note.content_hash
            change = CardChange("renamed", note.id, plain, marked, was=old, edited=edited)
        else:
            change = CardChange("changed", note.id, plain, marked, edited=True)
        entries.append((note.deck.parts[1:], (0, note.order), change))
    entries += _removed(before, removed)
    notetypes = for_deck(now.report_url, now.title)
    return Changelog(
        label,
        now.title,
        now.version,
        before.config.version if before.config else "",
        _grouped(entries),
        len(found.unchanged),
        tuple(notetypes[key].name for key in found.notetypes_changed),
    )


def _removed(before: _Before, removed: tuple[str, ...]) -> list[tuple[tuple[str, ...], tuple[int, int], CardChange]]:
    """The removed cards where they were at the ref, with their question as it was."""
    ordered = sorted(enumerate(before.cards), key=lambda pair: (pair[1].node, pair[0]))
    by_id: dict[str, tuple[int, Card]] = {}
    for order, (_, card) in enumerate(ordered):
        for name in (*card.question.was, card.question.id):  # its own id wins over an earlier one
            by_id[name] = (order, card)
    entries = []
    for card_id in removed:
        if card_id in by_id and before.config is not None and before.curriculum is not None:
            order, card = by_id[card_id]
            parts = place_of(before.config, before.curriculum, card.node).deck.parts[1:]
            plain, marked = one_line(_front(card.question))
            entries.append((parts, (1, order), CardChange("removed", card_id, plain, marked)))
        else:
            entries.append(((), (1, 0), CardChange("removed", card_id, "", "")))
    return entries


_ORDINAL = re.compile(r"(\d+) (.*)", re.DOTALL)


def _deck_order(part: str) -> tuple[int, str]:
    """A sub-deck's name (`03 Неделя 7-8: …`) as its place in the curriculum and its title."""
    found = _ORDINAL.fullmatch(part)
    return (int(found.group(1)), found.group(2)) if found else (0, part)


def _grouped(entries: list[tuple[tuple[str, ...], tuple[int, int], CardChange]]) -> tuple[Group, ...]:
    """The changes by phase and week, in curriculum order (cards not found at the ref first)."""
    groups: dict[tuple[str, str], list[tuple[tuple[int, int], CardChange]]] = {}
    for parts, order, change in entries:
        key = (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")
        groups.setdefault(key, []).append((order, change))

    def place(key: tuple[str, str]) -> tuple[int, tuple[int, str], tuple[int, str]]:
        phase, week = key
        return (1 if phase else 0, _deck_order(phase), _deck_order(week) if week else (-1, ""))

    return tuple(
        Group(
            _deck_order(phase)[1],
            _deck_order(week)[1] if week else "",
            tuple(c for _, c in sorted(found, key=lambda e: e[0])),
        )
        for (phase, week), found in sorted(groups.items(), key=lambda item: place(item[0]))
    )


# --- Writing -------------------------------------------------------------------------------------


def _line(card: CardChange) -> str:
    if card.change == "renamed":
        what = f"{'Renamed and changed' if card.edited else 'Renamed'} `{card.was}` → `{card.id}`"
    else:
        what = f"{card.change.capitalize()} `{card.id}`"
    return f"- {what}: {card.question_markdown}" if card.question_markdown else f"- {what}"


def to_markdown(log: Changelog, level: int = 2) -> str:
    """The release notes as Markdown: the summary, then a heading per phase (`#` * level) and week, one line per card."""
    lines = [log.summary(), ""]
    phase = None
    for group in log.groups:
        if group.phase and group.phase != phase:
            lines += ["#" * level + " " + _TEXT_SPECIAL.sub(r"\\\1", group.phase), ""]
        phase = group.phase
        if group.week:
            lines += ["#" * (level + 1) + " " + _TEXT_SPECIAL.sub(r"\\\1", group.week), ""]
        lines += [_line(card) for card in group.cards] + [""]
    if log.notetypes:
        lines += [f"Card templates or style changed: {', '.join(log.notetypes)}.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(log: Changelog) -> str:
    """The release notes as JSON, for tools: one object per changed card, in the order of the Markdown."""
    cards = [
        {
            "change": card.change,
            "id": card.id,
            "was": card.was or None,
            "edited": card.edited,
            "phase": group.phase or None,
            "week": group.week or None,
            "question": card.question,
            "question_markdown": card.question_markdown,
        }
        for group in log.groups
        for card in group.cards
    ]
    data = {
        "since": log.since,
        "title": log.title,
        "version": log.version,
        "since_version": log.since_version,
        "summary": log.summary(),
        "counts": log.counts(),
        "cards": cards,
        "notetypes": list(log.notetypes),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
