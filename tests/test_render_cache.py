"""The render cache: an unchanged card is never rendered again, not even by a new process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cardsmith import render
from cardsmith.build import CACHE, build
from conftest import NOW


@pytest.fixture
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the renders this test process made, as a new `cardsmith build` would have."""
    monkeypatch.setattr(render, "_known", {})
    monkeypatch.setattr(render, "_used", {})


def count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rendered: list[str] = []
    parser = render.markdown()

    class Counting:
        def render(self, text: str, env: Any) -> str:
            rendered.append(text)
            return str(parser.render(text, env))

    monkeypatch.setattr(render, "markdown", lambda: Counting())
    return rendered


def test_a_rebuild_renders_only_the_edited_text(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_process: None
) -> None:
    out = tmp_path / "decks"
    build(mini, out, now=NOW)
    assert (mini / CACHE).is_file()
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    monkeypatch.setattr(render, "_known", {})
    monkeypatch.setattr(render, "_used", {})
    rendered = count_renders(monkeypatch)
    build(mini, out, now=NOW)
    assert rendered == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    questions = mini / "questions" / "phase-1.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("a: Нет.", "a: Нельзя."), encoding="utf-8")
    build(mini, out, now=NOW + 5)
    assert rendered == ["Нельзя."]


def test_a_broken_cache_only_makes_the_build_slower(mini: Path, tmp_path: Path, fresh_process: None) -> None:
    (mini / CACHE).parent.mkdir()
    (mini / CACHE).write_bytes(b"not a database")
    build(mini, tmp_path / "decks", now=NOW)
    assert (mini / CACHE).read_bytes().startswith(b"SQLite format 3")


def test_a_new_renderer_does_not_reuse_old_renders(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_process: None
) -> None:
    build(mini, tmp_path / "decks", now=NOW)
    monkeypatch.setattr(render, "_known", {})
    monkeypatch.setattr(render, "_used", {})
    monkeypatch.setattr(render, "_salt", lambda: b"another version of Pygments")
    rendered = count_renders(monkeypatch)
    build(mini, tmp_path / "decks", now=NOW)
    assert len(rendered) > 5


def test_check_writes_no_cache(mini: Path, tmp_path: Path, fresh_process: None) -> None:
    build(mini, tmp_path / "decks", now=NOW, check=True)
    assert not (mini / CACHE).exists()


def test_rendering_on_several_cores_gives_the_same_bytes(
    mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_process: None
) -> None:
    build(mini, tmp_path / "serial", now=NOW)
    serial = {p.name: p.read_bytes() for p in (tmp_path / "serial").iterdir()}
    (mini / CACHE).unlink()
    monkeypatch.setattr(render, "_known", {})
    monkeypatch.setattr(render, "_used", {})
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    assert render.prerender([("**a**", ()), ("`b`", ())], workers=2) == 2
    build(mini, tmp_path / "parallel", now=NOW)
    assert {p.name: p.read_bytes() for p in (tmp_path / "parallel").iterdir()} == serial
