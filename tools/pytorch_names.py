"""The PyTorch names that docs/pytorch-coverage.md reports on, by area (kept by hand).

Each entry is a PyTorch name as a user writes it: ``torch.cat`` (looked up as ``mt.cat``),
``Tensor.add_``, ``F.one_hot`` (``torch.nn.functional``), ``nn.Linear``, ``optim.SGD``,
``autograd.grad``, ``cuda.is_available``. Whether microtensor has it is read from the code
by tools/generate.py, never written here; ``DIFFERS`` says, for names that exist, how they
differ from PyTorch. A name that is missing is reported "not supported".
"""

from __future__ import annotations

AREAS: dict[str, list[str]] = {
    "Creation": [
        "torch.tensor", "torch.as_tensor", "torch.from_numpy", "torch.zeros", "torch.ones",
        "torch.full", "torch.empty", "torch.zeros_like", "torch.ones_like", "torch.full_like",
        "torch.empty_like", "torch.eye", "torch.arange", "torch.linspace", "torch.logspace",
        "torch.complex", "torch.sparse_coo_tensor",
    ],
    "Randomness": [
        "torch.manual_seed", "torch.seed", "torch.initial_seed", "torch.Generator",
        "torch.rand", "torch.randn", "torch.randint", "torch.randperm", "torch.rand_like",
        "torch.randn_like", "torch.randint_like", "torch.normal", "torch.bernoulli",
        "torch.multinomial", "torch.poisson", "Tensor.uniform_", "Tensor.normal_",
        "Tensor.random_", "Tensor.exponential_",
    ],
    "Joining and splitting": [
        "torch.cat", "torch.concat", "torch.stack", "torch.split", "torch.chunk",
        "torch.where", "torch.tril", "torch.triu", "torch.meshgrid", "F.one_hot",
        "torch.hstack", "torch.vstack", "torch.tensor_split", "torch.unbind",
    ],
    "Math": [
        "torch.add", "torch.sub", "torch.mul", "torch.div", "torch.neg", "torch.pow",
        "torch.sqrt", "torch.exp", "torch.log", "torch.abs", "torch.tanh", "torch.sigmoid",
        "torch.sin", "torch.cos", "torch.tan", "torch.log10", "torch.log2", "torch.log1p",
        "torch.expm1", "torch.exp2", "torch.rsqrt", "torch.square", "torch.reciprocal",
        "torch.sign", "torch.floor", "torch.ceil", "torch.round", "torch.trunc",
        "torch.clamp", "torch.clip", "torch.maximum", "torch.minimum", "torch.lerp",
        "torch.addmm", "torch.mm", "torch.bmm", "torch.mv", "torch.dot", "torch.outer",
        "torch.einsum", "torch.matmul", "torch.erf",
    ],
    "Reductions and comparisons": [
        "torch.sum", "torch.mean", "torch.std", "torch.var", "torch.norm", "torch.prod",
        "torch.cumsum", "torch.logsumexp", "torch.amax", "torch.amin", "torch.all",
        "torch.any", "torch.count_nonzero", "torch.sort", "torch.argsort", "torch.topk",
        "torch.argmax", "torch.argmin", "torch.max", "torch.min", "torch.eq", "torch.ne",
        "torch.lt", "torch.le", "torch.gt", "torch.ge", "torch.isnan", "torch.isinf",
        "torch.isfinite", "torch.allclose", "torch.equal",
    ],
    "Shape": [
        "torch.reshape", "Tensor.view", "torch.flatten", "torch.permute", "torch.transpose",
        "torch.unsqueeze", "torch.squeeze", "Tensor.expand", "torch.t", "Tensor.T",
        "Tensor.mT", "Tensor.view_as", "Tensor.reshape_as", "Tensor.expand_as",
        "Tensor.repeat", "torch.flip", "torch.roll", "torch.narrow", "torch.gather",
        "torch.scatter", "torch.scatter_add", "torch.index_select", "torch.masked_fill",
        "torch.masked_select", "torch.nonzero", "torch.movedim", "torch.swapaxes",
        "Tensor.contiguous", "torch.clone",
    ],
    "In place": [
        "Tensor.add_", "Tensor.sub_", "Tensor.mul_", "Tensor.div_", "Tensor.pow_",
        "Tensor.zero_", "Tensor.fill_", "Tensor.copy_", "Tensor.clamp_", "Tensor.neg_",
        "Tensor.exp_", "Tensor.requires_grad_", "Tensor.__setitem__", "Tensor.__iadd__",
        "Tensor.__imatmul__",
    ],
    "Conversions and Python protocols": [
        "Tensor.item", "Tensor.tolist", "Tensor.numpy", "Tensor.float", "Tensor.double",
        "Tensor.half", "Tensor.long", "Tensor.int", "Tensor.bool", "Tensor.type_as",
        "Tensor.to", "Tensor.cpu", "Tensor.type", "Tensor.dim", "Tensor.nelement",
        "Tensor.numel", "Tensor.element_size", "Tensor.size", "Tensor.__float__",
        "Tensor.__int__", "Tensor.__index__", "Tensor.__bool__", "Tensor.__format__",
        "Tensor.__len__", "Tensor.__iter__", "Tensor.__contains__", "Tensor.__hash__",
        "torch.Size", "torch.dtype", "torch.float32", "torch.float", "torch.float64",
        "torch.double", "torch.float16", "torch.half", "torch.bfloat16", "torch.int64",
        "torch.long", "torch.int32", "torch.int", "torch.uint8", "torch.bool",
        "torch.complex64", "torch.get_default_dtype", "torch.set_default_dtype",
    ],
    "Devices": [
        "torch.device", "torch.set_default_device", "torch.get_default_device",
        "Tensor.device", "Tensor.is_cuda", "Tensor.cuda", "cuda.is_available",
        "cuda.device_count", "cuda.manual_seed", "cuda.manual_seed_all",
        "backends.mps.is_available", "backends.cudnn.deterministic",
        "backends.cudnn.benchmark", "accelerator.is_available",
        "accelerator.current_accelerator", "nn.Module.to",
    ],
    "Autograd": [
        "Tensor.backward", "Tensor.grad", "Tensor.grad_fn", "Tensor.is_leaf",
        "Tensor.detach", "Tensor.retain_grad", "Tensor.register_hook", "torch.no_grad",
        "torch.enable_grad", "torch.set_grad_enabled", "torch.is_grad_enabled",
        "torch.inference_mode", "autograd.grad", "autograd.backward", "autograd.Function",
        "autograd.gradcheck", "autograd.gradgradcheck", "autograd.Variable",
    ],
    "Older spellings": [
        "torch.Tensor", "torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor",
        "torch.BoolTensor", "torch.IntTensor", "torch.ByteTensor", "torch.HalfTensor",
        "autograd.Variable", "Tensor.type",
    ],
}

# How a name that exists differs from PyTorch's (the reason a user would notice).
DIFFERS: dict[str, str] = {
    "torch.Generator": "NumPy's PCG64 stream: the same seed gives other numbers than PyTorch; "
    "get_state() returns a dict, not a ByteTensor",
    "torch.manual_seed": "NumPy's stream: the same seed gives other numbers than PyTorch",
    "torch.rand": "NumPy's stream (other numbers for the same seed)",
    "torch.randn": "NumPy's stream (other numbers for the same seed)",
    "torch.normal": "NumPy's stream; the result carries no gradient",
    "torch.multinomial": "without replacement drawn by Gumbel top-k (same distribution, "
    "other numbers)",
    "Tensor.numpy": "the array itself, shared",
    "Tensor.cuda": "raises: microtensor runs on the CPU only",
    "torch.device": "only 'cpu' exists; any other device raises, saying so",
    "torch.set_default_device": "only 'cpu' is accepted",
    "Tensor.type": "type names read 'microtensor.FloatTensor'",
    "torch.Size": "prints as microtensor.Size([2, 3]); in f-strings the plain tuple (2, 3)",
    "torch.dtype": "prints as microtensor.float32; wraps a NumPy dtype, compares equal to it",
    "torch.meshgrid": "indexing defaults to 'ij' without PyTorch's warning",
    "torch.Tensor": "Tensor(list) is float32 as PyTorch's, but Tensor(ndarray) keeps the "
    "array's dtype (PyTorch: float32); also takes dtype=",
}
