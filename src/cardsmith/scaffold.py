"""`cardsmith init`: a new deck project that builds as it is and shows the format by example."""

from __future__ import annotations

import re
from pathlib import Path

from cardsmith.errors import OutputError

DECK = """\
# The deck project: see cardsmith's README ("Writing cards") for every setting.
title: {title}
id: {id}            # names every card's GUID: choose it now, it cannot change after release
description: ""
version: 0.1.0
language: en
# phase_word: Phase   # what a "## " phase heading starts with; default: Phase, Фаза, Stage, Module, Part…
formats: [apkg]
"""

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


def slug(text: str) -> str:
    """A deck id from a folder name: lower-case letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "deck"


def init_project(folder: Path, title: str | None = None) -> list[Path]:
    """Write a new deck project into `folder`; refuse to overwrite one."""
    if (folder / "deck.yaml").exists():
        raise OutputError(f"{folder / 'deck.yaml'} already exists; this folder is a deck project")
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file")
    name = title or folder.resolve().name.replace("-", " ").replace("_", " ").capitalize()
    files = {
        folder / "deck.yaml": DECK.format(title=name, id=slug(folder.resolve().name)),
        folder / "curriculum.md": CURRICULUM.format(title=name),
        folder / "questions" / "week-01.yaml": QUESTIONS,
        folder / ".gitignore": GITIGNORE,
    }
    written = []
    try:
        for path, text in files.items():
            if path.exists():
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None
    return written
