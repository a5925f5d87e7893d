"""`cardsmith verify`: run the code of every card that has `check:` and compare it with the answer.

Card text is untrusted input, so nothing else in cardsmith runs it: `build` and `check` only read
`check:`. Each snippet runs in its own Python process (the interpreter running cardsmith, with the
site-packages of its environment but not the user's), in an empty temporary folder, with no
standard input, a minimal environment (PYTHONHASHSEED=0, so the order of sets of strings is the
same on every run), a time limit, a cap on its output, and on POSIX resource limits (address
space, file size, open files, CPU time, no core dumps). That guards against accidents and runaway
snippets; it is not a security sandbox.

What each check compares (see the README, "Cards whose code is checked"):

- the code is the question's fenced code blocks whose language is `python` or `py`, in order;
- `output`: the program exits 0 and its standard output equals the answer's first fenced code
  block, or a type-in card's answer, or the answer's first inline code span; both sides compared
  with each line's trailing whitespace and the trailing blank lines removed;
- `raises`: the program ends with an uncaught exception (SystemExit too) whose class name is a
  word or dotted name in Latin letters written in the answer, compared by their last dotted part;
- `runs`: the program exits 0.
"""

from __future__ import annotations

import importlib.util
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cardsmith.errors import Problem, error, sort_problems
from cardsmith.model import CardType, Question
from cardsmith.versions import matches, parse_range

if TYPE_CHECKING:
    from markdown_it.token import Token

PYTHON_LANGUAGES = ("python", "py")  # the fenced code blocks of a question that are run
SAFE_PATH = "/usr/bin:/bin"
# A word or dotted name in Latin letters (KeyError, json.JSONDecodeError), not part of a longer word.
_NAME = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?!\w)")
_SHOWN_LINES = 20  # of expected and actual output in a message
_SHOWN_CHARS = 2000

# Runs before the card's code, in the child: set the resource limits, record the class of an
# uncaught exception in a file (more reliable than reading a traceback: exception groups, chained
# exceptions, notes, atexit output), then run the card's file as __main__. Its own names stay in
# the -c module; the card's code gets fresh globals (runpy), like a script.
PRELUDE = r"""
import sys


def _cardsmith_prepare():
    path, record = sys.argv[1], sys.argv[2]
    memory, size, files, cpu = (int(n) for n in sys.argv[3:7])
    try:
        import resource
    except ImportError:
        resource = None
    if resource is not None:
        for name, value in (
            ("RLIMIT_AS", memory),
            ("RLIMIT_FSIZE", size),
            ("RLIMIT_NOFILE", files),
            ("RLIMIT_CPU", cpu),
            ("RLIMIT_CORE", 0),
        ):
            which = getattr(resource, name, None)
            if which is None:
                continue
            try:
                hard = resource.getrlimit(which)[1]
                if hard != resource.RLIM_INFINITY:
                    value = min(value, hard)
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError):
                pass

    def remember(kind, value):
        try:
            module = getattr(kind, "__module__", "")
            name = kind.__qualname__ if module in ("builtins", "__main__") else f"{module}.{kind.__qualname__}"
            try:
                message = str(value).strip().partition("\n")[0][:200]
            except BaseException:
                message = ""
            with open(record, "w", encoding="utf-8", errors="replace") as file:
                file.write(f"{name}\n{message}")
        except BaseException:
            pass

    show = sys.excepthook

    def hook(kind, value, tb):
        remember(kind, value)
        first = tb  # the traceback from the card's own code, as if it ran as a script
        while first is not None and first.tb_frame.f_code.co_filename != path:
            first = first.tb_next
        if first is not None and value is not None:
            tb = first
            value.__traceback__ = first
        show(kind, value, tb)

    sys.excepthook = hook
    sys.argv[:] = [path]
    if sys.path and sys.path[0] in ("", "."):  # Python 3.10 has no -P: the folder is not on the path
        del sys.path[0]
    return path, remember


_cardsmith_path, _cardsmith_remember = _cardsmith_prepare()
import runpy

try:
    runpy.run_path(_cardsmith_path, run_name="__main__")
except SystemExit as _cardsmith_exit:
    _cardsmith_remember(SystemExit, _cardsmith_exit)
    raise
"""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one snippet may use."""

    timeout: float = 5.0  # seconds of wall time, from the start of its interpreter
    output: int = 64 * 1024  # bytes on stdout, and on stderr; more and the process is stopped
    memory: int = 1024**3  # bytes of address space (POSIX)
    file_size: int = 16 * 1024**2  # bytes of any file it writes (POSIX)
    open_files: int = 256  # (POSIX)


@dataclass(frozen=True, slots=True)
class Run:
    """What a snippet did."""

    status: int  # its exit status; negative: killed by that signal
    stdout: str
    stderr: str
    raised: str = ""  # the class of the uncaught exception it ended with (KeyError, json.decoder.JSONDecodeError)
    message: str = ""  # the first line of that exception's message
    timed_out: bool = False
    overflow: bool = False  # wrote more than the output limit, and was stopped


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of `cardsmith verify`: a problem per card that failed, sorted by location."""

    verified: int
    failed: int
    skipped: int
    problems: tuple[Problem, ...]
    missing: tuple[str, ...] = ()  # the modules that skipped cards need and this interpreter lacks


# --- What a card says: the code, the expected output, the exception ----------------------------


def _tokens(markdown: str) -> list[Token]:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").parse(markdown)


def python_code(markdown: str) -> str:
    """The fenced code blocks of a text whose language is Python (```python, ```py), joined in order."""
    blocks = []
    for token in _tokens(markdown):
        info = token.info.split()
        if token.type == "fence" and info and info[0].lower() in PYTHON_LANGUAGES:
            content = token.content
            blocks.append(content if content.endswith("\n") or not content else content + "\n")
    return "".join(blocks)


def expected_output(question: Question) -> str | None:
    """What the program must print: the answer's first code block, a type-in answer, or the first inline code."""
    tokens = _tokens(question.a)
    for token in tokens:
        if token.type == "fence":
            return token.content
    if question.type is CardType.TYPE_IN:
        return question.a
    for token in tokens:
        for child in token.children or ():
            if child.type == "code_inline":
                return child.content
    return None


def exception_names(answer: str) -> tuple[str, ...]:
    """The words and dotted names of an answer, in its code spans or not: the exceptions it may name."""
    return tuple(dict.fromkeys(_NAME.findall(answer)))


def names_exception(names: Iterable[str], raised: str) -> bool:
    """Whether one of the names is the class raised, compared by the last dotted part (json.JSONDecodeError)."""
    last = raised.rpartition(".")[2]
    return any(name.rpartition(".")[2] == last for name in names)


def normalize(text: str) -> str:
    """Output as compared: each line without trailing whitespace, no trailing blank lines."""
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip("\n")


# --- Running a snippet -------------------------------------------------------------------------


def _environment(home: Path, tmp: Path) -> dict[str, str]:
    """Nothing of the caller's environment: only what a Python program needs to run the same everywhere."""
    env = {
        "PATH": SAFE_PATH if os.name == "posix" else os.defpath,
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUTF8": "1",
        "PYTHONHASHSEED": "0",
    }
    if os.name == "nt" and "SYSTEMROOT" in os.environ:  # Python on Windows does not start without it
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    return env


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the process and everything it started (it leads its own process group)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - not POSIX
            process.kill()
    except OSError:
        pass  # already gone


class _Capture(threading.Thread):
    """Reads one output of a process, keeping at most `limit` bytes; past that, calls `overflowed`."""

    def __init__(self, stream: IO[bytes], limit: int, overflowed: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.stream, self.limit, self.overflowed = stream, limit, overflowed
        self.data = bytearray()
        self.overflow = False

    def run(self) -> None:
        fd = self.stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            room = self.limit - len(self.data)
            self.data += chunk[:room]
            if len(chunk) > room:
                self.overflow = True
                self.overflowed()
                return

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


class _Processes:
    """The snippets running now, so that an interrupt stops them all (they are in their own sessions)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: set[subprocess.Popen[bytes]] = set()
        self.stopped = False

    def start(self, command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with self.lock:
            if self.stopped:
                raise KeyboardInterrupt
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            self.running.add(process)
            return process

    def done(self, process: subprocess.Popen[bytes]) -> None:
        with self.lock:
            self.running.discard(process)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            for process in self.running:
                _kill_group(process)


def run_snippet(code: str, limits: Limits = Limits(), processes: _Processes | None = None) -> Run:
    """Run Python code in a new process, in an empty temporary folder, within the limits."""
    processes = processes or _Processes()
    with tempfile.TemporaryDirectory(prefix="cardsmith-verify-", ignore_cleanup_errors=True) as folder:
        root = Path(folder)
        work, tmp = root / "work", root / "tmp"
        work.mkdir()
        tmp.mkdir()
        script, record = root / "card.py", root / "raised"
        script.write_text(code, encoding="utf-8")
        flags = [
            "-s",
            "-B",
            *(["-P"] if sys.version_info >= (3, 11) else []),
        ]  # no user site, no .pyc, no cwd on sys.path
        cpu = math.ceil(limits.timeout) + 1  # a backstop: the wall-time limit comes first
        numbers = (limits.memory, limits.file_size, limits.open_files, cpu)
        command = [sys.executable, *flags, "-c", PRELUDE, str(script), str(record), *map(str, numbers)]
        process = processes.start(command, work, _environment(work, tmp))
        try:
            assert process.stdout is not None and process.stderr is not None
            out = _Capture(process.stdout, limits.output, lambda: _kill_group(process))
            err = _Capture(process.stderr, limits.output, lambda: _kill_group(process))
            out.start()
            err.start()
            timed_out = False
            try:
                process.wait(timeout=limits.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(process)
                process.wait()
            _kill_group(process)  # whatever it started and left running
            for capture in (out, err):
                capture.join(timeout=2)
                if not capture.is_alive():  # else a process that left the group holds the pipe: leave it
                    capture.stream.close()
        finally:
            processes.done(process)
        raised, _, message = (
            record.read_text(encoding="utf-8", errors="replace").partition("\n") if record.is_file() else ("", "", "")
        )
        return Run(
            status=process.returncode,
            stdout=out.text(),
            stderr=err.text(),
            raised=raised.strip(),
            message=message.strip(),
            timed_out=timed_out and not (out.overflow or err.overflow),
            overflow=out.overflow or err.overflow,
        )


# --- Judging -----------------------------------------------------------------------------------


def _shorten(text: str) -> str:
    """At most _SHOWN_LINES lines and _SHOWN_CHARS characters of a text, saying how many lines are left out."""
    lines = text.split("\n")
    shown: list[str] = []
    used = 0
    for line in lines[:_SHOWN_LINES]:
        if used + len(line) > _SHOWN_CHARS:
            shown.append(line[: _SHOWN_CHARS - used] + "…")
            break
        shown.append(line)
        used += len(line)
    more = len(lines) - len(shown)
    return "\n".join(shown) + (f"\n… ({more} more line{'' if more == 1 else 's'})" if more > 0 else "")


def _short(text: str) -> bool:
    return "\n" not in text and len(text) <= 80


def _block(label: str, text: str) -> str:
    body = "\n".join("    " + line for line in _shorten(text).split("\n")) if text else "    (nothing)"
    return f"\n  {label}:\n{body}"


def _expected_and_actual(expected: str, actual: str) -> str:
    """ " expected '6', got '7'" when both are short lines, else each indented below its label."""
    if _short(expected) and _short(actual):
        return f" expected {expected!r}, got {actual!r}"
    return _block("expected", expected) + _block("got", actual)


def _exception(run: Run) -> str:
    return f"{run.raised}: {run.message}" if run.message else run.raised


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    return lines[-1][:200] if lines else ""


def _failure(run: Run, limits: Limits) -> str:
    """Why a run did not end well, or "" if it exited 0."""
    if run.overflow:
        return f"the program wrote more than {limits.output // 1024} KiB of output and was stopped"
    if run.timed_out:
        return f"the program did not finish in {limits.timeout:g} s and was stopped (--timeout)"
    if run.status == 0:
        return ""
    if run.raised and run.raised != "SystemExit":
        return f"the program raised {_exception(run)}"
    if run.status < 0:
        try:
            name = signal.Signals(-run.status).name
        except ValueError:
            name = str(-run.status)
        return f"the program was killed by signal {name}"
    last = _last_line(run.stderr)
    return f"the program exited with status {run.status}" + (f" ({last})" if last else "")


def _static_problem(question: Question) -> Problem | None:
    """What keeps a card's check from being run at all."""
    if not python_code(question.q).strip():
        return error(question.where("check"), "check: the question shows no ```python code block to run")
    if question.check == "output" and expected_output(question) is None:
        return error(
            question.where("a"),
            "check output: the answer shows no output to compare with: write it in a code block or as `inline code`",
        )
    if question.check == "raises" and not exception_names(question.a):
        return error(
            question.where("a"), "check raises: the answer names no exception: write its name, e.g. `KeyError`"
        )
    return None


def judge(question: Question, run: Run, limits: Limits) -> Problem | None:
    """The problem with a card whose code ran, or None if the run is what the card says."""
    where = question.where("check")
    failure = _failure(run, limits)
    if question.check == "output":
        expected = normalize(expected_output(question) or "")
        actual = normalize(run.stdout)
        if failure:
            return error(where, f"check output: {failure};{_expected_and_actual(expected, actual)}")
        if expected != actual:
            return error(where, f"check output:{_expected_and_actual(expected, actual)}")
        return None
    if question.check == "raises":
        names = exception_names(question.a)
        answer = _shorten(" ".join(question.a.split()))[:120]
        expected = f"expected the exception the answer names ({answer})"
        if run.overflow or run.timed_out:
            return error(where, f"check raises: {failure}; {expected}")
        if run.raised and names_exception(names, run.raised):
            return None
        if run.raised:
            return error(where, f"check raises: {expected}, got {_exception(run)}")
        if run.status == 0:
            return error(where, f"check raises: {expected}, but the program ran to the end without one")
        return error(where, f"check raises: {expected}, but {failure}")
    if failure:
        return error(where, f"check {question.check}: {failure}")
    return None


@dataclass(slots=True)
class _Tally:
    verified: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)


def installed(module: str) -> bool:
    """Whether this interpreter can import a top-level module (the snippets run with it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def verify(questions: Iterable[Question], limits: Limits = Limits(), jobs: int | None = None) -> Verification:
    """Run every question that has `check:` and compare; `jobs` at a time (default: one per CPU)."""
    tally = _Tally()
    to_run: list[Question] = []
    version = tuple(sys.version_info[:3])
    for question in questions:
        if not question.check:
            continue
        problem = _static_problem(question)
        if problem is not None:
            tally.problems.append(problem)
        elif question.python and not matches(parse_range(question.python)[0], version):
            tally.skipped += 1
        elif lacking := [module for module in question.needs if not installed(module)]:
            tally.skipped += 1
            tally.missing.update(lacking)
        else:
            to_run.append(question)
    processes = _Processes()
    executor = ThreadPoolExecutor(
        max_workers=max(1, jobs or os.cpu_count() or 1), thread_name_prefix="cardsmith-verify"
    )
    try:
        runs = list(executor.map(lambda q: run_snippet(python_code(q.q), limits, processes), to_run))
    except BaseException:
        processes.stop()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()
    for question, run in zip(to_run, runs, strict=True):
        problem = judge(question, run, limits)
        if problem is None:
            tally.verified += 1
        else:
            tally.problems.append(problem)
    problems = sort_problems(tally.problems)
    return Verification(tally.verified, len(problems), tally.skipped, problems, tuple(sorted(tally.missing)))
