"""The output formats: one module each, registered here by the name `--format` uses.

Modules are imported only when their format is built, so `cardsmith check` never loads genanki.
"""

from __future__ import annotations

import importlib

from cardsmith.exporters.base import Exporter, Output, export

# name -> (module, class); adding a format is one module and one line here
REGISTRY: dict[str, tuple[str, str]] = {
    "apkg": ("cardsmith.exporters.apkg", "ApkgExporter"),
    "anki-csv": ("cardsmith.exporters.anki_csv", "AnkiCsvExporter"),
    "csv": ("cardsmith.exporters.plain_csv", "CsvExporter"),
    "mochi": ("cardsmith.exporters.mochi", "MochiExporter"),
    "quizlet": ("cardsmith.exporters.quizlet", "QuizletExporter"),
    "mnemosyne": ("cardsmith.exporters.mnemosyne", "MnemosyneExporter"),
    "obsidian": ("cardsmith.exporters.obsidian", "ObsidianExporter"),
    "crowdanki": ("cardsmith.exporters.crowdanki", "CrowdAnkiExporter"),
}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def get_exporter(name: str) -> Exporter:
    """The exporter registered under `name`."""
    module, cls = REGISTRY[name]
    exporter: Exporter = getattr(importlib.import_module(module), cls)()
    return exporter


__all__ = ["NAMES", "REGISTRY", "Exporter", "Output", "export", "get_exporter"]
