"""Run settings: the two presets and how command-line choices override them.

Preset ``seed`` is the reference experiment exactly: the 10-row dataset, a 2-4-1
sigmoid network without biases, U(-0.1, 0.1) weights, learning rate 0.1, one full
batch per epoch, the gradient summed over the rows, raw features, no test split. Its
seed, 333, is one whose initial weights replay the exercise's published run (accuracy
50 %, 50 %, 70 %, then 100 % from epoch 3), so the first screen matches what a learner
has just read; any other ``--seed`` is one more run of the same experiment.

Preset ``standard`` is for every other dataset: one hidden layer of 8 tanh neurons
with biases, Xavier weights (He for ReLU-like activations), learning rate 0.1, full
batch, the gradient averaged over the rows, features standardised with the training
rows' statistics, 20 % of the rows held out (stratified), and the output chosen by the
data: sigmoid for two classes, softmax for more, linear for a numeric target.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

RELU_LIKE = ("relu", "leaky_relu")
# The names each choice takes, as the command line and the settings screen offer them.
# They restate the engine's registries so that ``--help`` need not import NumPy; a test
# pins them to those registries.
CHOICES: dict[str, tuple[str, ...]] = {
    "preset": ("seed", "standard"),
    "activation": ("sigmoid", "tanh", "relu", "leaky_relu", "linear"),
    "output": ("sigmoid", "softmax", "linear"),
    "init": ("uniform", "xavier", "he"),
    "optimizer": ("sgd", "momentum", "adam"),
    "reduction": ("sum", "mean"),
    "dtype": ("float64", "float32"),
}
HEADLESS_EPOCHS = 20  # what --headless trains without --epochs
# The engine's limits on a network's shape (``MAX_DEPTH``, ``MAX_WIDTH``), restated for
# the same reason and pinned the same way, so a bad value is refused where it was typed.
MAX_HIDDEN_LAYERS = 100
MAX_LAYER_WIDTH = 10_000
# The Playground's learning-rate ladder, walked by l / L.
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


@dataclass(frozen=True)
class Settings:
    """Everything a run is made of. ``None`` means "let the preset or the data decide"
    (see ``resolve``)."""

    dataset: str = "seed"
    preset: str = "seed"
    hidden: tuple[int, ...] = (4,)
    activation: str = "sigmoid"
    output: str | None = "sigmoid"
    bias: bool = False
    init: str = "uniform"
    init_scale: float = 0.1
    lr: float = 0.1
    optimizer: str = "sgd"
    batch_size: int = 0
    reduction: str = "sum"
    l2: float = 0.0
    l1: float = 0.0
    test_split: float = 0.0
    standardize: bool = False
    label_column: str | int | None = None
    drop_columns: tuple[str, ...] = ()
    dtype: str = "float64"
    seed: int = 333
    epochs: int | None = None  # stop at this many epochs (--headless: HEADLESS_EPOCHS)
    stop_loss: float | None = None  # stop once the training loss is below it
    patience: int | None = None  # stop once the test loss has not improved for this long
    load_weights: str | None = None
    save_weights: str | None = None
    log: str | None = None
    # The data: input features made from two columns (() = the data's own), and a
    # generated built-in's size, noise and seed (None = 200, 0.1 and 0).
    features: tuple[str, ...] = ()
    points: int | None = None
    noise: float | None = None
    data_seed: int | None = None
    # Features that are a picture's pixels: "WxH", "off", or None to detect it.
    image: str | None = None


SEED_PRESET = Settings()
STANDARD_PRESET = replace(
    SEED_PRESET,
    preset="standard",
    hidden=(8,),
    activation="tanh",
    output=None,
    bias=True,
    init="xavier",
    init_scale=1.0,
    reduction="mean",
    test_split=0.2,
    standardize=True,
    seed=0,
)


def resolve(dataset: str | None, overrides: dict[str, object]) -> Settings:
    """The preset (``seed`` without a dataset or for the dataset ``seed``, ``standard``
    otherwise, unless ``overrides`` names one) with the given values laid over it."""
    overrides = dict(overrides)
    name = dataset or "seed"
    preset = str(overrides.pop("preset", None) or ("seed" if name == "seed" else "standard"))
    base = SEED_PRESET if preset == "seed" else STANDARD_PRESET
    settings = replace(base, dataset=name, **overrides)  # type: ignore[arg-type]
    if "init" not in overrides and preset == "standard" and settings.activation in RELU_LIKE:
        settings = replace(settings, init="he")
    if "init_scale" not in overrides:
        settings = replace(settings, init_scale=0.1 if settings.init == "uniform" else 1.0)
    return settings


def default_output(n_classes: int) -> str:
    """The output layer that fits the data: 0 classes means a numeric target."""
    return "linear" if n_classes == 0 else "sigmoid" if n_classes == 2 else "softmax"


def describe(s: Settings, sizes: tuple[int, ...]) -> str:
    """The effective settings on one line, as the status line and --headless show them."""
    arch = "-".join(map(str, sizes))
    batch = "full batch" if s.batch_size == 0 else f"batch {s.batch_size}"
    init = f"{s.init}({s.init_scale:g})" if s.init == "uniform" else s.init
    parts = [
        f"preset {s.preset}",
        f"layers {arch}",
        f"{s.activation}/{s.output}",
        "bias" if s.bias else "no bias",
        f"init {init}",
        f"lr {s.lr:g}",
        s.optimizer,
        batch,
        f"{s.reduction} of gradients",
        f"seed {s.seed}",
    ]
    if s.l2:
        parts.append(f"l2 {s.l2:g}")
    if s.l1:
        parts.append(f"l1 {s.l1:g}")
    if s.test_split:
        parts.append(f"test {s.test_split:.0%}")
    if s.data_seed:
        parts.append(f"data seed {s.data_seed}")
    if s.features:
        parts.append(f"features {','.join(s.features)}")
    parts.append("standardised" if s.standardize else "raw features")
    if s.dtype != "float64":
        parts.append(s.dtype)
    return ", ".join(parts)


def next_rate(lr: float, direction: int) -> float:
    """The next rung of ``LEARNING_RATES`` above (``direction`` > 0) or below ``lr``."""
    if direction > 0:
        return next((r for r in LEARNING_RATES if r > lr * 1.0001), LEARNING_RATES[-1])
    return next((r for r in reversed(LEARNING_RATES) if r < lr * 0.9999), LEARNING_RATES[0])


# -- reading values typed by a user: one ValueError line says what is wrong ---------------


class TooLarge(ValueError):
    """A number with more digits than Python converts (``sys.get_int_max_str_digits``)."""


def read_number(kind: Callable[[str], float], least: float, strict: bool) -> Callable[[str], float]:
    """A reader of a finite number ≥ ``least`` (> ``least`` when ``strict``)."""

    def read(text: str) -> float:
        text = text.strip()
        try:
            value = kind(text)
        except ValueError:
            if text.lstrip("+-").isdigit():  # past Python's limit on digits of an int
                raise TooLarge(f"a {len(text)}-digit number is too large") from None
            raise ValueError(f"{text!r} is not a {'whole ' if kind is int else ''}number") from None
        if not math.isfinite(value) or value < least or (strict and value == least):
            number = "a whole number" if kind is int else "a finite number"
            raise ValueError(f"{text} must be {number} {'>' if strict else '≥'} {least:g}")
        return value

    return read


def read_fraction(text: str) -> float:
    value = read_number(float, 0, False)(text)
    if value >= 1:
        raise ValueError(f"{text.strip()} must be a fraction from 0 up to (not incl.) 1")
    return value


def read_layers(text: str) -> tuple[int, ...]:
    """Hidden layer widths: "8", "8,4", or "none" (or nothing) for no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.replace(" ", "").split(","))
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not a list of widths like 4 or 8,4 or none"
        ) from None
    if any(n < 1 for n in sizes):
        raise ValueError("every hidden layer needs at least one neuron")
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"at most {MAX_HIDDEN_LAYERS} hidden layers, not {len(sizes):,}")
    if max(sizes) > MAX_LAYER_WIDTH:
        raise ValueError(f"a hidden layer can be at most {MAX_LAYER_WIDTH} neurons wide")
    return sizes


def read_column(text: str) -> str | int | None:
    """A column by name, or by 0-based index (negative from the end); nothing: None."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def read_names(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def read_path(text: str) -> str | None:
    return text.strip() or None


read_count = read_number(int, 0, False)
# Any non-negative integer seeds NumPy; the limit keeps seeds to what a 64-bit integer
# holds, so they can be written, shown and compared anywhere.
MAX_SEED = 2**63 - 1


def read_seed(text: str) -> int:
    """A whole number from 0 to ``MAX_SEED``."""
    try:
        value = int(read_count(text))
    except TooLarge:
        value = MAX_SEED + 1
    if value > MAX_SEED:
        raise ValueError(f"the seed is too large: at most 2**63 - 1 ({MAX_SEED})")
    return value


read_positive = read_number(float, 0, True)
# Input features a two-column dataset can be given (``data.features`` computes them).
FEATURE_CHOICES = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sinx1", "sinx2")


def read_features(text: str) -> tuple[str, ...]:
    """A list like ``x1^2,x2^2``: each of ``FEATURE_CHOICES`` at most once."""
    names = tuple(n.lower().replace(" ", "") for n in read_names(text))
    if not names:
        raise ValueError(f"name at least one feature: {', '.join(FEATURE_CHOICES)}")
    for name in names:
        if name not in FEATURE_CHOICES:
            raise ValueError(f"unknown feature {name!r}; choose from {', '.join(FEATURE_CHOICES)}")
    if len(set(names)) < len(names):
        raise ValueError(f"a feature is named twice in {text.strip()!r}")
    return names


def read_feature_list(text: str) -> tuple[str, ...]:
    """As ``read_features``; nothing means the data's own columns."""
    return read_features(text) if text.strip() else ()


def read_points(text: str) -> int:
    """The number of points a built-in is drawn with: 2 up to a million (``1,000`` too)."""
    value = int(read_count(text.replace(",", "")))
    if not 2 <= value <= 1_000_000:
        raise ValueError(f"a built-in dataset takes 2 to 1000000 points, not {value}")
    return value


read_non_negative = read_number(float, 0, False)


def read_limit(text: str) -> int | None:
    """A whole number of epochs; nothing (or 0) for no limit."""
    return int(read_count(text)) or None if text.strip() else None


def read_loss_limit(text: str) -> float | None:
    """A loss > 0, or nothing for no limit."""
    return read_positive(text) if text.strip() else None


IMAGE_OFF = "off"  # data.image_shape.OFF, restated for the same reason as CHOICES
_SIZE = re.compile(r"(\d+)\s*[x×]\s*(\d+)")


def read_image(text: str) -> str | None:
    """A picture size ``WxH`` (as ``8x8``), ``off``, or nothing to detect it from the data."""
    text = text.strip().lower()
    if not text or text == "auto":
        return None
    if text == IMAGE_OFF:
        return IMAGE_OFF
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a picture size like 8x8 (width x height), nor off")
    width, height = int(match[1]), int(match[2])
    if not 1 <= width * height <= MAX_LAYER_WIDTH:
        raise ValueError(f"a {width}x{height} picture is not 1 to {MAX_LAYER_WIDTH} pixels")
    return f"{width}x{height}"


def image_size(image: str | None) -> tuple[int, int] | str | None:
    """``Settings.image`` as (width, height), or as it is (None or ``off``)."""
    if image is None or image == IMAGE_OFF:
        return image
    width, height = image.split("x")
    return int(width), int(height)
