"""The first seed's "Scaling up" table, computed: ``python -m models.experiments scaling``.

Each network (TinyCNN, LeNet-5, AlexNet, VGG-16, ResNet-18, ResNet-50) is built from its
definition in ``models/``, then measured on this machine:

* parameters: the sum of ``p.numel()`` over ``model.parameters()``;
* weight layers: the ``Conv2d`` and ``Linear`` modules it holds;
* depth: the most weight layers on one path from the input to the logits, read from the
  autograd graph of one forward pass (a forward hook marks the node each weight layer
  made). ResNet's ``downsample`` convs lie on the shortcut beside a block, not on that
  path: ResNet-50 has 54 weight layers and depth 50;
* one forward (eval mode, no graph) and one forward + backward (train mode, cross-entropy
  on one label, gradients for every parameter) on one image at the model's input size:
  the median of several rounds, in seconds;
* peak memory of one more forward + backward, measured with ``tracemalloc`` (see
  ``profiling.peak_bytes`` for why not ``ru_maxrss``).

``--quick`` measures TinyCNN and LeNet-5 only (:data:`QUICK_MODELS`), a smoke test. The
table goes into results.md between ``<!-- scaling: begin -->`` and ``<!-- scaling: end -->``
(``sections.py``), replacing only that section; ``python -m models.experiments all`` keeps
it (its timings are this machine's, so the trained tables' check leaves it out).
"""

from __future__ import annotations

import os
import platform
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import microtensor as mt
import microtensor.nn.functional as F  # noqa: N812 (PyTorch's spelling)
from microtensor import nn
from models.alexnet import alexnet
from models.cli import CLIError, writable_folder
from models.experiments import sections
from models.experiments.accuracy import Progress, Results, Settings
from models.experiments.profiling import median_seconds, peak_bytes, weight_layer_depth
from models.experiments.table import Table, count
from models.lenet import LeNet5
from models.resnet import resnet18, resnet50
from models.tinycnn import TinyCNN
from models.training import count_parameters
from models.vgg import vgg16

TITLE = "Scaling up: from TinyCNN to modern CNNs (first seed)"
QUICK_MODELS = ("TinyCNN", "LeNet-5")
SECTION = "scaling"  # results.md's section between <!-- scaling: begin/end --> markers
MEGABYTE = 2**20


@dataclass(frozen=True)
class Spec:
    """One row of the table: how to build the network and what the seed says of it.

    Attributes:
        name, year: as the seed's table gives them.
        build: ``build(generator)`` makes the network (1000 classes where it has a choice).
        input_shape: one image (channels, height, width) at the network's input size.
        probe_shape: a smaller image the network accepts, for the depth probe.
        params_stated, depth_stated: the seed's figures ("-": not in the seed).
        reference_params: the count the definition must give: torchvision's for 1000
            classes (LeNet-5: PyTorch's tutorial ``Net``; TinyCNN: the seed's 114).
    """

    name: str
    year: int
    build: Callable[[np.random.Generator], nn.Module]
    input_shape: tuple[int, int, int]
    probe_shape: tuple[int, int, int]
    params_stated: str
    depth_stated: str
    reference_params: int


MODELS: tuple[Spec, ...] = (
    Spec("TinyCNN", 2025, lambda g: TinyCNN(3, generator=g), (1, 8, 8), (1, 8, 8),
         "114", "2", 114),
    Spec("LeNet-5", 1998, lambda g: LeNet5(generator=g), (1, 32, 32), (1, 32, 32),
         "60 K", "5", 61_706),
    Spec("AlexNet", 2012, lambda g: alexnet(generator=g), (3, 224, 224), (3, 63, 63),
         "60 M", "8", 61_100_840),
    Spec("VGG-16", 2014, lambda g: vgg16(generator=g), (3, 224, 224), (3, 32, 32),
         "138 M", "16", 138_357_544),
    Spec("ResNet-18", 2015, lambda g: resnet18(generator=g), (3, 224, 224), (3, 32, 32),
         "-", "-", 11_689_512),
    Spec("ResNet-50", 2015, lambda g: resnet50(generator=g), (3, 224, 224), (3, 32, 32),
         "25 M", "50", 25_557_032),
)  # fmt: skip


@dataclass
class Measurement:
    """What :func:`measure` found for one :class:`Spec` (timings None when not timed)."""

    spec: Spec
    parameters: int
    weight_layers: int
    depth: int
    build_seconds: float
    forward_seconds: float | None = None
    train_seconds: float | None = None
    rounds: tuple[int, int] = (0, 0)
    peak_bytes: int | None = None


def measure(spec: Spec, timed: bool = True, progress: Progress | None = None) -> Measurement:
    """Build ``spec``'s network and count it; when ``timed``, also time it and take its peak
    memory on one image (float32, from a seeded generator)."""
    generator = np.random.default_rng(0)
    start = time.perf_counter()
    model = spec.build(generator)
    built = time.perf_counter() - start
    probe = mt.from_numpy(generator.standard_normal((1, *spec.probe_shape), np.float32))
    model.eval()  # BatchNorm's running statistics: a probe of 1x1 maps has no batch ones
    row = Measurement(
        spec,
        count_parameters(model),
        sum(isinstance(m, nn.Conv2d | nn.Linear) for m in model.modules()),
        weight_layer_depth(model, probe),
        built,
    )
    if progress:
        progress(
            f"scaling {spec.name}: built in {built:.1f}s, {count(row.parameters)} parameters, "
            f"{row.weight_layers} weight layers, depth {row.depth}"
        )
    if not timed:
        return row
    image = mt.from_numpy(generator.standard_normal((1, *spec.input_shape), np.float32))
    label = mt.tensor([0])

    def forward() -> None:
        with mt.no_grad():
            model(image)

    def forward_backward() -> None:
        model.zero_grad()
        F.cross_entropy(model(image), label).backward()

    row.forward_seconds, forward_rounds = median_seconds(forward)
    model.train()
    row.train_seconds, train_rounds = median_seconds(forward_backward)
    row.rounds = (forward_rounds, train_rounds)
    model.zero_grad()  # the gradients are part of what the traced step allocates
    row.peak_bytes = peak_bytes(forward_backward)
    if progress:
        progress(
            f"scaling {spec.name}: forward {row.forward_seconds:.3f}s, forward+backward "
            f"{row.train_seconds:.3f}s (medians of {forward_rounds} and {train_rounds} rounds), "
            f"peak {row.peak_bytes / MEGABYTE:,.0f} MB"
        )
    return row


def significant(value: float | None) -> str:
    """Three significant digits, thousands separated: '0.0123', '4.56', '78.9', '1,234';
    '-' for None (not measured)."""
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{float(f'{value:.3g}'):g}"


def blas_threads() -> str:
    """The BLAS threads the environment asked for: on a busy machine one thread is often
    faster than one per core, whose threads wait for each other."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name):
            return f"BLAS threads {name}={os.environ[name]}"
    return "BLAS threads: the library's default (one per core)"


def scaling_table(rows: list[Measurement], quick: bool) -> Table:
    """The table of ``rows`` with the seed's figures and notes that check the seed's claims
    (``quick``: a smoke run, said in a note)."""
    table = Table(
        TITLE,
        ["model", "year", "input", "params", "params stated", "depth", "depth stated",
         "weight layers", "weights MB", "build ms", "forward ms", "forward+backward ms",
         "peak MB"],
    )  # fmt: skip
    for r in rows:
        shape = " x ".join(map(str, r.spec.input_shape))
        ms = [None if t is None else 1000 * t
              for t in (r.build_seconds, r.forward_seconds, r.train_seconds)]  # fmt: skip
        peak = None if r.peak_bytes is None else r.peak_bytes / MEGABYTE
        table.add(
            r.spec.name, r.spec.year, shape, count(r.parameters), r.spec.params_stated, r.depth,
            r.spec.depth_stated, r.weight_layers, significant(4 * r.parameters / MEGABYTE),
            *map(significant, ms), significant(peak),
        )  # fmt: skip
    by_name = {r.spec.name: r for r in rows}
    if "VGG-16" in by_name and "ResNet-50" in by_name:
        vgg, resnet = by_name["VGG-16"], by_name["ResNet-50"]
        fewer = vgg.parameters / resnet.parameters
        deeper = resnet.depth / vgg.depth
        holds = resnet.parameters < vgg.parameters and 2.5 <= deeper <= 3.5
        table.notes.append(
            f"The seed's note, checked: ResNet-50 has {count(resnet.parameters)} parameters, "
            f"{fewer:.2f}x fewer than VGG-16's {count(vgg.parameters)} (a ratio of "
            f"{resnet.parameters / vgg.parameters:.3f}), and is {deeper:.3f}x as deep "
            f"({resnet.depth} vs {vgg.depth}; counting every weight layer, "
            f"{resnet.weight_layers} vs {vgg.weight_layers}: "
            f"{resnet.weight_layers / vgg.weight_layers:.3f}x): 'fewer parameters despite "
            f"being 3x deeper' {'holds' if holds else 'does NOT hold'}. Most of VGG-16's "
            "parameters are in its first linear layer (25,088 x 4,096); ResNet-50 averages "
            "its last 7 x 7 maps instead, and its 1x1 convolutions keep the 3x3 ones narrow."
        )
    wrong = [r.spec.name for r in rows if r.parameters != r.spec.reference_params]
    table.notes.append(
        "Every count equals torchvision's for 1000 classes (LeNet-5: PyTorch's tutorial Net; "
        "TinyCNN: the seed's 114)."
        if not wrong
        else f"These counts differ from torchvision's: {', '.join(wrong)}."
    )
    table.notes.append(
        "Depth: the most weight layers (Conv2d, Linear) on one path from input to logits, "
        "read from the autograd graph of one forward pass; weight layers: all of them "
        "(ResNet's downsample convs sit on the shortcuts, beside the blocks)."
    )
    if quick:
        table.notes.append("`--quick`: the two small networks only, a smoke test.")
    if all(r.forward_seconds is None for r in rows):
        return table
    table.notes.append(
        f"Measured on {time.strftime('%Y-%m-%d')} by `python -m models.experiments scaling`. "
        "One image (batch of 1, float32). Forward: eval mode under no_grad. Forward+backward: "
        "train mode, cross-entropy on one label, gradients for every parameter. Medians of "
        "3 to 7 rounds; build: construction with initialisation from a seeded generator. "
        f"On {platform.machine()}, {os.cpu_count()} cores shared with other work (noisy), "
        f"NumPy {np.__version__}, {blas_threads()}."
    )
    high_water = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MEGABYTE
    table.notes.append(
        "Peak MB: what one more forward+backward allocated at most at once beyond the "
        "weights (activations kept for backward, temporaries, and the gradients, as large as "
        "the weights), from tracemalloc, which sees NumPy's buffers and is reset per model "
        "(ru_maxrss is the process's high-water mark since it started; here "
        f"{high_water:,.0f} MB at the end, on Linux)."
    )
    return table


def scaling(settings: Settings, progress: Progress | None, results: Results) -> Table:
    """The scaling table: every model of :data:`MODELS` built and measured in turn."""
    specs = [s for s in MODELS if not settings.quick or s.name in QUICK_MODELS]
    rows = [measure(spec, True, progress) for spec in specs]  # one model at a time in memory
    return scaling_table(rows, settings.quick)


def markdown(table: Table) -> str:
    """The table as results.md's section (with its markers), as ``all`` and ``scaling``
    write it."""
    return sections.section(SECTION, table.markdown())


def output_folder(folder: str | Path) -> Path:
    """``folder`` for results.md, checked before the work: it is writable, and its
    results.md, if any, has no broken scaling markers (a one-line CLI error otherwise)."""
    out = writable_folder(folder, "--out")
    path = out / "results.md"
    try:
        if path.exists():
            sections.replace_section(path.read_text(), SECTION, "")
    except (ValueError, UnicodeDecodeError) as error:
        raise CLIError(f"{path}: {error}") from None
    return out


def write_results(table: Table, folder: Path) -> Path:
    """Replace the scaling section of ``folder``/results.md in place (atomically)."""
    path = folder / "results.md"
    sections.write_section(path, SECTION, table.markdown())
    return path
