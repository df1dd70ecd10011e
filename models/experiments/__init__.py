"""The seeds' tables, reproduced from real runs: ``python -m models.experiments``.

* ``accuracy``: the experiments that train (compare, sweep, four-class, robustness).
* ``parameters``: the parameter counts (no training).
* ``scaling``: LeNet-5 to ResNet-50 built, counted, timed (``profiling``: how), into its
  own section of results.md (``sections``).
* ``table``: the :class:`~models.experiments.table.Table` they return.
* ``results``: results.md and its figures, written by ``all``.
* ``cli``: the command line.
"""
