"""Writing files safely: all of a build's files appear at once, or none of them do.

Every file is first written to a temporary file beside it (same folder, same file system), and
only when all are written are they renamed into place, the lock last: an interruption between
renames can leave only outputs newer than the lock, which the next build rewrites. A failure
before that leaves every target as it was and removes the temporary files; everything that can be
checked (no folder where a file goes, every folder writable) is checked before the first rename.

A temporary file is named `.<name>.<pid>.<random>.cardsmith.tmp`: recognisably a build's own, with
the process that wrote it. One whose process is gone (killed while writing) is a leftover that the
next build removes; another running build's are left alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
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


TEMPORARY_SUFFIX = ".cardsmith.tmp"
# `.<name>.<pid>.<random>.cardsmith.tmp`; the random part is mkstemp's (letters, digits, `_`).
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[1-9][0-9]{0,9})\.[a-z0-9_]+" + re.escape(TEMPORARY_SUFFIX), re.S)


def _running(pid: int) -> bool:
    """Whether a process with this id exists (when in doubt, yes: its files are then left alone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # PermissionError: it exists, but is someone else's
        return True
    return True


def stale_temporaries(*folders: Path) -> list[Path]:
    """The temporary files that builds which were killed while writing left in these folders.

    Only files named the way `Staging` names them, whose process is no longer running; the
    folders are searched through their sub-folders (where formats such as CrowdAnki write), but
    not through hidden folders or symbolic links.
    """
    found: set[Path] = set()
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            for name in names:
                match = _TEMPORARY.fullmatch(name)
                if match is None or _running(int(match["pid"])):
                    continue
                path = Path(root, name)
                try:
                    if stat.S_ISREG(path.lstat().st_mode):
                        found.add(path)
                except OSError:
                    continue
    return sorted(found)


def _check_targets(targets: Sequence[Path], remove: Sequence[Path]) -> None:
    """Refuse, before anything is replaced, what would make a rename or a removal fail."""
    for path in targets:
        if path.is_dir():
            raise OutputError(f"{path}: a folder is where the build writes a file; move it away (nothing was written)")
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write {path}: the folder {path.parent} is read-only (nothing was written)")
    for path in remove:
        if path.is_dir() and not path.is_symlink():
            raise OutputError(f"cannot remove {path}: it is a folder (nothing was written)")
        if os.path.lexists(path) and not os.access(path.parent, os.W_OK | os.X_OK):
            raise OutputError(
                f"cannot remove {path}: the folder {path.parent} is read-only; make it writable or remove the "
                "file by hand (nothing was written)"
            )


def _done(replaced: list[Path], removed: list[Path]) -> str:
    """What a failure midway already did."""
    if not replaced and not removed:
        return "nothing was replaced"
    done = [f"already replaced: {', '.join(map(str, replaced))}"] if replaced else []
    done += [f"already removed: {', '.join(map(str, removed))}"] if removed else []
    return "; ".join([*done, "the rest left as they were"])


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
            prefix = f".{path.name}.{os.getpid()}."
            handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=TEMPORARY_SUFFIX)
            self.staged.append((tmp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write {exc.filename or path}: {exc.strerror or exc}") from None

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(path for _, path in self.staged)

    def commit(self, last: Sequence[Path] = (), remove: Sequence[Path] = ()) -> None:
        """Rename every staged file into place, remove the files `remove`, then rename `last` in its order.

        Nothing is replaced when a target is a folder or a folder is read-only; a rename or a
        removal that fails all the same says which files were already replaced or removed.
        """
        rank = {path: i for i, path in enumerate(last)}
        self.staged.sort(key=lambda pair: (rank.get(pair[1], -1), str(pair[1])))
        _check_targets(self.paths, remove)
        replaced: list[Path] = []
        removed: list[Path] = []
        left = list(remove)
        action, target = "write", Path()
        try:
            while self.staged or left:
                if left and (not self.staged or self.staged[0][1] in rank):
                    action, target = "remove", left[0]
                    target.unlink(missing_ok=True)
                    removed.append(left.pop(0))
                    continue
                tmp, target = self.staged[0]
                action = "write"
                os.replace(tmp, target)
                replaced.append(target)
                self.staged.pop(0)
        except OSError as exc:
            raise OutputError(f"cannot {action} {target}: {exc.strerror or exc}; {_done(replaced, removed)}") from None


def write_file(path: Path, data: bytes) -> None:
    """Write one file so that it is either the old one or the new one, never half of either."""
    with Staging() as staging:
        staging.stage(path, data)
        staging.commit()


def remove(paths: Sequence[Path]) -> None:
    """Remove files (one already gone is fine)."""
    with Staging() as staging:
        staging.commit(remove=paths)


def append_text(path: Path, entry: str, empty: str = "", combine: Callable[[str, str], str] | None = None) -> None:
    """Add text at the end of a file (on a line of its own), creating the file with `empty` first.

    `combine(old, entry)`, when given, makes the new text instead (and may raise: nothing is written).
    """
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else empty
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot add to {path}: {exc}") from None
    if combine is not None:
        write_file(path, combine(old, entry).encode("utf-8"))
        return
    joined = old if old.endswith("\n") or not old else old + "\n"
    write_file(path, (joined + entry).encode("utf-8"))
