"""``python -m models.mlp``: runs its command line, models/mlp/cli.py."""

from models.mlp.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
