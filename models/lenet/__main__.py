"""``python -m models.lenet``: runs its command line, models/lenet/cli.py."""

from models.lenet.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
