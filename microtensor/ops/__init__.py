"""The ops: primitives (one ``Function`` class each) and the public ops declared on them.

Each file holds one family: its primitives first, then its public ops, each declared
once in the op table with ``@public`` (``table.py``). Importing this package registers
every primitive and gives ``Tensor`` its methods.

* ``arithmetic.py``:  Add, Mul, Div, Neg, Pow; add, sub, mul, div, neg, pow, sqrt, eq, lt, ...
* ``elementwise.py``: Exp, Log, Abs, Tanh, Sigmoid, Relu, Cast; exp, log, ..., to, clone
* ``reduction.py``:   Sum, Max, Min; sum, mean, max, min, argmax
* ``shape.py``:       Reshape, Permute, BroadcastTo, SumTo, Index, IndexAdjoint; reshape, ...
* ``linalg.py``:      MatMul; matmul, linear
* ``softmax.py``:     LogSoftmax; log_softmax, softmax
* ``conv.py``:        Conv2d, ConvTranspose2d, Conv2dWeight; conv2d
* ``convolutions.py``: conv2d (dilation, groups, 'same'), conv1d, conv_transpose2d
* ``pool.py``:        MaxPool2d, PoolGather, PoolScatter; max_pool2d
* ``avgpool.py``:     avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d (compositions)
* ``loss.py``:        CrossEntropy, CrossEntropyGrad (the fused plain cross-entropy)
* ``losses.py``:      mse_loss, l1_loss, smooth_l1_loss, huber_loss, binary_cross_entropy,
  binary_cross_entropy_with_logits, kl_div
* ``classification.py``: nll_loss, cross_entropy (weights, label smoothing, probability targets)
* ``creation.py``:    tensor, from_numpy, zeros, ones, randn, rand, arange, ...

Shared helpers: ``arguments.py`` (dims, sizes, int-or-pair), ``windows.py`` (padding and
window geometry for conv and pool), ``table.py`` (the op table).
"""

from microtensor.ops import (
    arithmetic,
    avgpool,
    classification,
    conv,
    convolutions,
    creation,
    elementwise,
    linalg,
    loss,
    losses,
    pool,
    reduction,
    shape,
    softmax,
    table,
)
from microtensor.ops.table import TABLE

table.bind_tensor_methods()

__all__ = [
    "TABLE", "arithmetic", "avgpool", "classification", "conv", "convolutions", "creation",
    "elementwise", "linalg", "loss", "losses", "pool", "reduction", "shape", "softmax", "table",
]  # fmt: skip
