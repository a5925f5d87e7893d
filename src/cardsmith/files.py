"""Writing files safely: all of a build's files appear at once, or none of them do.

Every file is first written to a temporary file beside it (same folder, same file system), and
only when all are written are they renamed into place, the lock last: an interruption between
renames can leave only outputs newer than the lock, which the next build rewrites. A failure
before that leaves every target as it was and removes the temporary files.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from types import TracebackType

from cardsmith.errors import OutputError


def sha256_of(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it is not a readable file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
    except (OSError, ValueError):  # ValueError: a name with a NUL in it
        return None
    return digest.hexdigest()


def check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the output folder is a file; pass another --out")


class Staging:
    """Files written beside their targets, renamed into place together by `commit`."""

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path]] = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        for tmp, _ in self.staged:  # whatever was not renamed into place
            if os.path.exists(tmp):
                os.unlink(tmp)
        self.staged.clear()

    def stage(self, path: Path, data: bytes) -> None:
        """Write `data` to a temporary file beside `path`."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            self.staged.append((tmp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write {exc.filename or path}: {exc.strerror or exc}") from None

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for _, path in self.staged)

    def commit(self, last: Path | None = None) -> None:
        """Rename every staged file into place, `last` after all the others."""
        self.staged.sort(key=lambda pair: (pair[1] == last, str(pair[1])))
        try:
            while self.staged:
                tmp, path = self.staged[0]
                os.replace(tmp, path)
                self.staged.pop(0)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_file(path: Path, data: bytes) -> None:
    """Write one file so that it is either the old one or the new one, never half of either."""
    with Staging() as staging:
        staging.stage(path, data)
        staging.commit()


def remove(paths: list[Path]) -> None:
    try:
        for path in paths:
            path.unlink()
    except OSError as exc:
        raise OutputError(f"cannot remove {exc.filename}: {exc.strerror or exc}") from None


def append_text(path: Path, entry: str, empty: str = "") -> None:
    """Add text at the end of a file (on a line of its own), creating the file with `empty` first."""
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else empty
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot add to {path}: {exc}") from None
    joined = old if old.endswith("\n") or not old else old + "\n"
    write_file(path, (joined + entry).encode("utf-8"))
