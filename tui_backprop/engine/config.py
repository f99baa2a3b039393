"""What the engine needs to know to build and train a network."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace

REDUCTIONS = ("sum", "mean")
DTYPES = ("float64", "float32")
# Weights and biases of one network, at most. A run holds many copies of them: the
# weights, their gradients, the optimiser's running averages (two for Adam), the initial
# weights for a reset, and at least 8 snapshots of the past (see history.Snapshots). At
# 10 million float64 parameters one copy is 80 MB and a run 1-3 GB, about what a laptop
# can spare; one hidden layer of the widest size on 784 inputs (MNIST) still fits.
MAX_PARAMETERS = 10_000_000
MAX_WIDTH = 10_000  # neurons in one hidden layer: beyond it memory, not learning, is the limit
# Hidden layers of one network, at most. Depth costs time and memory per layer whatever
# the widths (each layer has its arrays, records and a column in every pane), and a
# plain sigmoid or tanh network stops learning long before 100 layers (vanishing
# gradients); 20,000 layers of one neuron would take 1.7 GB and 15 s an epoch.
MAX_DEPTH = 100


def parameter_count(sizes: Sequence[int], bias: bool) -> int:
    """Weights and biases of a network with these layer widths (Python ints: no overflow)."""
    return sum(a * b + (b if bias else 0) for a, b in itertools.pairwise(sizes))


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one run. ``hidden`` lists hidden layer widths only; the input
    and output widths come from the data."""

    hidden: tuple[int, ...] = (4,)
    activation: str = "sigmoid"
    output: str = "sigmoid"
    bias: bool = False
    init: str = "uniform"
    init_scale: float = 0.1
    lr: float = 0.1
    optimizer: str = "sgd"
    batch_size: int = 0  # 0 means the whole training set in one step
    reduction: str = "sum"
    l2: float = 0.0
    l1: float = 0.0  # the L1 step's λ (see engine.regularization)
    dtype: str = "float64"
    seed: int = 0

    def with_(self, **changes: object) -> TrainConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
