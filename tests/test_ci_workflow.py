"""`cardsmith init --ci github`: the workflow a group copies, and the annotations `check` writes for it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from cardsmith import __version__, tooling
from cardsmith.cli import cli
from cardsmith.errors import Location, Problem, Severity, github_annotation
from conftest import ROOT

TOPIC = "Фаза 1 / Неделя 7-8 / Синтаксис / Переменные"
INSTALL = (
    f"cardsmith=={__version__} genanki==0.13.1 chevron==0.14.0 markdown-it-py==4.3.0 mdurl==0.1.2 Pygments==2.21.0"
)


def init(*args: str) -> None:
    result = CliRunner().invoke(cli, ["init", *args])
    assert result.exit_code == 0, result.output


def validate_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """The workflow against GitHub's workflow schema as check-jsonschema ships it (no network)."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
    )


def steps(job: dict[str, Any]) -> list[str]:
    """Each step as what it runs or uses."""
    return [step.get("run") or step["uses"] for step in job["steps"]]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- The workflow --------------------------------------------------------------------------------


def test_init_ci_github_writes_a_workflow_the_github_workflow_schema_accepts(here: Path) -> None:
    init("--ci", "github")
    workflow = here / ".github" / "workflows" / "decks.yml"
    run = validate_workflow(workflow)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ok -- validation done" in run.stdout
    written = [path for path in here.rglob("*") if path.is_file()]
    assert len(written) == 11
    assert [path for path in written if re.search(r"@[A-Z_]+@", path.read_text(encoding="utf-8"))] == []


def test_the_schema_check_would_catch_a_broken_workflow(here: Path) -> None:
    init("--ci", "github")
    workflow = here / ".github" / "workflows" / "decks.yml"
    broken = here / "broken.yml"
    broken.write_text(workflow.read_text().replace("    runs-on: ubuntu-latest\n", "", 1), encoding="utf-8")
    run = validate_workflow(broken)
    assert run.returncode == 1
    assert "$.jobs.check" in run.stdout


def test_the_workflow_checks_pull_requests_and_releases_version_tags(here: Path) -> None:
    init("--ci", "github")
    data = yaml.safe_load((here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8"))
    assert data[True] == {"pull_request": None, "push": {"tags": ["v*"]}}  # `on:` is true to YAML 1.1
    assert data["permissions"] == {"contents": "read"}
    assert data["env"] == {"CARDSMITH": INSTALL}
    check, release, pages = data["jobs"]["check"], data["jobs"]["release"], data["jobs"]["pages"]

    assert check["if"] == "github.event_name == 'pull_request'"
    assert steps(check) == [
        "actions/checkout@v5",
        "actions/setup-python@v6",
        "pip install $CARDSMITH",
        "cardsmith check --strict --cards cards --out decks --format-errors github\n",
        "cardsmith coverage --cards cards\n",
        "cardsmith build --check --cards cards --out decks\n",
    ]
    assert [step.get("if") for step in check["steps"][3:]] == [
        "${{ !cancelled() && steps.install.outcome == 'success' }}"
    ] * 3

    assert release["if"] == "github.event_name == 'push' && startsWith(github.ref, 'refs/tags/v')"
    assert release["permissions"] == {"contents": "write"}
    assert release["steps"][0] == {"uses": "actions/checkout@v5", "with": {"fetch-depth": 0}}
    assert steps(release) == [
        "actions/checkout@v5",
        "actions/setup-python@v6",
        "pip install $CARDSMITH",
        "cardsmith changelog --cards cards > release-notes.md\n",
        "cardsmith build --strict --cards cards --out decks\n",
        "cardsmith site --cards cards --out site\n",
        'gh release create "$GITHUB_REF_NAME" --title "$GITHUB_REF_NAME" --notes-file release-notes.md decks/*.apkg\n',
        "actions/upload-pages-artifact@v5",
    ]
    assert release["steps"][6]["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert release["steps"][7]["with"] == {"path": "site"}

    assert pages["needs"] == "release"
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert pages["steps"] == [{"id": "deployment", "uses": "actions/deploy-pages@v5"}]


def test_the_workflow_names_the_deck_folder_init_was_given_quoted_for_the_shell(here: Path) -> None:
    init("my plan", "--ci", "github")
    text = (here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8")
    assert "          cardsmith check --strict --cards 'my plan' --out 'my plan-decks' --format-errors github\n" in text
    assert "--notes-file release-notes.md 'my plan-decks'/*.apkg\n" in text
    assert validate_workflow(here / ".github" / "workflows" / "decks.yml").returncode == 0


def test_in_a_git_repository_the_workflow_goes_to_its_root_and_runs_from_there(here: Path) -> None:
    subprocess.run(["git", "init", "-q"], check=True)
    (here / "study").mkdir()
    CliRunner().invoke(cli, ["init", "study/go", "--ci", "github"])
    workflow = here / ".github" / "workflows" / "decks.yml"
    assert "cardsmith build --check --cards study/go --out study/go-decks\n" in workflow.read_text(encoding="utf-8")
    assert (here / "CONTRIBUTING.md").is_file()
    assert (here / ".vscode" / "settings.json").is_file()
    assert not (here / "study" / ".github").exists()


def test_without_ci_there_is_no_workflow_and_an_unknown_service_is_a_usage_error(here: Path) -> None:
    init()
    assert not (here / ".github").exists()
    guide = (here / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "runs the deck's checks (cardsmith's `init --ci github` writes a workflow for GitHub)" in guide
    result = CliRunner().invoke(cli, ["init", "other", "--ci", "gitlab"])
    assert result.exit_code == 2
    assert "'gitlab' is not 'github'" in result.stderr


def test_init_leaves_the_contributors_files_that_are_there_as_they_were(here: Path) -> None:
    (here / "CONTRIBUTING.md").write_text("ours\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0
    assert (here / "CONTRIBUTING.md").read_text(encoding="utf-8") == "ours\n"
    assert "left CONTRIBUTING.md as it was (README, 'Contributors' tooling', says what cardsmith puts in it)\n" in (
        result.stdout
    )
    assert "wrote .vscode/settings.json\n" in result.stdout


def test_init_ci_github_on_an_existing_deck_adds_only_the_tooling(here: Path) -> None:
    init("mydeck")
    deck = {path: path.read_bytes() for path in (here / "mydeck").rglob("*") if path.is_file()}
    (here / ".github").mkdir()
    result = CliRunner().invoke(cli, ["init", "mydeck", "--ci", "github"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "wrote .github/workflows/decks.yml" in lines
    assert "mydeck/deck.yaml exists: added only what contributors and CI use" in lines
    assert "left CONTRIBUTING.md as it was (README, 'Contributors' tooling', says what cardsmith puts in it)" in lines
    assert not any(line.startswith("next:") for line in lines)
    assert {path: path.read_bytes() for path in (here / "mydeck").rglob("*") if path.is_file()} == deck
    workflow = (here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8")
    assert "cardsmith build --check --cards mydeck --out mydeck-decks" in workflow
    assert validate_workflow(here / ".github" / "workflows" / "decks.yml").returncode == 0
    # Without --ci there is nothing to add: an existing deck is still refused.
    again = CliRunner().invoke(cli, ["init", "mydeck"])
    assert again.exit_code == 1 and "mydeck/deck.yaml already exists" in again.stderr


def test_init_writes_a_contributing_guide_for_the_new_deck(here: Path) -> None:
    init("go-plan", "--title", "Go for beginners", "--ci", "github")
    guide = (here / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert guide.startswith("# Contributing cards to «Go for beginners»\n")
    for heading in (
        "## Add or fix a card on the web",
        "## Run the checks on your computer",
        "## Card style",
        "## How a fix reaches learners",
    ):
        assert f"\n{heading}\n" in guide
    assert "cardsmith build --cards go-plan --out go-plan-decks      # rebuild the packages" in guide
    assert f"pip install {INSTALL}\n" in guide
    assert "3. The pull request runs the checks of `.github/workflows/decks.yml`. A mistake" in guide


NOT_ON_PYPI = (
    "note: cardsmith is not on PyPI: in the CARDSMITH line of .github/workflows/decks.yml and the `pip install` "
    f"of CONTRIBUTING.md, replace `cardsmith=={__version__}` with where your group gets it, e.g. "
    f"`cardsmith@git+https://github.com/OWNER/cardsmith@v{__version__}` (no spaces: the line is split at them)\n"
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Installed:
    """A cardsmith distribution whose PEP 610 `direct_url.json` is `direct_url`."""

    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


REAL_DISTRIBUTION = tooling.metadata.distribution


def installed_from(monkeypatch: pytest.MonkeyPatch, direct_url: str | None) -> None:
    def distribution(name: str) -> Any:
        return Installed(direct_url) if name == "cardsmith" else REAL_DISTRIBUTION(name)

    monkeypatch.setattr(tooling.metadata, "distribution", distribution)


def test_installed_from_pypi_or_a_folder_init_pins_the_version_and_says_cardsmith_is_not_on_pypi(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for direct_url in (
        None,  # from an index or a wheel file
        '{"dir_info": {"editable": true}, "url": "file:///home/me/cardsmith"}',
        json.dumps({"url": "file:///home/me/cardsmith", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}),  # a clone
    ):
        installed_from(monkeypatch, direct_url)
        assert tooling.install_line() == INSTALL
    result = CliRunner().invoke(cli, ["init", "--ci", "github"])
    assert (result.exit_code, result.stderr) == (0, NOT_ON_PYPI)
    workflow = (here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8")
    assert "  # unless `init` found the git repository it was installed from, replace `cardsmith==…` with where\n" in (
        workflow
    )
    assert "  # your group gets it, e.g. `cardsmith@git+https://github.com/OWNER/cardsmith@v0.2.0` (no spaces:\n" in (
        workflow
    )
    guide = (here / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert (
        "cardsmith is not on PyPI: the command below must name where the group gets it, such as\n"
        f"`cardsmith@git+https://github.com/OWNER/cardsmith@v{__version__}`, not `cardsmith=={__version__}`.\n"
    ) in guide
    # Without a workflow there is nothing that fails on its first run: no note (the guide says it).
    assert CliRunner().invoke(cli, ["init", "other"]).stderr == ""


def test_installed_from_a_git_repository_init_installs_that_commit_and_notes_nothing(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed_from(
        monkeypatch,
        json.dumps(
            {
                "url": "https://github.com/group/cardsmith.git",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "v0.2.0"},
            }
        ),
    )
    spec = f"cardsmith@git+https://github.com/group/cardsmith.git@{COMMIT}"
    installed = INSTALL.replace(f"cardsmith=={__version__}", spec)
    assert tooling.install_line() == installed
    result = CliRunner().invoke(cli, ["init", "--ci", "github"])
    assert (result.exit_code, result.stderr) == (0, "")
    data = yaml.safe_load((here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8"))
    assert data["env"] == {"CARDSMITH": installed}
    assert f"pip install {installed}\n" in (here / "CONTRIBUTING.md").read_text(encoding="utf-8")
    # `pip install $CARDSMITH` splits the line at spaces: each word is one requirement pip reads.
    requirement = Requirement(installed.split()[0])  # packaging: pytest's own dependency
    assert (requirement.name, requirement.url) == ("cardsmith", f"git+https://github.com/group/cardsmith.git@{COMMIT}")
    assert validate_workflow(here / ".github" / "workflows" / "decks.yml").returncode == 0
    installed_from(
        monkeypatch,
        json.dumps(
            {
                "url": "https://example.org/mono.git",
                "subdirectory": "tools/cardsmith",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT},
            }
        ),
    )
    assert tooling.vcs_source() == f"cardsmith@git+https://example.org/mono.git@{COMMIT}#subdirectory=tools/cardsmith"


def test_the_workflow_says_how_to_let_version_tags_deploy_the_pages(here: Path) -> None:
    init("--ci", "github")
    workflow = (here / ".github" / "workflows" / "decks.yml").read_text(encoding="utf-8")
    assert (
        '# environment protection rules"), in Settings → Environments → github-pages → "Deployment branches\n'
        '# and tags" → "Add deployment branch or tag rule": Ref type "Tag", name pattern `v*`.\n'
    ) in workflow
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert (
        'so in Settings → Environments → github-pages → "Deployment branches and tags" → "Add deployment branch or '
        'tag rule", add Ref type "Tag" with the pattern `v*`.'
    ) in readme
    assert "`cardsmith@git+https://github.com/OWNER/cardsmith@v0.2.0` (without spaces" in readme


def test_the_release_steps_bump_the_version_build_commit_then_tag(here: Path) -> None:
    init("go-plan", "--ci", "github")
    guide = " ".join((here / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert (
        "To release them, a maintainer bumps `version:` in `go-plan/deck.yaml` (learners see it in Anki), runs "
        "`cardsmith build --cards go-plan --out go-plan-decks`, commits the deck.yaml, packages and lock and pushes, "
        "and then tags that commit (`git tag v1.2.0 && git push origin v1.2.0`)"
    ) in guide
    ours = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
    assert (
        "To release a version, a maintainer bumps `version:` in `cards/deck.yaml` (learners see it in Anki), runs "
        "`.venv/bin/cardsmith build`, commits `cards/deck.yaml`, `decks/` and the lock and pushes, then tags that "
        "commit (`git tag v1.1.0 && git push origin v1.1.0`)"
    ) in ours


def test_this_repository_has_a_contributing_guide_for_card_authors() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for words in (
        "without installing anything",
        "One fact per card",
        "`extra`",
        "Russian",
        "Ids that describe",
        "learners",
    ):
        assert words in guide, words
    assert "(CONTRIBUTING.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- Errors as GitHub annotations ---------------------------------------------------------------


def test_an_annotation_escapes_what_github_reads_as_syntax() -> None:
    problem = Problem(Severity.ERROR, Location("cards/a,b:c%.yaml", 3, 7), "50% done\r\nnext: a, b")
    assert github_annotation(problem) == "::error file=cards/a%2Cb%3Ac%25.yaml,line=3,col=7::50%25 done%0D%0Anext: a, b"


def test_an_annotation_names_only_what_is_known_of_the_place() -> None:
    warning = Problem(Severity.WARNING, Location("cards/deck.yaml", 2, 0), "w")
    assert github_annotation(warning) == "::warning file=cards/deck.yaml,line=2,col=1::w"
    assert (
        github_annotation(Problem(Severity.ERROR, Location("cards/deck.yaml"), "e"))
        == "::error file=cards/deck.yaml::e"
    )
    assert github_annotation(Problem(Severity.ERROR, Location(""), "e")) == "::error::e"


@pytest.fixture
def project(mini: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(mini.parent)
    return mini


def check(*args: str) -> Any:
    return CliRunner().invoke(cli, ["check", "--cards", "cards", *args])


def test_check_annotates_each_error_on_its_line_and_still_prints_it(project: Path) -> None:
    (project / "questions" / "bad.yaml").write_text(
        f"cards:\n  - id: a\n    q: x\n    answr: y\n    topic: {TOPIC}\n", encoding="utf-8"
    )
    result = check("--format-errors", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=cards/questions/bad.yaml,line=2,col=5::basic card 'a' has no 'a'\n"
        "::error file=cards/questions/bad.yaml,line=4,col=5::unknown key 'answr' (did you mean 'a'?)\n"
    )
    assert result.stderr == (
        "cards/questions/bad.yaml:2:5: error: basic card 'a' has no 'a'\n"
        "cards/questions/bad.yaml:4:5: error: unknown key 'answr' (did you mean 'a'?)\n"
        "2 error(s).\n"
    )


def test_check_annotates_warnings_as_warnings_also_when_strict_fails_on_them(project: Path) -> None:
    words = " ".join(f"w{n}" for n in range(1, 32))
    (project / "questions" / "long.yaml").write_text(
        f"cards:\n  - id: long\n    q: Что такое список?\n    a: {words}\n    topic: {TOPIC}\n", encoding="utf-8"
    )
    expected = (
        "::warning file=cards/questions/long.yaml,line=4,col=8::the answer has 31 words outside code; a recall "
        "answer is best at 30 or fewer: split the card, or move the why into 'extra' [long-answer]\n"
    )
    relaxed = check("--format-errors", "github")
    assert relaxed.exit_code == 0
    assert relaxed.stdout.splitlines(keepends=True)[0] == expected
    strict = check("--strict", "--format-errors", "github")
    assert strict.exit_code == 1
    assert strict.stdout == expected
    assert strict.stderr.endswith("1 warning(s) and --strict.\n")


def test_a_project_without_problems_gives_no_annotation(project: Path) -> None:
    result = check("--strict", "--format-errors", "github")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: ")
    assert "::" not in result.stdout


def test_a_missing_deck_is_annotated_on_the_folder(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--cards", "nowhere", "--format-errors", "github"])
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=nowhere::no such deck folder; pass --cards DIR, or start one with `cardsmith init`\n"
    )


def test_text_is_the_default_format_and_an_unknown_one_is_a_usage_error(project: Path) -> None:
    shutil.copy(project / "questions" / "phase-1.yaml", project / "questions" / "copy.yaml")  # duplicate ids
    plain = check()
    assert plain.exit_code == 1
    assert plain.stdout == ""
    assert "error: duplicate card id" in plain.stderr
    wrong = check("--format-errors", "gitlab")
    assert wrong.exit_code == 2
