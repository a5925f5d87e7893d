"""`deck.yaml`: the deck's title, id and settings, read into a DeckConfig."""

from __future__ import annotations

import re

import yaml

from cardsmith import sources
from cardsmith.errors import Location, Problem, error
from cardsmith.layout import CONFIG
from cardsmith.lint import NAMES as WARNINGS
from cardsmith.model import DeckConfig
from cardsmith.suggest import did_you_mean

FILENAME = CONFIG
LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
TEXT_KEYS = ("title", "id", "description", "version", "language", "curriculum", "phase_word")
LIST_KEYS = ("authors", "sections", "formats", "allow")
REQUIRED = ("title", "id")


def parse_config(source: sources.Text, known_formats: tuple[str, ...]) -> tuple[DeckConfig | None, list[Problem]]:
    """Check a `deck.yaml` text; every problem is reported with its location."""
    path = source.path
    root, problems = sources.compose(source)
    if problems:
        return None, problems
    if not isinstance(root, yaml.MappingNode):
        where = sources.loc(path, root) if root is not None else Location(path, 1, 1)
        return None, [error(where, f"{FILENAME} must be a mapping of settings (title: …, id: …)")]
    items, problems = sources.mapping_items(path, root)
    values: dict[str, object] = {}
    for name, (key, value) in items.items():
        if name in TEXT_KEYS:
            text, found = sources.text_value(path, value, name)
            problems += found
            if text is not None and not text.strip() and name != "description":
                problems.append(error(sources.loc(path, value), f"'{name}' is empty"))
            values[name] = text.strip() if text else text
        elif name in LIST_KEYS:
            if isinstance(value, yaml.ScalarNode) and value.tag == sources.STR:
                value = yaml.SequenceNode("tag:yaml.org,2002:seq", [value], value.start_mark, value.end_mark)
            if not isinstance(value, yaml.SequenceNode):
                problems.append(
                    error(sources.loc(path, value), f"'{name}' must be a list of text, not {sources.describe(value)}")
                )
                continue
            texts = []
            for item in value.value:
                text, found = sources.text_value(path, item, name)
                problems += found
                if text is not None:
                    texts.append(text.strip())
                if name == "formats" and text is not None and text.strip() not in known_formats:
                    problems.append(
                        error(
                            sources.loc(path, item),
                            f"unknown format '{text}'{did_you_mean(text, known_formats)}; known: {', '.join(known_formats)}",
                        )
                    )
                if name == "allow" and text is not None and text.strip() not in WARNINGS:
                    problems.append(
                        error(
                            sources.loc(path, item),
                            f"unknown warning '{text}'{did_you_mean(text, WARNINGS)}; known: {', '.join(WARNINGS)}",
                        )
                    )
            values[name] = tuple(texts)
        else:
            problems.append(
                error(sources.loc(path, key), f"unknown setting '{name}'{did_you_mean(name, TEXT_KEYS + LIST_KEYS)}")
            )
    for name in REQUIRED:
        if name not in items:
            problems.append(error(Location(path, 1, 1), f"missing setting '{name}'"))
    if "id" in items and isinstance(values.get("id"), str) and not ID_PATTERN.fullmatch(str(values["id"])):
        problems.append(
            error(
                sources.loc(path, items["id"][1]),
                "'id' must be lower-case letters, digits and dashes (e.g. python-backend); "
                "it names every card's GUID, so never change it after release",
            )
        )
    if isinstance(values.get("language"), str) and not LANGUAGE.fullmatch(str(values["language"])):
        problems.append(
            error(
                sources.loc(path, items["language"][1]),
                "'language' must be a language tag such as ru, en or pt-BR",
            )
        )
    if problems:
        return None, problems
    positions = tuple((name, sources.loc(path, value)) for name, (_, value) in items.items())
    return DeckConfig(**values, path=path, where=positions), []  # type: ignore[arg-type]
