"""Saving and loading parameters as .npz: arrays W0, W1, ... (fan_in x fan_out),
b0, b1, ... when the network has biases, and the architecture as plain string and
integer arrays so a file can rebuild its network. Never pickles."""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from typing import IO

import numpy as np

from tui_backprop.engine.network import Params


class WeightsError(ValueError):
    """A weights file that cannot be read or does not fit."""


@dataclass(frozen=True)
class Architecture:
    """What a weights file says about the network it came from (when it says it)."""

    sizes: tuple[int, ...]
    activation: str | None = None
    output: str | None = None


def save_weights(
    target: str | os.PathLike[str] | IO[bytes], params: Params, activation: str, output: str
) -> None:
    """Write the .npz to a path, or to an open binary file (whose caller decides how the
    file reaches its place)."""
    arrays = {f"W{i}": w for i, w in enumerate(params.weights)}
    if params.biases is not None:
        arrays.update({f"b{i}": b for i, b in enumerate(params.biases)})
    arrays["layer_sizes"] = np.array(params.sizes, dtype=np.int64)
    arrays["activation"] = np.array(activation)
    arrays["output"] = np.array(output)
    if not isinstance(target, str | os.PathLike):
        np.savez(target, **arrays)  # type: ignore[arg-type]
        return
    with open(target, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def load_weights(path: str | os.PathLike[str]) -> tuple[Params, Architecture]:
    name = os.fspath(path)
    try:
        loaded = np.load(name, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded as data:
                arrays = {key: np.array(data[key]) for key in data.files}
    except FileNotFoundError:
        raise WeightsError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise WeightsError(f"{name}: is a directory, not a weights file") from None
    except PermissionError:
        raise WeightsError(f"{name}: permission denied") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise WeightsError(f"{name}: not a readable .npz weights file ({err})") from None
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise WeightsError(f"{name}: a single array, not an .npz file of W0, W1, ...")
    return _params_from(name, arrays)


def _params_from(name: str, arrays: dict[str, np.ndarray]) -> tuple[Params, Architecture]:
    count = sum(1 for key in arrays if re.fullmatch(r"W\d+", key))
    if count == 0:
        raise WeightsError(f"{name}: holds no weight arrays W0, W1, ...")
    numeric = {k: a for k, a in arrays.items() if re.fullmatch(r"[Wb]\d+", k)}
    for key, array in numeric.items():
        if array.dtype.kind not in "iuf":
            raise WeightsError(f"{name}: {key} holds {array.dtype} values, not real numbers")
    try:
        weights = [arrays[f"W{i}"].astype(np.float64) for i in range(count)]
    except KeyError as missing:
        raise WeightsError(f"{name}: weight array {missing} is missing") from None
    biases = [arrays.get(f"b{i}") for i in range(count)]
    has_bias = any(b is not None for b in biases)
    if has_bias and any(b is None for b in biases):
        raise WeightsError(f"{name}: has biases for some layers but not all")
    for i, w in enumerate(weights):
        if w.ndim != 2:
            raise WeightsError(f"{name}: W{i} has shape {w.shape}, expected a 2-D matrix")
        if i and w.shape[0] != weights[i - 1].shape[1]:
            width = weights[i - 1].shape[1]
            raise WeightsError(
                f"{name}: W{i} has {w.shape[0]} rows but W{i - 1} has {width} columns"
            )
        b = biases[i]
        if b is not None and b.shape != (w.shape[1],):
            raise WeightsError(f"{name}: b{i} has shape {b.shape}, expected ({w.shape[1]},)")
    flat: list[np.ndarray] = []
    for w, b in zip(weights, biases, strict=True):
        flat.append(w)
        if b is not None:
            flat.append(b.astype(np.float64))
    if not all(np.isfinite(a).all() for a in flat):
        raise WeightsError(f"{name}: holds NaN or infinite values")
    params = Params.from_flat(flat, has_bias)
    return params, Architecture(params.sizes, _text(arrays, "activation"), _text(arrays, "output"))


def _text(arrays: dict[str, np.ndarray], key: str) -> str | None:
    value = arrays.get(key)
    return str(value) if value is not None and value.dtype.kind == "U" else None


__all__ = ["Architecture", "WeightsError", "load_weights", "save_weights"]
