"""Registry-driven property tests: every primitive against NumPy and finite differences.

The specs come from every ``tests/specs_*.py`` module (its ``SPECS`` list), found by
glob, so a new specs file is picked up without touching this one. For each spec,
Hypothesis draws inputs and checks the forward against the NumPy reference, the first
derivatives (``gradcheck``) and the second (``gradgradcheck``). A registered primitive
of microtensor without a spec fails ``test_every_primitive_has_a_spec``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import microtensor
from microtensor.autograd import Primitive, registered_functions
from microtensor.testing import PrimitiveSpec, check_spec


def _load_specs() -> list[PrimitiveSpec]:
    specs = []
    for path in sorted(Path(__file__).parent.glob("specs_*.py")):
        loader_spec = importlib.util.spec_from_file_location(f"_specs.{path.stem}", path)
        assert loader_spec is not None and loader_spec.loader is not None
        module = importlib.util.module_from_spec(loader_spec)
        loader_spec.loader.exec_module(module)
        specs.extend(module.SPECS)
    return specs


def _ids(specs: list[PrimitiveSpec]) -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for spec in specs:
        name = spec.function.__name__
        seen[name] = seen.get(name, 0) + 1
        ids.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return ids


SPECS = _load_specs()
IDS = _ids(SPECS)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@given(data=st.data())
def test_forward_matches_numpy_reference(spec: PrimitiveSpec, data: st.DataObject) -> None:
    args, kwargs = data.draw(spec.inputs, label="args, kwargs")
    check_spec(spec, args, kwargs, first_order=False, second_order=False)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@given(data=st.data())
def test_first_order_gradients(spec: PrimitiveSpec, data: st.DataObject) -> None:
    args, kwargs = data.draw(spec.inputs, label="args, kwargs")
    check_spec(spec, args, kwargs, forward=False, first_order=True, second_order=False)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@given(data=st.data())
def test_second_order_gradients(spec: PrimitiveSpec, data: st.DataObject) -> None:
    if not spec.second_order:
        pytest.skip(f"{spec.function.__name__}: second_order=False ({spec.notes})")
    args, kwargs = data.draw(spec.inputs, label="args, kwargs")
    check_spec(spec, args, kwargs, forward=False, first_order=False, second_order=True)


def _import_every_microtensor_module() -> None:
    """Import all of microtensor, so that every Primitive it defines is registered."""
    for module in pkgutil.walk_packages(microtensor.__path__, "microtensor."):
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError as error:  # an optional dependency, not our module
            if error.name is None or error.name.startswith("microtensor"):
                raise


def _without_spec(specs: list[PrimitiveSpec]) -> list[str]:
    """Names of microtensor's registered Functions that no spec in ``specs`` covers."""
    covered = {spec.function for spec in specs}
    return sorted(
        name
        for name, function in registered_functions().items()
        if function.__module__.startswith("microtensor.") and function not in covered
    )


def test_every_primitive_has_a_spec() -> None:
    _import_every_microtensor_module()
    missing = _without_spec(SPECS)
    assert not missing, (
        f"registered primitives without a PrimitiveSpec in tests/specs_*.py: {missing}; "
        "add one (input strategy, NumPy reference, differentiable positions) for each"
    )


def test_deleting_any_one_spec_is_noticed() -> None:
    """One spec per primitive: a second one could be deleted without any test failing."""
    _import_every_microtensor_module()
    for index, spec in enumerate(SPECS):
        assert _without_spec(SPECS[:index] + SPECS[index + 1 :]), (
            f"{IDS[index]} is not the only spec of {spec.function.__name__}: deleting it "
            "would go unnoticed; merge the specs of one primitive into one strategy "
            "(hypothesis.strategies.one_of)"
        )


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec_is_well_formed(spec: PrimitiveSpec) -> None:
    assert isinstance(spec.function, type) and issubclass(spec.function, Primitive)
    assert isinstance(spec.inputs, st.SearchStrategy)
    assert callable(spec.reference)
    assert spec.differentiable and all(
        isinstance(p, int) and p >= 0 for p in spec.differentiable
    )
    assert spec.atol > 0 and spec.rtol >= 0
