"""The build cache on disk: `<deck project>/.cardsmith-cache/cache.sqlite3` (git-ignored, safe to delete).

It keeps what makes the next build fast, never what makes it different:

- `questions`: each question file's cards and problems, by the file's name and bytes;
- `fields`: rendered fields and the text formats' conversions, by function and text (memo.py);
- `outputs`: for every output file, a key of everything it was built from and the SHA-256 of
  the bytes written, so that an output whose inputs are unchanged, and which is still on disk
  as written, is not built again.

The whole cache is stamped with the version of cardsmith's code, of the libraries that shape
the output, of Python and of SQLite: a cache written by any other version is ignored. A cache
that cannot be read is ignored too (the build is only slower), and failing to write one never
fails a build.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import sys
import zlib
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from cardsmith.layout import CACHE
from cardsmith.memo import Memo

FOLDER = CACHE
FILE = "cache.sqlite3"
OLD_FILES = ("render.sqlite3",)  # what cardsmith 0.1 kept in the same folder
LIBRARIES = (  # (module, project) of each library that shapes the output
    ("markdown_it", "markdown-it-py"),
    ("mdit_py_plugins", "mdit-py-plugins"),
    ("pygments", "Pygments"),
    ("genanki", "genanki"),
    ("chevron", "chevron"),
    ("yaml", "PyYAML"),
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (key BLOB PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fields (key BLOB PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, inputs TEXT NOT NULL, sha256 TEXT NOT NULL, uses BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS builds (arguments TEXT PRIMARY KEY, record TEXT NOT NULL);
"""


def _installed(module: str, project: str) -> str:
    """Where a library is installed and which version: the name of its `*.dist-info` folder.

    Read off the folder, not through importlib.metadata, which takes longer than a small build.
    """
    from importlib.util import find_spec

    spec = find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module}: not installed"
    origin = Path(spec.origin)
    folder = origin.parent.parent if origin.name == "__init__.py" else origin.parent
    prefix = project.lower().replace("-", "_") + "-"
    try:
        found = sorted(
            p.name for p in folder.iterdir() if p.name.lower().startswith(prefix) and p.suffix == ".dist-info"
        )
    except OSError:
        found = []
    if not found:  # not installed from a wheel: its file will have to do
        stat = origin.stat()
        found = [f"{stat.st_size}:{stat.st_mtime_ns}"]
    return f"{module}={origin}:{found}"


@functools.cache
def stamp() -> str:
    """What decides every cached result: cardsmith's own code and the versions it runs with."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for module, project in LIBRARIES:
        digest.update(_installed(module, project).encode("utf-8", "surrogateescape") + b"\0")
    digest.update(f"{sys.version}\0{sqlite3.sqlite_version}\0{zlib.ZLIB_RUNTIME_VERSION}".encode())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Record:
    """What an output file was built from, and what was written."""

    inputs: str  # a key of everything that went into the file
    sha256: str  # of the bytes written
    uses: bytes = b""  # the keys of the field conversions it used, so that they stay while it does


@dataclass(slots=True)
class Caches:
    """The caches of one build: read at the start, written back after a successful build."""

    questions: Memo = field(default_factory=Memo)
    fields: Memo = field(default_factory=Memo)
    outputs: dict[str, Record] = field(default_factory=dict)
    previous_outputs: dict[str, Record] = field(default_factory=dict)
    builds: dict[str, str] = field(default_factory=dict)  # a build's arguments -> what it read and wrote (lastbuild.py)
    previous_builds: dict[str, str] = field(default_factory=dict)
    loaded: bool = False  # whether these came from the file, which then holds exactly them


def path_of(cards_dir: Path) -> Path:
    return cards_dir / FOLDER / FILE


def load_builds(cards_dir: Path) -> dict[str, str]:
    """Only the records of the last builds (quick to read): see lastbuild.py."""
    path = path_of(cards_dir)
    if not path.is_file():
        return {}
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            if db.execute("SELECT stamp FROM meta").fetchall() != [(stamp(),)]:
                return {}
            builds = dict(db.execute("SELECT arguments, record FROM builds"))
    except sqlite3.Error:
        return {}
    return builds if all(isinstance(v, str) for v in builds.values()) else {}


def load(cards_dir: Path) -> Caches:
    """The caches of the last build, or empty ones when there are none this version can use."""
    path = path_of(cards_dir)
    if not path.is_file():
        return Caches()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            if db.execute("SELECT stamp FROM meta").fetchall() != [(stamp(),)]:
                return Caches()
            questions = dict(db.execute("SELECT key, CAST(value AS TEXT) FROM questions"))  # stored as UTF-8 bytes
            fields = dict(db.execute("SELECT key, CAST(value AS TEXT) FROM fields"))
            outputs = {
                p: Record(i, s, u) for p, i, s, u in db.execute("SELECT path, inputs, sha256, uses FROM outputs")
            }
            builds = dict(db.execute("SELECT arguments, record FROM builds"))
    except (sqlite3.Error, AttributeError, UnicodeDecodeError):
        return Caches()  # a broken cache is only slower
    if not all(isinstance(k, bytes) and isinstance(v, str) for table in (questions, fields) for k, v in table.items()):
        return Caches()
    if not all(
        isinstance(r.inputs, str) and isinstance(r.sha256, str) and isinstance(r.uses, bytes) for r in outputs.values()
    ):
        return Caches()
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in builds.items()):
        return Caches()
    return Caches(Memo(questions), Memo(fields), dict(outputs), outputs, dict(builds), builds, loaded=True)


def _text(value: str | Callable[[], str]) -> str:
    return value() if callable(value) else value


def _replace(db: sqlite3.Connection, table: str, memo: Memo, known: set[bytes]) -> None:
    """Keep exactly the entries this build used: drop the others, add the new ones."""
    used = memo.used
    db.executemany(f"DELETE FROM {table} WHERE key = ?", ((k,) for k in known - used.keys()))
    # Values go in as UTF-8 bytes made here: given a str, SQLite would keep a UTF-8 copy inside
    # each of them for as long as the build holds it (tens of MB on a large deck).
    new = ((k, _text(used[k]).encode("utf-8", "surrogatepass")) for k in memo.fresh())
    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", new)


def _folder_exists(arguments: str) -> bool:
    """Whether the output folder a build record is about is still there (lastbuild.key)."""
    try:
        return Path(json.loads(arguments)[0]).is_dir()
    except (ValueError, TypeError, IndexError, KeyError, OSError):
        return False


def _write(path: Path, caches: Caches) -> None:
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.executescript(_SCHEMA)
        if db.execute("SELECT stamp FROM meta").fetchall() != [(stamp(),)] or not caches.loaded:
            # another version's cache, or one that could not be read: start it again
            db.executescript("DELETE FROM meta; DELETE FROM questions; DELETE FROM fields; DELETE FROM outputs;")
            db.execute("INSERT INTO meta VALUES (?)", (stamp(),))
            known_questions: set[bytes] = set()
            known_fields: set[bytes] = set()
        else:
            # What this build loaded is what the file holds (a build running beside this one can
            # only have added entries, which stay).
            known_questions = set(caches.questions.known)
            known_fields = set(caches.fields.known)
        _replace(db, "questions", caches.questions, known_questions)
        _replace(db, "fields", caches.fields, known_fields)
        db.execute("DELETE FROM outputs")
        records = sorted((p, r) for p, r in caches.outputs.items() if Path(p).is_file())  # of files still there
        db.executemany("INSERT INTO outputs VALUES (?, ?, ?, ?)", ((p, r.inputs, r.sha256, r.uses) for p, r in records))
        db.execute("DELETE FROM builds")
        # of output folders still there
        builds = sorted((a, r) for a, r in caches.builds.items() if _folder_exists(a))
        db.executemany("INSERT INTO builds VALUES (?, ?)", builds)


def save(cards_dir: Path, caches: Caches) -> None:
    """Write back what this build used, changing only what differs (a cache is never worth failing a build)."""
    if (
        caches.questions.unchanged
        and caches.fields.unchanged
        and caches.outputs == caches.previous_outputs
        and caches.builds == caches.previous_builds
    ):
        return
    path = path_of(cards_dir)
    for _attempt in range(2):
        try:
            path.parent.mkdir(exist_ok=True)
            ignore = path.parent / ".gitignore"
            if not ignore.is_file():
                ignore.write_text("*\n", encoding="utf-8")
            _write(path, caches)
            for old in OLD_FILES:
                (path.parent / old).unlink(missing_ok=True)
            return
        except (OSError, sqlite3.Error, ValueError):  # ValueError: a file name that is not text
            try:  # a cache that cannot be written to is in the way: start a new one
                path.unlink(missing_ok=True)
            except OSError:
                return
