"""`cardsmith verify`: the code of cards with `check:` runs apart, within limits, and matches the answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith.cli import cli
from cardsmith.verify import exception_names, names_exception, normalize

TOPIC = "Фаза 1 / Неделя 7-8 / Синтаксис / Переменные"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def card(
    card_id: str, check: str, code: str, answer: str, *, python: str = "", kind: str = "", fence: str = "python"
) -> str:
    """A card whose question shows `code` in a fenced block; the answer is written as a YAML string."""
    lines = [f"  - id: {card_id}"]
    if kind:
        lines.append(f"    type: {kind}")
    lines += ["    q: |", "      Что будет?", "", f"      ```{fence}"]
    lines += [f"      {line}" if line else "" for line in code.split("\n")]
    lines += ["      ```", f"    a: {json.dumps(answer, ensure_ascii=False)}", f"    check: {check}"]
    if python:
        lines.append(f'    python: "{python}"')
    return "\n".join(lines) + "\n"


def write(mini: Path, *cards: str) -> Path:
    path = mini / "questions" / "checked.yaml"
    path.write_text(f"topic: {TOPIC}\ncards:\n" + "".join(cards), encoding="utf-8")
    return path


def at(path: Path, card_id: str, key: str = "check") -> str:
    """Where the value of a card's key starts: path:line:col."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"  - id: {card_id}")
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.startswith(f"    {key}: "):
            return f"{path}:{number}:{len(key) + 7}"
    raise AssertionError(f"no {key} in {card_id}")


def test_a_deck_without_checked_cards_verifies_nothing(mini: Path) -> None:
    assert run("verify", "--cards", str(mini)) == (0, "0 verified, 0 failed, 0 skipped\n", "")


def test_output_equal_to_the_answer_passes(mini: Path) -> None:
    write(
        mini,
        card("inline", "output", "def f(x):\n    return x ** 2\n\nprint(f(3))", "`9`"),
        card("block", "output", "for i in range(3):\n    print(i, ' ' * 3)\nprint()", "```\n0\n1  \n2\n\n```"),
        card("typed", "output", "print(200 + 1)", "201", kind="type-in"),
        card("code-first", "output", "print('a')", "Напечатает `b`, а потом:\n\n```text\na\n```"),
        card("two-blocks", "output", "x = 2", "`4`").replace(
            "      ```\n    a:", "      ```\n\n      ```py\n      print(x * 2)\n      ```\n    a:"
        ),
    )
    assert run("verify", "--cards", str(mini)) == (0, "5 verified, 0 failed, 0 skipped\n", "")


def test_a_wrong_answer_fails_at_the_check_showing_expected_and_actual(mini: Path) -> None:
    path = write(
        mini,
        card("wrong", "output", "print(9)", "`10`"),
        card("wrong-lines", "output", "print(1)\nprint(2)", "```\n1\n3\n```"),
        card("passes", "output", "print(9)", "`9`"),
    )
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "1 verified, 2 failed, 0 skipped\n")
    assert err.split("\n") == [
        f"{at(path, 'wrong')}: error: check output: expected '10', got '9'",
        f"{at(path, 'wrong-lines')}: error: check output:",
        "  expected:",
        "    1",
        "    3",
        "  got:",
        "    1",
        "    2",
        "",
    ]


def test_output_of_a_program_that_fails_names_the_exception(mini: Path) -> None:
    path = write(mini, card("crash", "output", "print(1)\n1 / 0", "`1`"))
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "0 verified, 1 failed, 0 skipped\n")
    assert err == (
        f"{at(path, 'crash')}: error: check output: the program raised ZeroDivisionError: division by zero;"
        " expected '1', got '1'\n"
    )


def test_raises_passes_when_the_answer_names_the_exception(mini: Path) -> None:
    cards = [
        card("zero", "raises", "1 / 0", "`ZeroDivisionError`"),
        card("key", "raises", "{}['x']", "Будет `KeyError: 'x'`"),
        card("word", "raises", "int('x')", "ValueError, потому что это не число"),
        card("dotted", "raises", "import json\njson.loads('{')", "`json.JSONDecodeError`"),
        card("chained", "raises", "try:\n    {}['x']\nexcept KeyError:\n    raise TypeError('y')", "`TypeError`"),
        card("own", "raises", "class Oops(Exception):\n    pass\n\nraise Oops()", "`Oops`"),
        card("input", "raises", "input()", "`EOFError`: у программы нет ввода"),
    ]
    if sys.version_info >= (3, 11):
        cards.append(card("group", "raises", "raise ExceptionGroup('g', [ValueError(1)])", "`ExceptionGroup`"))
    write(mini, *cards)
    assert run("verify", "--cards", str(mini)) == (0, f"{len(cards)} verified, 0 failed, 0 skipped\n", "")


def test_raises_fails_on_another_exception_or_none(mini: Path) -> None:
    path = write(
        mini,
        card("other", "raises", "try:\n    {}['x']\nexcept KeyError:\n    raise ValueError('y')", "`KeyError`"),
        card("none", "raises", "x = 1", "`ZeroDivisionError`"),
    )
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "0 verified, 2 failed, 0 skipped\n")
    assert err.split("\n") == [
        f"{at(path, 'other')}: error: check raises: expected the exception the answer names (`KeyError`), got ValueError: y",
        f"{at(path, 'none')}: error: check raises: expected the exception the answer names (`ZeroDivisionError`),"
        " but the program ran to the end without one",
        "",
    ]


def test_runs_needs_exit_status_0(mini: Path) -> None:
    path = write(
        mini,
        card("fine", "runs", "import sys\nx = [1, 2]\nsys.exit(0)", "Ничего"),
        card("exits", "runs", "raise SystemExit(3)", "Ничего"),
        card("fails", "runs", "import nosuchmodule_cardsmith", "Ничего"),
    )
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "1 verified, 2 failed, 0 skipped\n")
    assert err.split("\n") == [
        f"{at(path, 'exits')}: error: check runs: the program exited with status 3",
        f"{at(path, 'fails')}: error: check runs: the program raised ModuleNotFoundError: "
        "No module named 'nosuchmodule_cardsmith'",
        "",
    ]


def test_a_snippet_that_does_not_end_is_stopped_at_the_time_limit(mini: Path) -> None:
    path = write(mini, card("forever", "runs", "while True:\n    pass", "Никогда не закончится"))
    start = time.monotonic()
    code, out, err = run("verify", "--cards", str(mini), "--timeout", "1")
    assert time.monotonic() - start < 10
    assert (code, out) == (1, "0 verified, 1 failed, 0 skipped\n")
    assert (
        err
        == f"{at(path, 'forever')}: error: check runs: the program did not finish in 1 s and was stopped (--timeout)\n"
    )


def test_a_snippet_that_prints_without_end_is_stopped_at_the_output_limit(mini: Path) -> None:
    path = write(mini, card("flood", "output", "while True:\n    print('x' * 1000)", "`x`"))
    start = time.monotonic()
    code, out, err = run("verify", "--cards", str(mini), "--timeout", "30")
    assert time.monotonic() - start < 20
    assert (code, out) == (1, "0 verified, 1 failed, 0 skipped\n")
    first, *rest = err.split("\n")
    assert (
        first
        == f"{at(path, 'flood')}: error: check output: the program wrote more than 64 KiB of output and was stopped;"
    )
    # 64 KiB of 1001-byte lines, shown cut short: two lines, and the rest counted
    assert rest == [
        "  expected:",
        "    x",
        "  got:",
        "    " + "x" * 1000,
        "    " + "x" * 1000,
        "    …",
        "    … (63 more lines)",
        "",
    ]


def test_a_card_for_other_python_versions_is_skipped(mini: Path) -> None:
    write(
        mini,
        card("ancient", "output", "print 'hi'", "`hi`", python="<3.0"),
        card("modern", "output", "print('hi')", "`hi`", python=">=3.0"),
    )
    assert run("verify", "--cards", str(mini)) == (0, "1 verified, 0 failed, 1 skipped\n", "")


def test_a_card_that_needs_a_module_this_python_lacks_is_skipped_and_named(mini: Path) -> None:
    needs_yaml = card("with-yaml", "output", "import yaml\nprint(yaml.safe_load('a: 1'))", "`{'a': 1}`")
    needs_none = card("without", "output", "import no_such_module_here\nprint(1)", "`1`")
    write(mini, needs_yaml + "    needs: [yaml]\n", needs_none + "    needs: [no_such_module_here, yaml]\n")
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (0, "1 verified, 0 failed, 1 skipped\n")
    assert err.startswith("warning: cards were skipped because this Python lacks no_such_module_here: install them")
    # In CI a missing module is a failure: the card would silently never be checked.
    code, out, err = run("verify", "--cards", str(mini), "--strict")
    assert (code, out) == (1, "1 verified, 0 failed, 1 skipped\n")
    assert err.startswith("error: cards were skipped because this Python lacks no_such_module_here")


def test_needs_is_a_list_of_module_names_and_goes_with_a_check(mini: Path) -> None:
    path = write(
        mini,
        card("bad-name", "runs", "pass", "ничего") + "    needs: [pydantic-settings]\n",
        "  - id: no-check\n    q: Что?\n    a: Это.\n    needs: [yaml]\n",
    )
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1
    assert f"{path}:12:13: error: " in err and "not the name of a module" in err  # at the item in the list
    assert f"{at(path, 'no-check', 'needs')}: error: 'needs' names the modules a check imports: add 'check'" in err


def test_a_snippet_runs_in_an_empty_folder_with_no_input_and_none_of_our_environment(
    mini: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDSMITH_TEST_SECRET", "hunter2")
    write(
        mini,
        card("empty-folder", "output", "import os\nprint(os.listdir())", "`[]`"),
        card("no-input", "raises", "input()", "`EOFError`"),
        card("no-secret", "output", "import os\nprint('CARDSMITH_TEST_SECRET' in os.environ)", "`False`"),
        card("no-user-site", "output", "import sys\nprint(sys.flags.no_user_site)", "`1`"),
    )
    assert run("verify", "--cards", str(mini)) == (0, "4 verified, 0 failed, 0 skipped\n", "")


def test_string_hashes_are_the_same_on_every_run(mini: Path) -> None:
    code = "print(sorted({'a', 'b'}), list({'alpha', 'beta', 'gamma', 'delta'}))"
    env = {"PYTHONHASHSEED": "0", "PATH": os.defpath}
    expected = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    write(
        mini,
        card("seed", "output", "import sys\nprint(sys.flags.hash_randomization)", "`0`"),
        card("set-order", "output", code, f"```\n{expected.stdout}```"),
    )
    assert run("verify", "--cards", str(mini)) == (0, "2 verified, 0 failed, 0 skipped\n", "")


def test_jobs_do_not_change_the_output(mini: Path) -> None:
    cards = [card(f"ok-{n}", "output", f"print({n} * 2)", f"`{n * 2}`") for n in range(6)]
    cards += [card(f"bad-{n}", "output", f"print({n})", "`-1`") for n in range(6)]
    cards += [card("skip", "runs", "x = 1", "ничего", python="<3.0"), card("oops", "raises", "x = 1", "`KeyError`")]
    write(mini, *cards)
    one = run("verify", "--cards", str(mini), "--jobs", "1")
    four = run("verify", "--cards", str(mini), "--jobs", "4")
    assert one == four
    assert one[0] == 1 and one[1] == "6 verified, 7 failed, 1 skipped\n"
    lines = one[2].strip().split("\n")
    assert lines == sorted(lines, key=lambda line: int(line.split(":")[1]))


def test_verify_never_runs_as_part_of_build_or_check(mini: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(mini, card("fails", "runs", f"open({str(marker)!r}, 'w').close()\nraise SystemExit(1)", "Ничего"))
    assert run("check", "--cards", str(mini))[0] == 0
    assert run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))[0] == 0
    assert not marker.exists()
    assert run("verify", "--cards", str(mini))[:2] == (1, "0 verified, 1 failed, 0 skipped\n")
    assert marker.exists()  # (the snippet can still write outside its folder: this is not a sandbox)


def test_cards_whose_check_cannot_be_run_are_errors_at_their_place(mini: Path) -> None:
    path = write(
        mini,
        card("no-python", "runs", "SELECT 1;", "Ничего", fence="sql"),
        card("no-output", "output", "print(1)", "Единицу"),
        card("no-exception", "raises", "1 / 0", "Будет ошибка"),
    )
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "0 verified, 3 failed, 0 skipped\n")
    assert err.split("\n") == [
        f"{at(path, 'no-python')}: error: check: the question shows no ```python code block to run",
        f"{at(path, 'no-output', 'a')}: error: check output: the answer shows no output to compare with: "
        "write it in a code block or as `inline code`",
        f"{at(path, 'no-exception', 'a')}: error: check raises: the answer names no exception: write its name, "
        "e.g. `KeyError`",
        "",
    ]


def test_a_project_with_errors_reports_them_and_runs_nothing(mini: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = write(mini, card("fine", "runs", f"open({str(marker)!r}, 'w').close()", "Ничего"))
    path.write_text(path.read_text(encoding="utf-8") + "    colour: red\n", encoding="utf-8")
    code, out, err = run("verify", "--cards", str(mini))
    assert (code, out) == (1, "")
    assert "unknown key 'colour'" in err and err.endswith("1 error(s).\n")
    assert not marker.exists()


def test_help_says_that_verify_runs_card_code_and_is_no_sandbox() -> None:
    code, out, _ = run("verify", "--help")
    text = " ".join(out.split())
    assert code == 0
    assert "RUNS THE CODE THAT CARDS SHOW" in text
    assert "verify never runs as part of build or check" in text
    assert "not a security sandbox" in text


def test_comparison_rules() -> None:
    assert normalize("1  \n2\t\n\n\n") == normalize("1\n2") == "1\n2"
    assert normalize("\n1") != normalize("1")  # leading blank lines count
    assert exception_names("Будет `KeyError: 'x'`, не IndexError.") == ("KeyError", "x", "IndexError")
    assert exception_names("Будет ошибка, а не Xошибка") == ()
    assert names_exception(["json.JSONDecodeError"], "json.decoder.JSONDecodeError")
    assert names_exception(["JSONDecodeError"], "json.decoder.JSONDecodeError")
    assert not names_exception(["Error", "KeyErrors"], "KeyError")
