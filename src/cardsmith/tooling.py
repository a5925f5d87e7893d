"""What `cardsmith init` gives the people who write a deck's cards, next to the deck project.

At the root of the deck's repository: VS Code settings that validate the question files and
`deck.yaml` against cardsmith's JSON Schemas (written next to them, so no network is needed),
a pre-commit configuration, a CONTRIBUTING.md for card authors and, with `--ci github`, a GitHub
Actions workflow. The texts come from the files in `templates/`; a file that is already there is
left as it is.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from cardsmith import __version__, config, sources
from cardsmith.errors import OutputError
from cardsmith.exporters import NAMES
from cardsmith.schema import schema_text

CI_SERVICES = ("github",)
WORKFLOW = Path(".github") / "workflows" / "decks.yml"
SCHEMAS = {
    "questions": Path(".vscode") / "cardsmith-questions.schema.json",
    "deck": Path(".vscode") / "cardsmith-deck.schema.json",
}
# The libraries whose versions decide the bytes of the decks (constraints.txt in cardsmith's repository).
SHAPING = ("genanki", "chevron", "markdown-it-py", "mdurl", "Pygments")


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a deck project sits in its repository."""

    root: Path  # the repository's folder: .vscode/, .github/ and CONTRIBUTING.md go here, and CI runs here
    cards: str  # the deck folder, relative to the root ("." for the root itself), with '/'
    out: str  # where its decks are built, relative to the root


def layout(folder: Path) -> Layout:
    """The repository of a deck folder: the nearest folder up from it with a `.git`; else the current
    folder when the deck folder is in it; else the deck folder's parent."""
    here = folder.resolve()
    root = next((p for p in (here, *here.parents) if (p / ".git").exists()), None)
    if root is None:
        cwd = Path.cwd().resolve()
        root = cwd if here == cwd or cwd in here.parents else here.parent
    cards = here.relative_to(root).as_posix()
    if cards in (".", "cards"):
        out = "decks"  # as `cardsmith build` writes by default
    else:  # as `cardsmith init` suggests: my-plan -> my-plan-decks
        out = (Path(cards).parent / f"{Path(cards).name}-decks").as_posix()
    return Layout(root, cards, out)


# cardsmith is not on PyPI: where a group gets it is the repository it was installed from, if known.
NOT_ON_PYPI = (
    "cardsmith is not on PyPI: in the CARDSMITH line of .github/workflows/decks.yml and the `pip install` "
    "of CONTRIBUTING.md, replace `cardsmith=={version}` with where your group gets it, e.g. "
    "`cardsmith@git+https://github.com/OWNER/cardsmith@v{version}` (no spaces: the line is split at them)"
)


def vcs_source() -> str | None:
    """`cardsmith@git+URL@COMMIT` when this cardsmith was installed from a VCS URL (PEP 610), else None.

    Written without spaces, a valid PEP 508 requirement: `pip install $CARDSMITH` splits it at them.
    """
    try:
        text = metadata.distribution("cardsmith").read_text("direct_url.json")
        direct = json.loads(text or "null")
        vcs, url, commit = direct["vcs_info"]["vcs"], direct["url"], direct["vcs_info"]["commit_id"]
    except (metadata.PackageNotFoundError, ValueError, TypeError, KeyError):
        return None
    if not all(
        isinstance(value, str) and value and not any(c.isspace() for c in value) for value in (vcs, url, commit)
    ):
        return None
    if url.startswith("file:"):  # a clone on this computer: CI and other authors cannot install from it
        return None
    subdirectory = direct.get("subdirectory")
    where = f"#subdirectory={subdirectory}" if isinstance(subdirectory, str) and subdirectory else ""
    return f"cardsmith@{vcs}+{url}@{commit}{where}"


def install_line() -> str:
    """What CI and authors install: this cardsmith, with the versions of the libraries that shape the decks."""
    pins = [vcs_source() or f"cardsmith=={__version__}"]
    for name in SHAPING:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - every one is a dependency
            continue
    return " ".join(pins)


def _template(name: str) -> str:
    return resources.files("cardsmith").joinpath("templates", name).read_text(encoding="utf-8")


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def _question_globs(cards: str) -> list[str]:
    """The files of the deck folder that are question files, as VS Code's YAML extension matches them.

    Like cardsmith's own discovery: every .yaml and .yml file but deck.yaml, hidden files and
    folders left out. The last pattern that matches a file decides; `!` leaves it out.
    """
    prefix = "" if cards == "." else f"{cards}/"
    return [f"{prefix}**/*.yaml", f"{prefix}**/*.yml", f"!{prefix}{config.FILENAME}", "!**/.*", "!**/.*/**"]


def vscode_settings(cards: str) -> str:
    """`.vscode/settings.json`: the schemas for the deck's YAML files, read as YAML 1.1 as cardsmith reads them."""
    deck = config.FILENAME if cards == "." else f"{cards}/{config.FILENAME}"
    settings = {
        "yaml.schemas": {
            SCHEMAS["questions"].as_posix(): _question_globs(cards),
            SCHEMAS["deck"].as_posix(): [deck],
        },
        # YAML 1.1 as PyYAML: `no`, `on` and `yes` are true/false, which a text key refuses.
        "yaml.yamlVersion": "1.1",
    }
    return json.dumps(settings, indent=2) + "\n"


VSCODE_EXTENSIONS = '{\n  "recommendations": ["redhat.vscode-yaml"]\n}\n'


def _deck_title(folder: Path) -> str:
    """The title in the deck's `deck.yaml`, or the folder's name when it cannot be read."""
    source, _ = sources.read_text(folder / config.FILENAME, config.FILENAME)
    if source is not None:
        deck, _ = config.parse_config(source, NAMES)
        if deck is not None:
            return deck.title
    return folder.resolve().name


def tooling_files(folder: Path, ci: str | None = None) -> dict[Path, str]:
    """Every file `cardsmith init` writes for the deck's contributors, by path."""
    where = layout(folder)
    cards, out = where.cards, where.out
    files_pattern = r"(?i)\.(ya?ml|md)$" if cards == "." else rf"(?i)^{re.escape(cards)}/.*\.(ya?ml|md)$"
    values = {
        "TITLE": _deck_title(folder),
        "CARDS": cards,
        "OUT": out,
        "INSTALL": install_line(),
        "VERSION": __version__,
        "CARDS_YAML": json.dumps(cards),
        "OUT_YAML": json.dumps(out),
        "FILES_YAML": json.dumps(files_pattern),
        "CHECKS": "the checks of `.github/workflows/decks.yml`"
        if ci == "github"
        else "the deck's checks (cardsmith's `init --ci github` writes a workflow for GitHub)",
    }
    root = where.root
    files = {
        root / SCHEMAS["questions"]: schema_text("questions"),
        root / SCHEMAS["deck"]: schema_text("deck"),
        root / ".vscode" / "settings.json": vscode_settings(cards),
        root / ".vscode" / "extensions.json": VSCODE_EXTENSIONS,
        root / ".pre-commit-config.yaml": _fill(_template("pre-commit-config.yaml"), values),
        root / "CONTRIBUTING.md": _fill(_template("CONTRIBUTING.md"), values),
    }
    if ci == "github":
        shell = values | {"CARDS": shlex.quote(cards), "OUT": shlex.quote(out)}
        files[root / WORKFLOW] = _fill(_template("github-workflow.yml"), shell)
    elif ci is not None:
        raise OutputError(f"no CI workflow for '{ci}'; there is one for: {', '.join(CI_SERVICES)}")
    return files


def write_tooling(folder: Path, ci: str | None = None) -> tuple[list[Path], list[str]]:
    """Write the contributors' files that are not there yet: the files written, and a note for each left as it was."""
    written: list[Path] = []
    notes: list[str] = []
    cwd = Path.cwd().resolve()
    try:
        for path, text in tooling_files(folder, ci).items():
            shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
            if path.exists():
                notes.append(
                    f"left {shown} as it was (README, 'Contributors' tooling', says what cardsmith puts in it)"
                )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(shown)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or folder}: {exc.strerror or exc}") from None
    return written, notes


def install_warning(written: list[Path]) -> str | None:
    """The note `init` prints when the workflow it wrote installs cardsmith from PyPI, where it is not.

    Only with the workflow (`--ci github`), which fails on its first run without it; the CONTRIBUTING.md
    written without one says the same in its text.
    """
    if vcs_source() is not None or not any(path.as_posix().endswith(WORKFLOW.as_posix()) for path in written):
        return None
    return NOT_ON_PYPI.format(version=__version__)
