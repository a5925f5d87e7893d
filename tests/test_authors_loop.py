"""What a new author runs into, through the command line: exit codes and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
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
    assert code == 1 and sorted(p.name for p in out.iterdir())[1] == "mini-deck-phase-1.apkg"

    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out), "--allow-id-change", now=NOW + 60)
    assert code == 0
    assert "7 notes: 7 new, 0 changed, 0 unchanged, 0 removed" in stdout  # the lock started afresh
    assert f"removed {out / 'mini-deck.apkg'} (this build no longer makes it)" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        ".cardsmith-outputs",
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


# --- cardsmith new ---------------------------------------------------------------------------------


def test_new_works_while_cards_have_errors_and_refuses_an_id_in_use(mini: Path) -> None:
    target = mini / "questions" / "phase-1.yaml"
    args = ("new", "--cards", str(mini), "Переменные", "--append", str(target))
    assert run(*args, "--id", "a1") == (0, f"added 'a1' to {target}\n", "")
    # The card just added has an empty q and a: an error, which must not stop the next `new`.
    code, out, err = run(*args, "--id", "a2")
    assert (code, out) == (0, f"added 'a2' to {target}\n")
    assert err == "note: other cards have 2 error(s); `cardsmith check` lists them\n"  # a1's empty q and a
    code, out, err = run(*args, "--id", "name-rules")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{target}:7:9: error: card id 'name-rules' is already used here; pass another with --id",
        "1 error(s); nothing was written.",
    ]
    code, _, err = run(*args, "--id", "a1")  # a card with errors still holds its id
    assert code == 1 and "card id 'a1' is already used here" in err


def test_new_writes_yaml_that_reads_back_as_the_topic_for_any_title(mini: Path) -> None:
    import yaml

    title = "Комментарии # и \"кавычки\", 'апострофы' & {скобки}: что вокруг"
    edit(mini / "curriculum.md", "  - Переменные\n", f"  - Переменные\n  - {title}\n")
    code, out, _ = run("new", "--cards", str(mini), "апострофы", "--type", "cloze", "--id", "c1")
    assert code == 0
    (card,) = yaml.safe_load("cards:\n" + out)["cards"]
    assert card == {
        "id": "c1",
        "type": "cloze",
        "topic": "Фаза 1 / Неделя 7-8 / Синтаксис / Комментарии # и \"кавычки\", 'апострофы' & {скобки}",
        "text": "… {{c1::…}} …",
    }


def test_new_prefers_an_exact_title_and_suggests_close_ones(mini: Path) -> None:
    # "Функции" is a title, and a part of "Лямбда-функции": the exact title wins.
    code, out, _ = run("new", "--cards", str(mini), "Функции")
    assert code == 0 and "    topic: Фаза 1 / Неделя 12-14 / Функции\n" in out
    code, out, _ = run("new", "--cards", str(mini), "функции")  # letter case aside, still exact
    assert code == 0 and "    topic: Фаза 1 / Неделя 12-14 / Функции\n" in out
    code, out, _ = run("new", "--cards", str(mini), "фаза 1/неделя 7-8/синтаксис")  # a loose path
    assert code == 0 and "    topic: Фаза 1 / Неделя 7-8 / Синтаксис\n" in out
    code, out, err = run("new", "--cards", str(mini), "Синтаксес")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["error: no topic matches 'Синтаксес'; closest:", "  Фаза 1 / Неделя 7-8 / Синтаксис"]


# --- Proof-reading while a card is half-written -----------------------------------------------------


def _half_written(mini: Path) -> Path:
    broken = mini / "questions" / "draft.yaml"
    broken.write_text(
        "cards:\n  - id: draft\n    topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\n    q: ''\n    a: Нет.\n",
        encoding="utf-8",
    )
    return broken


def test_status_preview_and_coverage_work_on_the_cards_without_errors(mini: Path, tmp_path: Path) -> None:
    run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))
    broken = _half_written(mini)
    problem = f"{broken}:4:8: error: 'q' is empty"

    code, out, err = run("status", "--cards", str(mini))
    assert code == 1 and out == "0 new, 0 changed, 7 unchanged, 0 removed\n"
    assert err.splitlines() == [problem, "1 error(s); the cards that have them are left out of these counts."]

    page = tmp_path / "preview.html"
    code, out, err = run("preview", "--cards", str(mini), "--out", str(page))
    assert code == 1 and out == f"wrote {page} (7 notes)\n"
    assert err.splitlines()[0] == problem
    html = page.read_text(encoding="utf-8")
    assert "&#x27;q&#x27; is empty" in html or "'q' is empty" in html
    assert 'id="name-rules"' in html and 'id="draft"' not in html

    code, out, err = run("coverage", "--cards", str(mini))
    assert code == 1 and out.splitlines()[-1] == "7 cards; 5 of 5 topics have at least 1 card"
    assert err.splitlines()[0] == problem

    code, _, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))  # build still refuses
    assert code == 1 and err.splitlines() == [problem, "1 error(s); nothing was written."]


def test_a_card_with_an_error_is_not_reported_as_removed(mini: Path, tmp_path: Path) -> None:
    run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))
    edit(mini / "questions" / "phase-1.yaml", "    q: Может ли имя переменной начинаться с цифры?\n", "    q: ''\n")
    code, out, err = run("status", "--cards", str(mini))
    assert code == 1 and out == "0 new, 0 changed, 6 unchanged, 0 removed\n"
    assert "removed" not in err.replace("left out", "")


# --- Checks that fit CI ---------------------------------------------------------------------------


def test_check_strict_fails_where_build_strict_fails(mini: Path, tmp_path: Path) -> None:
    run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))
    phase2 = mini / "questions" / "phase-2.yaml"
    phase2.write_text(phase2.read_text(encoding="utf-8").split("  - id: ci-pipeline")[0], encoding="utf-8")
    removed = "warning: card 'ci-pipeline' was removed"
    code, _, err = run("check", "--cards", str(mini), "--strict")
    assert code == 1 and removed in err and err.endswith("1 warning(s) and --strict.\n")
    code, _, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"), "--strict")
    assert code == 1 and removed in err and err.endswith("1 warning(s) and --strict; nothing was written.\n")
    assert run("check", "--cards", str(mini))[0] == 0  # a warning without --strict


def test_an_unknown_format_is_a_usage_error(mini: Path, tmp_path: Path) -> None:
    code, _, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"), "--format", "pdf")
    assert code == 2 and "Invalid value for '--format': 'pdf' is not one of 'apkg'," in err
    assert not (tmp_path / "decks").exists()


# --- Messages ----------------------------------------------------------------------------------------


def test_build_check_tells_missing_from_stale(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    (out / "mini-deck.apkg").unlink()
    (out / "mini-deck-phase-1.apkg").write_bytes(b"old")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--check")
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{out / 'mini-deck-phase-1.apkg'}: stale",
        f"{out / 'mini-deck.apkg'}: missing",
    ]


def test_a_topic_path_with_other_spacing_or_case_gets_a_hint(mini: Path) -> None:
    edit(
        mini / "questions" / "phase-1.yaml",
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные",
        "topic: фаза 1/неделя 7-8/синтаксис/переменные",
    )
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1
    assert err.splitlines()[0] == (
        f"{mini / 'questions' / 'phase-1.yaml'}:1:8: error: unknown topic 'фаза 1/неделя 7-8/синтаксис/переменные': "
        "no topic 'фаза 1/неделя 7-8/синтаксис/переменные'; did you mean 'Фаза 1: Основы (2 недели) / Неделя 7-8: "
        "Первые шаги / Синтаксис / Переменные'? (write ' / ' with spaces between the parts, and each title with its "
        "own letter case)"
    )


def test_an_ambiguous_topic_names_the_curriculum_file(mini: Path) -> None:
    edit(mini / "curriculum.md", "### Неделя 12-14: Потом", "### Неделя 7-8: Потом\n- **Синтаксис**\n  - Переменные")
    code, _, err = run("check", "--cards", str(mini))
    curriculum = mini / "curriculum.md"
    assert code == 1
    assert f"is ambiguous ({curriculum}:7:1, {curriculum}:12:1); write more of the path" in err


def test_question_files_with_upper_case_suffixes_are_read(mini: Path) -> None:
    (mini / "questions" / "phase-2.yaml").rename(mini / "questions" / "Phase-2.YML")
    assert run("check", "--cards", str(mini)) == (0, "ok: 7 cards in 2 files.\n", "")


def test_a_multi_line_type_in_answer_names_the_card(mini: Path) -> None:
    (mini / "questions" / "typed.yaml").write_text(
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\ncards:\n"
        "  - id: typed\n    type: type-in\n    q: x\n    a: |\n      one\n      two\n",
        encoding="utf-8",
    )
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1 and "error: the answer of type-in card 'typed' must be one line" in err


# --- Progress on long work -------------------------------------------------------------------------


class _Terminal:
    """A stream that says it is a terminal, and keeps what is written to it."""

    def __init__(self, tty: bool = True) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def test_progress_shows_on_a_terminal_once_work_has_taken_a_moment() -> None:
    from cardsmith.cli import TerminalProgress

    now = [0.0]
    terminal = _Terminal()
    with TerminalProgress(terminal, delay=0.5, clock=lambda: now[0]) as progress:
        progress("reading", 1, 4)
        assert terminal.text == ""  # quick work shows nothing
        now[0] = 0.6
        progress("reading", 2, 4)
        progress("rendering", 500, 1000)
    assert "reading" in terminal.text and "2/4" in terminal.text
    assert "rendering" in terminal.text and "500/1000" in terminal.text and "50%" in terminal.text
    assert terminal.text.endswith("\n")  # what comes next starts on its own line


def test_progress_prints_nothing_when_not_on_a_terminal() -> None:
    from cardsmith.cli import TerminalProgress

    stream = _Terminal(tty=False)
    with TerminalProgress(stream, delay=0.0, clock=lambda: 10.0) as progress:
        progress("rendering", 500, 1000)
    assert stream.text == ""


def test_a_build_reports_its_progress_through_every_stage(mini: Path, tmp_path: Path) -> None:
    from cardsmith.build import build

    seen: list[tuple[str, int, int]] = []
    build(mini, tmp_path / "decks", now=NOW, progress=lambda what, done, total: seen.append((what, done, total)))
    stages = list(dict.fromkeys(what for what, _, _ in seen))
    assert stages == ["reading", "making notes", "writing"]
    assert ("reading", 2, 2) in seen and ("making notes", 7, 7) in seen and ("writing", 3, 3) in seen


# --- What other apps and browsers get -------------------------------------------------------------


def test_other_apps_get_a_bom_a_rule_before_the_explanation_and_typed_answers_as_typed(
    mini: Path, tmp_path: Path
) -> None:
    import zipfile

    (mini / "questions" / "typed.yaml").write_text(
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\ncards:\n"
        "  - id: typed\n    type: type-in\n    q: Флаг подробного вывода?\n    a: --verbose $name\n"
        "    extra: Пояснение.\n",
        encoding="utf-8",
    )
    out = tmp_path / "decks"
    args = ["--format", "csv", "--format", "mochi", "--format", "obsidian"]
    assert run("build", "--cards", str(mini), "--out", str(out), *args)[0] == 0
    assert (out / "mini-deck.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    obsidian = (out / "mini-deck-obsidian.md").read_text(encoding="utf-8")
    assert "--verbose $name" in obsidian and "\\-" not in obsidian and "\\$" not in obsidian
    with zipfile.ZipFile(out / "mini-deck.mochi") as mochi:
        data = mochi.read("data.edn").decode("utf-8")
    assert "--verbose $name\\n\\n***\\n\\nПояснение." in data


def test_the_preview_takes_its_language_from_deck_yaml(mini: Path, tmp_path: Path) -> None:
    page = tmp_path / "preview.html"
    assert run("preview", "--cards", str(mini), "--out", str(page))[0] == 0
    assert '<html lang="ru">' in page.read_text(encoding="utf-8")  # the default
    (mini / "deck.yaml").write_text(
        (mini / "deck.yaml").read_text(encoding="utf-8") + "language: en\n", encoding="utf-8"
    )
    assert run("preview", "--cards", str(mini), "--out", str(page))[0] == 0
    assert '<html lang="en">' in page.read_text(encoding="utf-8")


# --- Found by trying it as a new author -------------------------------------------------------------


def test_a_label_ends_at_a_dash_too_so_renaming_the_rest_of_a_heading_keeps_the_topics(mini: Path) -> None:
    edit(mini / "curriculum.md", "### Неделя 7-8: Первые шаги", "### Неделя 7-8 — Первые шаги")
    assert run("check", "--cards", str(mini))[0] == 0  # `Неделя 7-8` still names it
    edit(mini / "curriculum.md", "### Неделя 7-8 — Первые шаги", "### Неделя 7-8 — Самое начало")
    assert run("check", "--cards", str(mini))[0] == 0
    code, out, _ = run("new", "--cards", str(mini), "Переменные")
    assert code == 0 and "    topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные\n" in out


def test_a_path_without_spaces_around_the_slash_and_a_typo_says_how_to_write_a_path(mini: Path) -> None:
    edit(
        mini / "questions" / "phase-1.yaml",
        "topic: Фаза 1 / Неделя 7-8 / Синтаксис / Переменные",
        "topic: фаза 1/неделя 7-8/синтаксис/переменая",
    )
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1
    assert "the parts of a path are separated by ' / ', with a space on each side" in err.splitlines()[0]


def test_new_offers_only_topics_of_phases_and_only_valid_ids(mini: Path) -> None:
    code, _, err = run("new", "--cards", str(mini), "Проекты")  # a section that is not studied
    assert code == 1 and "no topic matches 'Проекты'" in err
    code, _, err = run("new", "--cards", str(mini), "Переменные", "--id", "bad id!")
    assert code == 2 and "'bad id!' is not a card id" in err


def test_running_inside_the_deck_folder_gets_the_right_advice(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(mini)
    code, _, err = run("build")
    assert code == 1
    assert err.splitlines()[0] == (
        "cards: error: no such deck folder; this folder has a deck.yaml: pass --cards . (or run from the folder above)"
    )
