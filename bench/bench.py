"""Measure how long a build takes and how much memory it needs, on a generated deck.

    python bench/bench.py --notes 20000            # a cold build, then an unchanged rebuild
    python bench/bench.py --notes 2000 --formats apkg csv

Not a test: timings depend on the machine. It prints one line per stage, so that a change
can be compared before and after on the same machine. Nothing is written outside a temp folder.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from cardsmith.build import build

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--formats", nargs="*", default=["apkg"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cardsmith-bench-"))
    try:
        make_deck(work / "cards", args.notes)
        for label in ("cold build", "unchanged rebuild"):
            start = time.perf_counter()
            result = build(work / "cards", work / "decks", tuple(args.formats), now=1_700_000_000)
            seconds = time.perf_counter() - start
            print(f"{label:18} {args.notes} notes  {seconds:7.2f} s  {len(result.written)} file(s) written")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory        {peak:7.0f} MB")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
