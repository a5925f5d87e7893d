"""`python -m cardsmith`, and the `cardsmith` command: Ctrl-C while it starts ends it quietly too."""

from __future__ import annotations

import sys


def main() -> None:
    """Entry point of the console script: load the command line, then run it."""
    try:
        from cardsmith.cli import main as run

        run()
    except KeyboardInterrupt:  # before the command line is loaded (it handles its own)
        sys.stderr.write("\ninterrupted\n")
        sys.exit(130)


if __name__ == "__main__":  # not when a worker process re-imports this module (spawn start method)
    main()
