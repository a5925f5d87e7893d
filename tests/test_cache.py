"""Builds that redo only what changed: the cache makes a build faster, never different."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cardsmith import cache, curriculum, pipeline, questions, render
from cardsmith.build import build
from cardsmith.errors import OutputError, ProblemsError
from cardsmith.exporters import text
from cardsmith.exporters.apkg import ApkgExporter
from cardsmith.exporters.plain_csv import CsvExporter
from conftest import NOW, digests, edit

FORMATS = ("apkg", "csv", "mnemosyne")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the expensive steps run: parsing a question file, rendering and converting a field, writing a file."""
    counted: Counter[str] = Counter()

    def count(owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)  # the same name, so that the memo keys are the same
        def counting(*args: Any, **kwargs: Any) -> Any:
            counted[label] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counting)

    count(pipeline, "prepare", "prepare")
    count(questions, "load_question_file", "parse")
    count(curriculum, "parse_curriculum", "curriculum")
    count(render, "render_markdown", "render")
    count(text, "to_plain", "plain")
    count(ApkgExporter, "write", "apkg")
    count(CsvExporter, "write", "csv")
    return counted


def test_an_unchanged_rebuild_parses_renders_converts_and_writes_nothing(
    mini: Path, tmp_path: Path, calls: Counter[str]
) -> None:
    out = tmp_path / "decks"
    build(mini, out, FORMATS, now=NOW)
    assert calls["parse"] == 2 and calls["curriculum"] == 1 and calls["render"] > 10
    assert calls["apkg"] == 3 and calls["csv"] == 1
    assert (mini / ".cardsmith-cache" / "cache.sqlite3").is_file()
    before = digests(out)
    calls.clear()
    result = build(mini, out, FORMATS, now=NOW + 60)
    assert calls == Counter()  # not even loaded: everything is as the last build left it
    assert (result.written, result.notes, len(result.changes.unchanged)) == ((), 7, 7)
    assert digests(out) == before


@pytest.mark.parametrize(
    "change",
    [
        "a question file added",
        "the lock of an older build",
        "an image changed",
        "a file listed as an output in the output folder's manifest",
        "an output deleted",
    ],
)
def test_a_build_does_the_work_when_anything_it_reads_or_writes_differs(
    mini: Path, tmp_path: Path, calls: Counter[str], change: str
) -> None:
    out = tmp_path / "decks"
    (mini / "questions" / "dot.png").write_bytes(b"png 1")
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нет. ![точка](dot.png)")
    build(mini, out, FORMATS, now=NOW)
    older_lock = (mini / "cardsmith.lock").read_bytes()
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    build(mini, out, FORMATS, now=NOW + 60)
    expected = digests(out)
    if change == "a question file added":
        (mini / "questions" / "empty.yaml").write_text("cards: []\n", encoding="utf-8")
    elif change == "the lock of an older build":
        (mini / "cardsmith.lock").write_bytes(older_lock)
    elif change == "an image changed":
        (mini / "questions" / "dot.png").write_bytes(b"png 2")
    elif change == "a file listed as an output in the output folder's manifest":
        with (out / ".cardsmith-outputs").open("a", encoding="utf-8") as manifest:
            manifest.write("mini-deck-phase-9.apkg\n")
        (out / "mini-deck-phase-9.apkg").write_bytes(b"an old package")
    else:
        (out / "mini-deck.csv").unlink()
    calls.clear()
    result = build(mini, out, FORMATS, now=NOW + 120)
    assert calls["prepare"] == 1
    if change == "a file listed as an output in the output folder's manifest":
        assert [Path(p).name for p in result.removed] == ["mini-deck-phase-9.apkg"]
    if change in ("the lock of an older build", "an image changed"):
        assert result.written  # a newer lock, a package with the new image
    else:
        assert digests(out) == expected


def test_warnings_come_back_when_there_is_nothing_to_build_and_strict_still_fails_on_them(
    mini: Path, tmp_path: Path, calls: Counter[str]
) -> None:
    edit(mini / "questions" / "phase-2.yaml", 'a: "201"', 'a: "`201`"')
    first = build(mini, tmp_path / "decks", FORMATS, now=NOW)
    assert [w.message.split(":")[0] for w in first.warnings] == [
        "a type-in answer is compared with what the learner types, character for character, and is not Markdown"
    ]
    calls.clear()
    again = build(mini, tmp_path / "decks", FORMATS, now=NOW)
    assert calls["prepare"] == 0
    assert again.warnings == first.warnings
    with pytest.raises(ProblemsError) as caught:
        build(mini, tmp_path / "decks", FORMATS, now=NOW, strict=True)
    assert caught.value.problems == first.warnings


def test_an_edit_re_renders_one_field_and_rewrites_only_the_files_that_hold_the_card(
    mini: Path, tmp_path: Path, calls: Counter[str]
) -> None:
    out = tmp_path / "decks"
    build(mini, out, FORMATS, now=NOW)
    build(mini, out, FORMATS, now=NOW)  # builds nothing, and keeps what the outputs were built from
    before = digests(out)
    calls.clear()
    edit(mini / "questions" / "phase-1.yaml", "a: Нет.", "a: Нельзя.")
    result = build(mini, out, FORMATS, now=NOW + 60)
    assert calls == Counter({"prepare": 1, "parse": 1, "render": 1, "plain": 1, "apkg": 2, "csv": 1})
    assert sorted(Path(p).name for p in result.written) == [
        "cardsmith.lock",
        "mini-deck-mnemosyne.txt",
        "mini-deck-phase-1.apkg",
        "mini-deck.apkg",
        "mini-deck.csv",
    ]
    assert digests(out)["mini-deck-phase-2.apkg"] == before["mini-deck-phase-2.apkg"]


def test_an_output_edited_or_deleted_by_hand_is_built_again(mini: Path, tmp_path: Path, calls: Counter[str]) -> None:
    out = tmp_path / "decks"
    build(mini, out, FORMATS, now=NOW)
    before = digests(out)
    (out / "mini-deck.csv").write_text("hand-edited", encoding="utf-8")
    (out / "mini-deck-phase-2.apkg").unlink()
    calls.clear()
    result = build(mini, out, FORMATS, now=NOW)
    assert (calls["apkg"], calls["csv"], calls["render"]) == (1, 1, 0)
    assert sorted(Path(p).name for p in result.written) == ["mini-deck-phase-2.apkg", "mini-deck.csv"]
    assert digests(out) == before


def test_the_cache_is_safe_to_delete_and_a_broken_one_only_makes_the_build_slower(
    mini: Path, tmp_path: Path, calls: Counter[str]
) -> None:
    build(mini, tmp_path / "first", FORMATS, now=NOW)
    expected = digests(tmp_path / "first")
    database = mini / ".cardsmith-cache" / "cache.sqlite3"
    for damage in (lambda: database.unlink(), lambda: database.write_bytes(b"not a database")):
        damage()
        calls.clear()
        build(mini, tmp_path / "again", FORMATS, now=NOW)
        assert calls["render"] > 10 and calls["parse"] == 2 and calls["curriculum"] == 1  # nothing was reused
        assert digests(tmp_path / "again") == expected
        assert database.read_bytes().startswith(b"SQLite format 3")


def test_a_cache_of_another_version_is_not_used(
    mini: Path, tmp_path: Path, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "decks", FORMATS, now=NOW)
    monkeypatch.setattr(cache, "stamp", lambda: "another version of Pygments")
    calls.clear()
    build(mini, tmp_path / "decks", FORMATS, now=NOW)
    assert calls["render"] > 10 and calls["parse"] == 2 and calls["apkg"] == 3


def test_check_trusts_no_cache_and_writes_none(mini: Path, tmp_path: Path, calls: Counter[str]) -> None:
    build(mini, tmp_path / "decks", FORMATS, now=NOW, check=True)
    assert not (mini / ".cardsmith-cache").exists()
    build(mini, tmp_path / "decks", FORMATS, now=NOW)
    (tmp_path / "decks" / "mini-deck.csv").write_text("stale", encoding="utf-8")
    calls.clear()
    result = build(mini, tmp_path / "decks", FORMATS, now=NOW, check=True)
    assert calls["render"] > 10 and calls["apkg"] == 3
    assert [Path(p).name for p in result.stale] == ["mini-deck.csv"]


def test_rendering_on_several_cores_gives_the_same_bytes(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "serial", now=NOW)
    serial = digests(tmp_path / "serial")
    (mini / ".cardsmith-cache" / "cache.sqlite3").unlink()
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    rendered: list[int] = []
    prepare = render.Renderer.prepare

    def recording(self: render.Renderer, fields: Any, progress: Any) -> int:
        self.workers = 2
        rendered.append(prepare(self, fields, progress))
        return rendered[-1]

    monkeypatch.setattr(render.Renderer, "prepare", recording)
    build(mini, tmp_path / "parallel", now=NOW)
    assert rendered and rendered[0] > 10  # rendered by the worker processes
    assert digests(tmp_path / "parallel") == serial


def test_the_stamp_names_the_installed_version_of_each_library() -> None:
    from importlib.metadata import version

    for module, project in cache.LIBRARIES:
        assert f"-{version(project)}.dist-info" in cache._installed(module, project), project


def test_a_build_with_other_formats_in_between_does_not_leave_its_packages_behind(mini: Path, tmp_path: Path) -> None:
    # A build of all formats, one of the packages only with other sources (on another branch,
    # say), then all formats again on the first sources: the packages must be those sources'.
    out = tmp_path / "decks"
    build(mini, out, FORMATS, now=NOW)
    expected = digests(out)
    deck_yaml = mini / "deck.yaml"
    original = deck_yaml.read_text(encoding="utf-8")
    deck_yaml.write_text(original.replace("A small deck for the tests.", "Другое описание."), encoding="utf-8")
    build(mini, out, ("apkg",), now=NOW)
    deck_yaml.write_text(original, encoding="utf-8")
    result = build(mini, out, FORMATS, now=NOW)
    assert sorted(Path(p).name for p in result.written) == [
        "mini-deck-phase-1.apkg",
        "mini-deck-phase-2.apkg",
        "mini-deck.apkg",
    ]
    assert digests(out) == expected


def test_a_broken_entry_or_row_in_the_cache_is_mended_by_the_next_build(
    mini: Path, tmp_path: Path, calls: Counter[str]
) -> None:
    import sqlite3

    build(mini, tmp_path / "decks", FORMATS, now=NOW)
    database = mini / ".cardsmith-cache" / "cache.sqlite3"
    for damage in (
        "UPDATE questions SET value = CAST('[1' AS BLOB)",  # an entry that does not decode
        "INSERT INTO fields VALUES ('a text key', 'of the wrong type', x'00')",  # a row that stops the cache loading
    ):
        with sqlite3.connect(database) as db:
            db.execute(damage)
            db.execute("DELETE FROM builds")  # so that the build does not stop at "nothing to do"
        build(mini, tmp_path / "decks", FORMATS, now=NOW)
        with sqlite3.connect(database) as db:
            db.execute("DELETE FROM builds")
        calls.clear()
        build(mini, tmp_path / "decks", FORMATS, now=NOW)
        assert (calls["parse"], calls["render"]) == (0, 0), damage


def test_each_format_is_built_once_however_often_it_is_asked_for(mini: Path, tmp_path: Path) -> None:
    result = build(mini, tmp_path / "decks", ("apkg", "csv", "apkg"), now=NOW)
    assert len(result.written) == len(set(result.written)) == 6  # three packages, the CSV, the manifest, the lock


def test_a_bad_source_date_epoch_is_an_error_even_when_there_is_nothing_to_build(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH must be a whole number of seconds"):
        build(mini, tmp_path / "decks")


def test_a_file_name_that_is_not_text_costs_only_the_cache(mini: Path, tmp_path: Path) -> None:
    (mini / "questions" / "phase-2.yaml").rename(mini / "questions" / "\udcff.yaml")  # the byte 0xff
    result = build(mini, tmp_path / "decks", now=NOW)
    assert result.notes == 7


def test_a_tampered_cache_puts_nothing_into_the_decks(mini: Path, tmp_path: Path, calls: Counter[str]) -> None:
    import sqlite3

    clean = tmp_path / "clean"
    build(mini, clean, now=NOW)
    database = mini / ".cardsmith-cache" / "cache.sqlite3"
    with sqlite3.connect(database) as db:  # what a crafted, committed cache could hold: HTML for every field
        rows = db.execute("SELECT key, value FROM fields").fetchall()
        db.executemany(
            "UPDATE fields SET value = ? WHERE key = ?",
            ((value.replace(b"<p>", b"<p><img src=x onerror=alert(1)>"), key) for key, value in rows),
        )
        db.execute("DELETE FROM builds")
    calls.clear()
    build(mini, tmp_path / "again", now=NOW)
    assert calls["render"] > 0  # the cache failed its check, so every field was rendered again
    assert digests(tmp_path / "again") == digests(clean)


def test_a_cache_made_by_another_user_is_not_used(
    mini: Path, tmp_path: Path, calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-home"))
    cache._key.cache_clear()
    try:
        calls.clear()
        build(mini, tmp_path / "decks", now=NOW + 1)
        assert (calls["parse"], calls["render"]) == (2, 13)  # everything done again, nothing taken
        assert (tmp_path / "another-home" / "cardsmith" / "cache-key").stat().st_mode & 0o777 == 0o600
    finally:
        cache._key.cache_clear()
