"""Writing output files so that a failure never leaves half a file: everything goes to a
temporary file in the same folder, which replaces the target only once it is complete
and on disk. Also the checks made before a run writes anything, and fresh numbered
names for files the app names itself, each taken by creating it. Standard library only."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, Literal

PathLike = str | os.PathLike[str]


class AtomicFile:
    """A temporary file next to ``path`` that becomes ``path`` on ``commit``; ``discard``
    (or a failed commit) removes it and leaves any earlier ``path`` as it was."""

    def __init__(self, path: PathLike, mode: Literal["w", "wb"] = "wb") -> None:
        self.path = written_path(path)
        self.committed = False
        fd = self._create()
        try:
            if mode == "w":  # text as the csv module wants it: no newline translation
                self.file: IO[Any] = os.fdopen(fd, "w", newline="", encoding="utf-8")
            else:
                self.file = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self.temp.unlink(missing_ok=True)
            raise

    def _create(self) -> int:
        """An unused name in the target's folder, created with the usual permissions
        (0o666 less the umask, or the mode of the file it replaces), opened to write."""
        while True:
            self.temp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
            try:
                fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            with suppress(OSError):
                os.fchmod(fd, stat.S_IMODE(os.stat(self.path).st_mode))
            return fd

    def commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        self.committed = True
        _sync_folder(self.path.parent)

    def discard(self) -> None:
        """Remove the temporary file (nothing once committed)."""
        if self.committed:
            return
        with suppress(OSError):
            self.file.close()
        self.temp.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """Put the rename itself on disk (where the system lets a folder be opened)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def atomic_write(path: PathLike, mode: Literal["w", "wb"] = "wb") -> Iterator[IO[Any]]:
    """``with atomic_write(path) as f:`` — ``path`` holds what was written to ``f`` once
    the block ends, or is unchanged if the block (or the write) fails."""
    out = AtomicFile(path, mode)
    try:
        yield out.file
    except BaseException:
        out.discard()
        raise
    out.commit()


def written_path(path: PathLike) -> Path:
    """The file that writing ``path`` replaces: a symbolic link's target (followed to the
    end, so the link stays a link), else ``path`` itself."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def output_problem(path: str, inputs: Sequence[str] = ()) -> str | None:
    """Why ``path`` may not be written as an output of a run reading ``inputs``, or None:
    an empty name, one of the inputs, something other than a regular file, or a folder
    that does not exist or cannot be written."""
    if not path:
        return "an empty file name"
    for source in inputs:
        with suppress(OSError):
            if os.path.samefile(path, source):
                return f"{path} is also an input of this run ({source})"
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        pass
    except OSError as err:
        return f"{path}: {err.strerror}"
    else:
        if not stat.S_ISREG(mode):
            return f"{path} exists and is not a regular file"
    folder = os.path.dirname(written_path(path)) or "."
    if not os.path.isdir(folder):
        return f"{path}: no such folder {folder}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{path}: the folder {folder} cannot be written"
    return None


def claim(path: Path) -> Path:
    """The first of ``path``, ``path-2``, ``path-3``, … (``a-weights.npz`` →
    ``a-weights-2.npz``) that does not exist, created empty on the spot with
    ``O_CREAT | O_EXCL``: the system hands a name to one creator only, so two saves at the
    same moment never get the same one. Each file is numbered for its own name alone.
    Write into it with ``atomic_write``; ``release`` what stays unwritten. Raises OSError
    (a folder that cannot be written)."""
    n = 1
    while True:
        name = path if n == 1 else path.with_stem(f"{path.stem}-{n}")
        try:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:  # a file, a folder or a dangling link: the next number
            n += 1
            continue
        os.close(fd)
        return name


def release(paths: Iterable[Path | None]) -> None:
    """Remove the names ``claim`` took that are still empty: nothing was written to them
    (a write failed), so no empty file is left behind."""
    for path in paths:
        if path is None:
            continue
        with suppress(OSError):
            if os.stat(path).st_size == 0:
                path.unlink()


def same_file(a: str, b: str) -> bool:
    """Whether two output names would write one file (then the second would replace the
    first)."""
    with suppress(OSError):
        return os.path.samefile(a, b)
    return os.path.abspath(a) == os.path.abspath(b)


def in_words(err: Exception) -> str:
    """``cannot write FILE: permission denied``, not ``[Errno 13] Permission denied: …``."""
    if not isinstance(err, OSError):
        return str(err)
    reason = err.strerror.lower() if err.strerror else str(err)  # a message of ours as it is
    return f"cannot write {err.filename}: {reason}" if err.filename else reason
