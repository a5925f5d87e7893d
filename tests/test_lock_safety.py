"""The lock and the times that go into notes: nothing a bad merge, a cut file or a wrong clock leaves is taken as a time."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith.cli import cli
from conftest import NOW, digests


def run(*args: str, epoch: str = str(NOW)) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(mini: Path, tmp_path: Path) -> Path:
    """The mini project, built once into tmp_path/decks."""
    assert run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))[0] == 0
    return mini


def lines_of(project: Path) -> list[str]:
    return (project / "cardsmith.lock").read_text(encoding="utf-8").splitlines()


def write_lock(project: Path, lines: list[str], prefix: bytes = b"") -> None:
    (project / "cardsmith.lock").write_bytes(prefix + ("\n".join(lines) + "\n").encode("utf-8"))


def build_fails_and_writes_nothing(project: Path, out: Path) -> list[str]:
    before, lock = digests(out), (project / "cardsmith.lock").read_bytes()
    code, _, err = run("build", "--cards", str(project), "--out", str(out), epoch=str(NOW + 60))
    assert code == 1
    assert digests(out) == before and (project / "cardsmith.lock").read_bytes() == lock
    assert "delete" not in err  # never the advice to throw the learners' times away
    return err.splitlines()


# --- Times ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("epoch", "shown"),
    [
        (
            "1700000000000",
            "1700000000000, which is not a time in the years 2000 to 2100: seconds since 1970 are "
            "expected (milliseconds? use `date +%s`)",
        ),
        ("-5", "-5, which is not a time in the years 2000 to 2100: seconds since 1970 are expected"),
        (
            "99999999999999999999",
            "99999999999999999999, which is not a time in the years 2000 to 2100: seconds "
            "since 1970 are expected (milliseconds? use `date +%s`)",
        ),
        ("4102444800", "4102444800, which is not a time in the years 2000 to 2100: seconds since 1970 are expected"),
    ],
)
def test_source_date_epoch_outside_2000_to_2100_is_refused(mini: Path, tmp_path: Path, epoch: str, shown: str) -> None:
    code, _, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"), epoch=epoch)
    assert (code, err) == (1, f"error: SOURCE_DATE_EPOCH gives {shown}\n")
    assert not (tmp_path / "decks").exists() and not (mini / "cardsmith.lock").exists()


def test_a_time_far_in_the_future_in_the_lock_is_an_error_at_its_line(built: Path, tmp_path: Path) -> None:
    lines = lines_of(built)
    number, line = next((i, line) for i, line in enumerate(lines) if line.startswith("card late-card "))
    lines[number] = line.rsplit("mod=", 1)[0] + "mod=1700000000000"
    write_lock(built, lines)
    err = build_fails_and_writes_nothing(built, tmp_path / "decks")
    assert err[0] == (
        f"{built / 'cardsmith.lock'}:{number + 1}:1: error: mod=1700000000000 is not a time between the years 2000 "
        f"and 2100; restore it from git (git checkout -- {built / 'cardsmith.lock'}) or settle the merge as the "
        "README says"
    )


def test_a_lock_cut_inside_a_number_is_an_error_not_a_time(built: Path, tmp_path: Path) -> None:
    text = (built / "cardsmith.lock").read_text(encoding="utf-8")
    cut = text[: text.rindex("mod=") + len("mod=") + 3]  # the last line, cut after three digits
    (built / "cardsmith.lock").write_text(cut, encoding="utf-8")
    err = build_fails_and_writes_nothing(built, tmp_path / "decks")
    assert err[0].endswith(
        f"error: mod={cut[-3:]} is not a time between the years 2000 and 2100; restore it from git "
        f"(git checkout -- {built / 'cardsmith.lock'}) or settle the merge as the README says"
    )


def test_a_content_hash_cut_short_is_unreadable(built: Path, tmp_path: Path) -> None:
    lines = lines_of(built)
    number = next(i for i, line in enumerate(lines) if line.startswith("card "))
    lines[number] = lines[number].split(" deck=")[0][:-3]
    write_lock(built, lines)
    assert "unreadable line" in build_fails_and_writes_nothing(built, tmp_path / "decks")[0]


# --- What a merge leaves -------------------------------------------------------------------------------


def test_a_card_on_two_lines_is_an_error_at_both(built: Path, tmp_path: Path) -> None:
    lines = lines_of(built)
    first = next(i for i, line in enumerate(lines) if line.startswith("card name-rules "))
    older = lines[first].rsplit("mod=", 1)[0] + f"mod={NOW - 3600}"
    lines.append(older)  # the older line would have won, silently
    write_lock(built, lines)
    err = build_fails_and_writes_nothing(built, tmp_path / "decks")
    lock = built / "cardsmith.lock"
    assert err[:2] == [
        f"{lock}:{first + 1}:1: error: card 'name-rules' is also on line {len(lines)}; restore it from git "
        f"(git checkout -- {lock}) or settle the merge as the README says",
        f"{lock}:{len(lines)}:1: error: card 'name-rules' is also on line {first + 1}; restore it from git "
        f"(git checkout -- {lock}) or settle the merge as the README says",
    ]


def test_a_note_type_on_two_lines_is_an_error_too(built: Path, tmp_path: Path) -> None:
    lines = lines_of(built)
    lines.append(next(line for line in lines if line.startswith("notetype basic ")))
    write_lock(built, lines)
    err = build_fails_and_writes_nothing(built, tmp_path / "decks")
    assert sum("notetype 'basic' is also on line" in line for line in err) == 2


def test_every_merge_conflict_is_reported_with_how_to_settle_it(built: Path, tmp_path: Path) -> None:
    lines = lines_of(built)
    at = next(i for i, line in enumerate(lines) if line.startswith("card name-rules "))
    ours, theirs = lines[at], lines[at].rsplit("mod=", 1)[0] + f"mod={NOW + 7}"
    lines[at : at + 1] = ["<<<<<<< HEAD", ours, "=======", theirs, ">>>>>>> other"]
    write_lock(built, lines)
    err = build_fails_and_writes_nothing(built, tmp_path / "decks")
    conflicts = [line for line in err if "merge conflict" in line]
    assert [line.split(": error: ")[0].rsplit(":", 2)[1] for line in conflicts] == [
        str(at + 1),
        str(at + 3),
        str(at + 5),
    ]
    assert all(
        line.endswith(
            "keep, for each card in conflict, the line with the larger mod=, remove the markers and run "
            '`cardsmith build` (README: "When two authors\' branches meet")'
        )
        for line in conflicts
    )


def test_a_lock_with_a_byte_order_mark_is_read(built: Path, tmp_path: Path) -> None:
    write_lock(built, lines_of(built), prefix=b"\xef\xbb\xbf")
    code, stdout, _ = run("build", "--cards", str(built), "--out", str(tmp_path / "decks"), epoch=str(NOW + 60))
    assert code == 0 and "0 new, 0 changed, 7 unchanged" in stdout


# --- A lock that is not a file of text ------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_lock_that_is_a_fifo_is_refused_without_waiting(mini: Path, tmp_path: Path) -> None:
    os.mkfifo(mini / "cardsmith.lock")
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(run("check", "--cards", str(mini))), daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader before failing, so the test run can end
        with open(mini / "cardsmith.lock", "wb"):
            pass
        pytest.fail("reading the lock waited on the FIFO")
    code, _, err = result[0]
    lock = mini / "cardsmith.lock"
    assert code == 1 and err.splitlines()[0] == (
        f"{lock}: error: the lock is not a regular file; restore it from git (git checkout -- {lock}) or settle "
        "the merge as the README says"
    )


def test_an_absurdly_large_lock_is_refused_before_it_is_read(mini: Path) -> None:
    with open(mini / "cardsmith.lock", "wb") as lock:
        lock.truncate(200 * 1024 * 1024)  # sparse: no disk used
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1 and "error: the lock is 200 MB, far more than any deck needs" in err


def test_a_lock_that_is_not_utf8_is_refused(mini: Path) -> None:
    (mini / "cardsmith.lock").write_bytes(b"card \xff\xfe\n")
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1 and "error: the lock is not UTF-8 text" in err
