"""The built-in datasets as the dataset menu offers them: what each one is, and the
experiment of the current settings on one of them."""

from __future__ import annotations

import math
from dataclasses import replace

from tui_backprop.data import BUILTIN_NAMES, Dataset, builtin_dataset
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.model.experiment_files import settings_for

DEFAULT_POINTS, DEFAULT_NOISE = 200, 0.1  # what ``backprop-tui xor`` draws
DATA_SEED = 0  # the command line's built-ins are drawn with this seed too
SOURCE = "built-in, noise "
DESCRIPTIONS = {
    "seed": "the reference table: 10 rows, 2 classes (size and noise fixed)",
    "xor": "2 classes in opposite quadrants",
    "circles": "a disc inside a ring",
    "moons": "two interleaved half circles",
    "spiral": "two arms winding round each other",
    "gaussians": "two round blobs",
    "spiral3": "three spiral arms, 3 classes (softmax)",
}
assert tuple(DESCRIPTIONS) == BUILTIN_NAMES


def generated(name: str, n_points: int, noise: float) -> Dataset:
    """The built-in ``name``; its source notes the noise, so runs can be told apart."""
    dataset = builtin_dataset(name, n_points, noise, DATA_SEED)
    return dataset if name == "seed" else replace(dataset, source=f"{SOURCE}{noise:g}")


def open_builtin(current: Experiment, name: str, n_points: int, noise: float) -> Experiment:
    """The current settings on a built-in dataset; ``seed`` gets the reference experiment
    exactly. Raises ValueError (DatasetError, ConfigError) with one line for the user."""
    dataset = generated(name, n_points, noise)
    if name == "seed":
        return Experiment.on_dataset(resolve("seed", {}), dataset)
    return Experiment.on_dataset(settings_for(current, name, dataset), dataset)


def menu_defaults(current: Experiment) -> tuple[int, float]:
    """Size and noise to offer: the current built-in's, else the command line's."""
    ds = current.dataset
    if ds.name not in BUILTIN_NAMES or ds.name == "seed":
        return DEFAULT_POINTS, DEFAULT_NOISE
    noise = DEFAULT_NOISE
    if ds.source.startswith(SOURCE):
        noise = float(ds.source[len(SOURCE) :])
    return ds.n_rows, noise


def parse_size(text: str) -> int:
    """The number of points typed in the menu; ValueError with the reason."""
    try:
        n = int(text.strip().replace(",", "").replace("_", ""))
    except ValueError:
        raise ValueError(f"points: {text.strip()!r} is not a whole number") from None
    return n


def parse_noise(text: str) -> float:
    try:
        noise = float(text.strip())
    except ValueError:
        raise ValueError(f"noise: {text.strip()!r} is not a number") from None
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise: {text.strip()} must be a finite number ≥ 0")
    return noise
