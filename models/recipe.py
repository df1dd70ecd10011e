"""What a training run is made of: its :class:`RunConfig` (every setting, stored in the
checkpoint) and the :class:`Recipe` of a model family (how to build it, which data).

``models/training.py`` runs them; a model's package defines its recipe.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from microtensor import nn

Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@dataclass
class RunConfig:
    """Everything that defines a run (stored in its checkpoint and metrics.json).

    These are the fields every model's run has; a model with more settings subclasses it
    (``MLPConfig`` adds ``hidden``) and names the subclass in its :class:`Recipe`.

    Attributes:
        model: the recipe's name (``tinycnn``, ``mlp``, ``edgenet``, ``lenet``).
        dataset: the data it trains on (``stripes``, ``digits``, ``edges``; see
            ``models/run_data.py``), recorded so that eval and resume use the same.
        classes: number of classes.
        epochs: total number of epochs to train.
        lr: learning rate.
        batch_size: samples per step.
        optimizer: ``sgd`` (plain, no momentum) or ``adam``.
        seed: the one seed of data, initial weights and shuffling.
        train_size, val_size: number of training and validation samples (for the
            digits: the first images of the fixed training and test split).
        noise: standard deviation of the pixel noise (synthetic data only).
    """

    model: str
    dataset: str
    classes: int
    epochs: int
    lr: float
    batch_size: int
    optimizer: str
    seed: int
    train_size: int
    val_size: int
    noise: float


@dataclass(frozen=True)
class Recipe:
    """What one model family contributes to a run.

    Attributes:
        name: the CLI's name, also the default run-folder prefix.
        build: ``build(config, generator)`` makes the model, drawing initial weights
            from ``generator``.
        data: ``data(config, generator)`` gives ``(train_x, train_y, val_x, val_y)``.
        class_names: ``class_names(config)`` for reports.
        kernels: ``kernels(model)`` copies the conv kernels ``(filters, kh, kw)`` to
            record once per epoch (for filters.png); None for models without.
        defaults: the default value of every config field but ``model``.
        config: the run's config class: :class:`RunConfig`, or a subclass with the
            model's own fields.
        summary: ``summary(run)``, text printed after training (default: the kernels).
        dataset_defaults: per dataset, the defaults that differ from ``defaults`` when
            that dataset is chosen (``{"digits": {"classes": 10, ...}}``).
        stages: ``stages(model)``, the forward pass as named modules applied one after
            the other (for ``trace``); None when the model is a ``Sequential`` of them.
    """

    name: str
    build: Callable[[Any, np.random.Generator | None], nn.Module]
    data: Callable[[Any, np.random.Generator], Data]
    class_names: Callable[[Any], tuple[str, ...]]
    kernels: Callable[[nn.Module], np.ndarray] | None
    defaults: Mapping[str, Any]
    config: type[RunConfig] = RunConfig
    summary: Callable[[Any], str] | None = None
    dataset_defaults: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    stages: Callable[[nn.Module], list[tuple[str, nn.Module]]] | None = None

    def make_config(self, **changes: Any) -> RunConfig:
        """This model's config: its ``defaults``, those of the dataset chosen (in
        ``changes`` or by default), then ``changes``."""
        dataset = changes.get("dataset", self.defaults["dataset"])
        values = {**self.defaults, **self.dataset_defaults.get(dataset, {}), **changes}
        return self.config(model=self.name, **values)
