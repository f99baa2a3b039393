"""The network's parameters and one step of forward pass, backward pass and update.

Written for reading as much as for speed: each function is one stage of backprop,
vectorised over the batch, with no autograd.
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

import numpy as np

from tui_backprop.engine.activations import ACTIVATIONS, Activation, Array
from tui_backprop.engine.initializers import init_weight
from tui_backprop.engine.losses import OutputLoss
from tui_backprop.engine.optimizers import Optimizer
from tui_backprop.engine.records import LayerRecord
from tui_backprop.engine.regularization import l1_step


def keep_freed_memory() -> bool:
    """Ask glibc's allocator to keep freed memory for reuse instead of giving it back to
    the operating system, and to serve blocks of up to 32 MiB from that kept memory.

    Every step allocates fresh arrays for its record (z, a, derivative, delta of each
    layer) while the previous step's record is still alive. With the default settings a
    large batch's arrays are unmapped or trimmed when a record is dropped and mapped
    again by the next step, so every second epoch pays page faults and zero-filling
    (about a fifth of an epoch for 10,000 rows of 784-256-128-10). Memory kept this way
    stays with the process; it is not leaked. Returns whether the settings took effect
    (False off Linux or with another C library). A process-wide choice, so the program
    makes it (the command line, a benchmark), never the engine on import.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(m_trim_threshold, 1 << 30)) and bool(mallopt(m_mmap_threshold, 1 << 25))


AnyArray = TypeVar("AnyArray", bound=np.ndarray[Any, Any])


def frozen(a: AnyArray) -> AnyArray:
    """Mark an array read-only, so nothing can change a recorded value in place."""
    a.setflags(write=False)  # half the cost of going through ``a.flags``
    return a


@dataclass(frozen=True, eq=False)
class Params:
    """Weights shaped (fan_in, fan_out) and, when the network has them, biases."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...] | None = None

    @property
    def sizes(self) -> tuple[int, ...]:
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    def flat(self) -> list[Array]:
        """[W0, b0, W1, b1, ...] (or only the weights without biases)."""
        return interleave(self.weights, self.biases)

    @classmethod
    def from_flat(cls, flat: Sequence[Array], bias: bool) -> Params:
        for a in flat:  # frozen(), inlined: this runs every step
            a.setflags(write=False)
        arrays = tuple(flat)
        if not bias:
            return cls(arrays)
        return cls(arrays[0::2], arrays[1::2])

    def astype(self, dtype: np.dtype[np.floating] | str) -> Params:
        return Params.from_flat([a.astype(dtype) for a in self.flat()], self.biases is not None)

    def is_finite(self) -> bool:
        # A NaN or ±inf anywhere makes the sum of squares non-finite (overflow counts too:
        # weights near 1e154 have diverged by any standard). One call per array.
        return all([math.isfinite(np.vdot(a, a)) for a in self.flat()])  # a list: no generator


def interleave(weights: Sequence[Array], biases: Sequence[Array] | None) -> list[Array]:
    """[W0, b0, W1, b1, ...], or the weights alone when there are no biases."""
    if biases is None:
        return list(weights)
    return [p for pair in zip(weights, biases, strict=True) for p in pair]


def init_params(
    sizes: Sequence[int],
    bias: bool,
    init: str,
    scale: float,
    rng: np.random.Generator,
    dtype: str,
) -> Params:
    """Draw every layer's weights in order, from the input layer on."""
    weights = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        weights.append(init_weight(init, fan_in, fan_out, scale, rng).astype(dtype))
    biases = tuple(frozen(np.zeros(n, dtype)) for n in sizes[1:]) if bias else None
    return Params(tuple(frozen(w) for w in weights), biases)


@functools.cache
def layer_activations(n_layers: int, hidden: str, output: str) -> tuple[Activation, ...]:
    return (ACTIVATIONS[hidden],) * (n_layers - 1) + (ACTIVATIONS[output],)


def forward(params: Params, acts: Sequence[Activation], x: Array) -> list[tuple[Array, Array]]:
    """(z, a) of every layer."""
    return _forward(params, acts, x, guarded=True)


def _forward(
    params: Params, acts: Sequence[Activation], x: Array, guarded: bool
) -> list[tuple[Array, Array]]:
    """(z, a) of every layer; ``guarded=False`` inside the caller's np.errstate."""
    # ndarray.dot makes the same BLAS call as ``@`` (the same bits) without the ufunc
    # machinery, which costs more than the product itself on the seed network's sizes
    out: list[tuple[Array, Array]] = []
    biases = params.biases
    a = x
    for i, w in enumerate(params.weights):
        z = a.dot(w)
        if biases is not None:
            z += biases[i]  # z is new: add in place rather than copy it
        act = acts[i]
        a = act.forward(z) if guarded else (act.unguarded or act.forward)(z)
        out.append((z, a))
    return out


@dataclass(frozen=True, eq=False)
class Backward:
    """What the backward pass computes: per layer da/dz, the per-row deltas dL/dz, and
    the batch-reduced gradients (shaped like the parameters)."""

    derivatives: list[Array]
    deltas: list[Array]
    grads: Params


def backward(
    params: Params,
    acts: Sequence[Activation],
    passes: Sequence[tuple[Array, Array]],
    x: Array,
    y: Array,
    reduction: str,
    l2: float,
) -> Backward:
    """Deltas from the output back to the first layer, then every layer's gradient
    input.T·delta, summed over the rows (or averaged), plus λ·W for the L2 penalty."""
    derivs, deltas = _deltas(params, acts, passes, y)
    z_out, a_out = passes[-1]
    derivs.append(acts[-1].derivative(z_out, a_out))
    grads_w, grads_b = _gradients(params, passes, x, deltas, reduction, l2)
    return Backward(derivs, deltas, Params(grads_w, grads_b))


def _deltas(
    params: Params,
    acts: Sequence[Activation],
    passes: Sequence[tuple[Array, Array]],
    y: Array,
) -> tuple[list[Array], list[Array]]:
    """The hidden layers' derivatives da/dz and every layer's delta. The output layer's
    derivative is left out: its delta is ŷ - y without it (see ``losses``)."""
    n_layers = len(params.weights)
    deltas: list[Array] = [passes[-1][1] - y] * n_layers  # the output delta, for every loss
    derivs: list[Array] = [deltas[0]] * (n_layers - 1)
    for i in range(n_layers - 2, -1, -1):
        z, a = passes[i]
        derivs[i] = acts[i].derivative(z, a)
        deltas[i] = derivs[i] * deltas[i + 1].dot(params.weights[i + 1].T)  # .dot: see _forward
    return derivs, deltas


def _gradients(
    params: Params,
    passes: Sequence[tuple[Array, Array]],
    x: Array,
    deltas: Sequence[Array],
    reduction: str,
    l2: float,
) -> tuple[tuple[Array, ...], tuple[Array, ...] | None]:
    """Every layer's weight gradient, and its bias gradient when it has biases."""
    scale = 1.0 / len(x) if reduction == "mean" else 1.0
    grads_w = [x.T.dot(deltas[0])]  # .dot: see _forward
    grads_w += [a.T.dot(d) for (_, a), d in zip(passes, deltas[1:], strict=False)]
    if scale != 1.0:
        for g in grads_w:
            g *= scale
    if l2:
        grads_w = [g + l2 * w for g, w in zip(grads_w, params.weights, strict=True)]
    if params.biases is None:
        return tuple(grads_w), None
    return tuple(grads_w), tuple(d.sum(axis=0) * scale for d in deltas)


class StepArrays(NamedTuple):
    """What one training step computed, before it is dressed up as layer records."""

    passes: list[tuple[Array, Array]]
    derivatives: list[Array]  # of the hidden layers; the output's is made for the record
    deltas: list[Array]
    grads_w: tuple[Array, ...]
    grads_b: tuple[Array, ...] | None
    new: Params
    loss: float  # the batch's mean loss before the update


def step(
    params: Params,
    acts: Sequence[Activation],
    loss: OutputLoss,
    x: Array,
    y: Array,
    optimizer: Optimizer,
    reduction: str,
    l2: float,
    l1: float = 0.0,
) -> StepArrays:
    """Forward, backward and update on one batch, inside the caller's ``np.errstate``
    (the activations run without guards of their own). Under L1 the optimiser's new
    weights then take the L1 step (see ``regularization``)."""
    passes = _forward(params, acts, x, guarded=False)
    mean_loss = loss.mean(passes[-1][0], y)
    derivs, deltas = _deltas(params, acts, passes, y)
    grads_w, grads_b = _gradients(params, passes, x, deltas, reduction, l2)
    if grads_b is None:  # the weights alone are the flat list: no lists to build
        new = Params.from_flat(optimizer.update(params.weights, grads_w), False)
    else:
        new = Params.from_flat(optimizer.update(params.flat(), interleave(grads_w, grads_b)), True)
    if l1:
        new = Params(tuple(map(frozen, l1_step(new.weights, optimizer.lr * l1))), new.biases)
    return StepArrays(passes, derivs, deltas, grads_w, grads_b, new, mean_loss)


def layer_records(
    params: Params, acts: Sequence[Activation], x: Array, s: StepArrays
) -> tuple[LayerRecord, ...]:
    """The records of the step ``s`` made from ``params`` on the batch ``x``."""
    z_out, a_out = s.passes[-1]
    with np.errstate(all="ignore"):
        derivs = [*s.derivatives, acts[-1].derivative(z_out, a_out)]
    # Every array the step made is kept by its record: mark them read-only. The input
    # batch x belongs to the caller and is left as it is.
    grads = Params(s.grads_w, s.grads_b)
    for array in (*(v for pair in s.passes for v in pair), *derivs, *s.deltas, *grads.flat()):
        frozen(array)
    inputs = [x] + [a for _, a in s.passes[:-1]]
    new = s.new
    return tuple(
        LayerRecord(
            index=i,
            activation=acts[i].name,
            input=inputs[i],
            z=s.passes[i][0],
            a=s.passes[i][1],
            derivative=derivs[i],
            delta=s.deltas[i],
            grad_w=grads.weights[i],
            grad_b=grads.biases[i] if grads.biases is not None else None,
            w_before=params.weights[i],
            w_after=new.weights[i],
            b_before=params.biases[i] if params.biases is not None else None,
            b_after=new.biases[i] if new.biases is not None else None,
        )
        for i in range(len(params.weights))
    )


def train_step(
    params: Params,
    acts: Sequence[Activation],
    loss: OutputLoss,
    x: Array,
    y: Array,
    optimizer: Optimizer,
    reduction: str,
    l2: float,
    l1: float = 0.0,
) -> tuple[tuple[LayerRecord, ...], float, Params]:
    """Forward, backward and update on one batch: the layer records, the batch's mean
    loss before the update, and the new parameters."""
    with np.errstate(over="ignore"):  # the guard the activations would hold themselves
        s = step(params, acts, loss, x, y, optimizer, reduction, l2, l1)
    return layer_records(params, acts, x, s), s.loss, s.new


def objective(
    params: Params,
    acts: Sequence[Activation],
    loss: OutputLoss,
    x: Array,
    y: Array,
    reduction: str,
    l2: float,
) -> float:
    """The function whose gradient ``train_step`` follows: the summed or mean loss plus
    the L2 penalty λ/2·Σw² on the weights (not the biases)."""
    z_out = forward(params, acts, x)[-1][0]
    per = loss.per_sample(z_out, y)
    total = float(per.mean() if reduction == "mean" else per.sum())
    return total + 0.5 * l2 * sum(float((w * w).sum()) for w in params.weights)
