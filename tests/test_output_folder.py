"""The output folder is shared with the user: a build removes only files a build recorded as its own,
cleans up after a build that was killed, and checks what it can before it replaces anything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cardsmith import files
from cardsmith.build import build
from cardsmith.cli import cli
from cardsmith.errors import OutputError
from cardsmith.outputs import MANIFEST, MANIFEST_HEADER
from conftest import NOW, edit

FORMATS = ("apkg", "crowdanki", "csv")
MEDIA = "mini-deck-crowdanki/media"


def run(*args: str, now: int = NOW) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(now)})
    return result.exit_code, result.stdout, result.stderr


def listed(out: Path) -> list[str]:
    """The entries of the output folder's manifest."""
    return [line for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def snapshot(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def with_an_image(mini: Path, data: bytes = b"png 1") -> None:
    (mini / "questions" / "dot.png").write_bytes(data)
    content = (mini / "questions" / "phase-1.yaml").read_text(encoding="utf-8")
    if "dot.png" not in content:
        edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нет. ![точка](dot.png)")


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- 10. Only files a build recorded as its own are removed ----------------------------------------


def test_the_manifest_lists_every_file_the_build_makes_sorted_and_stays_byte_identical(
    mini: Path, tmp_path: Path
) -> None:
    with_an_image(mini)
    result = build(mini, tmp_path / "decks", FORMATS, now=NOW)
    out = tmp_path / "decks"
    media = [f"{MEDIA}/{p.name}" for p in (out / MEDIA).iterdir()]
    assert len(media) == 1
    assert (out / MANIFEST).read_text(encoding="utf-8") == MANIFEST_HEADER + "".join(
        f"{name}\n"
        for name in sorted(
            [
                "mini-deck-crowdanki/deck.json",
                *media,
                "mini-deck-phase-1.apkg",
                "mini-deck-phase-2.apkg",
                "mini-deck.apkg",
                "mini-deck.csv",
            ]
        )
    )
    assert str(out / MANIFEST) in result.written
    first = (out / MANIFEST).read_bytes()
    assert str(out / MANIFEST) in build(mini, out, FORMATS, now=NOW + 60, check=True).unchanged
    build(mini, tmp_path / "elsewhere", FORMATS, now=NOW)  # the same sources: the same bytes anywhere
    assert (tmp_path / "elsewhere" / MANIFEST).read_bytes() == first
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")  # a real rebuild
    again = build(mini, out, FORMATS, now=NOW + 120)
    assert again.written and str(out / MANIFEST) in again.unchanged and (out / MANIFEST).read_bytes() == first


def test_files_the_build_did_not_write_are_never_removed(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    with_an_image(mini)
    build(mini, out, FORMATS, now=NOW)
    (old_media,) = (out / MEDIA).iterdir()
    mine = [out / "mini-deck-phase-1 (copy).apkg", out / "mini-deck-phase-2-old.apkg", out / MEDIA / "my-photo.jpg"]
    for path in mine:
        path.write_bytes(b"the user's")
    with_an_image(mini, b"png 2")  # the image changed: its old content-hashed file is obsolete

    formats = [f"--format={f}" for f in FORMATS]
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), *formats, "--check", now=NOW + 60)
    assert code == 1 and f"{old_media}: obsolete" in err.splitlines()
    assert not [line for line in err.splitlines() if "copy" in line or "-old" in line or "my-photo" in line]
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out), *formats, now=NOW + 60)
    assert code == 0
    assert [line for line in stdout.splitlines() if line.startswith("removed")] == [
        f"removed {old_media} (this build no longer makes it)"
    ]
    assert not old_media.exists() and all(path.read_bytes() == b"the user's" for path in mine)
    assert f"{MEDIA}/{old_media.name}" not in listed(out)
    assert not [entry for entry in listed(out) if "copy" in entry or "-old" in entry or "my-photo" in entry]


def test_a_listed_file_that_is_no_longer_made_is_removed_and_unlisted(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("mini-deck-phase-7.apkg\n")  # as a build of an older plan with seven phases left it
    (out / "mini-deck-phase-7.apkg").write_bytes(b"from an older plan")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = build(mini, out, now=NOW + 60)
    assert result.removed == (str(out / "mini-deck-phase-7.apkg"),)
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck.apkg",
        "notes.txt",
    ]
    assert listed(out) == ["mini-deck-phase-1.apkg", "mini-deck-phase-2.apkg", "mini-deck.apkg"]


def test_without_a_manifest_nothing_is_removed_and_check_says_it_is_missing(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    run("build", "--cards", str(mini), "--out", str(out))
    (out / MANIFEST).unlink()  # an output folder of an older cardsmith
    (out / "mini-deck-phase-7.apkg").write_bytes(b"from an older plan")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--check")
    assert code == 1
    assert err.splitlines()[:-1] == [f"{out / MANIFEST}: missing"]
    code, stdout, _ = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 0 and "removed" not in stdout.replace("0 removed", "")
    assert (out / "mini-deck-phase-7.apkg").exists()
    assert listed(out) == ["mini-deck-phase-1.apkg", "mini-deck-phase-2.apkg", "mini-deck.apkg"]
    assert run("build", "--cards", str(mini), "--out", str(out), "--check")[0] == 0
    (out / MANIFEST).write_bytes((out / MANIFEST).read_bytes() + b"edited\n")
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), "--check")
    assert code == 1 and err.splitlines()[:-1] == [f"{out / MANIFEST}: stale"]


def test_the_manifest_is_untrusted_input_too(mini: Path, tmp_path: Path) -> None:
    out, outside = tmp_path / "decks", tmp_path / "outside"
    build(mini, out, FORMATS, now=NOW)
    (outside / "media").mkdir(parents=True)
    for name in ("x.png", "mini-deck-phase-8.apkg", "media/x.png"):
        (outside / name).write_bytes(b"not the build's")
    (out / MEDIA).symlink_to(outside / "media")  # the deck has no images: the build writes nothing there
    (out / "mini-deck-phase-9.apkg").symlink_to(outside / "mini-deck-phase-8.apkg")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    entries = [
        "../outside/x.png",
        str(outside / "mini-deck-phase-8.apkg"),
        "mini-deck-phase-1.apkg/../../outside/x.png",
        "./mini-deck-phase-8.apkg",
        f"{MEDIA}/x.png",
        "mini-deck-phase-9.apkg",
        "notes.txt",  # not a name any format writes: it stays listed, and stays
    ]
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("".join(f"{entry}\n" for entry in entries))
    assert build(mini, out, FORMATS, now=NOW + 60, check=True).removed == ()
    result = build(mini, out, FORMATS, now=NOW + 60)
    assert result.removed == ()
    assert all(p.read_bytes() == b"not the build's" for p in outside.rglob("*") if p.is_file())
    assert (out / "mini-deck-phase-9.apkg").is_symlink() and (out / "notes.txt").exists()
    assert listed(out) == [
        "mini-deck-crowdanki/deck.json",
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck.apkg",
        "mini-deck.csv",
        "notes.txt",
    ]


def test_a_build_of_some_formats_keeps_the_other_formats_listed(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    edit(mini / "deck.yaml", "formats: [apkg]", "formats: [apkg, csv]")
    build(mini, out, now=NOW)
    full = (out / MANIFEST).read_bytes()
    (out / "mini-deck.csv").unlink()
    result = build(mini, out, ("csv",), now=NOW + 60)
    assert result.partial and result.removed == () and (out / MANIFEST).read_bytes() == full
    result = build(mini, out, ("csv", "mnemosyne"), now=NOW + 120)
    assert listed(out) == [
        "mini-deck-mnemosyne.txt",
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck.apkg",
        "mini-deck.csv",
    ]
    # The packages are listed, so they are the apkg format's: only a build of apkg may remove them.
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("mini-deck-phase-7.apkg\n")
    (out / "mini-deck-phase-7.apkg").write_bytes(b"from an older plan")
    assert build(mini, out, ("csv",), now=NOW + 180).removed == ()
    assert build(mini, out, now=NOW + 240).removed == (str(out / "mini-deck-phase-7.apkg"),)


# --- 11. A killed build's temporary files are cleaned up ---------------------------------------------


def test_temporary_files_are_named_as_the_builds_own_with_its_pid(tmp_path: Path) -> None:
    with files.Staging() as staging:
        staging.stage(tmp_path / "deck.apkg", b"data")
        (name,) = [p.name for p in tmp_path.iterdir()]
        assert re.fullmatch(rf"\.deck\.apkg\.{os.getpid()}\.[a-z0-9_]+\.cardsmith\.tmp", name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("work", ["nothing to do", "an edit"])
def test_a_killed_builds_temporaries_are_removed_and_a_running_ones_kept(mini: Path, tmp_path: Path, work: str) -> None:
    out = tmp_path / "decks"
    with_an_image(mini)
    build(mini, out, FORMATS, now=NOW)
    dead, alive = dead_pid(), os.getpid()
    leftovers = [
        out / f".mini-deck.apkg.{dead}.k3y_9abc.cardsmith.tmp",
        out / MEDIA / f".0123-dot.png.{dead}.abcdefgh.cardsmith.tmp",
        mini / f".cardsmith.lock.{dead}.abcdefgh.cardsmith.tmp",
        mini / "questions" / f".phase-1.yaml.{dead}.abcdefgh.cardsmith.tmp",
    ]
    kept = [
        out / f".mini-deck.csv.{alive}.abcdefgh.cardsmith.tmp",  # a build that is still writing
        out / ".mini-deck.csv.abcdefgh.tmp",  # named otherwise: not recognisably a build's
        out / f"mini-deck.csv.{dead}.abcdefgh.cardsmith.tmp",
    ]
    for path in leftovers + kept:
        path.write_bytes(b"half")
    if work == "an edit":
        edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    assert build(mini, out, FORMATS, now=NOW + 60, check=True).removed == tuple(sorted(map(str, leftovers)))
    assert all(path.exists() for path in leftovers)  # check removes nothing

    code, stdout, _ = run(
        "build", "--cards", str(mini), "--out", str(out), *(f"--format={f}" for f in FORMATS), now=NOW + 60
    )
    assert code == 0
    removed = [line for line in stdout.splitlines() if line.startswith("removed")]
    assert removed == [f"removed {path} (this build no longer makes it)" for path in sorted(map(str, leftovers))]
    assert not any(path.exists() for path in leftovers) and all(path.exists() for path in kept)


# --- 12. Everything that can be checked is checked before the first rename ------------------------


def test_a_folder_where_an_output_goes_stops_the_build_before_anything_is_replaced(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    (out / "mini-deck-phase-2.apkg").unlink()
    (out / "mini-deck-phase-2.apkg").mkdir()
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    edit(mini / "questions" / "phase-2.yaml", "- id: ci-pipeline", "- id: ci-workflows")
    before = snapshot(out, mini)
    code, stdout, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 1 and stdout == ""
    assert err.splitlines()[-1] == (
        f"error: {out / 'mini-deck-phase-2.apkg'}: a folder is where the build writes a file; move it away "
        "(nothing was written)"
    )
    assert snapshot(out, mini) == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_an_obsolete_file_in_a_read_only_folder_stops_the_build_before_anything_is_replaced(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "decks"
    with_an_image(mini)
    build(mini, out, FORMATS, now=NOW)
    (old_media,) = (out / MEDIA).iterdir()
    edit(mini / "questions" / "phase-1.yaml", "a: Нет. ![точка](dot.png)", "a: Нет.")  # the image is gone
    before = snapshot(out, mini)
    access = os.access
    # Read-only for this process (root may write anywhere, so the folder is not made read-only itself).
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != out / MEDIA and access(path, mode))
    with pytest.raises(OutputError) as raised:
        build(mini, out, FORMATS, now=NOW + 60)
    assert str(raised.value) == (
        f"cannot remove {old_media}: the folder {out / MEDIA} is read-only; make it writable or remove the file "
        "by hand (nothing was written)"
    )
    assert snapshot(out, mini) == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may remove files from a read-only folder")
def test_a_really_read_only_folder_stops_the_build_too(mini: Path, tmp_path: Path) -> None:
    out = tmp_path / "decks"
    with_an_image(mini)
    build(mini, out, FORMATS, now=NOW)
    edit(mini / "questions" / "phase-1.yaml", "a: Нет. ![точка](dot.png)", "a: Нет.")
    before = snapshot(out, mini)
    (out / MEDIA).chmod(0o555)
    try:
        code, _, err = run("build", "--cards", str(mini), "--out", str(out), *(f"--format={f}" for f in FORMATS))
    finally:
        (out / MEDIA).chmod(0o755)
    assert code == 1 and "read-only" in err and snapshot(out, mini) == before


@pytest.mark.parametrize("failing", ["a rename", "a removal"])
def test_a_failure_midway_names_the_files_already_replaced(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    with (out / MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write("mini-deck-phase-7.apkg\n")
    (out / "mini-deck-phase-7.apkg").write_bytes(b"from an older plan")
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")  # phase 1 and the whole deck change
    real_replace, real_unlink = os.replace, Path.unlink

    def replace(src: str, dst: str) -> None:
        if failing == "a rename" and Path(dst).name == "mini-deck.apkg":
            raise PermissionError(13, "Permission denied", dst)
        real_replace(src, dst)

    def unlink(path: Path, missing_ok: bool = False) -> None:
        if failing == "a removal" and path.name == "mini-deck-phase-7.apkg":
            raise PermissionError(13, "Permission denied", str(path))
        real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    lock = (mini / "cardsmith.lock").read_bytes()
    code, _, err = run("build", "--cards", str(mini), "--out", str(out), now=NOW + 60)
    assert code == 1
    if failing == "a rename":
        assert err.splitlines()[-1] == (
            f"error: cannot write {out / 'mini-deck.apkg'}: Permission denied; "
            f"already replaced: {out / 'mini-deck-phase-1.apkg'}; the rest left as they were"
        )
    else:
        assert err.splitlines()[-1] == (
            f"error: cannot remove {out / 'mini-deck-phase-7.apkg'}: Permission denied; "
            f"already replaced: {out / 'mini-deck-phase-1.apkg'}, {out / 'mini-deck.apkg'}; "
            "the rest left as they were"
        )
    assert (mini / "cardsmith.lock").read_bytes() == lock  # the lock is renamed last
    assert "mini-deck-phase-7.apkg" in listed(out)  # and the manifest just before it
    assert not [p for p in tmp_path.rglob("*.tmp")]
