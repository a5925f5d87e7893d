from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from anki_helpers import import_apkg, note_by_card_id
from cardsmith.build import build
from cardsmith.notetypes import NOTETYPES, stylesheet
from conftest import NOW

PHONE = "(max-width: 480px)"
# Anki's own window background (`--canvas` in aqt 26.9.3's webview.css; reviewer.css gives it to
# `body.nightMode`), behind the card should the card's own background not apply.
ANKI_CANVAS = {"light": "#f5f5f5", "night": "#2c2c2c"}


def rules(css: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """(media query or "", selectors, declarations) of every rule, in order."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    found: list[tuple[str, list[str], dict[str, str]]] = []

    def parse(text: str, media: str) -> None:
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            pairs = (d.partition(":") for d in body.split(";"))
            declarations = {k.strip(): " ".join(v.split()) for k, _, v in pairs if v.strip()}
            found.append((media, [" ".join(s.split()) for s in selectors.split(",")], declarations))

    outside, end = [], 0
    for block in re.finditer(r"@media\s*([^{]+?)\s*\{((?:[^{}]*\{[^{}]*\})*)\s*\}", css):
        outside.append(css[end : block.start()])
        parse(block.group(2), block.group(1))
        end = block.end()
    parse("".join(outside) + css[end:], "")
    return found


def value(selector: str, prop: str, media: str = "") -> str:
    """The last value the stylesheet gives `prop` in a rule naming exactly `selector`."""
    values = [d[prop] for m, selectors, d in rules(stylesheet()) if m == media and selector in selectors and prop in d]
    assert values, f"no {prop} for {selector} {media}"
    return values[-1]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def schema() -> str:
    """What Anki compares to decide whether a note type changed shape (ids, fields, templates)."""
    return json.dumps(
        {
            key: {
                "name": nt.name,
                "id": nt.id,
                "cloze": nt.cloze,
                "sort_field": nt.sort_field,
                "fields": [[f.name, f.id] for f in nt.fields],
                "templates": [[t.name, t.id] for t in nt.templates],
            }
            for key, nt in NOTETYPES.items()
        },
        ensure_ascii=False,
        indent=1,
    )


def test_note_type_ids_fields_and_templates_are_frozen(golden: Any) -> None:
    # Changing these after a release makes every learner's notes "conflicting" on import.
    golden("notetypes.json", schema() + "\n")


def test_every_note_type_carries_the_card_id_and_the_topic_breadcrumb() -> None:
    for nt in NOTETYPES.values():
        names = [f.name for f in nt.fields]
        assert "Card ID" in names and "Topic" in names and "Extra" in names
        for template in nt.templates:
            assert "{{Topic}}" in template.front


def test_ids_are_unique_across_note_types_fields_and_templates() -> None:
    ids = [nt.id for nt in NOTETYPES.values()]
    ids += [f.id for nt in NOTETYPES.values() for f in nt.fields]
    ids += [t.id for nt in NOTETYPES.values() for t in nt.templates]
    assert len(ids) == len(set(ids))


def test_the_stylesheet_has_dark_mode_left_aligned_code_and_no_network() -> None:
    css = stylesheet()
    assert ".nightMode pre.highlight .k" in css
    assert "pre.highlight .k" in css
    assert "text-align: left" in css and "monospace" in css
    assert "http" not in css and "@import" not in css and "url(" not in css


def test_the_contrast_formula_gives_the_known_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#aeaeb2", "#ffffff") == pytest.approx(2.2, abs=0.05)  # the card id's old, faint colour


@pytest.mark.parametrize("selector", [".cs-id", ".cs-topic"])
def test_the_card_id_and_the_breadcrumb_meet_wcag_aa_in_light_and_night_mode(selector: str) -> None:
    light, night = value(selector, "color"), value(f".nightMode {selector}", "color")
    assert value(f".night_mode {selector}", "color") == night  # AnkiDroid's class
    backgrounds = {
        light: (value(".card", "background-color"), ANKI_CANVAS["light"]),
        night: (value(".nightMode.card", "background-color"), ANKI_CANVAS["night"]),
    }
    for foreground, behind in backgrounds.items():
        for background in behind:
            assert contrast(foreground, background) >= 4.5, (selector, foreground, background)


def test_the_card_keeps_ankis_page_margin_and_code_takes_the_whole_width() -> None:
    for _, selectors, declarations in rules(stylesheet()):
        # `.card` is Anki's <body>: a margin, padding or width here replaces Anki's page margin
        if any(s in (".card", "body", "html") for s in selectors):
            assert not {"margin", "padding", "max-width", "width"} & declarations.keys(), selectors
        if any(re.search(r"(^|\s)pre(\.|$)", s) for s in selectors):
            assert not {"max-width", "width"} & declarations.keys(), selectors
    # prose keeps a measure, code blocks do not
    measured = next(s for _, s, d in rules(stylesheet()) if "max-width" in d)
    assert ".cs-q > :not(pre):not(table)" in measured and ".cs-extra > :not(pre):not(table)" in measured


def test_a_long_code_line_scrolls_with_a_shadow_at_the_hidden_edge_in_both_modes() -> None:
    assert value("pre.highlight", "overflow-x") == "auto"
    assert value("pre.highlight", "white-space") == "pre"
    layers = value("pre.highlight", "background")
    assert layers.count(" local,") == 2 and layers.count(" scroll,") == 2  # covers move with the text
    # night mode swaps the colours only: a `background` there would drop the shadows
    night = next(d for _, s, d in rules(stylesheet()) if ".nightMode pre.highlight" in s and "--cs-code" in d)
    assert "background" not in night and night["--cs-code"] != value("pre.highlight", "--cs-code")


def test_code_is_at_least_13px_on_a_phone_also_in_extra() -> None:
    def number(text: str, unit: str) -> float:
        assert text.endswith(unit), text
        return float(text.removesuffix(unit))

    card = number(value(".card", "font-size", PHONE), "px")
    extra = number(value(".cs-extra", "font-size"), "em")
    block = number(value("pre.highlight", "font-size", PHONE), "em")
    # `.cs-extra pre.highlight` outweighs the phone's `pre.highlight` (one more class)
    block_in_extra = number(value(".cs-extra pre.highlight", "font-size"), "em")
    inline = number(value("code", "font-size"), "em")
    sizes = {
        "code block": card * block,
        "code block in extra": card * extra * block_in_extra,
        "inline code in extra": card * extra * inline,
    }
    assert all(size >= 13 for size in sizes.values()), sizes


def test_the_type_in_box_is_monospace_over_the_font_anki_writes_inline() -> None:
    family = value("input#typeans", "font-family")
    assert family.endswith("monospace !important")


@pytest.mark.anki
def test_in_anki_the_type_in_box_gets_the_field_font_inline_and_the_stylesheet_outweighs_it(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    import_apkg(collection, tmp_path / "decks" / "mini-deck.apkg")
    note = note_by_card_id(collection, "http-post-status")
    (back,) = [f for f in note.note_type()["flds"] if f["name"] == "Back"]
    # Anki's reviewer (aqt/reviewer.py) puts this on the box it draws for [[type:Back]]; an
    # inline declaration beats every stylesheet rule that is not `!important`.
    inline = f"font-family: '{back['font']}'; font-size: {back['size']}px;"
    assert "monospace" not in inline
    question = note.cards()[0].question()
    assert question.rstrip().endswith("[[type:Back]]")
    style = re.search(r"<style>(.*?)</style>", question, re.DOTALL)
    assert style is not None
    (box,) = [d for m, s, d in rules(style.group(1)) if not m and "input#typeans" in s]
    assert box["font-family"].endswith("monospace !important")
