"""The seeds' models, run from the checkout: ``python -m models.tinycnn train``.

* ``datasets``: the synthetic 8x8 stripe set (3 or 4 classes) and the 6x6 edge set.
* ``tinycnn``: TinyCNN, ``Conv2d(1, 3, 3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear``.
* ``mlp``: the one-hidden-layer baselines, 64 -> hidden -> classes.
* ``edgenet``: the second seed's one-filter horizontal-edge detector on 6x6 images.
* ``experiments``: every table of the seeds, reproduced from real runs.
* ``training``, ``cli``, ``plots``: the training loop, run folders and figures they share.
"""
