"""A lost or cut lock: the times come back from the released packages, and learners lose nothing."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from anki_helpers import counts, import_apkg, note_by_card_id
from cardsmith.cli import cli
from cardsmith.exporters.apkg import ApkgExporter
from cardsmith.recover import packages
from conftest import NOW, digests, edit
from exporter_helpers import fixture_deck


def run(*args: str, now: int) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(now)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_a_deleted_lock_gives_no_note_a_new_time(mini: Path, tmp_path: Path, collection: object) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out), now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    released, lock = digests(out), (mini / "cardsmith.lock").read_text(encoding="utf-8")
    (mini / "cardsmith.lock").unlink()

    code, stdout, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 86_400)
    assert code == 0 and "0 new, 0 changed, 7 unchanged" in stdout
    assert f"{mini / 'cardsmith.lock'}: warning: the lock had no entry for 7 card(s) that the released packages" in err
    assert digests(out) == released  # every package byte for byte as released
    assert (mini / "cardsmith.lock").read_text(encoding="utf-8") == lock  # note types' times too
    assert counts(import_apkg(collection, out / "mini-deck.apkg"))["updated"] == 0


def test_a_lock_cut_at_a_line_end_keeps_the_times_and_still_delivers_an_edit(
    mini: Path, tmp_path: Path, collection: object
) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out), now=NOW)
    import_apkg(collection, out / "mini-deck.apkg")
    lock = mini / "cardsmith.lock"
    lines = lock.read_text(encoding="utf-8").splitlines(keepends=True)
    lock.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")  # what a truncated write leaves
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")

    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 86_400)
    assert code == 0 and "warning: the lock had no entry for" in err
    log = import_apkg(collection, out / "mini-deck.apkg")
    assert (counts(log)["updated"], counts(log)["duplicate"]) == (1, 6)  # only the edited note
    assert "Нельзя" in note_by_card_id(collection, "name-rules")["Back"]


def test_status_without_a_lock_sees_what_the_packages_hold(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out), now=NOW)
    (mini / "cardsmith.lock").unlink()
    code, stdout, err = run("status", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0 and stdout.endswith("0 new, 0 changed, 7 unchanged, 0 removed\n")
    assert "the lock had no entry for 7 card(s)" in err


def test_without_packages_a_new_lock_is_a_first_build(mini: Path, tmp_path: Path) -> None:
    code, stdout, err = run("build", "--cards", str(mini), "--out", str(tmp_path / "decks"), now=NOW)
    assert code == 0 and "7 new" in stdout and err == ""


def test_a_package_that_cannot_be_read_is_named_and_passed_over(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out), now=NOW)
    (mini / "cardsmith.lock").unlink()
    for package in out.glob("*.apkg"):
        package.write_bytes(b"not a zip")
    code, stdout, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0 and "7 new" in stdout
    assert f"{out / 'mini-deck.apkg'}: warning: cannot read this package to recover the times the lock lacks" in err


def test_recovery_looks_for_the_packages_the_apkg_exporter_writes(tmp_path: Path) -> None:
    deck = fixture_deck()
    exporter = ApkgExporter()
    for output in exporter.outputs(deck):
        (tmp_path / output.name).write_bytes(b"")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    found = packages(tmp_path, deck.config.id)
    assert [p.name for p in found] == [o.name for o in exporter.outputs(deck)]
