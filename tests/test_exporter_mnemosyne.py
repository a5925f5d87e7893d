"""Mnemosyne: the tab-separated import read back by its own rules (libmnemosyne tsv.py)."""

from __future__ import annotations

import re

from cardsmith.exporters import text
from exporter_helpers import export, fixture_deck, only_file


def read_like_mnemosyne(data: bytes) -> list[tuple[str, str]]:
    """tsv.py: UTF-8, rstrip each line, decode `&#NNN;`, skip empty lines, split on tabs."""
    facts = []
    for raw in data.decode("utf-8").split("\n"):
        line = raw.rstrip()
        for match in re.finditer(r"&#(.+?);", line):
            line = line.replace(match.group(), chr(int(match.group(1))))
        if not line:
            continue
        fields = line.split("\t")
        assert len(fields) == 2, f"Mnemosyne would abort the whole import here: {line!r}"
        assert fields[0], "the front is required"
        facts.append((fields[0], fields[1]))
    return facts


def facts() -> list[tuple[str, str]]:
    name, data = only_file("mnemosyne")
    assert name == "exporter-test-mnemosyne.txt"
    assert b"&#" not in data, "Mnemosyne turns &#…; into characters (and crashes on &#x…;)"
    return read_like_mnemosyne(data)


def test_two_columns_one_line_per_note_in_curriculum_order() -> None:
    assert len(facts()) == len(fixture_deck().notes)


def test_fronts_and_backs_are_the_notes_as_simple_html() -> None:
    for (front, back), note in zip(facts(), fixture_deck().notes, strict=True):
        sides = note.sides
        assert front == text.fill_blanks(text.to_html(sides.front))
        assert back.startswith(text.to_html(sides.back))
        assert "<span" not in front + back, "no Pygments markup"


def test_code_keeps_its_lines_as_br_inside_pre() -> None:
    front = facts()[[n.id for n in fixture_deck().notes].index("list-slicing")][0]
    assert front == "<p>Что выведет код?</p><pre><code>a = [1, 2, 3, 4]<br><br>print(a[::2])</code></pre>"


def test_cloze_front_has_blanks_and_back_has_answers() -> None:
    front, back = facts()[[n.id for n in fixture_deck().notes].index("cpp-cloze")]
    assert front == "<p><code>std::[...]</code> хранит элементы [как?].</p>"
    assert back == "<p><code>std::vector</code> хранит элементы подряд.</p>"


def test_tabs_and_html_in_content_are_neutralised() -> None:
    _, back = facts()[[n.id for n in fixture_deck().notes].index("quotes-and-tab")]
    assert back == "<p>Колонки: первая и вторая &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_export_is_deterministic() -> None:
    assert export("mnemosyne") == export("mnemosyne")
