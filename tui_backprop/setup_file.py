"""A run's set-up written out to share: a TOML file that ``--config`` reads back, and
the equivalent command line. Keys are the command line's flags, as in a lesson's
[experiment], so both are read by the one reader the command line has. Every setting
is written (not only those that differ from a preset), so a later change of a preset
cannot change what a file means. Standard library only."""

from __future__ import annotations

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


class SetupError(ValueError):
    """A set-up that a TOML file cannot hold, said in one line."""


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # a float's repr reads back as the same float
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return _basic_string(str(value))


def _basic_string(text: str) -> str:
    """``text`` as a TOML basic string. TOML allows no control character (DEL among
    them) unescaped, and a file name that is not valid UTF-8 (its bytes decoded as
    surrogates) cannot be written in a UTF-8 file at all."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise SetupError(
                "the data file's name is not valid UTF-8, so a set-up file cannot name it; "
                "rename the file"
            )
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def setup_text(s: Settings) -> str:
    lines = ["# backprop-tui set-up: backprop-tui --config THIS_FILE"]
    lines += [f"{key} = {_toml(value)}" for key, value in setup_values(s).items()]
    return "\n".join(lines) + "\n"


def write_setup(s: Settings, path: Path) -> None:
    """The set-up file, replacing ``path`` only once it is all written. Raises OSError,
    or SetupError (before anything is written) for a set-up no file can hold."""
    text = setup_text(s)
    with atomic_write(path, "w") as f:
        f.write(text)


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
