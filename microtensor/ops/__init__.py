"""The ops: primitives (one ``Function`` class each) and the public ops declared on them.

Each file holds one family: its primitives first, then its public ops, each declared
once in the op table with ``@public`` (``table.py``). Importing this package registers
every primitive and gives ``Tensor`` its methods.

* ``arithmetic.py``:  Add, Mul, Div, Neg, Pow; add, sub, mul, div, neg, pow, sqrt, eq, lt, ...
* ``elementwise.py``: Exp, Log, Abs, Tanh, Sigmoid, Relu, Cast; exp, log, ..., to, clone
* ``reduction.py``:   Sum, Max, Min; sum, mean, max, min, argmax
* ``shape.py``:       Reshape, Permute, BroadcastTo, SumTo, Index, IndexAdjoint, IndexPut;
  reshape, view, permute, transpose, x[index], x[index] = value, ...
* ``layout.py``:      Expand, Flip, Roll, Contiguous; expand, t, movedim, flip, roll, repeat, ...
* ``gather.py``:      Gather, GatherAdjoint, Scatter; gather, scatter, scatter_add
* ``masked.py``:      narrow, unbind, index_select, masked_fill, masked_select, nonzero
* ``linalg.py``:      MatMul; matmul, linear
* ``softmax.py``:     LogSoftmax; log_softmax, softmax
* ``conv.py``:        Conv2d, ConvTranspose2d, Conv2dWeight; conv2d
* ``pool.py``:        MaxPool2d, PoolGather, PoolScatter; max_pool2d
* ``loss.py``:        CrossEntropy, CrossEntropyGrad; cross_entropy
* ``creation.py``:    tensor, from_numpy, zeros, ones, randn, rand, arange, ...
* ``activation.py``:  NormalCdf, Gelu, GeluTanh, LeakyRelu, Elu, Softplus; gelu, silu, ...
* ``dropout.py``, ``normalization.py``, ``embedding.py``: dropout, dropout2d; batch_norm,
  layer_norm, group_norm; embedding (compositions)

Shared helpers: ``arguments.py`` (dims, sizes, int-or-pair), ``windows.py`` (padding and
window geometry for conv and pool), ``table.py`` (the op table).
"""

from microtensor.ops import (
    activation,
    arithmetic,
    conv,
    creation,
    dropout,
    elementwise,
    embedding,
    gather,
    layout,
    linalg,
    loss,
    masked,
    normalization,
    pool,
    reduction,
    shape,
    softmax,
    table,
)
from microtensor.ops.table import TABLE

table.bind_tensor_methods()

__all__ = [
    "TABLE", "activation", "dropout", "embedding", "normalization",
    "arithmetic", "conv", "creation", "elementwise", "gather", "layout", "linalg", "loss",
    "masked", "pool", "reduction", "shape", "softmax", "table",
]  # fmt: skip
