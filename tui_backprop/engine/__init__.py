"""The NumPy neural-network engine: no UI imports, ever."""

from tui_backprop.engine.config import TrainConfig
from tui_backprop.engine.network import Params
from tui_backprop.engine.records import EpochMetrics, LayerRecord, StepRecord
from tui_backprop.engine.trainer import ConfigError, Problem, Trainer

__all__ = [
    "ConfigError",
    "EpochMetrics",
    "LayerRecord",
    "Params",
    "Problem",
    "StepRecord",
    "TrainConfig",
    "Trainer",
]
