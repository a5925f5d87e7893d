from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cardsmith.cli import cli
from conftest import NOW, edit

PLAN = Path(__file__).parent / "fixtures" / "mini"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    return result.exit_code, result.stdout, result.stderr


def test_check_reports_the_number_of_cards(mini: Path) -> None:
    assert run("check", "--cards", str(mini)) == (0, "ok: 7 cards in 2 files.\n", "")


def test_check_lists_every_problem_and_exits_1(mini: Path) -> None:
    (mini / "questions" / "broken.yaml").write_text(
        "cards:\n  - id: name-rules\n    q: x\n    a: y\n    topic: Фаза 9\n", encoding="utf-8"
    )
    code, out, err = run("check", "--cards", str(mini))
    assert code == 1 and out == ""
    broken, first = mini / "questions" / "broken.yaml", mini / "questions" / "phase-1.yaml"
    assert err.splitlines() == [
        f"{broken}:2:9: error: duplicate card id 'name-rules', also used at {first}:7:9; ids must be unique in the deck",
        f"{broken}:5:12: error: unknown topic 'Фаза 9': no topic 'Фаза 9'; closest: 'Фаза 2: Сеть', 'Фаза 1: Основы (2 недели)'",
        f"{first}:7:9: error: duplicate card id 'name-rules', also used at {broken}:2:9; ids must be unique in the deck",
        "3 error(s).",
    ]


def test_coverage_json_has_one_object_per_node_in_curriculum_order(mini: Path) -> None:
    code, out, _ = run("coverage", "--cards", str(mini), "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0] == {"path": ["Фаза 1: Основы (2 недели)"], "leaf": False, "cards": 0, "total": 4}
    assert rows[3] == {
        "path": ["Фаза 1: Основы (2 недели)", "Неделя 7-8: Первые шаги", "Синтаксис", "Переменные"],
        "leaf": True,
        "cards": 1,
        "total": 1,
    }
    assert [r["path"][-1] for r in rows] == [
        "Фаза 1: Основы (2 недели)",
        "Неделя 7-8: Первые шаги",
        "Синтаксис",
        "Переменные",
        "Операторы (арифметические)",
        "Неделя 12-14: Потом",
        "Функции",
        "Лямбда-функции",
        "Фаза 2: Сеть",
        "Неделя 15: HTTP",
        "Протокол HTTP",
        "Методы запросов (GET, POST)",
        "GitHub Actions / GitLab CI",
        "Пайплайны",
    ]


def test_coverage_marks_topics_without_enough_cards(mini: Path) -> None:
    code, out, err = run("coverage", "--cards", str(mini), "--min", "2")
    assert code == 1  # so that a CI job fails
    assert err == "3 topics with fewer than 2 card(s) (--min 2).\n"
    assert "   1        Переменные  ✗" in out.splitlines()
    assert "   2        Операторы (арифметические)" in out.splitlines()
    assert out.splitlines()[-1] == "7 cards; 2 of 5 topics have at least 2 cards"
    assert run("coverage", "--cards", str(mini), "--min", "1")[0] == 0  # every topic has one
    edit(mini / "curriculum.md", "  - Переменные\n", "  - Переменные\n  - Циклы\n")
    code, out, err = run("coverage", "--cards", str(mini))  # without --min, a report: uncovered topics marked
    assert (code, err) == (0, "") and "   0        Циклы  ✗" in out.splitlines()
    assert run("coverage", "--cards", str(mini), "--min", "1")[0] == 1


def test_build_writes_the_decks_and_a_second_build_changes_nothing(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out))
    assert (code, stdout) == (
        0,
        f"wrote {mini / 'cardsmith.lock'}\n"
        f"wrote {out / '.cardsmith-outputs'}\n"
        f"wrote {out / 'mini-deck-phase-1.apkg'}\n"
        f"wrote {out / 'mini-deck-phase-2.apkg'}\n"
        f"wrote {out / 'mini-deck.apkg'}\n"
        f"7 notes: 7 new, 0 changed, 0 unchanged, 0 removed; 4 file(s) written in {out}, 0 unchanged; the lock updated.\n",
    )
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out))
    assert (code, stdout) == (
        0,
        f"7 notes: 0 new, 0 changed, 7 unchanged, 0 removed; 0 file(s) written in {out}, 4 unchanged.\n",
    )
    assert run("build", "--cards", str(mini), "--out", str(out), "--check")[0] == 0


def test_build_check_fails_and_writes_nothing_when_decks_are_stale(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    (out / "mini-deck-phase-2.apkg").write_bytes(b"old")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--check")
    assert code == 1
    assert err.splitlines() == [
        f"{out / 'mini-deck-phase-2.apkg'}: stale",
        "1 file(s) differ from what the sources build; run `cardsmith build` and commit them.",
    ]
    assert (out / "mini-deck-phase-2.apkg").read_bytes() == b"old"


def test_an_output_folder_that_is_a_file_is_a_clear_error(mini: Path, tmp_path: Path) -> None:
    target = tmp_path / "decks"
    target.write_text("not a folder")
    code, _, err = run("build", "--cards", str(mini), "--out", str(target))
    assert code == 1
    assert err == f"error: {target}: the output folder is a file; pass another --out\n"


def test_usage_errors_exit_2() -> None:
    assert run("build", "--no-such-option")[0] == 2
    assert run("frobnicate")[0] == 2


def test_every_command_has_help_with_an_example() -> None:
    for command in cli.commands:
        code, out, _ = run(command, "--help")
        assert code == 0 and "Example:" in out, command


def test_python_dash_m_runs_the_tool() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cardsmith", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("cardsmith, version ")


def test_check_loads_no_output_format() -> None:
    code = (
        f"import sys; from cardsmith.cli import main; sys.argv=['cardsmith','check','--cards',{str(PLAN)!r}]\n"
        "try:\n    main()\nexcept SystemExit: pass\n"
        "print('genanki' in sys.modules, [m for m in sys.modules if m.startswith('cardsmith.exporters.')])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "False ['cardsmith.exporters.base']"


def test_init_makes_a_project_that_checks_and_builds_and_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "go-plan"
    code, out, _ = run("init", str(folder), "--title", "Go")
    assert code == 0
    assert out.splitlines() == [
        f"wrote {folder / 'deck.yaml'}",
        f"wrote {folder / 'curriculum.md'}",
        f"wrote {folder / 'questions' / 'week-01.yaml'}",
        f"wrote {folder / '.gitignore'}",
        # the contributors' files, at the root of the deck's repository: here no git, so the folder above
        f"wrote {tmp_path / '.vscode' / 'cardsmith-questions.schema.json'}",
        f"wrote {tmp_path / '.vscode' / 'cardsmith-deck.schema.json'}",
        f"wrote {tmp_path / '.vscode' / 'settings.json'}",
        f"wrote {tmp_path / '.vscode' / 'extensions.json'}",
        f"wrote {tmp_path / '.pre-commit-config.yaml'}",
        f"wrote {tmp_path / 'CONTRIBUTING.md'}",
        f"next: write your plan in {folder / 'curriculum.md'} and check the deck id in {folder / 'deck.yaml'} "
        f"(it cannot change once learners have the deck), then run `cardsmith build --cards {folder} --out {folder}-decks`",
    ]
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == ".cardsmith-cache/"
    assert "phase_word:" not in (folder / "deck.yaml").read_text(encoding="utf-8").replace("# phase_word", "")
    assert run("check", "--cards", str(folder)) == (0, "ok: 2 cards in 1 file.\n", "")
    assert run("build", "--cards", str(folder), "--out", str(tmp_path / "out"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".cardsmith-outputs", "go-plan.apkg"]  # one package
    assert run("init", str(folder)) == (
        1,
        "",
        f"error: {folder / 'deck.yaml'} already exists; this folder is a deck project\n",
    )


def test_status_lists_new_changed_and_removed_cards_with_a_rename_hint(mini: Path, tmp_path: Path) -> None:
    run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))
    phase1, phase2 = mini / "questions" / "phase-1.yaml", mini / "questions" / "phase-2.yaml"
    phase1.write_text(phase1.read_text(encoding="utf-8").replace("a: Нет.", "a: Нельзя."), encoding="utf-8")
    phase2.write_text(
        phase2.read_text(encoding="utf-8").replace("- id: ci-pipeline", "- id: ci-workflows-folder"), encoding="utf-8"
    )
    code, out, err = run("status", "--cards", str(mini))
    assert code == 0
    assert out.splitlines() == [
        "new      ci-workflows-folder",
        "changed  name-rules",
        "removed  ci-pipeline",
        "1 new, 1 changed, 5 unchanged, 1 removed",
    ]
    assert err == (
        f"{phase2}:11:5: warning: card 'ci-workflows-folder' has the same content as removed card 'ci-pipeline'; "
        "if it was renamed, add 'was: ci-pipeline' to keep the learner's review history\n"
    )
    assert run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"), "--check")[0] == 1


def test_outputs_of_a_phase_that_is_gone_are_removed_and_nothing_else(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    (out / "notes.txt").write_text("mine")
    # A build of an older plan wrote a seventh phase, and listed it in the output folder's manifest;
    # the user copied a package under a name the build might use: it is not listed, so it stays.
    with (out / ".cardsmith-outputs").open("a", encoding="utf-8") as manifest:
        manifest.write("mini-deck-phase-7.apkg\n")
    (out / "mini-deck-phase-7.apkg").write_bytes(b"from an older plan")
    (out / "mini-deck-phase-8.apkg").write_bytes(b"the user's copy")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--check")
    assert code == 1 and f"{out / 'mini-deck-phase-7.apkg'}: obsolete" in err.splitlines()
    assert f"{out / 'mini-deck-phase-8.apkg'}: obsolete" not in err.splitlines()
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out))
    assert stdout.endswith(f"1 file(s) written in {out}, 3 unchanged, 1 obsolete removed.\n")  # the manifest
    assert f"removed {out / 'mini-deck-phase-7.apkg'} (this build no longer makes it)\n" in stdout
    assert sorted(p.name for p in out.iterdir()) == [
        ".cardsmith-outputs",
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck-phase-8.apkg",
        "mini-deck.apkg",
        "notes.txt",
    ]


def test_new_prints_a_skeleton_for_a_topic_found_by_part_of_its_title(mini: Path) -> None:
    assert run("new", "--cards", str(mini), "Лямбда") == (
        0,
        "  - id: new-card-id\n    topic: Фаза 1 / Неделя 12-14 / Функции / Лямбда-функции\n    q: ''\n    a: ''\n",
        "",
    )
    code, _, err = run("new", "--cards", str(mini), "Фаза")
    assert code == 1 and err.splitlines()[0] == "error: 'Фаза' names 2 topics; give more of the path:"


def test_new_appends_to_a_question_file_and_check_then_asks_for_the_text(mini: Path) -> None:
    target = mini / "questions" / "phase-1.yaml"
    code, out, _ = run(
        "new", "--cards", str(mini), "Операторы", "--type", "type-in", "--id", "modulo", "--append", str(target)
    )
    assert (code, out) == (0, f"added 'modulo' to {target}\n")
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1
    assert err.splitlines()[:2] == [f"{target}:31:8: error: 'q' is empty", f"{target}:32:8: error: 'a' is empty"]


def test_new_appends_to_the_cards_file_of_a_fresh_init_as_its_comment_says(tmp_path: Path) -> None:
    plan = tmp_path / "PLAN.md"
    plan.write_text("# Go\n\n## Phase 1: Basics\n\n### Week 1: Start\n- **Syntax**\n  - Variables\n", encoding="utf-8")
    folder = tmp_path / "deck"
    assert run("init", str(folder), "--curriculum", str(plan))[0] == 0
    target = folder / "questions" / "cards.yaml"
    assert target.read_text(encoding="utf-8").splitlines()[-1] == "cards: []"
    assert run("check", "--cards", str(folder)) == (0, "ok: 0 cards in 1 file.\n", "")
    args = ("new", "Variables", "--cards", str(folder), "--append", str(target))
    assert run(*args, "--id", "v1") == (0, f"added 'v1' to {target}\n", "")
    assert run(*args, "--id", "v2")[:2] == (0, f"added 'v2' to {target}\n")
    assert target.read_text(encoding="utf-8").splitlines()[3:] == [
        "cards:",
        "  - id: v1",
        "    topic: Phase 1 / Week 1 / Syntax / Variables",
        "    q: ''",
        "    a: ''",
        "  - id: v2",
        "    topic: Phase 1 / Week 1 / Syntax / Variables",
        "    q: ''",
        "    a: ''",
    ]
    code, _, err = run("check", "--cards", str(folder))
    assert code == 1 and err.splitlines()[0] == f"{target}:7:8: error: 'q' is empty"  # valid YAML: the card is read


def test_new_never_appends_where_the_file_would_not_read_back(tmp_path: Path, mini: Path) -> None:
    target = mini / "questions" / "extra.yaml"
    for text, where in [
        ("cards: [{id: x, q: a, a: b}]\n", "1:1"),  # a flow list with cards: block items cannot follow
        ("topic: Фаза 1\ncards:\n  - id: x\n    q: a\n    a: b\ntags: [t]\n", "2:1"),  # not the last key
    ]:
        target.write_text(text, encoding="utf-8")
        assert run("new", "Переменные", "--cards", str(mini), "--append", str(target), "--id", "v1") == (
            1,
            "",
            f"{target}:{where}: error: cannot add a card to this file: --append needs 'cards:' as its last key, "
            "followed by nothing, [] or a list of '- ' lines\n1 error(s); nothing was written.\n",
        )
        assert target.read_text(encoding="utf-8") == text


def test_watch_of_a_missing_deck_folder_exits_with_the_error_of_check(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    message = f"{missing}: error: no such deck folder; pass --cards DIR, or start one with `cardsmith init`"
    assert run("check", "--cards", str(missing))[2].splitlines()[0] == message
    assert run("watch", "--cards", str(missing), "--out", str(tmp_path / "decks")) == (
        1,
        "",
        f"{message}\n1 error(s); nothing was written.\n",
    )
    assert not (tmp_path / "decks").exists()


def test_strict_turns_warnings_into_a_failure_that_writes_nothing(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    phase2 = mini / "questions" / "phase-2.yaml"
    phase2.write_text(
        phase2.read_text(encoding="utf-8").replace("- id: ci-pipeline", "- id: ci-workflows"), encoding="utf-8"
    )
    lock = (mini / "cardsmith.lock").read_bytes()
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--strict")
    assert code == 1
    assert err.splitlines()[-1] == "1 warning(s) and --strict; nothing was written."
    assert (mini / "cardsmith.lock").read_bytes() == lock
    assert run("build", "--cards", str(mini), "--out", str(out))[0] == 0  # without --strict it is only a warning


def test_check_strict_fails_on_a_warning(mini: Path) -> None:
    phase1 = mini / "questions" / "phase-1.yaml"
    phase1.write_text(phase1.read_text(encoding="utf-8").replace("{{c2::1}}", "{{c2::`a::b`}}"), encoding="utf-8")
    assert run("check", "--cards", str(mini))[0] == 0
    code, _, err = run("check", "--cards", str(mini), "--strict")
    assert code == 1 and "warning: cloze card 'floor-division'" in err


def test_no_command_leaves_a_temporary_file_behind(mini: Path, tmp_path: Path) -> None:
    private = tmp_path / "tmp"
    private.mkdir()
    env = {"SOURCE_DATE_EPOCH": str(NOW), "TMPDIR": str(private), "PATH": "/usr/bin:/bin"}
    questions = mini / "questions" / "phase-1.yaml"

    def cardsmith(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "cardsmith", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    out = str(tmp_path / "decks")
    cardsmith("build", "--cards", str(mini), "--out", out)  # cold: every package is written
    questions.write_text(questions.read_text(encoding="utf-8").replace("a: Нет.", "a: Нельзя."), encoding="utf-8")
    cardsmith("status", "--cards", str(mini))
    cardsmith("check", "--cards", str(mini))
    cardsmith("build", "--cards", str(mini), "--out", out, "--format", "apkg", "--format", "crowdanki")
    cardsmith("build", "--cards", str(mini), "--out", out, "--format", "apkg", "--format", "crowdanki", "--check")
    cardsmith("preview", "--cards", str(mini), "--out", str(tmp_path / "preview.html"))
    assert list(private.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*.tmp")]  # nor half-written files beside the outputs
