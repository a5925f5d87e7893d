"""The one cloze parser: the cards a cloze makes and the sides it shows, exactly as Anki's own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardsmith import cloze

# Texts whose cards are easy to get wrong: nesting, repeats, hints, stray braces, HTML, math.
TRICKY = [
    "{{c1::outer {{c2::inner}} text}} end",
    "{{c1::a}} and {{c1::b}} and {{c2::c}}",
    "{{c1::std::vector}} x",
    "{{c1::a::hint}} {{c2::b {{c1::c::h2}} d::h3}}",
    "a::b }} {{c1::x}}",
    "{{c1::x {{c1::y}} z}}",
    "{{c2::b}} {{c1::a}}",
    "{{c1::<code>a::b</code>}}",
    "{{c1::a {{c2::b::hint}} c::outer hint}}",
    "x }} {{c1::a}}}} {{{c2::b}}",
    "{{c1::a\nb}} {{c01::é & 'q' <i>\"z\"</i> привет}}",
    "\\(x = {{c1::<b>2</b>}}\\) and \\[ {{c2::a}} < b \\]",
    "{{c0::never}} {{c1::once}} {{C2::not a cloze}}",
    "{{c1::a:::b}} {{c2::c::}}",
]


def test_one_card_sides_hide_every_deletion_with_its_hint_and_fill_in_the_answers() -> None:
    text = "{{c1::Paris}} is the capital of {{c2::France::country}}."
    assert cloze.fill_blanks(cloze.hide_all(text)) == "[...] is the capital of [country]."
    assert cloze.reveal_all(text) == "Paris is the capital of France."


def test_a_deletion_splits_at_its_first_double_colon_as_anki_does() -> None:
    assert cloze.fill_blanks(cloze.hide_all("{{c1::std::vector}}")) == "[vector]"
    assert cloze.reveal_all("{{c1::std::vector}}") == "std"


def test_nested_deletions_are_hidden_whole_on_a_one_card_front_and_filled_on_the_back() -> None:
    source = "{{c1::outer {{c2::inner}} text}} end"
    assert cloze.fill_blanks(cloze.hide_all(source)) == "[...] end"
    assert cloze.reveal_all(source) == "outer inner text end"


def test_text_outside_deletions_keeps_double_colons_and_braces() -> None:
    assert cloze.reveal_all("a::b }} {{c1::x}}") == "a::b }} x"


def test_numbers_count_nested_and_repeated_deletions_once_and_never_c0() -> None:
    assert cloze.numbers("{{c1::outer {{c2::inner}} text}} end") == (1, 2)
    assert cloze.numbers("{{c2::a}} {{c1::b}} {{c2::c}}") == (1, 2)
    assert cloze.numbers("{{c0::a}} {{c3::b}}") == (3,)
    assert cloze.numbers("{{c1::left open") == ()
    assert cloze.numbers("{{c99999::too big}}") == ()


def test_checks_name_what_is_wrong() -> None:
    def messages(text: str) -> list[tuple[bool, str]]:
        return [(f.is_error, f.message) for f in cloze.check(text)]

    assert messages("{{c1::a}} {{c2::b {{c3::c}}}}") == []
    assert messages("no deletion") == [(True, "has no deletion; mark one like {{c1::answer}}")]
    assert messages("{{c1::a}} {{c3::b}}") == [(True, "skips c2; number deletions from c1 without gaps")]
    assert messages("{{c1::a {{c2::b}}") == [(True, "has a '{{c…::' without its closing '}}'")]
    assert messages("{{c0::a}} {{c1::b}}") == [
        (True, "has a c0 deletion, which Anki never asks; number deletions from c1")
    ]
    assert messages("{{c1::`std::vector`}}") == [
        (
            False,
            "Anki reads the '::' in '`std::vector`' as the start of a hint, so the answer is cut there; "
            "put the '::' outside the deletion or reword it",
        )
    ]


@given(st.text(alphabet="{}c12:: ab`<>&", max_size=60))
def test_any_text_parses_and_renders_without_error(text: str) -> None:
    for number in cloze.numbers(text):
        assert cloze.card_side(text, number, question=True)
        assert cloze.card_side(text, number, question=False)
    cloze.check(text)
    cloze.fill_blanks(cloze.hide_all(text))
    cloze.reveal_all(text)


@pytest.mark.anki
@pytest.mark.parametrize("text", TRICKY)
def test_every_card_and_side_is_what_anki_renders(text: str, collection: Any) -> None:
    notetype = collection.models.by_name("Cloze")  # front `{{cloze:Text}}`, back `{{cloze:Text}}<br>\n{{Back Extra}}`
    note = collection.new_note(notetype)
    note["Text"] = text
    collection.add_note(note, collection.decks.id("Default"))
    assert tuple(card.ord + 1 for card in note.cards()) == cloze.numbers(text)
    for card in note.cards():
        question = re.sub(r"^<style>.*?</style>", "", card.question(), flags=re.DOTALL)
        answer = re.sub(r"^<style>.*?</style>", "", card.answer(), flags=re.DOTALL)
        assert question == cloze.card_side(text, card.ord + 1, question=True)
        assert answer == cloze.card_side(text, card.ord + 1, question=False) + "<br>\n"
