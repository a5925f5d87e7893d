"""Measure cardsmith's speed and memory against a reference that does the bare minimum, in the same run.

    python bench/bench.py --notes 20000            # the figures of the README's Development section
    python bench/bench.py --notes 2000 --runs 3    # quicker; the median of three runs
    python bench/bench.py --shipped                # this repository's own deck, every format

Not a test: timings depend on the machine, so every figure is a ratio to another measured in the
same run. Each command runs as a new process, as an author would run it; its wall time and the
peak memory of its main process are read from the operating system. The generated deck has
four phases of five weeks, and every card a question with a Python snippet, an answer and an
explanation. The reference (bench/reference.py) renders every field with the same libraries
and writes one package.

Per run, in a new temporary folder:
  reference        bench/reference.py on the generated cards
  cold build       `cardsmith build --format apkg`: no cache, no lock, no decks yet
  unchanged        the same again
  one answer       after editing one card's answer
  status           `cardsmith status` after editing another card's answer

Nothing is written outside the temporary folder, which is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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
    """A deck project of `notes` cards, a thousand to a file."""
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


def run(command: list[str], work: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of the command's own process, run in a new process."""
    env = os.environ | {"SOURCE_DATE_EPOCH": "1700000000", "TMPDIR": str(work / "tmp")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as an author runs it: Python keeps compiled modules
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read().decode() if process.stderr else ''}")
    return seconds, usage.ru_maxrss / 1024


def edit_answer(cards: Path, n: int) -> None:
    """Change the answer of card n of the generated deck."""
    path = cards / "questions" / f"q{n // 1000:03d}.yaml"
    text = path.read_text(encoding="utf-8")
    old = f'умноженных на {n}."'
    assert old in text
    path.write_text(text.replace(old, f'умноженных на {n}, ровно."', 1), encoding="utf-8")


def cardsmith(*args: str) -> list[str]:
    return [sys.executable, "-m", "cardsmith", *args]


def one_run(notes: int, formats: list[str]) -> dict[str, tuple[float, float]]:
    work = Path(tempfile.mkdtemp(prefix="cardsmith-bench-"))
    try:
        (work / "tmp").mkdir()
        cards, decks = work / "cards", work / "decks"
        make_deck(cards, notes)
        build = cardsmith("build", "--cards", str(cards), "--out", str(decks), *(f"--format={f}" for f in formats))
        found = {}
        found["reference"] = run(
            [sys.executable, str(ROOT / "bench" / "reference.py"), str(cards), str(work / "reference.apkg")], work
        )
        found["cold build"] = run(build, work)
        found["unchanged rebuild"] = run(build, work)
        edit_answer(cards, 1)
        found["one answer edited"] = run(build, work)
        edit_answer(cards, 2)
        found["status after an edit"] = run(cardsmith("status", "--cards", str(cards)), work)
        return found
    finally:
        shutil.rmtree(work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--formats", nargs="*", default=["apkg"])
    parser.add_argument("--shipped", action="store_true", help="time this repository's deck instead, every format")
    args = parser.parse_args()
    if args.shipped:
        shipped(args.runs)
        return
    runs = [one_run(args.notes, args.formats) for _ in range(args.runs)]

    def median(label: str, index: int = 0) -> float:
        return statistics.median(found[label][index] for found in runs)

    def ratio(label: str, to: str) -> float:
        return statistics.median(found[label][0] / found[to][0] for found in runs)

    print(f"{args.notes} notes, --format {' '.join(args.formats)}, median of {args.runs} run(s)")
    print(f"{'figure':24} {'seconds':>8}  {'ratio':<22} target")
    rows = [
        ("reference", "", ""),
        ("cold build", f"{ratio('cold build', 'reference'):.2f}× reference", "≤ 0.8"),
        ("unchanged rebuild", f"{ratio('unchanged rebuild', 'cold build'):.2f}× cold build", "≤ 0.1"),
        ("one answer edited", f"{ratio('one answer edited', 'reference'):.2f}× reference", "≤ 0.1"),
        ("status after an edit", f"{ratio('status after an edit', 'reference'):.2f}× reference", "≤ 0.1"),
    ]
    for label, shown, target in rows:
        print(f"{label:24} {median(label):8.2f}  {shown:<22} {target}")
    print(
        f"{'peak memory, cold build':24} {median('cold build', 1):6.0f} MB  (reference {median('reference', 1):.0f} MB)    ≤ 250 MB"
    )


def shipped(runs: int) -> None:
    """This repository's deck, every format: a cold build, an unchanged rebuild and a one-card edit."""
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        work = Path(tempfile.mkdtemp(prefix="cardsmith-bench-"))
        try:
            (work / "tmp").mkdir()
            cards = work / "cards"
            shutil.copytree(ROOT / "cards", cards, ignore=shutil.ignore_patterns(".cardsmith-cache"))
            build = cardsmith("build", "--cards", str(cards), "--out", str(work / "decks"))
            for label in ("cold build", "unchanged rebuild", "one card edited"):
                if label == "one card edited":
                    path = next(iter(sorted((cards / "phase-2").glob("*.yaml"))))
                    text = path.read_text(encoding="utf-8")
                    path.write_text(text.replace("\n    a: ", "\n    a: Ответ — ", 1), encoding="utf-8")
                times.setdefault(label, []).append(run(build, work)[0])
        finally:
            shutil.rmtree(work)
    print(f"the shipped deck ({ROOT / 'cards'}), every format, median of {runs} run(s)")
    for label, values in times.items():
        print(f"{label:24} {statistics.median(values):6.2f} s")


if __name__ == "__main__":
    main()
