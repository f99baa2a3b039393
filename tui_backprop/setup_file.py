"""A run's set-up written out to share: a TOML file that ``--config`` reads back, and
the equivalent command line. Keys are the command line's flags, as in a lesson's
[experiment], so both are read by the one reader the command line has. Every setting
is written (not only those that differ from a preset), so a later change of a preset
cannot change what a file means. Standard library only."""

from __future__ import annotations

import json
import shlex
from dataclasses import fields
from pathlib import Path

from tui_backprop.output_files import atomic_write
from tui_backprop.settings import Settings, resolve

NOT_WRITTEN = ("save_weights", "log")  # this machine's output files, not the experiment
FLAG_OF = {"hidden": "layers"}  # a setting whose flag has another name


def flag_of(name: str) -> str:
    return FLAG_OF.get(name, name.replace("_", "-"))


def setup_values(s: Settings) -> dict[str, object]:
    """Every setting that has a value, by flag name (``dataset`` for the dataset)."""
    out: dict[str, object] = {}
    for f in fields(s):
        value = getattr(s, f.name)
        if f.name in NOT_WRITTEN or value is None or (value == () and f.name != "hidden"):
            continue  # an empty list (no features chosen, no column dropped) is the default
        if f.name == "hidden":
            value = list(value) if value else "none"
        elif isinstance(value, tuple):
            value = list(value)
        out[flag_of(f.name)] = value
    return out


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # a float's repr reads back as the same float
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def setup_text(s: Settings) -> str:
    lines = ["# backprop-tui set-up: backprop-tui --config THIS_FILE"]
    lines += [f"{key} = {_toml(value)}" for key, value in setup_values(s).items()]
    return "\n".join(lines) + "\n"


def write_setup(s: Settings, path: Path) -> None:
    """The set-up file, replacing ``path`` only once it is all written. Raises OSError."""
    with atomic_write(path, "w") as f:
        f.write(setup_text(s))


def command_line(s: Settings) -> str:
    """The shortest command line of ``s``: the flags whose value the preset would not
    give (some defaults follow others, e.g. the initialisation follows the activation,
    so this looks again until nothing differs)."""
    chosen: dict[str, object] = {"preset": s.preset}
    for _ in range(len(fields(s))):
        base = resolve(s.dataset, chosen)
        differ = [
            f.name
            for f in fields(s)
            if f.name not in (*NOT_WRITTEN, "dataset")
            and getattr(base, f.name) != getattr(s, f.name)
        ]
        if not differ:
            break
        chosen.update({name: getattr(s, name) for name in differ})
    default_preset = "seed" if s.dataset == "seed" else "standard"
    words = ["backprop-tui"] + ([] if s.dataset == "seed" else [s.dataset])
    values = setup_values(s)
    for name in chosen:
        if name == "preset" and s.preset == default_preset:
            continue
        words += _flag(flag_of(name), values.get(flag_of(name)))
    return shlex.join(words)


def _flag(key: str, value: object) -> list[str]:
    if isinstance(value, bool):
        return [f"--{key}" if value else f"--no-{key}"]
    if isinstance(value, list):
        value = ",".join(map(str, value))
    return [f"--{key}", str(value)]
