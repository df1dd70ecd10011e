"""``python -m models.tinycnn``: runs its command line, models/tinycnn/cli.py."""

from models.tinycnn.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
