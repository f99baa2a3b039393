"""Saving and loading parameters as .npz: arrays W0, W1, ... (fan_in x fan_out),
b0, b1, ... when the network has biases, and the architecture as plain string and
integer arrays so a file can rebuild its network. Never pickles."""

from __future__ import annotations

import math
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

import numpy as np

from tui_backprop.engine.config import MAX_DEPTH, MAX_PARAMETERS
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


# The members a weights file is read for; any others are never decompressed.
_NUMERIC = re.compile(r"[Wb]\d+")
_TEXTS = ("activation", "output")
_MAX_TEXT_BYTES = 1024  # an activation or output name; more is not one


def load_weights(path: str | os.PathLike[str]) -> tuple[Params, Architecture]:
    """Read a weights file: each array's header (shape and type) is checked before any
    array is, so a file cannot make the app allocate more than ``MAX_PARAMETERS``.
    Raises WeightsError, one line naming the file."""
    name = os.fspath(path)
    _check_regular(name)
    try:
        with open(name, "rb") as fh:
            if fh.read(len(np.lib.format.MAGIC_PREFIX)) == np.lib.format.MAGIC_PREFIX:
                raise WeightsError(f"{name}: a single array, not an .npz file of W0, W1, ...")
            with zipfile.ZipFile(fh) as archive:
                arrays = _read_arrays(name, archive)
    except WeightsError:
        raise
    except OSError as err:
        raise WeightsError(f"cannot read {name}: {_reason(err)}") from None
    except zipfile.BadZipFile:
        raise WeightsError(f"{name}: not an .npz weights file (not a zip archive)") from None
    except (ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error) as err:
        raise WeightsError(f"{name}: not a readable .npz weights file ({err})") from None
    return _params_from(name, arrays)


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


def _check_regular(name: str) -> None:
    """Only a regular file: reading a FIFO or a device could block or never end."""
    try:
        info = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        raise WeightsError(f"{name}: no such file") from None
    except OSError as err:
        raise WeightsError(f"cannot read {name}: {_reason(err)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise WeightsError(f"{name}: is a directory, not a weights file")
    if not stat.S_ISREG(info.st_mode):
        raise WeightsError(f"{name}: is not a regular file")


def _read_arrays(name: str, archive: zipfile.ZipFile) -> dict[str, np.ndarray]:
    """The weights, biases and texts of an .npz, once their headers say they fit."""
    members = dict.fromkeys(archive.namelist())
    layers = sum(1 for m in members if re.fullmatch(r"W\d+\.npy", m))
    if layers > MAX_DEPTH + 1:
        raise WeightsError(
            f"{name}: holds {layers:,} weight matrices; a network has at most "
            f"{MAX_DEPTH} hidden layers ({MAX_DEPTH + 1} matrices)"
        )
    headers: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    for member in members:
        key = member.removesuffix(".npy")
        if member.endswith(".npy") and (_NUMERIC.fullmatch(key) or key in _TEXTS):
            with archive.open(member) as fh:
                headers[key] = _header(fh)
    wanted = [key for key, (shape, dtype) in headers.items() if _check(name, key, shape, dtype)]
    total = sum(math.prod(headers[key][0]) for key in wanted if _NUMERIC.fullmatch(key))
    if total > MAX_PARAMETERS:
        raise WeightsError(
            f"{name}: holds {total:,} weights and biases; a network may have at most "
            f"{MAX_PARAMETERS:,}"
        )
    arrays = {}
    for key in wanted:
        with archive.open(f"{key}.npy") as fh:
            arrays[key] = np.lib.format.read_array(fh, allow_pickle=False)
    return arrays


def _header(fh: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
    elif version == (2, 0):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    else:
        raise ValueError(f".npy format version {version[0]}.{version[1]} is not supported")
    return tuple(shape), np.dtype(dtype)


def _check(name: str, key: str, shape: tuple[int, ...], dtype: np.dtype) -> bool:
    """Whether to read the array ``key``; raises WeightsError when a weight or bias
    cannot be one. Texts that are not one short string are left out, as if absent."""
    if key in _TEXTS:
        return shape == () and dtype.kind == "U" and dtype.itemsize <= _MAX_TEXT_BYTES
    if dtype.kind not in "iuf":
        raise WeightsError(f"{name}: {key} holds {dtype} values, not real numbers")
    if key.startswith("W") and len(shape) != 2:
        raise WeightsError(f"{name}: {key} has shape {shape}, expected a 2-D matrix")
    if key.startswith("W") and min(shape) < 1:
        raise WeightsError(
            f"{name}: {key} has shape {shape}; a weight matrix needs at least one row and column"
        )
    return True


def _params_from(name: str, arrays: dict[str, np.ndarray]) -> tuple[Params, Architecture]:
    count = sum(1 for key in arrays if re.fullmatch(r"W\d+", key))
    if count == 0:
        raise WeightsError(f"{name}: holds no weight arrays W0, W1, ...")
    try:
        weights = [arrays[f"W{i}"].astype(np.float64) for i in range(count)]
    except KeyError as missing:
        raise WeightsError(f"{name}: weight array {missing} is missing") from None
    biases = [arrays.get(f"b{i}") for i in range(count)]
    has_bias = any(b is not None for b in biases)
    if has_bias and any(b is None for b in biases):
        raise WeightsError(f"{name}: has biases for some layers but not all")
    for i, w in enumerate(weights):
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
