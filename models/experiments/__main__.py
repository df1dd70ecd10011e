"""``python -m models.experiments``: runs its command line, models/experiments/cli.py."""

from models.experiments.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
