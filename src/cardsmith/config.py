"""`deck.yaml`: the deck's title, id and settings, read into a DeckConfig."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
TEXT_KEYS = ("title", "id", "description", "version", "language", "curriculum", "phase_word", "report_url")
LIST_KEYS = ("authors", "sections", "exclude", "formats", "allow")
BOOL_KEYS = ("link_items",)
INT_KEYS = ("coverage_min",)  # whole numbers of 1 or more
KEYS = TEXT_KEYS + LIST_KEYS + BOOL_KEYS + INT_KEYS
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
    places: list[tuple[str, Location]] = []  # where each item of a list is: `exclude[0]`…
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
            texts: list[str] = []
            for item in value.value:
                text, found = sources.text_value(path, item, name)
                problems += found
                if text is not None:
                    places.append((f"{name}[{len(texts)}]", sources.loc(path, item)))
                    texts.append(text.strip())
                if name == "exclude" and text is not None and not text.strip():
                    problems.append(
                        error(
                            sources.loc(path, item), "an empty entry in 'exclude'; write a title or label of the plan"
                        )
                    )
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
        elif name in BOOL_KEYS:
            flag, found = _bool_value(path, value, name)
            problems += found
            values[name] = flag
        elif name in INT_KEYS:
            number, found = _count_value(path, value, name)
            problems += found
            values[name] = number
        else:
            problems.append(error(sources.loc(path, key), f"unknown setting '{name}'{did_you_mean(name, KEYS)}"))
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
    if isinstance(values.get("report_url"), str) and values["report_url"]:
        problems += report_url_problems(str(values["report_url"]), sources.loc(path, items["report_url"][1]))
    if problems:
        return None, problems
    positions = tuple((name, sources.loc(path, value)) for name, (_, value) in items.items()) + tuple(places)
    return DeckConfig(**values, path=path, where=positions), []  # type: ignore[arg-type]


_BRACES = re.compile(r"\{[^{}]*\}")


def report_url_problems(url: str, where: Location) -> list[Problem]:
    """What is wrong with a `report_url`: an http(s) address in which `{id}` (and `{title}`) are filled in."""
    for found in _BRACES.finditer(url):
        if found.group() not in ("{id}", "{title}"):
            message = f"unknown placeholder '{found.group()}' in 'report_url'; it may use {{id}} (the card's id) and {{title}} (the deck's title)"
            return [error(where, message)]
    if "{" in _BRACES.sub("", url) or "}" in _BRACES.sub("", url):
        return [
            error(where, "'report_url' has a '{' or '}' that is not part of {id} or {title}; write it as %7B or %7D")
        ]
    if "{id}" not in url:
        return [
            error(
                where,
                "'report_url' must contain {id}, where each card's id goes, e.g. https://github.com/you/deck/issues/new?title={id}",
            )
        ]
    bad = next((c for c in url if c.isspace() or not c.isprintable()), None)
    if bad is not None:
        what = "a space" if bad == " " else f"the character {bad!r}"
        return [error(where, f"'report_url' contains {what}; write it percent-encoded (a space is %20)")]
    sample = url.replace("{id}", "card").replace("{title}", "deck")
    try:
        parts = urlsplit(sample)
    except ValueError as exc:
        return [error(where, f"'report_url' is not a valid address: {exc}")]
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"'{parts.scheme}:'" if parts.scheme else "no scheme"
        return [error(where, f"'report_url' must be an https:// (or http://) address, not one with {scheme}")]
    if not parts.hostname:
        return [error(where, "'report_url' has no host name after the '//' (https://example.org/…)")]
    return []


def _bool_value(path: str, node: yaml.Node, key: str) -> tuple[bool, list[Problem]]:
    """A setting that is true or false."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on", "y"), []
    quoted = isinstance(node, yaml.ScalarNode) and node.value.lower() in ("true", "false")
    how = f" without quotes: {key}: {node.value.lower()}" if quoted else f": {key}: true"
    return False, [
        error(sources.loc(path, node), f"'{key}' must be true or false, not {sources.describe(node)}; write it{how}")
    ]


def _count_value(path: str, node: yaml.Node, key: str) -> tuple[int, list[Problem]]:
    """A setting that is a whole number of 1 or more."""
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
        number = yaml.constructor.SafeConstructor().construct_yaml_int(node)
        if number >= 1:
            return number, []
    return 0, [error(sources.loc(path, node), f"'{key}' must be a whole number of 1 or more, such as {key}: 2")]
