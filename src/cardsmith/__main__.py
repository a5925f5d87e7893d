"""`python -m cardsmith`."""

from cardsmith.cli import main

if __name__ == "__main__":  # not when a worker process re-imports this module (spawn start method)
    main()
