"""The layers of src/cardsmith point one way (docs/architecture.md), checked on every import in the code."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "src" / "cardsmith"

# Every module belongs to exactly one layer; a new module must be given one here.
MODEL = {"model"}
LOADERS = {"layout", "sources", "indentation", "config", "curriculum", "questions"}
CORE = {
    "errors",
    "suggest",
    "versions",
    "mathsyntax",
    "lint",
    "cloze",
    "assemble",
    "memo",
    "render",
    "notetypes",
    "notes",
    "lock",
    "plan",
    "preview",
    "coverage",
    "skeleton",
}
SHELL = {
    "project",
    "media",
    "cache",
    "files",
    "outputs",
    "lastbuild",
    "recover",
    "clock",
    "pipeline",
    "build",
    "watch",
    "scaffold",
    "verify",  # runs the code cards show, in subprocesses
    "schema",  # JSON Schemas from the loaders' rules (needs the exporters' names for `formats`)
    "tooling",  # the contributors' files `init` writes: editor settings, pre-commit, CONTRIBUTING, CI
    "site",  # the deck site: builds the downloads, writes its folder
    "changelog",  # reads the deck project at a git ref (runs git)
}
CLI = {"cli", "__main__", "__init__"}
EXPORTER_USES = {"model", "cloze", "mathsyntax"}  # what an exporter may use besides the other exporter modules


@functools.cache
def modules() -> dict[str, set[str]]:
    """Each module of the package (`exporters.apkg` for a sub-module) -> every module it imports, anywhere in it."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        if name.endswith(".__init__"):  # a sub-package is imported by its own name
            name = name.removesuffix(".__init__")
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[name] = imported
    return found


def ours(imported: set[str]) -> set[str]:
    """The modules of cardsmith among the imports (`cardsmith.render` -> `render`)."""
    names = {name.removeprefix("cardsmith.") for name in imported if name.startswith("cardsmith.")}
    real = set(modules())
    return {name for name in names if name in real}


def layer(name: str) -> str:
    if name.startswith("exporters"):
        return "exporters"
    for label, members in (("model", MODEL), ("loaders", LOADERS), ("core", CORE), ("shell", SHELL), ("cli", CLI)):
        if name in members:
            return label
    raise AssertionError(f"module {name} is in no layer; add it to one in tests/test_architecture.py")


def test_every_module_is_in_one_layer() -> None:
    assert {name: layer(name) for name in modules()}


def test_the_model_imports_nothing_of_cardsmith() -> None:
    assert ours(modules()["model"]) == set()


def test_loaders_and_core_never_import_exporters_the_shell_or_the_command_line() -> None:
    wrong = {
        (name, used)
        for name, imported in modules().items()
        if layer(name) in ("loaders", "core")
        for used in ours(imported)
        if layer(used) not in ("model", "loaders", "core")
    }
    assert wrong == set()


def test_exporters_use_only_the_model_the_cloze_parser_and_each_other() -> None:
    wrong = {
        (name, used)
        for name, imported in modules().items()
        if layer(name) == "exporters"
        for used in ours(imported)
        if layer(used) != "exporters" and used not in EXPORTER_USES
    }
    assert wrong == set()


def test_only_the_command_line_imports_the_command_line() -> None:
    wrong = {
        (name, used)
        for name, imported in modules().items()
        if layer(name) != "cli"
        for used in ours(imported)
        if layer(used) == "cli"
    }
    assert wrong == set()


def test_each_library_is_used_by_the_one_layer_that_owns_it() -> None:
    def users(library: str) -> set[str]:
        return {
            name
            for name, imported in modules().items()
            if any(i == library or i.startswith(library + ".") for i in imported)
        }

    assert users("click") == {"cli"}
    assert users("genanki") == {"exporters.apkg"}
    assert users("yaml") <= {
        "sources",
        "indentation",
        "config",
        "questions",
        "skeleton",
    }  # skeleton writes YAML, the rest read it
    assert users("sqlite3") <= {"cache", "exporters.apkg", "recover"}  # recover reads released packages
