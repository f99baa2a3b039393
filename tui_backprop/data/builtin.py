"""Built-in datasets, generated in code so they work from any install.

``seed`` is the fixed ten-row reference table. The others are 2-D point clouds in the
spirit of TensorFlow Playground, drawn deterministically from ``seed``: classes get equal
shares of ``n_points`` (the first classes take any remainder) and rows are shuffled.
``noise`` is the standard deviation of Gaussian jitter added to both coordinates, scaled
per dataset (``NOISE_SCALE``) so that the default 0.1 gives a learnable but not trivial
picture for every shape.

``plane`` and ``multigauss`` are regression data: points spread evenly over [-1, 1]²
whose target is a surface (``surfaces``) plus Gaussian noise of that scale.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from tui_backprop.data.cells import MAX_MAGNITUDE
from tui_backprop.data.csv_write import save_csv
from tui_backprop.data.dataset import Dataset
from tui_backprop.data.errors import DatasetError
from tui_backprop.data.surfaces import SURFACES

Generator = Callable[[np.random.Generator, list[int]], np.ndarray]

BUILTIN_NAMES: tuple[str, ...] = (
    "seed",
    "xor",
    "circles",
    "moons",
    "spiral",
    "gaussians",
    "spiral3",
    "plane",
    "multigauss",
)

SEED_ROWS = (
    (2.7810836, 2.550537003, 0),
    (1.465489372, 2.362125076, 0),
    (3.396561688, 4.400293529, 0),
    (1.38807019, 1.850220317, 0),
    (3.06407232, 3.005305973, 0),
    (7.627531214, 2.759262235, 1),
    (5.332441248, 2.088626775, 1),
    (6.922596716, 1.77106367, 1),
    (8.675418651, -0.242068655, 1),
    (7.673756466, 3.508563011, 1),
)

DEFAULT_POINTS, DEFAULT_NOISE = 200, 0.1  # what ``backprop-tui xor`` draws
_MOONS_SHIFT = np.array([-0.5, -0.25])  # centres the pair on the origin

# Jitter per unit of ``noise``, relative to each shape's gaps between classes.
NOISE_SCALE = {
    "xor": 1.0,
    "circles": 0.5,
    "moons": 1.0,
    "spiral": 0.5,
    "gaussians": 1.0,
    "spiral3": 0.5,
    "plane": 0.5,
    "multigauss": 0.5,
}


def builtin_dataset(
    name: str,
    n_points: int = DEFAULT_POINTS,
    noise: float = DEFAULT_NOISE,
    seed: int = 0,
    max_magnitude: float = MAX_MAGNITUDE,
) -> Dataset:
    """A built-in dataset by name; ``seed`` ignores ``n_points`` and ``noise``. Drawn
    values must stay within ``max_magnitude``, the limit a CSV's values meet."""
    if name == "seed":
        return _seed_dataset()
    if name not in _GENERATORS and name not in SURFACES:
        raise DatasetError(
            f"{name}: unknown built-in dataset; choose from {', '.join(BUILTIN_NAMES)}"
        )
    n_classes = _GENERATORS[name][1] if name in _GENERATORS else 2
    if not n_classes <= n_points <= 1_000_000:
        raise DatasetError(f"{name}: n_points {n_points} must be between {n_classes} and 1000000")
    if not (np.isfinite(noise) and noise >= 0):
        raise DatasetError(f"{name}: noise {noise} must be a finite number >= 0")
    with np.errstate(over="ignore", invalid="ignore"):  # a huge noise is refused below
        dataset = _drawn(name, np.random.default_rng(seed), n_points, noise, n_classes)
    _check_drawn(dataset, noise, max_magnitude)
    return dataset


def _check_drawn(dataset: Dataset, noise: float, limit: float) -> None:
    """Refuse a noise that drew values a CSV could not hold (or no finite values)."""
    values = [dataset.features] + ([] if dataset.class_names else [dataset.labels])
    if all(np.isfinite(v).all() and np.abs(v).max() <= limit for v in values):
        return
    raise DatasetError(
        f"{dataset.name}: --noise {noise:g} draws values beyond ±{limit:g}, too large to "
        "train on (it would overflow); choose a smaller --noise"
    )


def _drawn(
    name: str, rng: np.random.Generator, n_points: int, noise: float, n_classes: int
) -> Dataset:
    if name in SURFACES:
        return _surface(name, rng, n_points, noise)
    generate = _GENERATORS[name][0]
    counts = [n_points // n_classes + (k < n_points % n_classes) for k in range(n_classes)]
    points = generate(rng, counts)
    points = points + rng.normal(0.0, noise * NOISE_SCALE[name], size=points.shape)
    labels = np.repeat(np.arange(n_classes, dtype=np.int64), counts)
    order = rng.permutation(n_points)
    return Dataset(
        name=name,
        source="built-in",
        features=np.ascontiguousarray(points[order]),
        feature_names=("x1", "x2"),
        labels=labels[order],
        class_names=tuple(str(k) for k in range(n_classes)),
        label_name="y",
    )


def _surface(name: str, rng: np.random.Generator, n_points: int, noise: float) -> Dataset:
    points = rng.uniform(-1.0, 1.0, size=(n_points, 2))
    target = SURFACES[name](points[:, 0], points[:, 1])
    target = target + rng.normal(0.0, noise * NOISE_SCALE[name], size=n_points)
    return Dataset(
        name=name,
        source="built-in",
        features=points,
        feature_names=("x1", "x2"),
        labels=target,
        class_names=(),
        label_name="y",
    )


def write_builtins(directory: Path) -> list[Path]:
    """Each built-in with its default settings, as ``<name>.csv`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in BUILTIN_NAMES:
        path = directory / f"{name}.csv"
        save_csv(builtin_dataset(name), path)
        written.append(path)
    return written


def _seed_dataset() -> Dataset:
    table = np.array(SEED_ROWS, dtype=np.float64)
    return Dataset(
        name="seed",
        source="built-in",
        features=np.ascontiguousarray(table[:, :2]),
        feature_names=("x1", "x2"),
        labels=table[:, 2].astype(np.int64),
        class_names=("0", "1"),
        label_name="y",
    )


def _xor(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    """Class 0 in the quadrants where x and y share a sign, class 1 where they differ;
    points keep a margin from the axes so the clean picture is separable."""
    blocks = []
    for k, n in enumerate(counts):
        size = rng.uniform(0.1, 1.0, size=(n, 2))
        sign_x = rng.choice([-1.0, 1.0], size=n)
        sign_y = sign_x if k == 0 else -sign_x
        blocks.append(size * np.column_stack([sign_x, sign_y]))
    return np.concatenate(blocks)


def _circles(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    """Class 0 fills a disc of radius 0.5; class 1 is a ring from 0.7 to 1.0."""
    inner = _polar(
        np.sqrt(rng.uniform(0.0, 1.0, counts[0])) * 0.5, rng.uniform(0, 2 * np.pi, counts[0])
    )
    outer = _polar(rng.uniform(0.7, 1.0, counts[1]), rng.uniform(0, 2 * np.pi, counts[1]))
    return np.concatenate([inner, outer])


def _moons(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    """Two interleaved half circles, centred on the origin."""
    upper_t = rng.uniform(0.0, np.pi, counts[0])
    lower_t = rng.uniform(0.0, np.pi, counts[1])
    upper = np.column_stack([np.cos(upper_t), np.sin(upper_t)])
    lower = np.column_stack([1.0 - np.cos(lower_t), 0.5 - np.sin(lower_t)])
    both: np.ndarray = np.concatenate([upper, lower]) + _MOONS_SHIFT
    return both


def _spiral_arms(rng: np.random.Generator, counts: list[int], turn: float) -> np.ndarray:
    """Arms of radius 0..1 that wind ``turn`` radians, rotated evenly apart."""
    blocks = []
    for k, n in enumerate(counts):
        radius = rng.uniform(0.0, 1.0, n)
        blocks.append(_polar(radius, turn * radius + 2 * np.pi * k / len(counts)))
    return np.concatenate(blocks)


def _spiral(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    return _spiral_arms(rng, counts, turn=3.5 * np.pi)


def _spiral3(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    return _spiral_arms(rng, counts, turn=4.0)


def _gaussians(rng: np.random.Generator, counts: list[int]) -> np.ndarray:
    """Two round blobs (standard deviation 0.25) centred at (-0.5, -0.5) and (0.5, 0.5)."""
    centres = (np.array([-0.5, -0.5]), np.array([0.5, 0.5]))
    return np.concatenate(
        [c + rng.normal(0.0, 0.25, size=(n, 2)) for c, n in zip(centres, counts, strict=True)]
    )


def _polar(radius: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


_GENERATORS: dict[str, tuple[Generator, int]] = {
    "xor": (_xor, 2),
    "circles": (_circles, 2),
    "moons": (_moons, 2),
    "spiral": (_spiral, 2),
    "gaussians": (_gaussians, 2),
    "spiral3": (_spiral3, 3),
}
