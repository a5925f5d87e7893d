"""cardsmith: a study curriculum in Markdown plus questions in YAML → Anki decks and SRS files."""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__"]
