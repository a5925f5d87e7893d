"""What every exporter receives and returns: a pure function from the built deck to file bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Protocol

from cardsmith.model import Curriculum, DeckConfig, Note


@dataclass(frozen=True, slots=True)
class BuiltDeck:
    """Everything an exporter needs: notes in curriculum order with their times."""

    config: DeckConfig
    curriculum: Curriculum
    notes: tuple[Note, ...]
    notetype_mods: dict[str, int]  # note type key -> mod time from the lock
    media: tuple[tuple[str, bytes], ...] = ()  # (flat file name, content), sorted

    def phase_ordinal(self, phase_index: int) -> int:
        """1-based position of a phase among the phases."""
        return [n.index for n in self.curriculum.phases].index(phase_index) + 1


class Exporter(Protocol):
    """One output format: a name for `--format` and a function to the files it writes."""

    name: str
    description: str

    def export(self, deck: BuiltDeck) -> dict[str, bytes]:
        """File names (relative to the output folder) and their exact bytes."""
        ...

    def patterns(self, deck: BuiltDeck) -> tuple[str, ...]:
        """Globs (relative to the output folder) of every file this format may write for the deck.

        The build deletes matching files that it no longer writes, and nothing else.
        """
        ...


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(members: dict[str, bytes]) -> bytes:
    """A zip with sorted members, fixed times and deflate: the same input gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            out.writestr(info, members[name], compresslevel=9)
    return buffer.getvalue()
