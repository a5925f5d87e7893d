"""What a new author runs into, through the command line: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from anki_helpers import counts, import_apkg
from cardsmith.cli import cli
from conftest import NOW, digests, edit


def run(*args: str, now: int = NOW) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(now)})
    return result.exit_code, result.stdout, result.stderr


# --- The deck id a deck was released under ------------------------------------------------------


def test_the_lock_records_the_deck_id(mini: Path, tmp_path: Path) -> None:
    assert run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))[0] == 0
    lines = (mini / "cardsmith.lock").read_text(encoding="utf-8").splitlines()
    assert "deck id=mini-deck" in lines


def test_a_changed_deck_id_is_refused_and_nothing_is_written(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    before, lock = digests(out), (mini / "cardsmith.lock").read_bytes()
    edit(mini / "deck.yaml", "id: mini-deck", "id: my-deck")
    for command in (["build", "--out", str(out)], ["status"], ["check"]):
        code, _, err = run(*command, "--cards", str(mini))
        assert code == 1, command
        first = err.splitlines()[0]
        assert first.startswith(
            f"{mini / 'deck.yaml'}:2:5: error: the deck id changed from 'mini-deck' to 'my-deck'. Every note's GUID is "
            "made from the id, so learners who have the deck would get all 7 notes a second time"
        )
        assert "Set 'id: mini-deck' back" in first and "--allow-id-change" in first
    assert digests(out) == before and (mini / "cardsmith.lock").read_bytes() == lock


def test_an_allowed_deck_id_change_starts_a_new_deck_as_the_message_says(
    mini: Path, tmp_path: Path, collection: object
) -> None:
    out = tmp_path / "decks"
    (out / "notes.txt").parent.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    run("build", "--cards", str(mini), "--out", str(out))
    import_apkg(collection, out / "mini-deck.apkg")
    edit(mini / "deck.yaml", "id: mini-deck", "id: my-deck")

    code, _, _ = run("build", "--cards", str(mini), "--out", str(out))
    assert code == 1 and sorted(p.name for p in out.iterdir())[0] == "mini-deck-phase-1.apkg"

    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out), "--allow-id-change", now=NOW + 60)
    assert code == 0
    assert "7 notes: 7 new, 0 changed, 0 unchanged, 0 removed" in stdout  # the lock started afresh
    assert f"removed {out / 'mini-deck.apkg'} (this build no longer makes it)" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "my-deck-phase-1.apkg",
        "my-deck-phase-2.apkg",
        "my-deck.apkg",
        "notes.txt",  # not the build's: left alone
    ]
    assert "deck id=my-deck" in (mini / "cardsmith.lock").read_text(encoding="utf-8").splitlines()
    # What the message promised: a learner with the old deck gets every note a second time.
    log = import_apkg(collection, out / "my-deck.apkg")
    assert counts(log)["new"] == 7
    assert collection.note_count() == 14  # type: ignore[attr-defined]
    # And from now on the new id is the released one: builds go on as usual.
    assert run("build", "--cards", str(mini), "--out", str(out), now=NOW + 120)[0] == 0


def test_a_lock_from_before_the_deck_id_was_recorded_adopts_the_id(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    lock = mini / "cardsmith.lock"
    lock.write_text(lock.read_text(encoding="utf-8").replace("deck id=mini-deck\n", ""), encoding="utf-8")
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0 and "0 new, 0 changed, 7 unchanged" in stdout
    assert "deck id=mini-deck" in lock.read_text(encoding="utf-8").splitlines()


# --- A build of some formats leaves the lock ------------------------------------------------------


def test_a_partial_build_keeps_the_lock_and_its_warnings(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    phase2 = mini / "questions" / "phase-2.yaml"
    phase2.write_text(phase2.read_text(encoding="utf-8").split("  - id: ci-pipeline")[0], encoding="utf-8")
    lock = (mini / "cardsmith.lock").read_bytes()
    removed = "warning: card 'ci-pipeline' was removed"
    for _ in range(2):  # the second time through the no-op shortcut
        code, stdout, err = run("build", "--cards", str(mini), "--out", str(out), "--format", "csv", now=NOW + 60)
        assert code == 0 and removed in err and "0 new, 0 changed, 6 unchanged, 1 removed" in stdout
        assert "the lock was left as it was: it changes only with a build of every format deck.yaml lists" in err
        assert (mini / "cardsmith.lock").read_bytes() == lock
    code, stdout, err = run("status", "--cards", str(mini))
    assert removed in err and stdout.endswith("0 new, 0 changed, 6 unchanged, 1 removed\n")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 120)
    assert code == 0 and removed in err and "the lock was left" not in err
    assert (mini / "cardsmith.lock").read_bytes() != lock
    assert run("status", "--cards", str(mini))[1].endswith("0 new, 0 changed, 6 unchanged, 0 removed\n")


# --- Renamed headings ------------------------------------------------------------------------------


def test_a_renamed_week_heading_is_one_warning_at_the_heading(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    edit(mini / "curriculum.md", "### Неделя 7-8: Первые шаги", "### Неделя 7-8: Самые первые шаги")
    for path in (mini / "questions").iterdir():
        path.write_text(path.read_text(encoding="utf-8").replace("Первые шаги", "Самые первые шаги"), encoding="utf-8")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0
    assert err.splitlines() == [
        f"{mini / 'curriculum.md'}:5:1: warning: the heading of deck 'Мини::01 Фаза 1: Основы (2 недели)::01 Неделя "
        "7-8: Самые первые шаги' changed, so 3 card(s) moved to a deck of that name; Anki keeps the cards learners "
        "already have in the old deck (they can move them in the browser: Change Deck, or rename the old deck); "
        "their tags and breadcrumbs are updated"
    ]


def test_a_renamed_deck_title_and_phase_are_one_warning_each(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    edit(mini / "deck.yaml", "title: Мини", "title: Малый")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0 and len(err.splitlines()) == 1
    assert err.startswith(
        f"{mini / 'deck.yaml'}:1:8: warning: the deck title of deck 'Малый' changed, so 7 card(s) moved"
    )
    edit(mini / "curriculum.md", "## Фаза 2: Сеть", "## Фаза 2: Сети")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 120)
    assert code == 0 and len(err.splitlines()) == 1
    assert err.startswith(
        f"{mini / 'curriculum.md'}:14:1: warning: the heading of deck 'Малый::02 Фаза 2: Сети' changed, so 3 card(s)"
    )


def test_a_card_moved_to_another_week_is_still_a_warning_of_its_own(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    edit(
        mini / "questions" / "phase-1.yaml",
        "topic: Фаза 1 / Неделя 12-14 / Функции / Лямбда-функции",
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Операторы",
    )
    _, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert err.splitlines() == [
        f"{mini / 'questions' / 'phase-1.yaml'}:3:5: warning: card 'late-card' moved to deck "
        "'Мини::01 Фаза 1: Основы (2 недели)::01 Неделя 7-8: Первые шаги'; Anki keeps cards already imported in "
        "their old deck (move them in the browser: Change Deck); its tags and breadcrumb are updated"
    ]
