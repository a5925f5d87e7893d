"""`report_url`: every card's id a "report a mistake" link, kept in the note types' templates.

Checked in a real Anki collection (the `anki` package): the card Anki renders holds the escaped
link, and changing the address updates the note types on re-import without touching a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from anki_helpers import counts, import_apkg, note_by_card_id
from cardsmith.build import build
from cardsmith.cli import cli
from cardsmith.notetypes import NOTETYPES, for_deck, report_href
from conftest import NOW, edit

URL = "https://example.org/issues/new?title=Mistake+in+{id}&labels=card&deck={title}"
TITLE = 'Мини "A&B" <i>'  # everything in the title that HTML or a URL would read as syntax
ESCAPED = (
    "https://example.org/issues/new?title=Mistake+in+{{Card ID}}&amp;labels=card"
    "&amp;deck=%D0%9C%D0%B8%D0%BD%D0%B8%20%22A%26B%22%20%3Ci%3E"
)


def set_report_url(cards: Path, url: str, title: str = "Мини") -> None:
    settings = {
        "title": title,
        "id": "mini-deck",
        "description": "A small deck.",
        "formats": ["apkg"],
        "report_url": url,
    }
    (cards / "deck.yaml").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")  # JSON is YAML


def link(href: str, card_id: str) -> str:
    return f'<div class="cs-id"><a href="{href}" style="color: inherit">{card_id}</a></div>'


def test_without_report_url_the_note_types_are_the_frozen_ones_byte_for_byte() -> None:
    assert for_deck() is NOTETYPES
    assert for_deck("", "Мини") is NOTETYPES


def test_the_address_is_escaped_for_an_html_attribute_and_the_title_percent_encoded() -> None:
    assert report_href(URL, TITLE) == ESCAPED
    back = for_deck(URL, TITLE)["basic"].templates[0].back
    assert back.endswith("\n" + link(ESCAPED, "{{Card ID}}"))
    assert all("cs-id" not in t.front for nt in for_deck(URL, TITLE).values() for t in nt.templates)
    # only the templates differ: names, ids, fields (what "merge note types" is about) stay frozen
    for key, notetype in for_deck(URL, TITLE).items():
        frozen = NOTETYPES[key]
        assert (notetype.name, notetype.id, notetype.fields) == (frozen.name, frozen.id, frozen.fields)
        assert [(t.name, t.id) for t in notetype.templates] == [(t.name, t.id) for t in frozen.templates]


@pytest.mark.anki
def test_anki_renders_the_escaped_link_on_the_answer_of_every_card_type(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    set_report_url(mini, URL, TITLE)
    build(mini, tmp_path / "out", now=NOW)
    import_apkg(collection, tmp_path / "out" / "mini-deck.apkg")
    deck = "&amp;deck=%D0%9C%D0%B8%D0%BD%D0%B8%20%22A%26B%22%20%3Ci%3E"
    for card_id in ("name-rules", "floor-division", "http-get-safe", "http-post-status"):  # every note type
        href = f"https://example.org/issues/new?title=Mistake+in+{card_id}&amp;labels=card{deck}"
        for card in note_by_card_id(collection, card_id).cards():
            assert card.answer().endswith(link(href, card_id))
            assert '<div class="cs-id">' not in card.question()


@pytest.mark.anki
def test_setting_and_changing_report_url_updates_the_note_types_and_no_note(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "out"
    build(mini, out, now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    card = note_by_card_id(collection, "name-rules").cards()[0]
    assert card.answer().endswith('<div class="cs-id">name-rules</div>')
    unchanged = {
        "new": 0,
        "updated": 0,
        "duplicate": 7,
        "conflicting": 0,
        "first_field_match": 0,
        "missing_notetype": 0,
    }

    for number, url in enumerate(("https://example.org/report?card={id}", "https://example.net/r/{id}"), start=1):
        edit(mini / "deck.yaml", "formats: [apkg]", f"report_url: {url}\nformats: [apkg]")
        result = build(mini, out, now=NOW + number * 3600)
        assert (result.changes.changed, result.changes.new) == ((), ())
        assert result.changes.notetypes_changed == ("basic", "cloze", "reversed", "type-in")
        assert counts(import_apkg(collection, out / "mini-deck.apkg")) == unchanged
        href = url.replace("{id}", "name-rules")
        assert note_by_card_id(collection, "name-rules").cards()[0].answer().endswith(link(href, "name-rules"))
        collection.models._clear_cache()  # the Python side caches note types; the import changed them underneath
        basic = collection.models.by_name("cardsmith Basic")
        assert basic["tmpls"][0]["afmt"].endswith(link(url.replace("{id}", "{{Card ID}}"), "{{Card ID}}"))
        assert basic["mod"] == NOW + number * 3600
        edit(mini / "deck.yaml", f"report_url: {url}\n", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("javascript:alert({id})", "'report_url' must be an https:// (or http://) address, not one with 'javascript:'"),
        ("example.org/{id}", "'report_url' must be an https:// (or http://) address, not one with no scheme"),
        ("https:///{id}", "'report_url' has no host name after the '//' (https://example.org/…)"),
        (
            "https://example.org/new",
            "'report_url' must contain {id}, where each card's id goes, e.g. "
            "https://github.com/you/deck/issues/new?title={id}",
        ),
        (
            "https://example.org/{card}",
            "unknown placeholder '{card}' in 'report_url'; it may use {id} (the card's id) "
            "and {title} (the deck's title)",
        ),
        (
            "https://example.org/{{id}}",
            "'report_url' has a '{' or '}' that is not part of {id} or {title}; write it as %7B or %7D",
        ),
        ('"https://example.org/a b/{id}"', "'report_url' contains a space; write it percent-encoded (a space is %20)"),
        (
            '"https://example.org/\\t{id}"',
            "'report_url' contains the character '\\t'; write it percent-encoded (a space is %20)",
        ),
        ("https://[::1/{id}", "'report_url' is not a valid address: Invalid IPv6 URL"),
    ],
)
def test_a_bad_report_url_is_an_error_at_its_place(mini: Path, value: str, message: str) -> None:
    edit(mini / "deck.yaml", "formats: [apkg]", f"formats: [apkg]\nreport_url: {value}")
    result = CliRunner().invoke(cli, ["check", "--cards", str(mini)])
    assert result.exit_code == 1
    assert result.stderr == f"{mini / 'deck.yaml'}:5:13: error: {message}\n1 error(s).\n"


def test_report_url_must_be_text(mini: Path) -> None:
    edit(mini / "deck.yaml", "formats: [apkg]", "formats: [apkg]\nreport_url: [a, b]")
    result = CliRunner().invoke(cli, ["check", "--cards", str(mini)])
    assert result.stderr == f"{mini / 'deck.yaml'}:5:13: error: 'report_url' must be text, not a list\n1 error(s).\n"
