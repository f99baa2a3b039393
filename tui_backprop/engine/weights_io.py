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

from tui_backprop.engine.config import MAX_DEPTH, MAX_PARAMETERS, MAX_WIDTH
from tui_backprop.engine.network import Params

MAX_INPUTS = 100_000  # input names a file may record (a CSV has far fewer columns)


class WeightsError(ValueError):
    """A weights file that cannot be read or does not fit."""


@dataclass(frozen=True)
class Architecture:
    """What a weights file says about the network it came from (when it says it)."""

    sizes: tuple[int, ...]
    activation: str | None = None
    output: str | None = None
    inputs: tuple[str, ...] | None = None  # the names of the inputs it was trained on
    standardized: bool | None = None  # whether those inputs were standardised


@dataclass(frozen=True)
class Inputs:
    """What a network's first layer was trained on: weights make sense only on the same
    inputs, scaled the same way."""

    names: tuple[str, ...]
    standardized: bool


def save_weights(
    target: str | os.PathLike[str] | IO[bytes],
    params: Params,
    activation: str,
    output: str,
    inputs: Inputs | None = None,
) -> None:
    """Write the .npz to a path, or to an open binary file (whose caller decides how the
    file reaches its place)."""
    arrays = {f"W{i}": w for i, w in enumerate(params.weights)}
    if params.biases is not None:
        arrays.update({f"b{i}": b for i, b in enumerate(params.biases)})
    arrays["layer_sizes"] = np.array(params.sizes, dtype=np.int64)
    arrays["activation"] = np.array(activation)
    arrays["output"] = np.array(output)
    if inputs is not None:
        arrays["inputs"] = np.array(inputs.names, dtype=str)
        arrays["standardized"] = np.array(inputs.standardized)
    if not isinstance(target, str | os.PathLike):
        np.savez(target, **arrays)  # type: ignore[arg-type]
        return
    with open(target, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


# The members a weights file is read for; any others are never decompressed.
_NUMERIC = re.compile(r"[Wb]\d+")
_TEXTS = ("activation", "output")
_INPUTS = ("inputs", "standardized")
_MAX_TEXT_BYTES = 1024  # an activation or output name; more is not one
_MAX_NAME_BYTES = 4 * 256  # an input's name (at most 256 characters)


@dataclass(frozen=True)
class WeightsFile:
    """A weights file whose array headers (and short texts) were read and checked: the
    arrays themselves are read by ``params`` once the network they must fit is known."""

    path: str
    architecture: Architecture
    bias: bool

    def params(self, sizes: tuple[int, ...], bias: bool) -> Params:
        """The weights, read only when the headers fit a network of these widths."""
        name = self.path
        if sizes != self.architecture.sizes:
            have, need = ("-".join(map(str, s)) for s in (self.architecture.sizes, sizes))
            raise WeightsError(
                f"{name}: the weights are for a {have} network, this data and --layers need {need}"
            )
        if bias != self.bias:
            raise WeightsError(f"{name}: the weights' biases do not match the --bias setting")
        return load_weights(name)[0]


def open_weights(path: str | os.PathLike[str]) -> WeightsFile:
    """A weights file's architecture from its headers, no array read. Raises WeightsError."""
    name = os.fspath(path)
    arrays, (sizes, bias) = _open(name, numbers=False)
    return WeightsFile(name, Architecture(sizes, *_texts(arrays), *_inputs(arrays)), bias)


def load_weights(path: str | os.PathLike[str]) -> tuple[Params, Architecture]:
    """Read a weights file: each array's header (shape and type) is checked before any
    array is, so a file cannot make the app allocate more than ``MAX_PARAMETERS``, nor
    read arrays that do not make a network. Raises WeightsError, one line naming the file."""
    name = os.fspath(path)
    arrays, (_, bias) = _open(name, numbers=True)
    params = _params_from(name, arrays, bias)
    return params, Architecture(params.sizes, *_texts(arrays), *_inputs(arrays))


Layout = tuple[tuple[int, ...], bool]  # the layer widths and whether there are biases


def _open(name: str, numbers: bool) -> tuple[dict[str, np.ndarray], Layout]:
    _check_regular(name)
    try:
        with open(name, "rb") as fh:
            if fh.read(len(np.lib.format.MAGIC_PREFIX)) == np.lib.format.MAGIC_PREFIX:
                raise WeightsError(f"{name}: a single array, not an .npz file of W0, W1, ...")
            with zipfile.ZipFile(fh) as archive:
                return _read_arrays(name, archive, numbers)
    except WeightsError:
        raise
    except OSError as err:
        raise WeightsError(f"cannot read {name}: {_reason(err)}") from None
    except zipfile.BadZipFile:
        raise WeightsError(f"{name}: not an .npz weights file (not a zip archive)") from None
    except (ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error) as err:
        raise WeightsError(f"{name}: not a readable .npz weights file ({err})") from None


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


def _read_arrays(
    name: str, archive: zipfile.ZipFile, numbers: bool
) -> tuple[dict[str, np.ndarray], Layout]:
    """The texts of an .npz and, with ``numbers``, its weights and biases, once their
    headers say they make a network; and that network's layout."""
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
        if member.endswith(".npy") and (_NUMERIC.fullmatch(key) or key in (*_TEXTS, *_INPUTS)):
            with archive.open(member) as fh:
                headers[key] = _header(fh)
    wanted = [key for key, (shape, dtype) in headers.items() if _check(name, key, shape, dtype)]
    total = sum(math.prod(headers[key][0]) for key in wanted if _NUMERIC.fullmatch(key))
    if total > MAX_PARAMETERS:
        raise WeightsError(
            f"{name}: holds {total:,} weights and biases; a network may have at most "
            f"{MAX_PARAMETERS:,}"
        )
    layout = _layout(name, {key: headers[key][0] for key in wanted if _NUMERIC.fullmatch(key)})
    arrays = {}
    for key in wanted:
        if numbers or key in (*_TEXTS, *_INPUTS):
            with archive.open(f"{key}.npy") as fh:
                arrays[key] = np.lib.format.read_array(fh, allow_pickle=False)
    return arrays, layout


def _layout(name: str, shapes: dict[str, tuple[int, ...]]) -> Layout:
    """The widths of the network the weight and bias shapes make; raises WeightsError
    when they do not chain into one, or a hidden layer is wider than the limit."""
    count = sum(1 for key in shapes if key.startswith("W"))
    if count == 0:
        raise WeightsError(f"{name}: holds no weight arrays W0, W1, ...")
    missing = next((f"W{i}" for i in range(count) if f"W{i}" not in shapes), None)
    if missing:
        raise WeightsError(f"{name}: weight array '{missing}' is missing")
    weights = [shapes[f"W{i}"] for i in range(count)]
    for i in range(1, count):
        rows, columns = weights[i][0], weights[i - 1][1]
        if rows != columns:
            raise WeightsError(f"{name}: W{i} has {rows} rows but W{i - 1} has {columns} columns")
    sizes = (weights[0][0], *(w[1] for w in weights))
    if max(sizes[1:-1], default=0) > MAX_WIDTH:
        raise WeightsError(f"{name}: a hidden layer can be at most {MAX_WIDTH} neurons wide")
    biases = [shapes.get(f"b{i}") for i in range(count)]
    if any(b is not None for b in biases) and any(b is None for b in biases):
        raise WeightsError(f"{name}: has biases for some layers but not all")
    for i, b in enumerate(biases):
        if b is not None and b != (sizes[i + 1],):
            raise WeightsError(f"{name}: b{i} has shape {b}, expected ({sizes[i + 1]},)")
    return sizes, biases[0] is not None


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
    if key == "inputs":  # at most as many names as a layer has neurons
        short = dtype.kind == "U" and dtype.itemsize <= _MAX_NAME_BYTES
        return len(shape) == 1 and shape[0] <= MAX_INPUTS and short
    if key == "standardized":
        return shape == () and dtype.kind == "b"
    if dtype.kind not in "iuf":
        raise WeightsError(f"{name}: {key} holds {dtype} values, not real numbers")
    if key.startswith("W") and len(shape) != 2:
        raise WeightsError(f"{name}: {key} has shape {shape}, expected a 2-D matrix")
    if key.startswith("W") and min(shape) < 1:
        raise WeightsError(
            f"{name}: {key} has shape {shape}; a weight matrix needs at least one row and column"
        )
    return True


def _params_from(name: str, arrays: dict[str, np.ndarray], bias: bool) -> Params:
    """The parameters of arrays whose shapes ``_layout`` checked."""
    count = sum(1 for key in arrays if key.startswith("W"))
    flat: list[np.ndarray] = []
    for i in range(count):
        flat.append(arrays[f"W{i}"].astype(np.float64))
        if bias:
            flat.append(arrays[f"b{i}"].astype(np.float64))
    if not all(np.isfinite(a).all() for a in flat):
        raise WeightsError(f"{name}: holds NaN or infinite values")
    return Params.from_flat(flat, bias)


def _texts(arrays: dict[str, np.ndarray]) -> tuple[str | None, str | None]:
    """The activation and output a file names, when it names them."""
    return _text(arrays, "activation"), _text(arrays, "output")


def _inputs(arrays: dict[str, np.ndarray]) -> tuple[tuple[str, ...] | None, bool | None]:
    """The input names and the standardisation a file records (files written before
    they were recorded have neither)."""
    names, scaled = arrays.get("inputs"), arrays.get("standardized")
    return (
        None if names is None else tuple(str(n) for n in names),
        None if scaled is None else bool(scaled),
    )


def _text(arrays: dict[str, np.ndarray], key: str) -> str | None:
    value = arrays.get(key)
    return str(value) if value is not None and value.dtype.kind == "U" else None


__all__ = [
    "Architecture",
    "Inputs",
    "WeightsError",
    "WeightsFile",
    "load_weights",
    "open_weights",
    "save_weights",
]
