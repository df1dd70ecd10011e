"""The ops: primitives (one ``Primitive`` class each) and the public ops declared on them.

Each file holds one family: its primitives first, then its public ops, each declared
once in the op table with ``@public`` (``table.py``). Importing this package registers
every primitive and gives ``Tensor`` its methods.

* ``arithmetic.py``:  Add, Mul, Div, Neg, Pow; add, sub, mul, div, neg, sqrt, eq, lt, ...
* ``power.py``:       Power; pow (``**``, a tensor exponent or a number base)
* ``trigonometry.py``: Sin, Cos, Tan; sin, cos, tan
* ``logarithms.py``:  Log10, Log2, Log1p, Expm1, Exp2, Rsqrt; ..., square, reciprocal
* ``rounding.py``:    Sign, Floor, Ceil, Round, Trunc; sign, floor, ceil, round, trunc, fix
* ``clamp.py``:       Clamp, Maximum, Minimum, Lerp; clamp, clip, maximum, minimum, lerp
* ``matrix.py``:      mm, bmm, mv, dot, outer, addmm (on MatMul)
* ``einsum.py``:      Einsum; einsum
* ``elementwise.py``: Exp, Log, Abs, Tanh, Sigmoid, Relu, Cast; exp, log, ..., clone
* ``conversion.py``:  to, float, double, half, long, int, bool, type_as, type, cpu
* ``reduction.py``:   Sum, Max, Min; sum, mean, max, min, argmax
* ``statistics.py``:  Amax, Amin; amax, amin, var, std, logsumexp
* ``norms.py``:       Norm; norm
* ``products.py``:    Prod, ProdOthers, Cumsum; prod, cumsum
* ``sorting.py``:     sort, argsort, topk, argmin
* ``bitwise.py``:     & | ^ ~: bitwise_and, ..., logical_and, logical_or, logical_not
* ``logical.py``:     all, any, count_nonzero, isnan, isinf, isfinite, isclose, allclose, equal
* ``shape.py``:       Reshape, Permute, BroadcastTo, SumTo, Index, IndexAdjoint, IndexPut;
  reshape, view, permute, transpose, x[index], x[index] = value, ...
* ``layout.py``:      Expand, Flip, Roll, Contiguous; expand, t, movedim, flip, roll, repeat, ...
* ``gather.py``:      Gather, GatherAdjoint, Scatter; gather, scatter, scatter_add
* ``masked.py``:      narrow, unbind, index_select, masked_fill, masked_select, nonzero
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
* ``creation.py``:    tensor, as_tensor, from_numpy, zeros, ones, full, empty, eye, arange, ...
* ``sampling.py``:    rand, randn, randint, randperm, normal, bernoulli, multinomial, uniform_
* ``join.py``:        Cat, Where, Triangle; cat, stack, split, chunk, where, tril, triu, meshgrid
* ``special.py``:     Erf, Erfc, Erfinv; erf, erfc, erfinv (vectorised NumPy kernels)
* ``activation.py``:  NormalCdf, Gelu, GeluTanh, LeakyRelu, Elu, Softplus; gelu, silu, ...
* ``dropout.py``, ``normalization.py``, ``embedding.py``: dropout, dropout2d; batch_norm,
  layer_norm, group_norm; embedding (compositions)

Shared helpers: ``arguments.py`` (dims, sizes, int-or-pair), ``windows.py`` (padding and
window geometry for conv and pool), ``table.py`` (the op table).
"""

from microtensor.ops import (
    activation,
    arithmetic,
    avgpool,
    bitwise,
    clamp,
    classification,
    conv,
    conversion,
    convolutions,
    creation,
    dropout,
    einsum,
    elementwise,
    embedding,
    gather,
    join,
    layout,
    linalg,
    logarithms,
    logical,
    loss,
    losses,
    masked,
    matrix,
    normalization,
    norms,
    pool,
    power,
    products,
    reduction,
    rounding,
    sampling,
    shape,
    softmax,
    sorting,
    special,
    statistics,
    table,
    trigonometry,
)
from microtensor.ops.table import TABLE

table.bind_tensor_methods()

__all__ = [
    "TABLE", "activation", "arithmetic", "avgpool", "bitwise", "clamp", "classification",
    "conv", "conversion", "convolutions", "creation", "dropout", "einsum", "elementwise",
    "embedding", "gather", "join", "layout", "linalg", "logarithms", "logical", "loss",
    "losses", "masked", "matrix", "normalization", "norms", "pool", "power", "products",
    "reduction", "rounding", "sampling", "shape", "softmax", "sorting", "special", "statistics",
    "table", "trigonometry",
]  # fmt: skip
