"""The first seed's fully connected baselines: ``MLP(hidden, classes)``, 64 -> hidden -> classes.

    Flatten -> Linear(64, hidden) -> ReLU -> Linear(hidden, classes)

Parameters: 64 * hidden + hidden + hidden * classes + classes, i.e. 68 * hidden + 3 for
three classes (1,227 at width 18), 69 * hidden + 4 for four and 75 * hidden + 10 for the
ten digits (``--dataset digits``). The MLPs train on TinyCNN's data with TinyCNN's
defaults, so that the two compare. The capacity sweep is
in ``models/mlp/sweep.py``, the command line in ``models/mlp/cli.py``:

    python -m models.mlp train --hidden 18
    python -m models.mlp sweep --widths 1 2 4 8 16 18 32 --seeds 5
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from microtensor import nn
from models import run_data, tinycnn
from models.training import Recipe, RunConfig

DEFAULTS = {**tinycnn.DEFAULTS, "hidden": 18}


@dataclass
class MLPConfig(RunConfig):
    """A run of an MLP: the common fields and the hidden width.

    Attributes:
        hidden: width of the hidden layer.
    """

    hidden: int


class MLP(nn.Sequential):
    """One hidden layer of ``hidden`` ReLU units between the 64 pixels and the classes.

    Args:
        hidden: width of the hidden layer.
        classes: number of output classes.
        in_features: pixels per image (64 for 8x8).
        generator: draws the initial weights; the default generator when None.
    """

    def __init__(
        self,
        hidden: int,
        classes: int = 3,
        *,
        in_features: int = 64,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__(
            OrderedDict(
                flatten=nn.Flatten(),
                fc1=nn.Linear(in_features, hidden, generator=generator),
                relu=nn.ReLU(),
                fc2=nn.Linear(hidden, classes, generator=generator),
            )
        )


def parameter_count(hidden: int, classes: int, in_features: int = 64) -> int:
    """(in + 1) * hidden + (hidden + 1) * classes."""
    return (in_features + 1) * hidden + (hidden + 1) * classes


RECIPE = Recipe(
    name="mlp",
    build=lambda config, generator: MLP(config.hidden, config.classes, generator=generator),
    data=run_data.load,
    class_names=run_data.class_names,
    kernels=None,
    defaults=DEFAULTS,
    config=MLPConfig,
    dataset_defaults={"digits": tinycnn.DIGITS_DEFAULTS},
)
