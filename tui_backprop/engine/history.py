"""A run's past, kept within a memory budget: the metrics of every epoch, and snapshots
of the parameters (with the optimiser's running averages) to return to.

Thinning rule for snapshots: every epoch is kept until the budget is full; then every
other kept snapshot is dropped and from then on only every 2nd epoch is kept, then every
4th, and so on. The kept epochs stay evenly spaced over the whole run, and any epoch
can be rebuilt by replaying at most ``stride - 1`` epochs from the one before it.
Metrics are small (a few numbers an epoch) and are all kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.records import EpochMetrics

SNAPSHOT_BUDGET = 32 * 2**20  # bytes
_WAITING_VALUES = 2**13  # about what rows may wait to be copied in (64 KiB)
_SCALARS = tuple(f.name for f in fields(EpochMetrics) if f.name not in ("epoch", "grad_norms"))


class Snapshots:
    """Flat float64 rows, one per kept epoch, in epoch order.

    ``add_parts`` takes a row as the arrays it is made of and copies them in later, many
    rows with one NumPy call (before anything reads the rows): for a small network,
    packing every epoch's row on its own costs more than a tenth of the epoch."""

    def __init__(self, width: int, budget: int = SNAPSHOT_BUDGET) -> None:
        self.budget = budget
        self.capacity = max(8, budget // max(1, width * 8))
        self.stride = 1
        self._rows = np.empty((min(self.capacity, 256), width))
        self._epochs = np.empty(len(self._rows), dtype=np.int64)
        self._count = 0
        self._last = -1  # the last kept epoch, as a Python int: cheaper to compare
        self._waiting: dict[int, Sequence[Array]] = {}  # row index -> parts not copied yet
        self._waiting_size = 0  # values in each waiting row

    @property
    def nbytes(self) -> int:
        return self._rows.nbytes + self._epochs.nbytes

    @property
    def width(self) -> int:
        return int(self._rows.shape[1])

    def widen(self, width: int) -> None:
        """Make room for wider rows (an optimiser with more running averages)."""
        self._flush()
        self._rows = np.pad(self._rows, ((0, 0), (0, width - self.width)))
        self.capacity = max(8, self.budget // (width * 8))

    @property
    def epochs(self) -> NDArray[np.int64]:
        return self._epochs[: self._count]

    def add(self, epoch: int, row: Array) -> None:
        """Keep ``row`` as epoch ``epoch`` if the thinning rule keeps that epoch (a
        second row for the last kept epoch replaces the first). A row may be shorter than
        the others (zeros fill it) or longer (every row is widened)."""
        self.add_parts(epoch, (row,), row.size)

    def add_parts(self, epoch: int, parts: Sequence[Array], size: int) -> None:
        """``add`` of the row the arrays ``parts`` make one after the other (``size``
        values in all). They are copied in later, so they must never change (the
        engine's arrays are read-only and replaced, never written)."""
        if size > self._rows.shape[1]:
            self.widen(size)
        slot = self._slot(epoch)
        if slot is None:
            return
        if size != self._waiting_size:
            self._flush()
            self._waiting_size = size
        self._waiting[slot] = parts
        if len(self._waiting) * (size + 64) >= _WAITING_VALUES:
            self._flush()

    def _slot(self, epoch: int) -> int | None:
        """The row that epoch ``epoch`` goes into, or None if it is not kept."""
        if self._last == epoch:
            return self._count - 1
        if epoch % self.stride:
            return None
        while self._count >= self.capacity:
            self._flush()
            keep = self.epochs % (2 * self.stride) == 0
            n = int(keep.sum())
            self._rows[:n], self._epochs[:n] = self._rows[: self._count][keep], self.epochs[keep]
            self._count, self.stride = n, 2 * self.stride
            self._last = int(self._epochs[n - 1])
        if epoch % self.stride:
            return None
        if self._count == len(self._rows):
            grown = min(self.capacity, 2 * len(self._rows))
            self._rows = np.resize(self._rows, (grown, self._rows.shape[1]))
            self._epochs = np.resize(self._epochs, grown)
        self._epochs[self._count] = self._last = epoch
        self._count += 1
        return self._count - 1

    def _flush(self) -> None:
        """Copy the waiting rows in: one concatenation, one assignment."""
        if not self._waiting:
            return
        slots = list(self._waiting)
        block = np.concatenate([a for parts in self._waiting.values() for a in parts], axis=None)
        self._waiting = {}
        size = self._waiting_size
        self._rows[slots, :size] = block.reshape(len(slots), size)
        if size < self._rows.shape[1]:
            self._rows[slots, size:] = 0

    def at_or_before(self, epoch: int) -> tuple[int, Array]:
        """The latest kept epoch not after ``epoch``, and its row."""
        self._flush()
        i = int(np.searchsorted(self.epochs, epoch, side="right")) - 1
        if i < 0:
            raise KeyError(f"no snapshot at or before epoch {epoch}")
        return int(self._epochs[i]), self._rows[i]

    def after(self, epoch: int) -> tuple[NDArray[np.int64], Array]:
        """The kept epochs after ``epoch`` and their rows (copies, compact to send)."""
        self._flush()
        i = int(np.searchsorted(self.epochs, epoch, side="right"))
        return self.epochs[i:].copy(), self._rows[i : self._count].copy()

    def add_rows(self, epochs: NDArray[np.int64], rows: Array) -> None:
        """``add`` each row in turn: another copy's ``after``, kept by this one's rule."""
        for epoch, row in zip(epochs.tolist(), rows, strict=True):
            self.add(epoch, row)

    def truncate(self, epoch: int) -> None:
        """Forget the snapshots after ``epoch``."""
        self._flush()
        self._count = int(np.searchsorted(self.epochs, epoch, side="right"))
        self._last = int(self._epochs[self._count - 1]) if self._count else -1


# An epoch's metrics in the order of EpochMetrics's fields after ``epoch``: the values of
# _SCALARS (None for those the run has not), then the tuple of gradient norms.
MetricsRow = tuple[Any, ...]
_BUFFERED = 1024  # rows appended before they are copied into the columns


class MetricsLog(Sequence[EpochMetrics]):
    """Every epoch's metrics in NumPy columns: compact, and a chart can take a column
    without building one object per epoch. Indexing gives ``EpochMetrics`` back.

    New rows wait in a list and go into the columns many at a time (before anything
    reads them): one NumPy assignment per column instead of one per value."""

    def __init__(self) -> None:
        self._count = 0
        self._columns: dict[str, Array] = {}
        self._present: tuple[str, ...] = ()
        self._rows: list[MetricsRow] = []  # the last epochs, not yet in the columns

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> EpochMetrics: ...
    @overload
    def __getitem__(self, index: slice) -> list[EpochMetrics]: ...
    def __getitem__(self, index: int | slice) -> EpochMetrics | list[EpochMetrics]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        self._flush()
        values = {name: float(self._columns[name][index]) for name in self._present}
        norms = tuple(float(v) for v in self._columns["grad_norms"][index])
        return EpochMetrics(epoch=index, grad_norms=norms, **values)

    def __iter__(self) -> Iterator[EpochMetrics]:
        return (self[i] for i in range(self._count))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, so unhashable

    def column(self, name: str) -> Array:
        """One metric for every epoch (``grad_norms`` is epochs × layers); read-only view."""
        if not self._count:
            return np.empty(0)
        self._flush()
        view = self._columns[name][: self._count]
        view.flags.writeable = False
        return view

    def has(self, name: str) -> bool:
        return name in self._present

    def append(self, m: EpochMetrics) -> None:
        self.append_row((*(getattr(m, name) for name in _SCALARS), m.grad_norms))

    def append_row(self, row: MetricsRow) -> None:
        """``append`` of ``EpochMetrics(epoch, *row)``, without making that object."""
        if not self._present:
            self._present = tuple(n for n, v in zip(_SCALARS, row, strict=False) if v is not None)
        self._rows.append(row)
        self._count += 1
        if len(self._rows) == _BUFFERED:
            self._flush()

    def _flush(self) -> None:
        rows = self._rows
        if not rows:
            return
        self._rows = []
        if not self._columns:
            self._columns = {n: np.empty(64) for n in self._present}
            self._columns["grad_norms"] = np.empty((64, len(rows[0][-1])))
        size = len(self._columns["grad_norms"])
        if self._count > size:
            while size < self._count:
                size *= 2
            for name, col in self._columns.items():
                self._columns[name] = np.resize(col, (size, *col.shape[1:]))
        start = self._count - len(rows)
        for i, name in enumerate(_SCALARS):
            if name in self._columns:
                self._columns[name][start : self._count] = [row[i] for row in rows]
        self._columns["grad_norms"][start : self._count] = [row[-1] for row in rows]

    def truncate(self, count: int) -> None:
        """Keep the first ``count`` epochs. The columns are copied, so a ``prefix`` taken
        before keeps its numbers when new epochs are written here."""
        self._flush()
        self._count = min(self._count, count)
        self._columns = {name: col.copy() for name, col in self._columns.items()}

    def prefix(self, count: int) -> MetricsLog:
        """The first ``count`` epochs as a log of their own, sharing this one's memory:
        a look at the past, valid until this log is truncated and written again."""
        self._flush()
        view = MetricsLog()
        view._columns, view._present = dict(self._columns), self._present
        view._count = min(self._count, count)
        return view

    def since(self, start: int) -> MetricsLog:
        """Epochs ``start`` … the last as a log of their own (a copy, compact to send)."""
        self._flush()
        part = MetricsLog()
        part._present = self._present
        part._columns = {
            name: col[start : self._count].copy() for name, col in self._columns.items()
        }
        part._count = max(0, self._count - start)
        return part

    def extend(self, more: MetricsLog) -> None:
        """Append every epoch of ``more`` (a log of the same run's metrics)."""
        self._flush()
        more._flush()
        if not more._count:
            return
        if not self._columns:
            self._present = more._present
            self._columns = {n: np.empty((0, *c.shape[1:])) for n, c in more._columns.items()}
        end = self._count + more._count
        if end > len(self._columns["grad_norms"]):
            size = max(end, 2 * len(self._columns["grad_norms"]))
            for name, col in self._columns.items():
                self._columns[name] = np.resize(col, (size, *col.shape[1:]))
        for name, col in self._columns.items():
            col[self._count : end] = more._columns[name][: more._count]
        self._count = end

    @property
    def nbytes(self) -> int:
        self._flush()
        return sum(c.nbytes for c in self._columns.values())
