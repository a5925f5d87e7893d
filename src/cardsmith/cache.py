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

A cache is untrusted: a crafted or committed one must not put anything into the decks. So the
stamp and every row carry a MAC made with a key that only this user on this machine has
(`~/.cache/cardsmith/cache-key`, or under $XDG_CACHE_HOME): a cache written anywhere else, or
changed by anything but cardsmith, fails the check and is ignored as a whole. `build --check`
reads no cache at all.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
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
    ("pygments", "Pygments"),
    ("genanki", "genanki"),
    ("chevron", "chevron"),
    ("yaml", "PyYAML"),
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (key BLOB PRIMARY KEY, value BLOB NOT NULL, mac BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fields (key BLOB PRIMARY KEY, value BLOB NOT NULL, mac BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (
  path TEXT PRIMARY KEY, inputs TEXT NOT NULL, sha256 TEXT NOT NULL, uses BLOB NOT NULL, mac BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS builds (arguments TEXT PRIMARY KEY, record TEXT NOT NULL, mac BLOB NOT NULL);
"""
KEY_FILE = "cache-key"


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
def _key() -> bytes:
    """This user's secret for the cache's MACs, made once (a random one for this run when it cannot be kept)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "cardsmith" / KEY_FILE
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key)
        return key
    except FileExistsError:  # another build made it just now: use that one
        try:
            data = path.read_bytes()
            return data if len(data) == 32 else key
        except OSError:
            return key
    except OSError:
        return key  # no cache survives this run: slower, never wrong


def mac(*parts: str | bytes) -> bytes:
    """A MAC of a row (its parts, each told apart by its length) with this user's key."""
    digest = hashlib.blake2b(key=_key(), digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.digest()


def _stamp_mac() -> str:
    return mac("stamp", stamp()).hex()


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
            if db.execute("SELECT stamp FROM meta").fetchall() != [(_stamp_mac(),)]:
                return {}
            rows = db.execute("SELECT arguments, record, mac FROM builds").fetchall()
    except sqlite3.Error:
        return {}
    return _builds(rows)


def _builds(rows: list[tuple[object, object, object]]) -> dict[str, str]:
    """The build records, or none at all if any row is not what this user's cardsmith wrote."""
    builds: dict[str, str] = {}
    for arguments, record, code in rows:
        if not (isinstance(arguments, str) and isinstance(record, str) and code == mac("builds", arguments, record)):
            return {}
        builds[arguments] = record
    return builds


def load(cards_dir: Path) -> Caches:
    """The caches of the last build, or empty ones when there are none this version can use."""
    path = path_of(cards_dir)
    if not path.is_file():
        return Caches()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            if db.execute("SELECT stamp FROM meta").fetchall() != [(_stamp_mac(),)]:
                return Caches()
            questions = _entries("questions", db.execute("SELECT key, value, mac FROM questions").fetchall())
            fields = _entries("fields", db.execute("SELECT key, value, mac FROM fields").fetchall())
            outputs = _records(db.execute("SELECT path, inputs, sha256, uses, mac FROM outputs").fetchall())
            builds = _builds(db.execute("SELECT arguments, record, mac FROM builds").fetchall())
    except (sqlite3.Error, ValueError):
        return Caches()  # a broken cache is only slower; one that fails its MACs is not used
    return Caches(Memo(questions), Memo(fields), dict(outputs), outputs, dict(builds), builds, loaded=True)


def _entries(table: str, rows: list[tuple[object, object, object]]) -> dict[bytes, str]:
    """A memo's entries (key -> text); ValueError if any row is not what this user's cardsmith wrote."""
    found: dict[bytes, str] = {}
    for key, value, code in rows:
        if not (isinstance(key, bytes) and isinstance(value, bytes) and code == mac(table, key, value)):
            raise ValueError(f"a row of {table} fails its check")
        found[key] = value.decode("utf-8", "surrogatepass")  # stored as UTF-8 bytes
    return found


def _records(rows: list[tuple[object, ...]]) -> dict[str, Record]:
    """The output records; ValueError if any row is not what this user's cardsmith wrote."""
    found: dict[str, Record] = {}
    for path, inputs, sha256, uses, code in rows:
        if not (isinstance(path, str) and isinstance(inputs, str) and isinstance(sha256, str)):
            raise ValueError("an output record that is not text")
        if not (isinstance(uses, bytes) and code == mac("outputs", path, inputs, sha256, uses)):
            raise ValueError("an output record fails its check")
        found[path] = Record(inputs, sha256, uses)
    return found


def _text(value: str | Callable[[], str]) -> str:
    return value() if callable(value) else value


def _replace(db: sqlite3.Connection, table: str, memo: Memo, known: set[bytes]) -> None:
    """Keep exactly the entries this build used: drop the others, add the new ones."""
    used = memo.used
    db.executemany(f"DELETE FROM {table} WHERE key = ?", ((k,) for k in known - used.keys()))
    # Values go in as UTF-8 bytes made here: given a str, SQLite would keep a UTF-8 copy inside
    # each of them for as long as the build holds it (tens of MB on a large deck).
    new = ((k, _text(used[k]).encode("utf-8", "surrogatepass")) for k in memo.fresh())
    db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", ((k, v, mac(table, k, v)) for k, v in new))


def _folder_exists(arguments: str) -> bool:
    """Whether the output folder a build record is about is still there (lastbuild.key)."""
    try:
        return Path(json.loads(arguments)[0]).is_dir()
    except (ValueError, TypeError, IndexError, KeyError, OSError):
        return False


def _write(path: Path, caches: Caches) -> None:
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        db.executescript(_SCHEMA)
        if db.execute("SELECT stamp FROM meta").fetchall() != [(_stamp_mac(),)] or not caches.loaded:
            # another version's cache, one that could not be read or one that failed a check: start it again
            db.executescript("DELETE FROM meta; DELETE FROM questions; DELETE FROM fields; DELETE FROM outputs;")
            db.execute("INSERT INTO meta VALUES (?)", (_stamp_mac(),))
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
        db.executemany(
            "INSERT INTO outputs VALUES (?, ?, ?, ?, ?)",
            ((p, r.inputs, r.sha256, r.uses, mac("outputs", p, r.inputs, r.sha256, r.uses)) for p, r in records),
        )
        db.execute("DELETE FROM builds")
        # of output folders still there
        builds = sorted((a, r) for a, r in caches.builds.items() if _folder_exists(a))
        db.executemany("INSERT INTO builds VALUES (?, ?, ?)", ((a, r, mac("builds", a, r)) for a, r in builds))


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
