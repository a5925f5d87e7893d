"""The command line: each command turns options into one call of the core and prints a summary.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 ok, 1 content or build problems,
2 usage errors (click's own).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from cardsmith import __version__
from cardsmith.errors import CardsmithError, OutputError, Problem, ProblemsError, error
from cardsmith.exporters import NAMES

F = TypeVar("F", bound=Callable[..., Any])
WRITERS = {"build", "watch", "new", "init", "site"}  # commands whose failure is worth "nothing was written"

cards_option = click.option(
    "--cards",
    "cards_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("cards"),
    show_default=True,
    help="The deck project folder (deck.yaml, curriculum.md, question files).",
)
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Where the built decks go.",
)

formats_option = click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(NAMES),
    metavar="NAME",
    help=f"Build only this format (repeatable): {', '.join(NAMES)}. Default: the formats deck.yaml lists.",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


ERROR_FORMAT = "cardsmith.error_format"  # in a command's context: "github" prints problems as annotations


def _print_problems(problems: tuple[Problem, ...]) -> None:
    context = click.get_current_context(silent=True)
    if context is not None and context.meta.get(ERROR_FORMAT) == "github":
        from cardsmith.errors import github_annotation

        for problem in problems:  # workflow commands are read from stdout; the log keeps the lines below too
            click.echo(github_annotation(problem))
    for problem in problems:
        click.echo(str(problem), err=True)


def _remember_error_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[ERROR_FORMAT] = value
    return value


def reports_errors(func: F) -> F:
    """Turn cardsmith's errors into located messages and exit 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsError as exc:
            _print_problems(exc.problems)
            writes = click.get_current_context().info_name in WRITERS
            ending = "; nothing was written." if writes else "."
            errors = sum(1 for p in exc.problems if p.severity.value == "error")
            if errors:
                click.echo(f"{errors} error(s){ending}", err=True)
            else:
                click.echo(f"{len(exc.problems)} warning(s) and --strict{ending}", err=True)
            sys.exit(1)
        except CardsmithError as exc:
            if click.get_current_context().meta.get(ERROR_FORMAT) == "github":
                from cardsmith.errors import Location, github_annotation

                click.echo(github_annotation(error(Location(""), str(exc))))
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _card_id(value: str) -> str:
    from cardsmith.questions import ID_PATTERN

    if not ID_PATTERN.fullmatch(value):
        raise click.BadParameter(
            f"'{value}' is not a card id: use letters, digits, '-', '_' and '.' (e.g. list-slicing)"
        )
    return value


class TerminalProgress:
    """Shows how far long work got: on a terminal only, and only once it has taken a moment.

    Given to the core as its `progress` function; on anything but a terminal it prints nothing.
    """

    def __init__(self, stream: Any = None, delay: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(self.stream.isatty())
        self.delay, self.clock, self.start = delay, clock, clock()
        self.bar: Any = None
        self.what = ""

    def __call__(self, what: str, done: int, total: int) -> None:
        if not self.enabled or self.clock() - self.start < self.delay:
            return
        if what != self.what or self.bar is None:
            self.close()
            self.what = what
            self.bar = click.progressbar(
                length=max(total, 1), label=f"{what:<13}", file=self.stream, show_pos=True, show_percent=True
            )
            self.bar.render_progress()
        self.bar.update(max(0, done - self.bar.pos))

    def close(self) -> None:
        """End the bar being shown, if any, so that what is printed next starts on its own line."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _errors_left_out(problems: tuple[Problem, ...], what: str) -> None:
    """After a command that works on the cards without errors: name them and exit 1, if any."""
    errors = sum(1 for p in problems if p.severity.value == "error")
    if errors:
        click.echo(f"{errors} error(s); the cards that have them are left out of {what}.", err=True)
        sys.exit(1)


class _Commands(click.Group):
    """cardsmith's commands: Ctrl-C ends one with the exit status of an interrupt (130), not 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(130)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cardsmith")
def cli() -> None:
    """Turn a Markdown curriculum and YAML questions into Anki decks and SRS files.

    \b
    Example:
        cardsmith build            # cards/ -> decks/
        cardsmith check            # validate only
    """


@cli.command()
@cards_option
@out_option
@formats_option
@click.option("--check", "check", is_flag=True, help="Write nothing; exit 1 if decks/ or the lock are out of date.")
@strict_option
@click.option(
    "--allow-schema-change",
    is_flag=True,
    help="Accept a change of note type fields or templates (learners must then 'merge note types').",
)
@click.option(
    "--allow-id-change",
    is_flag=True,
    help="Accept a changed deck id: a new deck, every note new to Anki (the lock starts afresh).",
)
@reports_errors
def build(
    cards_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    check: bool,
    strict: bool,
    allow_schema_change: bool,
    allow_id_change: bool,
) -> None:
    """Build the decks from the deck project.

    \b
    Example:
        cardsmith build --cards cards --out decks
        cardsmith build --format apkg
        cardsmith build --check     # in CI: are decks/ and the lock up to date?
    """
    from cardsmith.build import build as run_build
    from cardsmith.layout import lock_path

    with TerminalProgress() as progress:
        result = run_build(
            cards_dir,
            out_dir,
            formats or None,
            check=check,
            strict=strict,
            allow_schema_change=allow_schema_change,
            allow_id_change=allow_id_change,
            progress=progress,
        )
    _print_problems(result.warnings)
    changes = result.changes
    if check:
        if result.stale:
            for path in result.stale:
                state = "missing" if path in result.missing else "obsolete" if path in result.removed else "stale"
                click.echo(f"{path}: {state}", err=True)
            click.echo(
                f"{len(result.stale)} file(s) differ from what the sources build; run `cardsmith build` and commit them.",
                err=True,
            )
            sys.exit(1)
        click.echo(f"up to date: {len(result.unchanged)} file(s) match the sources ({changes.summary()}).")
        return
    for path in result.written:
        click.echo(f"wrote {path}")
    for path in result.removed:
        click.echo(f"removed {path} (this build no longer makes it)")
    lock = str(lock_path(cards_dir))
    written = [path for path in result.written if path != lock]
    unchanged = [path for path in result.unchanged if path != lock]
    removed = f", {len(result.removed)} obsolete removed" if result.removed else ""
    updated = "; the lock updated" if lock in result.written else ""
    click.echo(
        f"{result.notes} notes: {changes.summary()}; "
        f"{len(written)} file(s) written in {out_dir}, {len(unchanged)} unchanged{removed}{updated}."
    )
    if result.partial:
        click.echo(
            "the lock was left as it was: it changes only with a build of every format deck.yaml lists", err=True
        )


released_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Where the released decks are (read only if the lock lacks cards they hold).",
)


@cli.command()
@cards_option
@released_option
@strict_option
@click.option(
    "--format-errors",
    "error_format",
    type=click.Choice(["text", "github"]),
    default="text",
    show_default=True,
    callback=_remember_error_format,
    help="github: also print each problem as a GitHub Actions annotation (::error file=…,line=…,col=…::…) on stdout.",
)
@reports_errors
def check(cards_dir: Path, out_dir: Path, strict: bool, error_format: str) -> None:
    """Check the deck project and report every problem; write nothing.

    \b
    Example:
        cardsmith check --cards cards
        cardsmith check --strict --format-errors github    # in GitHub Actions: problems on their lines
    """
    from cardsmith.cache import load
    from cardsmith.pipeline import prepare

    with TerminalProgress() as progress:
        prepared = prepare(cards_dir, load(cards_dir), progress=progress, released=out_dir)
    if strict and prepared.problems:
        raise ProblemsError(prepared.problems)
    _print_problems(prepared.problems)
    project = prepared.project
    click.echo(f"ok: {_plural(len(project.cards), 'card')} in {_plural(len(project.files), 'file')}.")


@cli.command()
@cards_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per curriculum node.")
@click.option(
    "--min",
    "minimum",
    type=click.IntRange(min=1),
    help="Exit 1 if a topic (a leaf of the plan) has fewer cards; without it (and without coverage_min in "
    "deck.yaml), topics with none are marked.",
)
@reports_errors
def coverage(cards_dir: Path, as_json: bool, minimum: int | None) -> None:
    """Show how many cards every curriculum topic has; uncovered topics are marked ✗.

    With --min N, topics with fewer than N cards are marked and the exit status is 1 if there
    are any (for CI); `coverage_min: N` in deck.yaml is the same when --min is not given. Cards
    with errors are reported and not counted (exit 1).

    \b
    Example:
        cardsmith coverage --min 2
        cardsmith coverage --json | jq '.[] | select(.leaf and .cards < 2)'
    """
    from cardsmith.cache import load
    from cardsmith.coverage import coverage as count
    from cardsmith.coverage import format_tree, hints
    from cardsmith.project import load_project

    project = load_project(cards_dir, load(cards_dir).questions, lenient=True)
    _print_problems(project.problems)
    rule = f"--min {minimum}" if minimum else f"coverage_min: {project.config.coverage_min} in deck.yaml"
    minimum = minimum or project.config.coverage_min or None  # deck.yaml's coverage_min: the default --min
    rows = count(project.curriculum, project.cards)
    if as_json:
        click.echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        click.echo(format_tree(rows, minimum or 1, hints(project.config, project.curriculum, rows, minimum or 1)))
    _errors_left_out(project.problems, "the count")
    short = [row for row in rows if row.leaf and row.total < (minimum or 1)]
    if minimum is not None and short:
        click.echo(f"{_plural(len(short), 'topic')} with fewer than {minimum} card(s) ({rule}).", err=True)
        sys.exit(1)


@cli.command()
@cards_option
@released_option
@reports_errors
def status(cards_dir: Path, out_dir: Path) -> None:
    """Show what changed since the last build (against the lock) and what Anki will not do.

    \b
    Example:
        cardsmith status
    """
    from cardsmith.cache import load
    from cardsmith.pipeline import prepare

    with TerminalProgress() as progress:
        prepared = prepare(
            cards_dir, load(cards_dir), allow_schema_change=True, lenient=True, progress=progress, released=out_dir
        )
    changes = prepared.plan.changes
    _print_problems(prepared.problems)
    for label, ids in (("new", changes.new), ("changed", changes.changed), ("removed", changes.removed)):
        for card_id in ids:
            click.echo(f"{label:8} {card_id}")
    for key in changes.notetypes_changed:
        click.echo(f"{'changed':8} note type {key}")
    click.echo(changes.summary())
    _errors_left_out(prepared.problems, "these counts")


@cli.command()
@cards_option
@click.option("--since", metavar="REF", help="A tag or commit (default: the last tag, else the first commit).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of Markdown.")
@reports_errors
def changelog(cards_dir: Path, since: str | None, as_json: bool) -> None:
    """Release notes: the cards added, changed, renamed and removed since a git ref.

    Compares the working tree with the deck project and lock at REF (read from git: no build
    there is needed). By default REF is the last tag; when HEAD carries that tag and the deck
    folder has no uncommitted change, the tag before it (the notes of the version just tagged).

    \b
    Example:
        cardsmith changelog --since v1.0 > notes.md
        cardsmith changelog --json | jq '.cards[] | select(.change == "removed") | .id'
    """
    from cardsmith.changelog import ChangelogError, changes, to_json, to_markdown

    try:
        with TerminalProgress() as progress:
            log = changes(cards_dir, since, progress=progress)
    except ChangelogError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(to_json(log) if as_json else to_markdown(log), nl=False)


@cli.command()
@cards_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("preview.html"),
    show_default=True,
    help="The HTML file to write.",
)
@reports_errors
def preview(cards_dir: Path, out_file: Path) -> None:
    """Write one HTML page with every card, front and back, as Anki shows them.

    Nothing else is written (not the decks, not the lock). Open the page in a browser. Cards
    with errors are left out and their errors listed at the top of the page (exit 1).

    \b
    Example:
        cardsmith preview --out /tmp/cards.html
    """
    from cardsmith.cache import load
    from cardsmith.files import write_file
    from cardsmith.pipeline import prepare
    from cardsmith.preview import preview_page

    if out_file.is_dir():
        raise OutputError(f"{out_file} is a folder; pass a file name to --out")
    with TerminalProgress() as progress:
        prepared = prepare(
            cards_dir, load(cards_dir), allow_schema_change=True, allow_id_change=True, lenient=True, progress=progress
        )
    deck, problems = prepared.plan.deck, prepared.problems
    _print_problems(problems)
    errors = tuple(p for p in problems if p.severity.value == "error")
    write_file(out_file, preview_page(deck, errors).encode("utf-8"))
    click.echo(f"wrote {out_file} ({len(deck.notes)} notes)")
    _errors_left_out(problems, "the page (they are listed at its top)")


@cli.command()
@cards_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(),  # text, so that an empty --out is refused rather than read as the current folder
    default="site",
    show_default=True,
    help="The folder of the site, its own (only files the site wrote there are ever removed).",
)
@reports_errors
def site(cards_dir: Path, out_dir: str) -> None:
    """Write the deck site: a landing page with the downloads, and every card as in Anki.

    The folder is self-contained (publish it as it is, or open index.html from disk). Run
    `cardsmith build` first: the site offers the packages the build releases.

    \b
    Example:
        cardsmith build && cardsmith site --out site
    """
    from cardsmith.site import site as write_site

    with TerminalProgress() as progress:
        result = write_site(cards_dir, out_dir, progress=progress)
    _print_problems(result.warnings)
    for path in result.written:
        click.echo(f"wrote {path}")
    for path in result.removed:
        click.echo(f"removed {path} (the site no longer makes it)")
    removed = f", {len(result.removed)} obsolete removed" if result.removed else ""
    click.echo(
        f"{result.notes} notes: {len(result.written)} file(s) written in {out_dir}, "
        f"{len(result.unchanged)} unchanged{removed}; open {Path(out_dir) / 'index.html'}"
    )


@cli.command()
@cards_option
@out_option
@formats_option
@reports_errors
def watch(cards_dir: Path, out_dir: Path, formats: tuple[str, ...]) -> None:
    """Rebuild the decks every time a file of the deck project changes; stop with Ctrl-C.

    A failed build reports its problems and leaves the previous decks as they were.

    \b
    Example:
        cardsmith watch --format apkg
    """
    from cardsmith.build import build as run_build
    from cardsmith.layout import lock_path
    from cardsmith.project import require_deck_folder
    from cardsmith.watch import watch as run_watch

    require_deck_folder(cards_dir)  # a folder made later is not watched for: say so now, like `check`

    def once() -> str:
        result = run_build(cards_dir, out_dir, formats or None)
        for problem in result.warnings:
            click.echo(str(problem), err=True)
        kept = " (the lock is kept: not every format of deck.yaml was built)" if result.partial else ""
        written = [path for path in result.written if path != str(lock_path(cards_dir))]
        return f"{result.notes} notes: {result.changes.summary()}; {len(written)} file(s) written in {out_dir}{kept}."

    click.echo(f"watching {cards_dir} (Ctrl-C to stop)")
    try:
        run_watch(cards_dir, once, lambda line: click.echo(line, err=": error:" in line or line.startswith("error")))
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command()
@cards_option
@click.argument("topic")
@click.option(
    "--type",
    "card_type",
    type=click.Choice(["basic", "reversed", "cloze", "type-in"]),
    default="basic",
    show_default=True,
    help="The card type of the skeleton.",
)
@click.option(
    "--id",
    "card_id",
    default="new-card-id",
    show_default=True,
    callback=lambda ctx, param, value: _card_id(value),
    help="The new card's id: letters, digits, '-', '_' and '.'.",
)
@click.option(
    "--append",
    "append_to",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Add the skeleton to the end of this question file (created if missing) instead of printing it.",
)
@reports_errors
def new(cards_dir: Path, topic: str, card_type: str, card_id: str, append_to: Path | None) -> None:
    """Print a card skeleton for TOPIC: a topic path, or a part of one topic's title.

    \b
    Example:
        cardsmith new "Списки"
        cardsmith new "Фаза 1 / Неделя 1-2 / Словари" --type cloze --id dict-get-default \\
            --append cards/phase-1/week-01-02.yaml
    """
    from cardsmith.cache import load
    from cardsmith.files import append_text
    from cardsmith.project import load_project
    from cardsmith.skeleton import appended, find_topics, near_topics, skeleton, topic_path

    project = load_project(cards_dir, load(cards_dir).questions, lenient=True)  # other cards' errors don't matter
    taken = [written for written in project.ids if written.name == card_id]
    if taken:
        raise ProblemsError(
            tuple(
                error(written.location, f"card id '{card_id}' is already used here; pass another with --id")
                for written in taken
            )
        )
    found = find_topics(project.curriculum, topic)
    if len(found) != 1:
        if found:
            click.echo(f"error: '{topic}' names {len(found)} topics; give more of the path:", err=True)
            for index in found:
                click.echo(f"  {topic_path(project.curriculum, index)}", err=True)
        else:
            near = near_topics(project.curriculum, topic)
            hint = "; closest:" if near else "; see `cardsmith coverage` for the titles"
            click.echo(f"error: no topic matches '{topic}'{hint}", err=True)
            for index in near:
                click.echo(f"  {topic_path(project.curriculum, index)}", err=True)
        sys.exit(1)
    text = skeleton(project.curriculum, found[0], card_type, card_id)
    if append_to is None:
        click.echo(text, nl=False)
    else:
        append_text(
            append_to, text, empty="cards:\n", combine=lambda old, entry: appended(str(append_to), old, entry, card_id)
        )
        click.echo(f"added '{card_id}' to {append_to}")
    errors = sum(1 for p in project.problems if p.severity.value == "error")
    if errors:
        click.echo(f"note: other cards have {errors} error(s); `cardsmith check` lists them", err=True)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), default=Path("cards"))
@click.option("--title", help="The deck's title in Anki (default: from the folder name, or the plan's '# ' title).")
@click.option(
    "--curriculum",
    "plan",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A plan written elsewhere (Markdown), copied as the curriculum; the phase word comes from its headings.",
)
@click.option(
    "--ci",
    type=click.Choice(["github"]),
    help="Also write a CI workflow: checks on pull requests, a release and the site on version tags.",
)
@reports_errors
def init(folder: Path, title: str | None, plan: Path | None, ci: str | None) -> None:
    """Start a new deck project in FOLDER: deck.yaml, a curriculum and example questions.

    At the root of its repository (or the current folder) it also writes what card authors use:
    VS Code settings and JSON Schemas that check the YAML as it is typed, a pre-commit
    configuration, a CONTRIBUTING.md and, with --ci github, .github/workflows/decks.yml.

    With --curriculum, the project is made around a plan you already have: it is copied as it is,
    and init says what it found in it (phases, weeks, topics, sections that are not studied).

    On a deck project that exists already, `init FOLDER --ci github` adds only the contributors'
    files and the workflow, and leaves every file that is there as it was.

    \b
    Example:
        cardsmith init go-plan --title "Go for beginners"
        cardsmith init backend --curriculum ~/Downloads/roadmap.md
        cardsmith init --ci github
        cardsmith build --cards go-plan --out go-decks
    """
    from cardsmith.scaffold import init_from_plan, init_project
    from cardsmith.tooling import install_warning, write_tooling

    existing = ci is not None and plan is None and title is None and (folder / "deck.yaml").is_file()
    if existing:  # a deck that has cards already gets only the contributors' files and the workflow
        written: list[Path] = []
        notes = [f"{folder / 'deck.yaml'} exists: added only what contributors and CI use"]
    else:
        written, notes = init_from_plan(folder, plan, title) if plan else (init_project(folder, title), [])
    tooling, kept = write_tooling(folder, ci)
    written, notes = written + tooling, notes + kept
    for path in written:
        click.echo(f"wrote {path}")
    for note in notes:
        click.echo(note)
    if warning := install_warning(tooling):
        click.echo(f"note: {warning}", err=True)
    if existing:
        return
    where = "" if folder == Path("cards") else f" --cards {folder} --out {folder.parent / (folder.name + '-decks')}"
    todo = f"write your plan in {folder / 'curriculum.md'} and check" if plan is None else "check"
    then = "" if plan is None else f", see the plan's topics with `cardsmith coverage --cards {folder}`, write cards"
    click.echo(
        f"next: {todo} the deck id in {folder / 'deck.yaml'} "
        f"(it cannot change once learners have the deck){then}, then run `cardsmith build{where}`"
    )


@cli.command()
@cards_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="How many snippets run at once.  [default: the number of CPUs]",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=5.0,
    show_default=True,
    metavar="SECONDS",
    help="How long each snippet may run.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail when a card is skipped because a module it `needs:` is not installed (as in CI).",
)
@reports_errors
def verify(cards_dir: Path, jobs: int | None, timeout: float, strict: bool) -> None:
    """Run the code of every card with `check:` and compare it with the card's answer.

    This RUNS THE CODE THAT CARDS SHOW. Card text is untrusted input, so running it is a
    decision for the author or CI to make: verify never runs as part of build or check. Each
    snippet runs in its own Python process (this interpreter, isolated from your environment
    and your user site-packages), in an empty temporary folder, with no input, a time limit, and
    limits on output, memory and files. That guards against accidents and runaway snippets; it
    is not a security sandbox: verify only decks you trust, or in a throwaway CI container.

    Prints each failure at its card's `check:`, then `N verified, M failed, K skipped` (cards
    whose `python:` range excludes this interpreter, or that need a module it lacks, are
    skipped); exits 1 if any failed, and with --strict also if a module was missing.

    \b
    Example:
        cardsmith verify --cards cards --jobs 4 --timeout 10
    """
    from cardsmith.cache import load
    from cardsmith.project import load_project
    from cardsmith.verify import Limits
    from cardsmith.verify import verify as run_checks

    project = load_project(cards_dir, load(cards_dir).questions)
    result = run_checks([card.question for card in project.cards], Limits(timeout=timeout), jobs)
    _print_problems(result.problems)
    if result.missing:
        severity = "error" if strict else "warning"
        click.echo(
            f"{severity}: cards were skipped because this Python lacks {', '.join(result.missing)}: install "
            f"them where cardsmith is installed ({sys.executable} -m pip install …) to verify those cards",
            err=True,
        )
    click.echo(f"{result.verified} verified, {result.failed} failed, {result.skipped} skipped")
    if result.failed or (strict and result.missing):
        sys.exit(1)


@cli.command()
@click.argument("kind", type=click.Choice(["questions", "deck"]), default="questions")
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of question files, or of deck.yaml, for editors.

    VS Code's YAML extension and JetBrains IDEs use it to underline mistakes as you type,
    complete keys and describe them on hover (`cardsmith init` sets VS Code up). Topic paths and
    duplicate ids are beyond a schema: `cardsmith check` finds those.

    \b
    Example:
        cardsmith schema questions > .vscode/cardsmith-questions.schema.json
        cardsmith schema deck > .vscode/cardsmith-deck.schema.json
    """
    from cardsmith.schema import schema_text

    click.echo(schema_text(kind), nl=False)


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="cardsmith")
