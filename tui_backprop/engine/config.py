"""What the engine needs to know to build and train a network."""

from __future__ import annotations

from dataclasses import dataclass, replace

REDUCTIONS = ("sum", "mean")
DTYPES = ("float64", "float32")


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
    dtype: str = "float64"
    seed: int = 0

    def with_(self, **changes: object) -> TrainConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
