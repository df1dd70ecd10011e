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
        "torch.einsum", "torch.matmul", "torch.erf", "torch.erfc", "torch.erfinv",
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
    "Layers": [
        "nn.Module", "nn.Parameter", "nn.Sequential", "nn.ModuleList", "nn.ModuleDict",
        "nn.ParameterList", "nn.ParameterDict", "nn.Identity", "nn.Linear", "nn.Conv1d",
        "nn.Conv2d", "nn.ConvTranspose2d", "nn.MaxPool2d", "nn.AvgPool2d",
        "nn.AdaptiveAvgPool2d", "nn.AdaptiveMaxPool2d", "nn.Flatten", "nn.Unflatten",
        "nn.ReLU", "nn.Tanh", "nn.Sigmoid", "nn.Softmax", "nn.LogSoftmax", "nn.GELU",
        "nn.LeakyReLU", "nn.ELU", "nn.SiLU", "nn.Softplus", "nn.Dropout", "nn.Dropout2d",
        "nn.BatchNorm1d", "nn.BatchNorm2d", "nn.LayerNorm", "nn.GroupNorm", "nn.Embedding",
        "nn.RNN", "nn.LSTM", "nn.GRU", "nn.RNNCell", "nn.LSTMCell", "nn.GRUCell",
        "nn.parallel.DataParallel", "nn.Transformer", "nn.MultiheadAttention",
    ],
    "Losses": [
        "nn.MSELoss", "nn.L1Loss", "nn.SmoothL1Loss", "nn.HuberLoss", "nn.NLLLoss",
        "nn.BCELoss", "nn.BCEWithLogitsLoss", "nn.KLDivLoss", "nn.CrossEntropyLoss",
        "F.mse_loss", "F.l1_loss", "F.smooth_l1_loss", "F.huber_loss", "F.nll_loss",
        "F.binary_cross_entropy", "F.binary_cross_entropy_with_logits", "F.kl_div",
        "F.cross_entropy", "nn.CTCLoss",
    ],
    "Functional": [
        "F.linear", "F.conv1d", "F.conv2d", "F.conv_transpose2d", "F.max_pool2d",
        "F.avg_pool2d", "F.adaptive_avg_pool2d", "F.adaptive_max_pool2d", "F.relu",
        "F.gelu", "F.leaky_relu", "F.elu", "F.silu", "F.softplus", "F.softmax",
        "F.log_softmax", "F.dropout", "F.dropout2d", "F.batch_norm", "F.layer_norm",
        "F.group_norm", "F.embedding", "F.pad", "F.interpolate",
    ],
    "Initialisers and utilities": [
        "nn.init.uniform_", "nn.init.normal_", "nn.init.constant_", "nn.init.zeros_",
        "nn.init.ones_", "nn.init.eye_", "nn.init.xavier_uniform_", "nn.init.xavier_normal_",
        "nn.init.kaiming_uniform_", "nn.init.kaiming_normal_", "nn.init.trunc_normal_",
        "nn.init.orthogonal_", "nn.init.calculate_gain", "nn.utils.clip_grad_norm_",
        "nn.utils.clip_grad_value_", "nn.utils.parameters_to_vector",
        "nn.utils.vector_to_parameters",
    ],
    "Optimisers and schedulers": [
        "optim.SGD", "optim.Adam", "optim.AdamW", "optim.RMSprop", "optim.Adagrad",
        "optim.Adadelta", "optim.Adamax", "optim.NAdam", "optim.LBFGS",
        "optim.lr_scheduler.StepLR", "optim.lr_scheduler.MultiStepLR",
        "optim.lr_scheduler.ExponentialLR", "optim.lr_scheduler.CosineAnnealingLR",
        "optim.lr_scheduler.LambdaLR", "optim.lr_scheduler.LinearLR",
        "optim.lr_scheduler.OneCycleLR", "optim.lr_scheduler.ReduceLROnPlateau",
        "optim.lr_scheduler.SequentialLR",
    ],
    "Data and files": [
        "utils.data.Dataset", "utils.data.TensorDataset", "utils.data.DataLoader",
        "utils.data.random_split", "utils.data.Subset", "utils.data.ConcatDataset",
        "utils.data.RandomSampler", "utils.data.SequentialSampler", "utils.data.BatchSampler",
        "torch.save", "torch.load",
    ],
}

# How a name that exists differs from PyTorch's (the reason a user would notice).
DIFFERS: dict[str, str] = {
    "torch.save": "an .npz archive, never a pickle (PyTorch cannot read it: use "
    "mt.save_safetensors for interchange)",
    "torch.load": "reads mt.save's archives only (a PyTorch checkpoint: mt.load_safetensors)",
    "nn.parallel.DataParallel": "the transparent wrapper of a CPU-only PyTorch",
    "utils.data.DataLoader": "one process: num_workers is accepted and ignored",
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
