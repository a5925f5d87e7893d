"""The pre-commit hooks, run for real: this repository's `.pre-commit-hooks.yaml` through
`pre-commit try-repo` (pre-commit installs cardsmith from a copy of this working tree), and the
configurations of this repository and of a project `cardsmith init` made."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT, edit

BIN = Path(sys.executable).parent  # where this test run's cardsmith is installed


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def environment(home: Path) -> dict[str, str]:
    """Nothing of an outer git hook or of the user's pre-commit cache; this venv's cardsmith first on PATH."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=environment(home), capture_output=True, text=True
    )


def deck_repository(folder: Path) -> Path:
    """A git repository with the small deck in cards/, its decks built in decks/, all committed."""
    folder.mkdir()
    shutil.copytree(FIXTURES / "mini", folder / "cards")
    (folder / "cards" / ".gitignore").write_text(".cardsmith-cache/\n", encoding="utf-8")
    build = subprocess.run([BIN / "cardsmith", "build"], cwd=folder, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "deck")
    return folder


def break_a_card(deck: Path) -> None:
    edit(deck / "cards" / "questions" / "phase-1.yaml", '    q: "Что вернёт', '    question: "Что вернёт')
    git(deck, "add", "-A")


BROKEN = [
    "cards/questions/phase-1.yaml:3:5: error: basic card 'late-card' has no 'q'",
    "cards/questions/phase-1.yaml:5:5: error: unknown key 'question' (did you mean 'q'?)",
    "2 error(s).",
]


def passed(output: str) -> list[str]:
    return re.findall(r"^(cardsmith [a-z -]+?)\.+(Passed|Failed)$", output, flags=re.MULTILINE)


# --- The hooks this repository offers -------------------------------------------------------------


def test_the_hooks_manifest_and_this_repositorys_configuration_are_valid() -> None:
    for command, name in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "pre_commit", command, name], cwd=ROOT, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stdout + run.stderr


def test_the_hooks_check_the_deck_and_its_built_decks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [(h["id"], h["entry"], h["language"], h["pass_filenames"]) for h in hooks] == [
        ("cardsmith-check", "cardsmith check --strict", "python", False),
        ("cardsmith-build-check", "cardsmith build --check", "python", False),
    ]
    files = re.compile(hooks[0]["files"])
    assert [bool(files.search(p)) for p in ("cards/a.yaml", "cards/B.YML", "cards/curriculum.md", "decks/x.apkg")] == [
        True,
        True,
        True,
        False,
    ]
    assert "files" not in hooks[1]  # any change may make the decks stale: an image, the lock, the decks


def test_this_repository_runs_the_same_hooks_with_its_own_cardsmith() -> None:
    offered = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    used = config["repos"][0]["hooks"]
    assert [(h["id"], h["name"], h["entry"]) for h in used] == [
        (h["id"], h["name"], ".venv/bin/" + h["entry"]) for h in offered
    ]


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This working tree as a git repository of its own, as pre-commit clones a hook repository."""
    folder = tmp_path_factory.mktemp("cardsmith")
    shutil.copytree(ROOT / "src", folder / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "cardsmith")
    yield folder


def test_try_repo_installs_cardsmith_and_both_hooks_pass_on_a_good_deck(tool: Path, tmp_path: Path) -> None:
    deck = deck_repository(tmp_path / "deck")
    run = pre_commit(deck, tmp_path / "home", "try-repo", str(tool), "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    assert passed(run.stdout) == [("cardsmith build --check", "Passed"), ("cardsmith check --strict", "Passed")]


def test_try_repo_fails_on_a_broken_card_and_prints_where_it_is(tool: Path, tmp_path: Path) -> None:
    deck = deck_repository(tmp_path / "deck")
    break_a_card(deck)
    run = pre_commit(deck, tmp_path / "home", "try-repo", str(tool), "cardsmith-check")
    assert run.returncode == 1
    assert passed(run.stdout) == [("cardsmith check --strict", "Failed")]
    assert "- hook id: cardsmith-check\n- exit code: 1\n\n" + "\n".join(BROKEN) + "\n" in run.stdout


# --- The configurations that use them ------------------------------------------------------------


def test_this_repositorys_configuration_passes_on_a_good_deck(tmp_path: Path) -> None:
    deck = deck_repository(tmp_path / "deck")
    shutil.copy(ROOT / ".pre-commit-config.yaml", deck)
    (deck / ".venv").symlink_to(BIN.parent)
    git(deck, "add", ".pre-commit-config.yaml")
    run = pre_commit(deck, tmp_path / "home", "run", "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    assert passed(run.stdout) == [("cardsmith check --strict", "Passed"), ("cardsmith build --check", "Passed")]


@pytest.fixture
def new_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project `cardsmith init` made, its decks built, all committed."""
    project = tmp_path / "go-deck"
    project.mkdir()
    monkeypatch.chdir(project)
    git(project, "init", "-q")
    for command in (["init", "--ci", "github"], ["build"]):
        run = subprocess.run([BIN / "cardsmith", *command], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "new deck")
    return project


def test_the_configuration_init_writes_runs_the_installed_cardsmith(new_project: Path, tmp_path: Path) -> None:
    run = pre_commit(new_project, tmp_path / "home", "run", "--all-files")
    assert run.returncode == 0, run.stdout + run.stderr
    assert passed(run.stdout) == [("cardsmith check --strict", "Passed"), ("cardsmith build --check", "Passed")]


def test_the_configuration_init_writes_stops_a_broken_card(new_project: Path, tmp_path: Path) -> None:
    edit(new_project / "cards" / "questions" / "week-01.yaml", '    a: "`2`"\n', '    answer: "`2`"\n')
    git(new_project, "add", "-A")
    run = pre_commit(new_project, tmp_path / "home", "run", "--all-files")
    assert run.returncode == 1
    assert passed(run.stdout) == [("cardsmith check --strict", "Failed"), ("cardsmith build --check", "Failed")]
    assert (
        "cards/questions/week-01.yaml:3:5: error: basic card 'example-basic' has no 'a'\n"
        "cards/questions/week-01.yaml:6:5: error: unknown key 'answer' (did you mean 'a'?)\n"
        "2 error(s).\n"
    ) in run.stdout


def test_the_configuration_init_writes_stops_decks_that_were_not_rebuilt(new_project: Path, tmp_path: Path) -> None:
    edit(new_project / "cards" / "questions" / "week-01.yaml", '    a: "`2`"\n', '    a: "`2`, an int"\n')
    git(new_project, "add", "-A")
    run = pre_commit(new_project, tmp_path / "home", "run", "--all-files")
    assert run.returncode == 1
    assert passed(run.stdout) == [("cardsmith check --strict", "Passed"), ("cardsmith build --check", "Failed")]
    assert "decks/cards.apkg: stale\n" in run.stdout  # the deck id is the deck folder's name
