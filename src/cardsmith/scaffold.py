"""`cardsmith init`: a new deck project that builds as it is and shows the format by example."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from cardsmith import sources
from cardsmith.curriculum import links_note, parse_curriculum, suggest_phase_word
from cardsmith.errors import OutputError, ProblemsError, Severity
from cardsmith.model import Curriculum, Kind

DECK = """\
# The deck project: see cardsmith's README ("Writing cards") for every setting.
title: {title}
id: {id}            # names every card's GUID: choose it now, it cannot change after release
description: ""
version: 0.1.0
language: en
{phase_word}
# exclude: [Resources]   # parts of the plan that are not studied, by title or label: left out with all below them
# link_items: true       # list items that are only a link (resources) are left out unless this is true
formats: [apkg]
"""
PHASE_WORD = (
    '# phase_word: Phase   # what a "## " phase heading starts with; default: Phase, Фаза, Stage, Module, Part…'
)
PICKED = 'phase_word: {word}   # what a "## " phase heading starts with: picked from the plan\'s own headings'

GITIGNORE = """\
# cardsmith's cache: rebuilt on demand, never committed
.cardsmith-cache/
"""

CURRICULUM = """\
# {title}

## Phase 1: Basics

### Week 1: First steps
- **Syntax**
  - Variables
  - Operators
"""

QUESTIONS = """\
topic: Phase 1 / Week 1 / Syntax      # default topic for the cards below
cards:
  - id: example-basic                  # unique, never reused: the Anki GUID comes from it
    topic: Phase 1 / Week 1 / Syntax / Variables
    q: What does `x = 1; x += 1` leave in `x`?
    a: "`2`"
    extra: Optional note shown under the answer.
  - id: example-cloze
    type: cloze
    topic: Phase 1 / Week 1 / Syntax / Operators
    text: "`7 // 2` is {{c1::3}} and `7 % 2` is {{c2::1}}."
"""


PLAN_QUESTIONS = """\
# The cards for the plan: in this file or in any other .yaml file of the deck folder.
#   cardsmith coverage --cards {folder}    lists the topics of the plan and their cards
#   cardsmith new "TOPIC" --cards {folder} --append {file}    adds a card for a topic
cards: []
"""


def _yaml_text(value: str) -> str:
    """A text as a YAML value: plain when YAML reads it back as the same text, else double-quoted."""
    plain = re.fullmatch(r"[^\W\d_][\w .,()+-]*", value) and not value.endswith(" ")
    keyword = value.lower() in ("yes", "no", "y", "n", "true", "false", "on", "off", "null")
    return value if plain and not keyword else json.dumps(value, ensure_ascii=False)


def slug(text: str) -> str:
    """A deck id from a folder name: lower-case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "deck"


def _refuse_a_project(folder: Path) -> None:
    if (folder / "deck.yaml").exists():
        raise OutputError(f"{folder / 'deck.yaml'} already exists; this folder is a deck project")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file")


def init_project(folder: Path, title: str | None = None) -> list[Path]:
    """Write a new deck project into `folder`; refuse to overwrite one."""
    _refuse_a_project(folder)
    name = title or _folder_title(folder)
    files = {
        folder / "deck.yaml": _deck(name, folder, ""),
        folder / "curriculum.md": CURRICULUM.format(title=name),
        folder / "questions" / "week-01.yaml": QUESTIONS,
        folder / ".gitignore": GITIGNORE,
    }
    return _write(folder, files)


def _folder_title(folder: Path) -> str:
    return folder.resolve().name.replace("-", " ").replace("_", " ").capitalize()


def _deck(title: str, folder: Path, phase_word: str) -> str:
    word = PICKED.format(word=phase_word) if phase_word else PHASE_WORD
    return DECK.format(title=_yaml_text(title), id=slug(folder.resolve().name), phase_word=word)


def _write(folder: Path, files: Mapping[Path, str | bytes]) -> list[Path]:
    """Write the files that are not there yet; the ones written."""
    written = []
    try:
        for path, text in files.items():
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None
    return written


def init_from_plan(folder: Path, plan: Path, title: str | None = None) -> tuple[list[Path], list[str]]:
    """A new deck project around a plan written elsewhere: the files written, and what to tell the author.

    The plan is copied as it is into `curriculum.md`. When no `##` heading starts with one of the
    usual phase words but several start with the same word (`## Week 1`, `## Week 2`), deck.yaml
    gets that word as its `phase_word`. Nothing is written when the plan cannot be read.
    """
    _refuse_a_project(folder)
    data, problems = sources.read_bytes(plan, str(plan))
    source, found = sources.decode(data, str(plan)) if data is not None else (None, [])
    if data is None or source is None:
        raise ProblemsError(tuple(problems + found))
    target = folder / "curriculum.md"
    if target.exists() and not (target.is_file() and target.samefile(plan)):
        raise OutputError(f"{target} already exists; move it away, or start the project in another folder")
    parsed, found = parse_curriculum(source.text, str(plan))
    phase_word = ""
    if not parsed.phases:
        phase_word = suggest_phase_word(node.title for node in parsed.nodes if node.parent is None)
        if phase_word:
            parsed, found = parse_curriculum(source.text, str(plan), phase_word)
    name = title or parsed.title or _folder_title(folder)
    questions = folder / "questions" / "cards.yaml"
    files: dict[Path, str | bytes] = {
        folder / "deck.yaml": _deck(name, folder, phase_word),
        target: data,
        questions: PLAN_QUESTIONS.format(folder=folder, file=questions),
        folder / ".gitignore": GITIGNORE,
    }
    written = _write(folder, files)
    return written, [str(replace(p, severity=Severity.WARNING)) for p in found] + _describe(parsed, phase_word)


def _describe(plan: Curriculum, phase_word: str) -> list[str]:
    """What init found in a plan, and the settings that change it."""
    studied = [n for n in plan.nodes if plan.section_of(n.index).kind is Kind.PHASE]
    weeks = sum(1 for n in studied if n.kind is Kind.WEEK)
    topics = sum(1 for n in studied if plan.is_leaf(n.index) and n.kind is Kind.TOPIC)
    found = f"the plan has {_count(len(plan.phases), 'phase')}, {_count(weeks, 'week')} and {_count(topics, 'topic')}"
    if phase_word:
        found += f"; its '## ' headings start with '{phase_word}', so deck.yaml says phase_word: {phase_word}"
    notes = [found]
    others = [n.title for n in plan.nodes if n.kind is Kind.SECTION]
    if others:
        named = ", ".join(f"'{t}'" for t in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        notes.append(f"not studied: the '## ' sections {named}; to study one, list it under 'sections:' in deck.yaml")
    if plan.links:
        notes.append(links_note(len(plan.links)))
    notes.append(
        "to leave out other parts that are not studied (projects, success criteria, a schedule), list their titles "
        "or labels under 'exclude:' in deck.yaml"
    )
    return notes


def _count(number: int, what: str) -> str:
    return f"{number} {what}" if number == 1 else f"{number} {what}s"
