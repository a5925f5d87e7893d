"""Say what is wrong with a YAML file's indentation, from libyaml's marks and tokens (pure).

libyaml reports an indentation mistake where it noticed it, in its own words: a key one space
too far is "mapping values are not allowed here" at its colon, one too few is "did not find
expected key". These functions recognise the usual mistakes in question files and name the
line to fix; `diagnose` returns None for anything else, and the raw message is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from cardsmith.errors import Location, Problem, error

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A line that starts with a plain `key:` (group 3 ends just before the colon), or with a `- ` item.
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEY_LINE = re.compile(rf"( *)({_SIMPLE_KEY.pattern})( *):(?= |$)")
_ITEM_LINE = re.compile(r"( *)-(?= |$)")
# A line that ends with a block scalar's header, `key: |` or `- key: >-  # comment`.
_BLOCK_HEADER = re.compile(rf"((?: *- +)* *)({_SIMPLE_KEY.pattern}) *: +([|>][1-9+-]{{0,2}}) *(?:#.*)?")


# The line breaks PyYAML counts in its marks: the lines of a text are numbered as its errors number them.
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _lines(text: str) -> list[str]:
    """The lines of a text as YAML numbers them (a lone \\r, NEL and the Unicode separators break lines too)."""
    return _BREAKS.split(text)


def diagnose(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """An indentation problem that explains a YAML syntax error, if it is one."""
    return (
        _text_after_indicator(path, text, exc)
        or _unindented_block_text(path, text, exc)
        or _bad_indentation(path, text, exc)
    )


def _text_after_indicator(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """`a: | Когда…`: a block scalar's text must start on the next line."""
    start, bad = exc.context_mark, exc.problem_mark
    if exc.context != "while scanning a block scalar" or "expected comment or line break" not in (exc.problem or ""):
        return None
    if start is None or bad is None or start.line != bad.line:
        return None
    indicator = _lines(text)[start.line][start.column : bad.column].strip()
    return error(
        Location(path, bad.line + 1, bad.column + 1),
        f"text after '{indicator}' must start on the next line, indented (or drop the '{indicator}' for one-line text)",
    )


def _unindented_block_text(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """`q: |` followed by text that is not indented more than `q`: the error comes on or after that text."""
    lines = _lines(text)
    for mark in (exc.context_mark, exc.problem_mark):
        if mark is None or mark.line >= len(lines) or not lines[mark.line].strip() or _KEY_LINE.match(lines[mark.line]):
            continue
        above = mark.line - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        header = _BLOCK_HEADER.fullmatch(lines[above]) if above >= 0 else None
        text = lines[mark.line]
        indent = len(text) - len(text.lstrip(" "))
        if header and indent <= len(header[1]):
            return _unindented_at(path, mark.line, indent, header)
    return None


def _unindented_at(path: str, line: int, indent: int, header: re.Match[str]) -> Problem:
    key, indicator = header[2], header[3]
    return error(
        Location(path, line + 1, indent + 1), f"the text of '{key}: {indicator}' must be indented more than '{key}'"
    )


def unindented_block_texts(path: str, text: str, root: yaml.Node) -> list[Problem]:
    """`q: |` followed by unindented text that YAML happens to read as a key (`Что такое: …`, `for x in y:`)."""
    lines = _lines(text)
    problems: list[Problem] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        if not isinstance(node, yaml.MappingNode):
            continue
        stack.extend(value for _, value in node.value)
        for (key, value), (after, _) in zip(node.value, node.value[1:], strict=False):
            if not (
                isinstance(value, yaml.ScalarNode)
                and value.style in ("|", ">")
                and not value.value
                and isinstance(after, yaml.ScalarNode)
                and not after.style
                and not _SIMPLE_KEY.fullmatch(after.value)
            ):
                continue
            header = _BLOCK_HEADER.fullmatch(lines[key.start_mark.line])
            if header and header[2] == key.value:
                problems.append(_unindented_at(path, after.start_mark.line, after.start_mark.column, header))
    return sorted(problems, key=lambda p: p.location.line)


@dataclass(slots=True)
class _Block:
    kind: str  # "map", "seq", or "bare-seq" (a `- ` list at its key's own column)
    column: int
    line: int
    first_key: str = ""
    last_key: str = ""
    keys: int = 0


def _open_blocks(text: str, line: int) -> list[_Block]:
    """The block mappings and lists open before 0-based `line` of `text`, outermost first, from libyaml's tokens."""
    stack: list[_Block] = []
    flow = 0
    key_next = False
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.line >= line:
                break
            column = token.start_mark.column
            if isinstance(token, yaml.FlowMappingStartToken | yaml.FlowSequenceStartToken):
                flow += 1
            elif isinstance(token, yaml.FlowMappingEndToken | yaml.FlowSequenceEndToken):
                flow -= 1
            elif isinstance(token, yaml.BlockMappingStartToken):
                stack.append(_Block("map", column, token.start_mark.line))
            elif isinstance(token, yaml.BlockSequenceStartToken):
                stack.append(_Block("seq", column, token.start_mark.line))
            elif isinstance(token, yaml.BlockEndToken):
                while stack and stack[-1].kind == "bare-seq":
                    stack.pop()
                if stack:
                    stack.pop()
            elif (
                isinstance(token, yaml.BlockEntryToken)
                and not flow
                and not (stack and stack[-1].kind != "map" and stack[-1].column == column)
            ):
                stack.append(_Block("bare-seq", column, token.start_mark.line))
            elif isinstance(token, yaml.KeyToken) and not flow:
                while stack and stack[-1].kind == "bare-seq":
                    stack.pop()
            elif isinstance(token, yaml.ScalarToken) and key_next and stack and stack[-1].kind == "map":
                stack[-1].last_key = token.value
                stack[-1].first_key = stack[-1].first_key or token.value
                stack[-1].keys += 1
            key_next = isinstance(token, yaml.KeyToken) and not flow
    except yaml.YAMLError:
        pass  # what was read up to here is what there is
    return stack


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _bad_indentation(path: str, text: str, exc: yaml.MarkedYAMLError) -> Problem | None:
    """A `key:` or `- ` line indented differently from the keys or items above it.

    libyaml reports one space too many as "mapping values are not allowed" at the key's colon (it reads
    the line as the previous value's continuation), and too few as a missing key or '-' at the line's start.
    """
    mark, what = exc.problem_mark, exc.problem or ""
    lines = _lines(text)
    if mark is None or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    key, item = _KEY_LINE.match(line), _ITEM_LINE.match(line)
    indent = len(line) - len(line.lstrip(" "))
    if "mapping values are not allowed" in what:
        colon = _KEY_LINE.match(line, item.end() + 1) if item else key  # `- id:` is read as text too
        if not colon or mark.column != colon.end(3):
            return None  # the colon is inside a value: quoting is the fix
    elif not any(w in what for w in ("expected key", "expected '-' indicator", "expected <document start>")):
        return None
    elif mark.column != indent or not (key or item):
        return None
    kinds = ("map",) if key else ("seq", "bare-seq")
    blocks = [
        (abs(block.column - indent), -depth, block)
        for depth, block in enumerate(_open_blocks("\n".join(lines[: mark.line]) + "\n", mark.line))
        if block.kind in kinds
    ]
    if not blocks:
        return None
    block = min(blocks, key=lambda found: found[:2])[2]
    if block.column == indent:
        return None
    if "document start" in what and key and block.kind == "map" and block.keys == 1 and block.column > indent:
        return error(
            Location(path, block.line + 1, block.column + 1),
            f"wrong indentation: line {block.line + 1} is indented by {_spaces(block.column)}, but the keys below it "
            f"by {indent}; indent '{block.first_key}:' like '{key[2]}:'",
        )
    where = Location(path, mark.line + 1, indent + 1)
    said = f"wrong indentation: line {mark.line + 1} is indented by {_spaces(indent)}, but the"
    if key:
        return error(where, f"{said} keys above it by {block.column}; indent '{key[2]}:' like '{block.last_key}:'")
    return error(where, f"{said} '- ' items above it by {block.column}; indent it like them")
