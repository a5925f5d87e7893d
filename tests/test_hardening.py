"""Smaller hardening: links out of the deck folder, ids by letter case, Unicode forms, Ctrl-C, repeated errors."""

from __future__ import annotations

import errno
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith.cli import cli
from conftest import NOW, ROOT, edit


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(NOW)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_question_file_linked_from_outside_the_deck_folder_is_refused_unread(mini: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("cards:\n  - id: x\n    q: THE SECRET\n", encoding="utf-8")
    (mini / "questions" / "linked.yaml").symlink_to(secret)
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1 and "THE SECRET" not in err
    assert err.splitlines()[0] == (
        f"{mini / 'questions' / 'linked.yaml'}: error: this question file is a link to a file outside the deck "
        f"folder {mini}; copy the file in"
    )


def test_ids_that_differ_only_in_letter_case_are_refused(mini: Path) -> None:
    edit(mini / "questions" / "phase-1.yaml", "- id: late-card", "- id: Name-Rules")
    code, _, err = run("check", "--cards", str(mini))
    phase1 = mini / "questions" / "phase-1.yaml"
    assert code == 1
    assert err.splitlines()[:2] == [
        f"{phase1}:3:9: error: card id 'Name-Rules' differs from 'name-rules' ({phase1}:7:9) only in letter case; "
        "Anki's search finds both, so ids must differ in more than that",
        f"{phase1}:7:9: error: card id 'name-rules' differs from 'Name-Rules' ({phase1}:3:9) only in letter case; "
        "Anki's search finds both, so ids must differ in more than that",
    ]


def test_a_topic_in_another_unicode_form_finds_its_title(mini: Path) -> None:
    # "й" as и + combining breve (NFD, as some editors and macOS file names write it)
    edit(mini / "curriculum.md", "- **Синтаксис**", "- **Синтаксис й**")
    text = (mini / "questions" / "phase-1.yaml").read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", "Синтаксис й")
    assert decomposed != "Синтаксис й"
    (mini / "questions" / "phase-1.yaml").write_text(text.replace("Синтаксис", decomposed), encoding="utf-8")
    assert run("check", "--cards", str(mini)) == (0, "ok: 7 cards in 2 files.\n", "")


def test_a_wrong_file_topic_is_reported_once_not_once_per_card(mini: Path) -> None:
    path = mini / "questions" / "many.yaml"
    cards = "".join(f"  - id: many-{n}\n    q: q{n}\n    a: a{n}\n" for n in range(30))
    path.write_text(f"topic: Фаза 1 / Неделя 7-8 / Синтаксиз\ncards:\n{cards}", encoding="utf-8")
    code, _, err = run("check", "--cards", str(mini))
    assert code == 1 and len(err.splitlines()) == 2  # the one error and the count
    assert err.splitlines()[0].startswith(f"{path}:1:8: error: unknown topic 'Фаза 1 / Неделя 7-8 / Синтаксиз'")


def test_a_full_disk_under_the_lock_is_blamed_on_the_lock(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cardsmith.files

    real = cardsmith.files.tempfile.mkstemp

    def full_beside_the_lock(*args: object, **kwargs: object) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".cardsmith.lock."):
            raise OSError(errno.ENOSPC, "No space left on device", str(mini / ".cardsmith.lock.tmp"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cardsmith.files.tempfile, "mkstemp", full_beside_the_lock)
    code, _, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"))
    assert code == 1
    assert err.startswith(f"error: cannot write {mini}") and "No space left on device" in err
    assert str(tmp_path / "decks") not in err


def _cold_copy(tmp_path: Path) -> Path:
    cards = tmp_path / "cards"
    shutil.copytree(ROOT / "cards", cards, ignore=shutil.ignore_patterns(".cardsmith-cache"))
    return cards


@pytest.mark.parametrize("after", [0.0, 0.08, 0.3])
def test_ctrl_c_exits_130_without_a_traceback_and_writes_nothing(tmp_path: Path, after: float) -> None:
    cards, out = _cold_copy(tmp_path), tmp_path / "decks"
    lock = (cards / "cardsmith.lock").read_bytes()
    command = [sys.executable, "-c", "from cardsmith.__main__ import main; main()", "build", "--cards", str(cards)]
    process = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)  # 0 and 0.08: while Python and cardsmith start; 0.3: while the cards are rendered
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err
    if process.returncode == -signal.SIGINT:  # before Python itself had started: killed by the signal, silently
        assert after == 0.0 and err == ""
    else:
        assert process.returncode == 130 and err.endswith("interrupted\n"), err
    assert not out.exists() or not any(out.iterdir())
    assert (cards / "cardsmith.lock").read_bytes() == lock
    assert not [p for p in cards.rglob("*") if p.name.endswith(".tmp")]
