"""Loading a dataset from a CSV file.

Accepted: a header row or none (detected, see ``csv_sniff``); delimiters ``,`` ``;`` tab
``|`` (detected); double-quoted fields and header names; CRLF or LF line ends; a UTF-8
byte-order mark; spaces around values; scientific notation; blank lines. Features must
be finite numbers; labels may be numbers or text (see ``labels`` for when a numeric label
means regression). Columns are chosen as described in ``columns``.

Refused with a one-line ``DatasetError`` naming the file, line and column: empty files,
header-only files, ragged rows, non-numeric or empty feature cells, NaN and infinity,
missing labels, a quoted cell left open, non-UTF-8 or binary content, files over
``MAX_FILE_MB`` (200 MB), paths that are missing, directories or unreadable, and
(when ``max_magnitude`` is given, as ``load_dataset`` does) values too large to train on.

Names read from the file (header, label and class names, the file's own) are made
printable with ``text.printable``: control and bidi characters removed, cut to 40
characters; class names that become equal get " (2)", " (3)", ... to stay distinct.

Good files are parsed by one ``numpy.loadtxt`` pass (``csv_fast``); only when that fails
is the file scanned cell by cell (``csv_exact``) to find and name the problem.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from tui_backprop.data.columns import ColumnPlan, plan_columns
from tui_backprop.data.csv_exact import read_exact
from tui_backprop.data.csv_fast import read_fast
from tui_backprop.data.csv_file import Progress, read_head
from tui_backprop.data.csv_sniff import sniff
from tui_backprop.data.dataset import TASKS, Dataset
from tui_backprop.data.errors import fail
from tui_backprop.data.labels import LabelProblem, encode_labels
from tui_backprop.data.raw_table import RawTable
from tui_backprop.data.text import PATH_LIMIT, distinct, printable


def load_csv(
    path: str | os.PathLike[str],
    label_column: str | int | None = None,
    drop_columns: Sequence[str | int] = (),
    task: str = "auto",
    max_magnitude: float = math.inf,
    progress: Progress | None = None,
) -> Dataset:
    """Read a CSV file. ``task`` is "auto", "classification" or "regression". Features
    and regression targets larger than ``max_magnitude`` in size are refused.
    ``progress``, when given, hears every few MB how far the read got (see ``Progress``)."""
    source = os.fspath(path)
    check_task(task, source)
    if isinstance(drop_columns, str | int):
        drop_columns = (drop_columns,)  # a lone name, not a sequence of characters
    layout = sniff(read_head(path, source), source)
    plan = plan_columns(layout, source, label_column, drop_columns)
    table = read_fast(path, layout, plan, max_magnitude, progress)
    if table is not None:
        try:
            return _dataset(table, source, plan, task, max_magnitude)
        except LabelProblem:
            pass  # the exact path below knows which line to blame
    table = read_exact(path, source, layout, plan, max_magnitude, progress)
    try:
        return _dataset(table, source, plan, task, max_magnitude)
    except LabelProblem as problem:
        line = None if problem.key is None else table.first_line_of(problem.key)
        raise fail(source, problem.problem, line, plan.places[plan.label]) from None


def check_task(task: str, source: str) -> None:
    if task not in TASKS:
        raise fail(source, f"task {task!r} is not one of {', '.join(TASKS)}")


def _dataset(table: RawTable, source: str, plan: ColumnPlan, task: str, limit: float) -> Dataset:
    labels, class_names = encode_labels(table.label_keys, table.label_codes, task, limit)
    return Dataset(
        name=printable(os.path.basename(source)),
        source=printable(source, PATH_LIMIT),
        features=table.features,
        feature_names=plan.feature_names,
        labels=labels,
        class_names=distinct(map(printable, class_names)),
        label_name=plan.label_name,
        dropped=plan.dropped_names,
    )
