"""Measure how long a build takes and how much memory it needs, on a generated deck.

    python bench/bench.py --notes 20000            # cold build, unchanged rebuild, one card edited
    python bench/bench.py --notes 2000 --formats apkg csv

Not a test: timings depend on the machine. Each build runs as `cardsmith build` in a new
process, as an author would run it, and prints its time and peak memory, so that a change can be
compared before and after on the same machine. Nothing is written outside a temp folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CURRICULUM = "# Bench\n\n" + "".join(
    f"## Фаза {p}: Часть {p}\n\n"
    + "".join(f"### Неделя {w}: Тема {w}\n- **Раздел**\n  - Пункт А\n  - Пункт Б\n\n" for w in range(1, 6))
    for p in range(1, 5)
)

CARD = """\
  - id: card-{n}
    topic: Фаза {p} / Неделя {w} / Раздел / Пункт {leaf}
    q: |
      Что выведет код ниже, и почему именно так? Номер вопроса {n}: подумайте о `list` и `dict`.

      ```python
      def f{n}(items: list[int]) -> dict[str, int]:
          total = sum(x * {n} for x in items if x % 2 == 0)
          return {{"total": total, "count": len(items)}}

      print(f{n}([1, 2, 3, 4]))
      ```
    a: "`{{'total': {total}, 'count': 4}}` — сумма чётных, умноженных на {n}."
    extra: Генератор внутри `sum` не строит список; **dict** печатается с кавычками.
"""


def make_deck(folder: Path, notes: int) -> None:
    (folder / "questions").mkdir(parents=True)
    (folder / "deck.yaml").write_text("title: Bench\nid: bench\n", encoding="utf-8")
    (folder / "curriculum.md").write_text(CURRICULUM, encoding="utf-8")
    per_file = 1000
    for start in range(0, notes, per_file):
        cards = []
        for n in range(start, min(notes, start + per_file)):
            p, w, leaf = n % 4 + 1, n // 4 % 5 + 1, "АБ"[n % 2]
            cards.append(CARD.format(n=n, p=p, w=w, leaf=leaf, total=6 * n))
        (folder / "questions" / f"q{start // per_file:03d}.yaml").write_text(
            "cards:\n" + "".join(cards), encoding="utf-8"
        )


def timed_build(work: Path, formats: list[str]) -> tuple[float, float, str]:
    """Seconds, peak memory (MB) and summary line of one `cardsmith build` in a new process."""
    command = [sys.executable, "-m", "cardsmith", "build", "--cards", str(work / "cards"), "--out", str(work / "decks")]
    command += [arg for name in formats for arg in ("--format", name)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, env=os.environ | {"SOURCE_DATE_EPOCH": "1700000000"}
    )
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--formats", nargs="*", default=["apkg"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cardsmith-bench-"))
    try:
        make_deck(work / "cards", args.notes)
        for label in ("cold build", "unchanged rebuild", "one card edited"):
            if label == "one card edited":
                first = work / "cards" / "questions" / "q000.yaml"
                first.write_text(
                    first.read_text(encoding="utf-8").replace("Номер вопроса 0:", "Вопрос 0:"), encoding="utf-8"
                )
            seconds, peak, summary = timed_build(work, args.formats)
            print(f"{label:18} {args.notes} notes  {seconds:7.2f} s  {peak:6.0f} MB peak  ({summary})")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
