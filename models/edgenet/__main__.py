"""``python -m models.edgenet``: runs its command line, models/edgenet/cli.py."""

from models.edgenet.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
