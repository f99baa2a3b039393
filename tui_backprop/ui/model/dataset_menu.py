"""The built-in datasets as the dataset menu offers them: what each one is, and the
experiment of the current settings on one of them."""

from __future__ import annotations

from dataclasses import replace

from tui_backprop.data import BUILTIN_NAMES, Dataset, builtin_dataset, magnitude_limit
from tui_backprop.data.builtin import DEFAULT_NOISE, DEFAULT_POINTS
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.model.experiment_files import settings_for

SOURCE = "built-in, noise "
DESCRIPTIONS = {
    "seed": "the reference table: 10 rows, 2 classes (size and noise fixed)",
    "xor": "2 classes in opposite quadrants",
    "circles": "a disc inside a ring",
    "moons": "two interleaved half circles",
    "spiral": "two arms winding round each other",
    "gaussians": "two round blobs",
    "spiral3": "three spiral arms, 3 classes (softmax)",
    "plane": "a tilted plane (linear output, RMSE and R²)",
    "multigauss": "hills and hollows: a sum of Gaussian bumps",
}
REGRESSION = ("plane", "multigauss")  # listed under their own heading
assert tuple(DESCRIPTIONS) == BUILTIN_NAMES


def generated(name: str, n_points: int, noise: float, data_seed: int, limit: float) -> Dataset:
    """The built-in ``name`` (its values within ``limit``); its source notes the noise,
    so runs can be told apart."""
    dataset = builtin_dataset(name, n_points, noise, data_seed, limit)
    return dataset if name == "seed" else replace(dataset, source=f"{SOURCE}{noise:g}")


def open_builtin(
    current: Experiment, name: str, n_points: int, noise: float, data_seed: int = 0
) -> Experiment:
    """The current settings on a built-in dataset; ``seed`` gets the reference experiment
    exactly. Raises ValueError (DatasetError, ConfigError) with one line for the user."""
    limit = magnitude_limit(current.settings.dtype, current.settings.standardize)
    dataset = generated(name, n_points, noise, data_seed, limit)
    if name == "seed":
        return Experiment.on_dataset(resolve("seed", {}), dataset)
    settings = replace(
        settings_for(current, name, dataset), points=n_points, noise=noise, data_seed=data_seed
    )
    return Experiment.on_dataset(settings, dataset)


def regenerate(current: Experiment) -> Experiment:
    """The same built-in drawn again with the next data seed, on the same settings.
    Raises ValueError for data that is not drawn (a CSV file, ``seed``)."""
    ds = current.data
    if ds.name not in BUILTIN_NAMES or not ds.source.startswith("built-in"):
        raise ValueError("new data: only a generated built-in dataset can be drawn again")
    if ds.name == "seed":
        raise ValueError("new data: seed is the fixed reference table; pick another with d")
    points, noise = menu_defaults(current)
    return open_builtin(current, ds.name, points, noise, data_seed_of(current) + 1)


def data_seed_of(current: Experiment) -> int:
    seed = current.settings.data_seed
    return 0 if seed is None else seed


def menu_defaults(current: Experiment) -> tuple[int, float]:
    """Size and noise to offer: the current built-in's, else the command line's."""
    ds, s = current.data, current.settings
    if ds.name not in BUILTIN_NAMES or ds.name == "seed":
        return DEFAULT_POINTS, DEFAULT_NOISE
    return ds.n_rows, DEFAULT_NOISE if s.noise is None else s.noise
