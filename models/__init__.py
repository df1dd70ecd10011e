"""The seeds' models, run from the checkout: ``python -m models.tinycnn train``.

* ``datasets``: the synthetic 8x8 stripe set (3 or 4 classes) and the 6x6 edge set;
  ``digits``: scikit-learn's real 8x8 handwritten digits and their fixed split (the
  ``data`` extra); ``run_data``: a run's data by name (``--dataset stripes|digits``).
* ``tinycnn``, ``mlp``, ``lenet``, ``edgenet``: one package per network. Its ``__init__``
  defines the network, its defaults and its :class:`~models.recipe.Recipe` (and imports no CLI);
  its ``cli`` is the command line that ``python -m models.<name>`` runs.
  TinyCNN is ``Conv2d(1, 3, 3) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear``; the MLPs
  are the one-hidden-layer baselines, 64 -> hidden -> classes (``mlp.sweep``: the
  capacity sweep); LeNet-5 trains on the digits upsampled to 32x32; the edge net is the
  second seed's one-filter horizontal-edge detector.
* ``experiments``: every table of the seeds, reproduced from real runs.
* ``recipe`` and ``training``: run configs and recipes; the training loop and checkpoints.
* ``cli`` and ``commands``: what the command lines share (argparse, the config flags) and
  the subcommands every model has (train, eval, trace, gradcheck, graph; ``train_command``
  and ``trace_command`` hold the first and the third).
* ``run_folder``, ``text``, ``plots``: a run's folder, text output and PNG figures.
"""
