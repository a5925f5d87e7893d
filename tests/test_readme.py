"""The README tells the truth about the command line and the formats."""

from __future__ import annotations

import re
from pathlib import Path

from cardsmith.cli import cli
from cardsmith.exporters import NAMES

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    for command in cli.commands:
        assert f"`cardsmith {command}" in README, command


def test_every_format_is_documented() -> None:
    for name in NAMES:
        assert f"`{name}`" in README, name


def test_the_readme_gives_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", setup)
    assert len(commands) == 2
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
    assert "cardsmith build --check" in ci
