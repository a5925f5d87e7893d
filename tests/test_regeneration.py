"""Rebuilding after edits: Anki updates exactly what changed and keeps every review (docs/anki.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anki_helpers import counts, import_apkg, note_by_card_id
from cardsmith import cache, notetypes
from cardsmith.build import build
from cardsmith.errors import ProblemsError
from conftest import NOW, digests, edit


def study(col: Any, deck: str, answers: int) -> list[int]:
    """Answer `answers` cards of a deck with "Good"; return their ids."""
    col.decks.select(col.decks.id_for_name(deck))
    studied = []
    for _ in range(answers):
        card = col.sched.getCard()
        col.sched.answerCard(card, 3)
        studied.append(card.id)
    return studied


def history(col: Any, card_ids: list[int]) -> list[tuple[int, int, int, int]]:
    return [
        (
            cid,
            col.get_card(cid).type,
            col.get_card(cid).ivl,
            col.db.scalar("select count() from revlog where cid=?", cid),
        )
        for cid in card_ids
    ]


@pytest.mark.anki
def test_editing_one_answer_updates_exactly_that_note_and_keeps_all_reviews(
    mini: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    studied = study(collection, "Мини", 3)
    before = history(collection, studied)
    assert all(reviews == 1 for *_, reviews in before)
    # the learner fixes a typo in an unchanged note in Anki itself
    own = note_by_card_id(collection, "http-get-safe")
    own["Extra"] = "моя заметка"
    collection.update_note(own)

    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нет, только с буквы или `_`.")
    result = build(mini, out, now=NOW + 3600)
    assert result.changes.changed == ("name-rules",)

    log = counts(import_apkg(collection, out / "mini-deck.apkg"))
    assert log == {
        "new": 0,
        "updated": 1,
        "duplicate": 6,
        "conflicting": 0,
        "first_field_match": 0,
        "missing_notetype": 0,
    }
    assert note_by_card_id(collection, "name-rules")["Back"] == "<p>Нет, только с буквы или <code>_</code>.</p>"
    assert note_by_card_id(collection, "http-get-safe")["Extra"] == "моя заметка"
    assert history(collection, studied) == before
    assert collection.note_count() == 7 and collection.card_count() == 9


def test_an_unchanged_rebuild_is_byte_identical_with_or_without_source_date_epoch(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    first, lock = digests(out), (mini / "cardsmith.lock").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW + 999))
    result = build(mini, out)
    assert result.written == ()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    result = build(mini, out)
    assert result.written == ()
    assert digests(out) == first
    assert (mini / "cardsmith.lock").read_bytes() == lock
    other = tmp_path / "again"
    build(mini, other)  # a fresh folder, another day: same bytes, because time comes from the lock
    assert digests(other) == first


def test_an_edit_in_one_phase_leaves_the_other_phase_package_untouched(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    before = digests(out)
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    result = build(mini, out, now=NOW + 60)
    after = digests(out)
    assert after["mini-deck-phase-2.apkg"] == before["mini-deck-phase-2.apkg"]
    assert after["mini-deck-phase-1.apkg"] != before["mini-deck-phase-1.apkg"]
    assert sorted(Path(p).name for p in result.written) == [
        "cardsmith.lock",
        "mini-deck-phase-1.apkg",
        "mini-deck.apkg",
    ]


def lock_line(cards: Path, card_id: str) -> str:
    return next(
        line for line in (cards / "cardsmith.lock").read_text().splitlines() if line.startswith(f"card {card_id} ")
    )


def test_a_changed_card_always_gets_a_later_time(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    assert lock_line(mini, "name-rules").endswith(f" mod={NOW}")
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    build(mini, out, now=NOW)  # a second edit within the same second
    assert lock_line(mini, "name-rules").endswith(f" mod={NOW + 1}")
    edit(mini / "questions" / "phase-1.yaml", "a: Нельзя.", "a: Никогда.")
    build(mini, out, now=NOW - 86400)  # an older SOURCE_DATE_EPOCH
    assert lock_line(mini, "name-rules").endswith(f" mod={NOW + 2}")
    assert lock_line(mini, "late-card").endswith(f" mod={NOW}")


@pytest.mark.anki
def test_renaming_an_id_with_was_keeps_the_guid_and_the_history(mini: Path, tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    studied = study(collection, "Мини", 1)
    guid = collection.get_note(collection.get_card(studied[0]).nid).guid
    assert note_by_card_id(collection, "name-rules").guid == guid
    before = history(collection, studied)

    edit(
        mini / "questions" / "phase-1.yaml",
        "  - id: name-rules\n",
        "  - id: variable-name-first-char\n    was: name-rules\n",
    )
    result = build(mini, out, now=NOW + 60)
    assert result.changes.changed == ("variable-name-first-char",)
    assert result.changes.removed == ()
    log = counts(import_apkg(collection, out / "mini-deck.apkg"))
    assert (log["new"], log["updated"], log["conflicting"]) == (0, 1, 0)
    note = note_by_card_id(collection, "variable-name-first-char")
    assert note.guid == guid
    assert history(collection, studied) == before


def test_a_card_that_vanished_while_an_identical_one_appeared_gets_a_rename_hint(mini: Path, tmp_path: Path) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    edit(mini / "questions" / "phase-1.yaml", "  - id: name-rules\n", "  - id: variable-name-first-char\n")
    result = build(mini, tmp_path / "decks", now=NOW + 60)
    assert [p.message for p in result.warnings] == [
        "card 'variable-name-first-char' has the same content as removed card 'name-rules'; if it was renamed, "
        "add 'was: name-rules' to keep the learner's review history"
    ]
    assert str(result.warnings[0].location).endswith("phase-1.yaml:7:5")


@pytest.mark.anki
def test_a_stylesheet_change_updates_the_note_type_without_conflicts(
    mini: Path, tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    # A new version of cardsmith with a new stylesheet (its cache stamp changes with its code).
    monkeypatch.setattr(notetypes, "_BASE_CSS", notetypes._BASE_CSS + ".cs-new { color: red; }\n")
    monkeypatch.setattr(cache, "stamp", lambda: "a version with new CSS")
    notetypes.stylesheet.cache_clear()
    try:
        result = build(mini, out, now=NOW + 60)
    finally:
        monkeypatch.undo()
        notetypes.stylesheet.cache_clear()
    assert result.changes.notetypes_changed == ("basic", "cloze", "reversed", "type-in")
    log = counts(import_apkg(collection, out / "mini-deck.apkg"))
    assert (log["new"], log["conflicting"]) == (0, 0)
    assert ".cs-new { color: red; }" in note_by_card_id(collection, "name-rules").note_type()["css"]


def test_a_change_of_fields_or_templates_is_refused_without_the_flag(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    renamed = notetypes.Field("Answer", notetypes.BASIC.fields[1].id)
    changed = notetypes.NoteType(
        notetypes.BASIC.key,
        notetypes.BASIC.name,
        notetypes.BASIC.id,
        False,
        (notetypes.BASIC.fields[0], renamed, *notetypes.BASIC.fields[2:]),
        notetypes.BASIC.templates,
    )
    monkeypatch.setitem(notetypes.NOTETYPES, "basic", changed)
    monkeypatch.setattr(cache, "stamp", lambda: "a version whose note type changed")
    with pytest.raises(ProblemsError) as caught:
        build(mini, tmp_path / "decks", now=NOW + 60)
    assert "the fields or templates of note type 'cardsmith Basic' changed" in caught.value.problems[0].message
    assert "--allow-schema-change" in caught.value.problems[0].message


def test_status_warns_about_what_anki_will_not_do(mini: Path, tmp_path: Path) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    questions = mini / "questions" / "phase-1.yaml"
    edit(questions, "{{c2::1}}", "1")  # a removed cloze deletion
    edit(
        questions,
        "topic: Фаза 1 / Неделя 12-14 / Функции / Лямбда-функции",
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Операторы",
    )
    (mini / "questions" / "phase-2.yaml").write_text(
        (mini / "questions" / "phase-2.yaml").read_text().split("  - id: ci-pipeline")[0], encoding="utf-8"
    )
    result = build(mini, tmp_path / "decks", now=NOW + 60)
    changes = result.changes
    assert (changes.changed, changes.removed) == (("late-card", "floor-division"), ("ci-pipeline",))
    messages = [p.message for p in result.warnings]
    assert any(
        m.startswith("card 'late-card' moved to deck 'Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8")
        for m in messages
    )
    assert any(m.startswith("cloze card 'floor-division' now has 1 deletion(s), not 2") for m in messages)
    assert any(m.startswith("card 'ci-pipeline' was removed; Anki keeps notes it already imported") for m in messages)
