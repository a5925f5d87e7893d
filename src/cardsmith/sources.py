"""Reading source files: bytes to text with located errors, and YAML to located nodes.

Question files and deck.yaml are parsed to YAML *nodes* (not Python values) so every key and
value keeps its line and column, duplicate keys can be reported (PyYAML's constructors silently
keep the last one), and aliases are refused before anything can expand them ("billion laughs").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cardsmith import indentation
from cardsmith.errors import Location, Problem, error

# Limits that keep hostile or broken input from hanging the build or eating memory.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FIELD_CHARS = 100_000
MAX_DEPTH = 50

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~9x faster and keeps marks

STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class Text:
    """A decoded source file."""

    path: str  # as shown in messages
    text: str


def read_bytes(path: Path, shown: str) -> tuple[bytes | None, list[Problem]]:
    """Read a source file, refusing one over the size limit before reading it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                error(
                    Location(shown),
                    f"file is {size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB "
                    "(split it into several files)",
                )
            ]
        return path.read_bytes(), []
    except OSError as exc:
        return None, [error(Location(shown), f"cannot read file: {exc.strerror or exc}")]


def read_text(path: Path, shown: str) -> tuple[Text | None, list[Problem]]:
    """Read a UTF-8 file (a BOM is accepted); report size and encoding problems with a location."""
    data, problems = read_bytes(path, shown)
    if data is None:
        return None, problems
    return decode(data, shown)


def decode(data: bytes, shown: str) -> tuple[Text | None, list[Problem]]:
    """Decode UTF-8 bytes, naming the line and column of the first invalid byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, [
            error(
                Location(shown, line, col),
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Text(shown, text), []


def loc(path: str, node: yaml.Node) -> Location:
    """Location of a YAML node (marks are 0-based)."""
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def compose(source: Text) -> tuple[yaml.Node | None, list[Problem]]:
    """Parse YAML into nodes; syntax errors, tabs, aliases and deep nesting become problems."""
    problems: list[Problem] = []
    try:
        node = yaml.compose(source.text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(source, exc)]
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always gives marks
        return None, [error(Location(source.path, 1, 1), f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [error(Location(source.path, 1, 1), "YAML nested too deeply")]
    if node is not None:
        problems.extend(
            _check_shape(source, node) or indentation.unindented_block_texts(source.path, source.text, node)
        )
    return node, problems


def _syntax_problem(source: Text, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    col = mark.column + 1 if mark else 1
    what = exc.problem or "invalid YAML"
    lines = source.text.split("\n")
    for number in (line, line - 1):  # libyaml may point past the end of the offending line
        text = lines[number - 1] if 0 < number <= len(lines) else ""
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in indent:
            return error(
                Location(source.path, number, indent.index("\t") + 1),
                "tab used for indentation; YAML allows only spaces",
            )
    if "nesting depth" in what:
        return error(Location(source.path, line, col), "YAML nested too deeply")
    found = indentation.diagnose(source.path, source.text, exc)
    if found:
        return found
    message = f"invalid YAML: {what}"
    if exc.context:
        message += f" ({exc.context})"
    bad = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "mapping values are not allowed" in what:
        message += '; a value that contains ": " must be quoted, e.g. q: "a: b", or written as a block (q: |)'
    elif bad.lstrip().startswith(("- `", "`")) or ": `" in bad or "found character '`'" in what:
        message += "; a value that starts with ` must be quoted"
    return error(Location(source.path, line, col), message)


def _check_shape(source: Text, root: yaml.Node) -> list[Problem]:
    """Refuse aliases (they can expand exponentially) and absurd nesting, without recursion."""
    path = source.path
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:  # composing shares the node; only turning it into values would expand it
            alias = next(e for e in yaml.parse(source.text, Loader=_Loader) if isinstance(e, yaml.AliasEvent))
            mark = alias.start_mark
            where = Location(path, mark.line + 1, mark.column + 1) if mark else loc(path, node)
            return [error(where, "YAML anchors and aliases (& and *) are not supported here; write the value out")]
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return [error(loc(path, node), f"YAML nested more than {MAX_DEPTH} levels deep")]
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
        elif isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_FIELD_CHARS:
            return [error(loc(path, node), f"value is longer than {MAX_FIELD_CHARS:,} characters")]
    return []


def mapping_items(path: str, node: yaml.MappingNode) -> tuple[dict[str, tuple[yaml.Node, yaml.Node]], list[Problem]]:
    """Keys of a mapping with their key and value nodes; duplicate and non-text keys are problems."""
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    problems: list[Problem] = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            problems.append(error(loc(path, key), "a key must be plain text"))
            continue
        name = key.value
        if name in items:
            first = items[name][0]
            problems.append(
                error(
                    loc(path, key),
                    f"duplicate key '{name}' (first at line {first.start_mark.line + 1}); "
                    "YAML would keep only the last one",
                )
            )
            continue
        items[name] = (key, value)
    return items, problems


def describe(node: yaml.Node) -> str:
    """Say what kind of YAML value a node is, for messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    tag: str = node.tag.rsplit(":", 1)[-1]
    names: dict[str, str] = {
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "empty",
        "timestamp": "a date",
        "str": "text",
    }
    return names.get(tag, tag)


def text_value(path: str, node: yaml.Node, key: str) -> tuple[str | None, list[Problem]]:
    """A scalar that must be text; numbers and booleans are refused (YAML turns 1.10 into 1.1)."""
    if isinstance(node, yaml.ScalarNode) and node.tag == STR:
        return node.value, []
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith((":int", ":float", ":bool", ":timestamp")):
        return None, [
            error(
                loc(path, node),
                f"'{key}' must be text, but YAML reads {node.value!r} as {describe(node)}; "
                f'quote it: {key}: "{node.value}"',
            )
        ]
    return None, [error(loc(path, node), f"'{key}' must be text, not {describe(node)}")]
