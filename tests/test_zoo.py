"""The model zoo (LeNet-5, AlexNet, VGG-16, ResNet-18, ResNet-50) and the scaling table.

Each network is built once (a module fixture), through the scaling experiment's own
``measure``: the counts, weight layers and depths below come from the real definitions.
VGG-16 is built without torchvision's re-initialisation (``init_weights=False``), which
changes values, not layers, and saves a second draw of 138 M random numbers; its
initialisation is tested on its own (slow).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import microtensor as mt
from microtensor import nn
from models.experiments import cli as experiments
from models.experiments import scaling, sections
from models.experiments.accuracy import QUICK, Results
from models.experiments.results import results_markdown
from models.experiments.sections import write_keeping_sections
from models.resnet import resnet18, resnet50
from models.vgg import CONFIG_D, VGG, make_layers, vgg16

TORCHVISION = {  # parameters for 1000 classes (LeNet-5: PyTorch's tutorial Net)
    "TinyCNN": 114,
    "LeNet-5": 61_706,
    "AlexNet": 61_100_840,
    "VGG-16": 138_357_544,
    "ResNet-18": 11_689_512,
    "ResNet-50": 25_557_032,
}


def _vgg16_layers_only(generator: np.random.Generator) -> VGG:
    return VGG(make_layers(CONFIG_D, generator=generator), init_weights=False, generator=generator)


@pytest.fixture(scope="module")
def rows() -> dict[str, scaling.Measurement]:
    specs = [
        dataclasses.replace(s, build=_vgg16_layers_only) if s.name == "VGG-16" else s
        for s in scaling.MODELS
    ]
    return {spec.name: scaling.measure(spec, timed=False) for spec in specs}


def test_parameter_counts_equal_torchvisions(rows: dict[str, scaling.Measurement]) -> None:
    assert {name: row.parameters for name, row in rows.items()} == TORCHVISION
    assert all(row.parameters == row.spec.reference_params for row in rows.values())


def test_depth_is_the_name_and_downsample_convs_are_beside_it(
    rows: dict[str, scaling.Measurement],
) -> None:
    depths = {name: row.depth for name, row in rows.items()}
    layers = {name: row.weight_layers for name, row in rows.items()}
    assert depths == {"TinyCNN": 2, "LeNet-5": 5, "AlexNet": 8, "VGG-16": 16,
                      "ResNet-18": 18, "ResNet-50": 50}  # fmt: skip
    # ResNet-18 has 3 downsample convs, ResNet-50 4: on the shortcuts, not the longest path
    assert layers == {**depths, "ResNet-18": 21, "ResNet-50": 54}


def test_the_seeds_note_resnet50_vs_vgg16(rows: dict[str, scaling.Measurement]) -> None:
    vgg, resnet = rows["VGG-16"], rows["ResNet-50"]
    params, depth = resnet.parameters / vgg.parameters, resnet.depth / vgg.depth
    print(f"ResNet-50 / VGG-16: parameters {params:.4f}, depth {depth:.4f}")
    assert params == pytest.approx(0.18472, abs=1e-5)  # 5.41x fewer parameters
    assert depth == 3.125  # "3x deeper": 50 / 16
    table = scaling.scaling_table(list(rows.values()), quick=False)
    note = table.notes[0]
    assert "5.41x fewer" in note and "3.125x as deep" in note and "' holds." in note
    assert "equals torchvision's" in table.notes[1]
    assert [row[0] for row in table.rows] == list(TORCHVISION)
    assert table.rows[-1][3:8] == ["25,557,032", "25 M", "50", "50", "54"]


def test_the_note_says_so_when_the_claim_fails(rows: dict[str, scaling.Measurement]) -> None:
    shallow = dataclasses.replace(rows["ResNet-50"], depth=16)
    table = scaling.scaling_table([rows["VGG-16"], shallow], quick=False)
    assert "does NOT hold" in table.notes[0]


def test_resnet_has_torchvisions_names_shapes_and_initialisation() -> None:
    model = resnet18(num_classes=10, generator=np.random.default_rng(0))
    state = model.state_dict()
    assert len(state) == 122  # 62 parameters, 60 BatchNorm buffers
    assert tuple(state["layer2.0.downsample.0.weight"].shape) == (128, 64, 1, 1)
    assert tuple(state["layer4.1.bn2.running_var"].shape) == (512,)
    assert tuple(state["fc.weight"].shape) == (10, 512)
    conv = model.layer3[1].conv1.weight.detach().numpy()  # kaiming_normal_ fan_out relu
    assert conv.std() == pytest.approx(math.sqrt(2 / (256 * 9)), rel=0.02)
    assert abs(conv.mean()) < 0.01 * conv.std()
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            assert (module.weight.detach().numpy() == 1).all()
            assert (module.bias.detach().numpy() == 0).all()
        if isinstance(module, nn.Conv2d):
            assert module.bias is None
    with mt.no_grad():
        logits = model.eval()(mt.zeros(2, 3, 32, 32))
    assert logits.shape == (2, 10)


def test_bottleneck_blocks_widen_by_four() -> None:
    model = resnet50(num_classes=10, generator=np.random.default_rng(0))
    block = model.layer2[0]
    assert [tuple(c.weight.shape) for c in (block.conv1, block.conv2, block.conv3)] == [
        (128, 256, 1, 1), (128, 128, 3, 3), (512, 128, 1, 1)]  # fmt: skip
    assert block.conv2.stride == (2, 2) and block.conv1.stride == (1, 1)  # "v1.5"
    assert model.layer1[0].downsample is not None and model.layer1[1].downsample is None


@pytest.mark.slow
def test_vgg16_has_torchvisions_initialisation() -> None:
    model = vgg16(generator=np.random.default_rng(0))
    conv = model.features[28]  # the last conv, 512 -> 512
    assert conv.weight.detach().numpy().std() == pytest.approx(math.sqrt(2 / (512 * 9)), rel=0.01)
    assert (conv.bias.detach().numpy() == 0).all()
    for index in (0, 3, 6):
        linear = model.classifier[index]
        assert linear.weight.detach().numpy()[:64].std() == pytest.approx(0.01, rel=0.02)
        assert (linear.bias.detach().numpy() == 0).all()


OLD = "# Results\n\nbefore\n\n<!-- scaling: begin -->\nold table\n<!-- scaling: end -->\n\nafter\n"


def test_scaling_quick_rewrites_only_its_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results.md"
    results.write_text(OLD)
    assert experiments.main(["scaling", "--quick", "--out", str(tmp_path)]) == 0
    text = results.read_text()
    assert text.startswith("# Results\n\nbefore\n\n<!-- scaling: begin -->\n### Scaling up")
    assert text.endswith("<!-- scaling: end -->\n\nafter\n") and "old table" not in text
    assert "| LeNet-5 | 1998 | 1 x 32 x 32 | 61,706 | 60 K | 5 | 5 | 5 |" in text
    assert "VGG-16" not in text and "--quick" in text  # the smoke run: two small networks
    out = capsys.readouterr().out
    assert "scaling LeNet-5: forward" in out and "wrote its section of" in out  # progress
    assert [path.name for path in tmp_path.iterdir()] == ["results.md"]  # no temporary left


def test_scaling_refuses_broken_markers_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "results.md").write_text("<!-- scaling: end -->\n<!-- scaling: begin -->\n")
    assert experiments.main(["scaling", "--quick", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "end before begin" in captured.err and captured.err.count("\n") == 1
    assert "scaling TinyCNN" not in captured.out


def test_sections_append_replace_and_refuse() -> None:
    assert sections.replace_section("", "s", "x") == "<!-- s: begin -->\nx\n<!-- s: end -->\n"
    appended = sections.replace_section("# T\n", "s", "x")
    assert appended == "# T\n\n<!-- s: begin -->\nx\n<!-- s: end -->\n"
    assert sections.replace_section(appended, "s", "y") == appended.replace("\nx\n", "\ny\n")
    assert sections.replace_section(appended, "other", "z").startswith(appended)
    with pytest.raises(ValueError, match="found 2 and 1"):
        sections.replace_section(appended + "<!-- s: begin -->", "s", "y")


def test_all_keeps_the_section_that_scaling_writes(
    rows: dict[str, scaling.Measurement], tmp_path: Path
) -> None:
    results = tmp_path / "results.md"
    scaling.write_results(scaling.scaling_table([rows["TinyCNN"]], quick=True), tmp_path)
    section = results.read_text()
    write_keeping_sections(results, results_markdown(Results(), {}, QUICK, 1.0))
    rewritten = results.read_text()
    assert rewritten.startswith("# Results") and rewritten.endswith(section)
    assert rewritten.count("<!-- scaling: end -->") == 1
