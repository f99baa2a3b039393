"""The settings screen's fields: every choice the command line offers, how each is shown
as text and read back, and which changes the run can take without a restart.

Reading is strict and says what is wrong in one line, the way the command line does;
a form with any bad value changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from tui_backprop.data.builtin import DEFAULT_NOISE, DEFAULT_POINTS
from tui_backprop.settings import (
    CHOICES,
    Settings,
    read_column,
    read_count,
    read_feature_list,
    read_fraction,
    read_image,
    read_layers,
    read_limit,
    read_loss_limit,
    read_names,
    read_non_negative,
    read_path,
    read_points,
    read_positive,
    read_seed,
)

AUTO = "auto"
Value = str | bool


def optional(read: Callable[[str], object]) -> Callable[[str], object]:
    """``read``, and nothing for None: the default."""
    return lambda text: read(text) if text.strip() else None


class FormError(ValueError):
    """A value the form cannot take; the message names the field."""


@dataclass(frozen=True)
class Field:
    name: str  # the Settings field
    label: str
    kind: str  # "choice", "switch" or "text"
    hint: str = ""
    choices: tuple[str, ...] = ()
    read: Callable[[str], object] | None = None  # text to value; ValueError says why


LIVE_FIELDS = (
    Field("lr", "learning rate", "text", "also l / L", read=read_positive),
    Field("optimizer", "optimiser", "choice", choices=CHOICES["optimizer"]),
    Field("l1", "L1 penalty", "text", "λ ≥ 0: zeroes weights", read=read_non_negative),
    Field("l2", "L2 penalty", "text", "λ ≥ 0", read=read_non_negative),
    Field("epochs", "stop at epochs", "text", "N epochs; empty: none", read=read_limit),
    Field("stop_loss", "stop below loss", "text", "training loss", read=read_loss_limit),
    Field("patience", "patience", "text", "epochs, no better test loss", read=read_limit),
)
RESET_FIELDS = (
    Field("preset", "preset", "choice", "fills in its values", choices=CHOICES["preset"]),
    Field("hidden", "hidden layers", "text", "8,4 / none", read=read_layers),
    Field("activation", "activation", "choice", choices=CHOICES["activation"]),
    Field("output", "output", "choice", "and its loss", choices=(AUTO, *CHOICES["output"])),
    Field("bias", "biases", "switch"),
    Field("init", "initialisation", "choice", choices=CHOICES["init"]),
    Field("init_scale", "init scale", "text", "uniform's A; xavier/he ×", read=read_positive),
    Field("batch_size", "batch size", "text", "0 = full batch", read=read_count),
    Field(
        "reduction", "reduction", "choice", "of the batch's gradients", choices=CHOICES["reduction"]
    ),
    Field("test_split", "test split", "text", "fraction held out", read=read_fraction),
    Field("standardize", "standardise", "switch", "with the training rows"),
    Field("seed", "seed", "text", "weights, split, shuffling", read=read_seed),
    Field("dtype", "dtype", "choice", choices=CHOICES["dtype"]),
    Field(
        "features",
        "input features",
        "text",
        "x1,x2,x1^2,…; empty: as in the data",
        read=read_feature_list,
    ),
    # a CSV refuses them when applied, with the command line's reason
    Field(
        "points",
        "points",
        "text",
        f"built-ins; empty: {DEFAULT_POINTS}",
        read=optional(read_points),
    ),
    Field(
        "noise",
        "noise",
        "text",
        f"built-ins; empty: {DEFAULT_NOISE:g}",
        read=optional(read_non_negative),
    ),
    Field(
        "data_seed", "data seed", "text", "built-ins, also D; empty: 0", read=optional(read_seed)
    ),
    Field("label_column", "label column", "text", "CSV: name or index", read=read_column),
    Field("drop_columns", "drop columns", "text", "CSV: a,b", read=read_names),
    Field("image", "image W×H", "text", "8x8, off; empty: found", read=read_image),
    Field("load_weights", "start from", "text", "a weights .npz", read=read_path),
)
FILE_FIELDS = (
    Field("save_weights", "save weights to", "text", "s; empty: a new name", read=read_path),
    Field("log", "metrics log to", "text", "s; empty: a new name", read=read_path),
)
FIELDS = LIVE_FIELDS + RESET_FIELDS + FILE_FIELDS
LIVE = frozenset(f.name for f in LIVE_FIELDS + FILE_FIELDS)  # applied without a reset
COMPARED = tuple(f.name for f in fields(Settings) if f.name != "dataset")


def shown(field: Field, settings: Settings) -> Value:
    """The field's value in ``settings`` as the form shows it."""
    value = getattr(settings, field.name)
    if field.kind == "switch":
        return bool(value)
    if value is None:
        return AUTO if field.kind == "choice" else ""
    if field.name == "hidden":
        return ",".join(map(str, value)) or "none"
    if field.name in ("drop_columns", "features"):
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def form_of(settings: Settings) -> dict[str, Value]:
    return {f.name: shown(f, settings) for f in FIELDS}


BY_DEFAULT: dict[str, object] = {"points": DEFAULT_POINTS, "noise": DEFAULT_NOISE, "data_seed": 0}


def read_form(values: dict[str, Value], base: Settings) -> Settings:
    """``base`` with the form's values; FormError names the first bad one. A field the
    form leaves out (a served tab has no path fields) keeps ``base``'s value."""
    changes: dict[str, object] = {}
    for field in FIELDS:
        if field.name not in values:
            continue
        raw = values[field.name]
        if field.kind == "switch":
            changes[field.name] = bool(raw)
        elif field.kind == "choice":
            changes[field.name] = None if raw == AUTO else str(raw)
        else:
            assert field.read is not None
            try:
                value = field.read(str(raw))
            except ValueError as err:
                raise FormError(f"{field.label}: {err}") from None
            # the default typed out is the default (empty): 200 points is no new data
            changes[field.name] = None if value == BY_DEFAULT.get(field.name) else value
    return replace(base, **changes)  # type: ignore[arg-type]


def read_toml(field: Field, value: object) -> object:
    """A TOML value (a lesson step's) read as the field reads what is typed into it:
    ``[8, 4]`` as "8,4", a number as its digits; a switch takes only true or false."""
    if field.kind == "switch" or isinstance(value, bool):
        if field.kind != "switch" or not isinstance(value, bool):
            raise ValueError(f"must be {'true or false' if field.kind == 'switch' else 'a value'}")
        return value
    if isinstance(value, list):
        value = ",".join(map(str, value)) or ("none" if field.name == "hidden" else "")
    if not isinstance(value, str | int | float):
        raise ValueError("must be a number, a string or a list")
    if field.kind == "choice":
        if value not in field.choices:
            raise ValueError(f"must be one of {', '.join(field.choices)}")
        return None if value == AUTO else value
    assert field.read is not None
    return field.read(str(value))


def changed(old: Settings, new: Settings) -> list[str]:
    """The settings that differ, in the form's order."""
    return [name for name in COMPARED if getattr(old, name) != getattr(new, name)]


def label_of(name: str) -> str:
    return next((f.label for f in FIELDS if f.name == name), name)


def needs_reset(names: list[str]) -> list[str]:
    return [n for n in names if n not in LIVE]


def adjust_layers(text: str, what: str) -> str:
    """The layers field after a button: "+layer" repeats the last width, "-layer" drops
    the last layer, "+neuron"/"-neuron" widen or narrow the last one (never below 1).
    Text that does not read as layers is left as it is."""
    try:
        sizes = list(read_layers(text))
    except ValueError:
        return text
    if what == "+layer":
        sizes.append(sizes[-1] if sizes else 4)
    elif what == "-layer" and sizes:
        sizes.pop()
    elif what == "+neuron" and sizes:
        sizes[-1] += 1
    elif what == "-neuron" and sizes:
        sizes[-1] = max(1, sizes[-1] - 1)
    return ",".join(map(str, sizes)) or "none"
