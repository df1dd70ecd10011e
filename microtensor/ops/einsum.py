"""Einstein summation: the primitive Einsum and the op ``einsum``.

``einsum`` accepts what ``numpy.einsum`` accepts (letters, ``...``, the implicit output
of the letters seen once in alphabetical order, size-1 axes that broadcast) and PyTorch's
extras: spaces, operands given as one list, and ``...`` in the inputs but not in an
explicit output (those axes are summed). The equation is rewritten once into an explicit
one without ``...`` (``ij,jk->ik``), which is all the primitive sees.

The gradient of operand k is itself an einsum: the output gradient and the other
operands, contracted to operand k's subscripts. Three cases need a constant operand:

* a letter only operand k has (summed in forward): ``ones(n)`` with that letter,
  which broadcasts the gradient along it;
* a letter repeated in operand k (``ii``, a diagonal): the second occurrence is renamed
  and ``eye(n)`` joins the two, so the gradient sits on the diagonal;
* a size-1 axis that broadcast against a larger one: renamed with ``ones(1)``, so the
  einsum sums over it.

So the backward is an Einsum, and second derivatives come for free.
"""

from __future__ import annotations

import string
from collections import Counter
from typing import Any

import numpy as np

from microtensor.core.function import Context, Primitive
from microtensor.core.tensor import Tensor
from microtensor.ops.table import public


def _parse(equation: str) -> tuple[list[str], str]:
    """An explicit equation without ``...``: its input subscripts and output subscripts."""
    inputs, output = equation.split("->")
    return inputs.split(","), output


def _sizes(terms: list[str], shapes: list[tuple[int, ...]]) -> dict[str, int]:
    """Each letter's size (the largest, where a size-1 axis broadcasts)."""
    sizes: dict[str, int] = {}
    for term, shape in zip(terms, shapes, strict=True):
        for letter, side in zip(term, shape, strict=True):
            sizes[letter] = max(sizes.get(letter, 1), side)
    return sizes


class Einsum(Primitive):
    """``numpy.einsum(equation, *operands)`` for an explicit equation without ``...``.

    d/d(operand k) = einsum(output gradient, other operands -> subscripts of k) (see the
    module docstring for repeated, lone and broadcast letters).
    """

    @staticmethod
    def forward(ctx: Context, *operands: np.ndarray, equation: str) -> np.ndarray:
        ctx.equation = equation
        ctx.save_for_backward(*operands)
        return np.asarray(np.einsum(equation, *operands, optimize=len(operands) > 2))

    @staticmethod
    def backward(ctx: Context, grad_output: Tensor) -> tuple[Tensor | None, ...]:
        operands = ctx.saved_tensors
        terms, output = _parse(ctx.equation)
        sizes = _sizes(terms, [operand.shape for operand in operands])
        return tuple(
            _operand_gradient(k, grad_output, operands, terms, output, sizes) if needs else None
            for k, needs in enumerate(ctx.needs_input_grad)
        )


def _operand_gradient(
    k: int, grad_output: Tensor, operands: tuple[Any, ...], terms: list[str], output: str,
    sizes: dict[str, int],
) -> Tensor:
    others = [(grad_output, output)] + [
        (operands[j], terms[j]) for j in range(len(terms)) if j != k
    ]
    elsewhere = _sizes([term for _, term in others], [operand.shape for operand, _ in others])
    fresh = iter(sorted(set(string.ascii_letters) - set("".join(terms) + output)))
    dtype = grad_output.dtype
    target, seen = "", set()
    for letter, side in zip(terms[k], operands[k].shape, strict=True):
        if letter in seen:  # a diagonal: eye joins the repeated letter to a new one
            new = next(fresh)
            others.append((np.eye(side, dtype=dtype), letter + new))
            target += new
        elif side == 1 and sizes[letter] > 1:  # broadcast: summed over by the einsum
            new = next(fresh)
            others.append((np.ones(1, dtype=dtype), new))
            target += new
        else:
            if elsewhere.get(letter, 0) < side:  # summed in forward: broadcast the gradient
                others.append((np.ones(side, dtype=dtype), letter))
                elsewhere[letter] = side
            target += letter
        seen.add(letter)
    equation = ",".join(term for _, term in others) + "->" + target
    return Einsum.apply(*[operand for operand, _ in others], equation=equation)


# ----- the public op ----------------------------------------------------------------


def _explicit(equation: str, shapes: list[tuple[int, ...]]) -> str:
    """``equation`` as an explicit equation without ``...`` or spaces, checked against the
    operands' shapes with PyTorch's messages."""
    equation = equation.replace(" ", "")
    left, arrow, right = equation.partition("->")
    terms = left.split(",")
    if len(terms) != len(shapes):
        more = "more" if len(shapes) > len(terms) else "fewer"
        raise RuntimeError(f"einsum(): {more} operands were provided than specified in the "
                           f"equation ({len(terms)} in {equation!r}, {len(shapes)} given)")
    for term in [*terms, right]:
        if set(term.replace("...", "")) - set(string.ascii_letters) or term.count("...") > 1:
            raise RuntimeError(
                f"einsum(): invalid subscripts {term!r} in {equation!r}: use letters a-z, "
                "A-Z and at most one '...' per operand"
            )
    ellipsis = 0
    for k, (term, shape) in enumerate(zip(terms, shapes, strict=True)):
        named = len(term.replace("...", ""))
        if "..." not in term and named != len(shape) or named > len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({named}) does not match "
                f"the number of dimensions ({len(shape)}) for operand {k}"
                + ("" if "..." in term else " and no ellipsis was given")
            )
        if "..." in term:
            ellipsis = max(ellipsis, len(shape) - named)
    unused = sorted(set(string.ascii_letters) - set(equation))
    if ellipsis > len(unused):
        raise RuntimeError(f"einsum(): too many dimensions for {equation!r}")
    batch = "".join(unused[:ellipsis])
    terms = [
        term.replace("...", batch[ellipsis - (len(shape) - len(term) + 3):] if ellipsis else "")
        for term, shape in zip(terms, shapes, strict=True)
    ]
    if arrow:
        output = right.replace("...", batch)
    else:
        counts = Counter("".join(terms))
        output = batch + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in batch))
    _check_letters(terms, output, shapes)
    return ",".join(terms) + "->" + output


def _check_letters(terms: list[str], output: str, shapes: list[tuple[int, ...]]) -> None:
    sizes: dict[str, int] = {}
    for k, (term, shape) in enumerate(zip(terms, shapes, strict=True)):
        own: dict[str, int] = {}
        for letter, side in zip(term, shape, strict=True):
            if own.setdefault(letter, side) != side:
                raise RuntimeError(f"einsum(): subscript {letter} is repeated for operand {k} "
                                   f"but the sizes don't match, {side} != {own[letter]}")
            seen = sizes.get(letter, 1)
            if side != seen and 1 not in (side, seen):
                raise RuntimeError(
                    f"einsum(): subscript {letter} has size {side} for operand {k} which does "
                    f"not broadcast with previously seen size {seen}"
                )
            sizes[letter] = max(seen, side)
    for letter in output:
        if letter not in sizes:
            raise RuntimeError(f"einsum(): output subscript {letter} does not appear in the "
                               "equation for any input operand")
        if output.count(letter) > 1:
            raise RuntimeError(f"einsum(): output subscript {letter} appears more than once "
                               "in the output")


@public(methods=(), tensor_first=False)
def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation over ``operands`` (Tensors, or one list of them), as
    ``numpy.einsum``: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``. Differentiable in every
    operand, to any order."""
    if not isinstance(equation, str):
        raise TypeError(
            f"einsum(): the equation must be a str (the sublist form is not supported), got "
            f"{type(equation).__name__}"
        )
    if len(operands) == 1 and isinstance(operands[0], list | tuple):
        operands = tuple(operands[0])
    for k, operand in enumerate(operands):
        if not isinstance(operand, Tensor):
            raise TypeError(f"einsum(): operand {k} must be a Tensor, got "
                            f"{type(operand).__name__}")
    dtypes = {operand.dtype for operand in operands}
    if len(dtypes) > 1:
        raise RuntimeError(
            f"einsum(): expected operands of one dtype, got {sorted(map(str, dtypes))}"
        )
    explicit = _explicit(equation, [operand.shape for operand in operands])
    return Einsum.apply(*operands, equation=explicit)
