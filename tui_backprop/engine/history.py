"""A run's past, kept within a memory budget: the metrics of every epoch, and snapshots
of the parameters (with the optimiser's running averages) to return to.

Thinning rule for snapshots: every epoch is kept until the budget is full; then every
other kept snapshot is dropped and from then on only every 2nd epoch is kept, then every
4th, and so on. The kept epochs stay evenly spaced over the whole run, and any epoch
can be rebuilt by replaying at most ``stride - 1`` epochs from the one before it.
Metrics are small (a few numbers an epoch) and are thinned by the same rule within a
budget of their own; the latest epoch's are always kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import fields
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine import footprint
from tui_backprop.engine.activations import Array
from tui_backprop.engine.records import EpochMetrics

SNAPSHOT_BUDGET = 32 * 2**20  # bytes
# A process given an array budget (a served tab: 500 MB) keeps snapshots in this share
# of it: 30 tabs on one machine, each at max speed for a lesson, stay within 150 MB.
SNAPSHOT_SHARE = 32


def snapshot_budget() -> int:
    """The bytes of snapshots a run keeps: ``SNAPSHOT_BUDGET``, or less in a process
    whose arrays have a budget (``footprint.budget``)."""
    given = footprint.budget()
    return SNAPSHOT_BUDGET if given is None else min(SNAPSHOT_BUDGET, given // SNAPSHOT_SHARE)


_WAITING_VALUES = 2**13  # about what rows may wait to be copied in (64 KiB)
_SCALARS = tuple(f.name for f in fields(EpochMetrics) if f.name not in ("epoch", "grad_norms"))


class Snapshots:
    """Flat float64 rows, one per kept epoch, in epoch order.

    ``add_parts`` takes a row as the arrays it is made of and copies them in later, many
    rows with one NumPy call (before anything reads the rows): for a small network,
    packing every epoch's row on its own costs more than a tenth of the epoch."""

    def __init__(self, width: int, budget: int | None = None) -> None:
        self.budget = snapshot_budget() if budget is None else budget
        self.capacity = max(8, self.budget // max(1, width * 8))
        self.stride = 1
        self._rows = np.empty((min(self.capacity, 256), width))
        self._epochs = np.empty(len(self._rows), dtype=np.int64)
        self._count = 0
        self._dropped = 0  # rows forgotten (``forget_before``), still counted for thinning
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
        while self._count + self._dropped >= self.capacity:
            self._flush()
            keep = self.epochs % (2 * self.stride) == 0
            n = int(keep.sum())
            self._rows[:n], self._epochs[:n] = self._rows[: self._count][keep], self.epochs[keep]
            self._count, self.stride = n, 2 * self.stride
            self._dropped = (self._dropped + 1) // 2  # they were 0, s, 2s …: half stay
            self._last = int(self._epochs[n - 1]) if n else -1
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

    def spread(self, epoch: int, width: int, at_most: int) -> tuple[NDArray[np.int64], Array]:
        """At most ``at_most`` of the kept epochs not after ``epoch``, evenly spread
        (the first and the last always), and their rows' first ``width`` values (copies):
        a run's path without copying every snapshot."""
        self._flush()
        end = int(np.searchsorted(self.epochs, epoch, side="right"))
        picked = np.unique(np.linspace(0, end - 1, min(end, at_most)).round().astype(np.intp))
        return self._epochs[picked].copy(), self._rows[picked, :width].copy()

    def add_rows(self, epochs: NDArray[np.int64], rows: Array) -> None:
        """``add`` each row in turn: another copy's ``after``, kept by this one's rule."""
        for epoch, row in zip(epochs.tolist(), rows, strict=True):
            self.add(epoch, row)

    def forget_before(self, epoch: int) -> None:
        """Drop the snapshots before ``epoch`` (sent elsewhere already), thinning on as
        if they were kept, so what this keeps stays as spaced as a whole copy's."""
        self._flush()
        first = int(np.searchsorted(self.epochs, epoch, side="left"))
        if not first:
            return
        self._count -= first
        self._dropped += first
        rows = np.empty((min(self.capacity, max(2 * self._count, 256)), self.width))
        epochs = np.empty(len(rows), dtype=np.int64)
        rows[: self._count] = self._rows[first : first + self._count]
        epochs[: self._count] = self._epochs[first : first + self._count]
        self._rows, self._epochs = rows, epochs

    def truncate(self, epoch: int) -> None:
        """Forget the snapshots after ``epoch``."""
        self._flush()
        self._count = int(np.searchsorted(self.epochs, epoch, side="right"))
        self._last = int(self._epochs[self._count - 1]) if self._count else -1


# An epoch's metrics in the order of EpochMetrics's fields after ``epoch``: the values of
# _SCALARS (None for those the run has not), then the tuple of gradient norms.
MetricsRow = tuple[Any, ...]
METRICS_BUDGET = 8 * 2**20  # bytes of metric columns before they are thinned
_BUFFERED = 1024  # rows appended before they are copied into the columns


class MetricsLog(Sequence[EpochMetrics]):
    """The metrics of a run's epochs in NumPy columns: compact, and a chart can take a
    column without building one object per epoch. Indexing by epoch gives
    ``EpochMetrics`` back.

    Thinning rule (like ``Snapshots``): every epoch is kept until the columns fill
    ``budget`` bytes; then every other kept row is dropped, and from then on only
    epochs that are multiples of ``stride`` (2, 4, …) are kept, besides the latest
    epoch, which is always kept whole. A log at most ``budget`` bytes thus covers a run
    of any length with evenly spaced rows. ``epochs()`` says which epochs the columns
    hold (0, 1, 2 … until the first thinning, so ``column(name)[e]`` is epoch e's
    value then), and indexing a dropped epoch gives the kept one before it, its own
    ``epoch`` saying which. ``len`` is the count of epochs the log covers.

    New rows wait in a list and go into the columns many at a time (before anything
    reads them): one NumPy assignment per column instead of one per value."""

    def __init__(self, budget: int | None = None) -> None:
        self.budget = METRICS_BUDGET if budget is None else budget
        self.stride = 1
        self._count = 0  # epochs covered: the last kept row is epoch _count - 1
        self._kept = 0  # rows in the columns
        self._columns: dict[str, Array] = {}  # "epoch" holds each row's epoch
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
        row = self._row_of(index)
        if row < 0:
            raise IndexError(f"epoch {index} is not kept in this log")
        values = {name: float(self._columns[name][row]) for name in self._present}
        norms = tuple(float(v) for v in self._columns["grad_norms"][row])
        epoch = int(self._columns["epoch"][row])
        return EpochMetrics(epoch=epoch, grad_norms=norms, **values)

    def _row_of(self, epoch: int) -> int:
        """The row of ``epoch``, or of the latest kept epoch before it."""
        if self.stride == 1 and self._kept == self._count:  # every epoch kept
            return epoch
        return int(np.searchsorted(self._epoch_column(), epoch, side="right")) - 1

    def __iter__(self) -> Iterator[EpochMetrics]:
        return (self[i] for i in range(self._count))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, so unhashable

    def column(self, name: str) -> Array:
        """One metric for every kept epoch, in the order of ``epochs()`` (``grad_norms``
        is rows × layers); a read-only view."""
        if not self._count:
            return np.empty(0)
        self._flush()
        view = self._columns[name][: self._kept]
        view.flags.writeable = False
        return view

    def epochs(self) -> NDArray[np.int64]:
        """The epoch of each row ``column`` gives (a copy)."""
        return self.column("epoch").astype(np.int64, copy=False)

    def epochs_at(self, rows: NDArray[np.intp] | slice) -> NDArray[np.int64]:
        """The epochs of these rows."""
        self._flush()
        return self._epoch_column()[rows].astype(np.int64)

    def rows_before(self, count: int) -> int:
        """How many rows hold epochs before ``count``."""
        self._flush()
        if self.stride == 1 and self._kept == self._count:
            return max(0, min(count, self._count))
        return int(np.searchsorted(self._epoch_column(), count, side="left"))

    def has(self, name: str) -> bool:
        return name in self._present

    def append(self, m: EpochMetrics) -> None:
        self.append_row((*(getattr(m, name) for name in _SCALARS), m.grad_norms))

    def append_row(self, row: MetricsRow) -> None:
        """``append`` of ``EpochMetrics(epoch, *row)`` (the next epoch), without making
        that object."""
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
        first = self._count - len(rows)
        block: dict[str, Array] = {
            name: np.array([row[i] for row in rows], dtype=np.float64)
            for i, name in enumerate(_SCALARS)
            if name in self._present
        }
        block["grad_norms"] = np.array([row[-1] for row in rows], dtype=np.float64)
        block["epoch"] = np.arange(first, self._count, dtype=np.float64)
        self._store(block)

    def _store(self, block: dict[str, Array]) -> None:
        """Keep the rows of ``block`` (columns of epochs after every kept one) that the
        thinning rule keeps, its last row always; thin when past the budget."""
        epochs = block["epoch"]
        if not len(epochs):
            return
        if self._kept and self._columns["epoch"][self._kept - 1] % self.stride:
            self._kept -= 1  # the latest epoch kept only as the latest: superseded
        keep = epochs % self.stride == 0
        keep[-1] = True
        new = int(keep.sum())
        self._reserve(self._kept + new, block)
        end = self._kept + new
        for name, col in block.items():
            self._columns[name][self._kept : end] = col if new == len(col) else col[keep]
        self._kept = end
        while self._kept > self._capacity():
            self._halve()

    def _capacity(self) -> int:
        width = sum(int(np.prod(c.shape[1:])) for c in self._columns.values())
        return max(64, self.budget // (8 * max(width, 1)))

    def _reserve(self, rows: int, like: dict[str, Array]) -> None:
        """Room for ``rows`` rows in the columns (made like ``like``'s on first use)."""
        if not self._columns:
            self._columns = {n: np.empty((0, *c.shape[1:])) for n, c in like.items()}
        size = len(self._columns["epoch"])
        if rows <= size:
            return
        size = max(rows, min(2 * size, self._capacity() + _BUFFERED), 64)
        for name, col in self._columns.items():
            grown = np.empty((size, *col.shape[1:]))
            grown[: self._kept] = col[: self._kept]
            self._columns[name] = grown

    def _halve(self) -> None:
        """Drop every other kept epoch: keep multiples of twice the stride, and the latest."""
        self.stride *= 2
        epochs = self._columns["epoch"][: self._kept]
        keep = epochs % self.stride == 0
        keep[-1] = True
        n = int(keep.sum())
        for col in self._columns.values():
            col[:n] = col[: self._kept][keep]
        self._kept = n

    def truncate(self, count: int, last: EpochMetrics | None = None) -> None:
        """Keep the first ``count`` epochs (``last``: epoch ``count - 1``'s metrics, kept
        when thinning had dropped them). The columns are copied, so a ``prefix`` taken
        before keeps its numbers when new epochs are written here."""
        self._flush()
        self._kept = self.rows_before(count)
        self._count = min(self._count, count)
        self._columns = {name: col[: self._kept + 1].copy() for name, col in self._columns.items()}
        self._end_with(last)

    def prefix(self, count: int, last: EpochMetrics | None = None) -> MetricsLog:
        """The first ``count`` epochs as a log of their own, sharing this one's memory:
        a look at the past, valid until this log is truncated and written again.
        ``last``, epoch ``count - 1``'s metrics, is kept in it when thinning had dropped
        them (the prefix's columns are a copy then)."""
        self._flush()
        view = MetricsLog(self.budget)
        view._columns, view._present, view.stride = dict(self._columns), self._present, self.stride
        view._count = min(self._count, count)
        view._kept = self.rows_before(view._count)
        if view._dropped_last(last):
            view._columns = {n: c[: view._kept].copy() for n, c in self._columns.items()}
            view._end_with(last)
        return view

    def _dropped_last(self, last: EpochMetrics | None) -> bool:
        """``last`` is given and the rows lack the last epoch the log covers."""
        if last is None or not self._count:
            return False
        return not self._kept or self._epoch_column()[self._kept - 1] != self._count - 1

    def _end_with(self, last: EpochMetrics | None) -> None:
        """Write ``last`` as the row of the log's last epoch, if the rows lack it."""
        if not self._dropped_last(last):
            return
        assert last is not None
        self._reserve(self._kept + 1, self._columns)
        at = self._kept
        for name in self._present:
            self._columns[name][at] = getattr(last, name)
        self._columns["grad_norms"][at] = last.grad_norms
        self._columns["epoch"][at] = self._count - 1
        self._kept += 1

    def _epoch_column(self) -> Array:
        return self._columns["epoch"][: self._kept] if self._columns else np.empty(0)

    def since(self, start: int) -> MetricsLog:
        """Epochs ``start`` … the last as a log of their own (a copy, compact to send):
        it covers as many epochs as this one, holding rows only from ``start`` on."""
        self._flush()
        part = MetricsLog(self.budget)
        part._present, part.stride, part._count = self._present, self.stride, self._count
        first = self.rows_before(start)
        part._columns = {n: c[first : self._kept].copy() for n, c in self._columns.items()}
        part._kept = self._kept - first
        return part

    def forget_before(self, start: int) -> None:
        """Drop the rows of the epochs before ``start`` (sent elsewhere already); the
        log still counts them."""
        self._flush()
        first = self.rows_before(start)
        if not first:  # a frame without a new epoch: nothing to drop, nothing to copy
            return
        self._columns = {n: c[first : self._kept].copy() for n, c in self._columns.items()}
        self._kept -= first

    def extend(self, more: MetricsLog) -> None:
        """Add the rows of ``more`` after those of this log: ``since`` of the same run's
        log, starting where this one ends."""
        self._flush()
        more._flush()
        if not self._present:
            self._present = more._present
        if more._kept:
            self._store({n: c[: more._kept] for n, c in more._columns.items()})
        self._count = max(self._count, more._count)

    @property
    def nbytes(self) -> int:
        self._flush()
        return sum(c.nbytes for c in self._columns.values())
