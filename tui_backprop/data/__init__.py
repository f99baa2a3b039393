"""The data layer: built-in datasets, CSV loading, splitting. NumPy and stdlib only."""

from tui_backprop.data.builtin import BUILTIN_NAMES, builtin_dataset, write_builtins
from tui_backprop.data.cells import MAX_MAGNITUDE, magnitude_limit
from tui_backprop.data.csv_file import MAX_FILE_BYTES, MAX_FILE_MB, Progress
from tui_backprop.data.csv_load import load_csv
from tui_backprop.data.csv_write import save_csv
from tui_backprop.data.dataset import TASKS, Dataset, as_regression
from tui_backprop.data.errors import DatasetError
from tui_backprop.data.features import FEATURE_NAMES, lift, with_features
from tui_backprop.data.labels import MAX_AUTO_CLASSES, MAX_CLASSES
from tui_backprop.data.load import Drawn, load_dataset
from tui_backprop.data.split import Split, principal_axes, principal_components, split_dataset
from tui_backprop.data.summary import summary_lines

__all__ = [
    "BUILTIN_NAMES",
    "FEATURE_NAMES",
    "MAX_AUTO_CLASSES",
    "MAX_CLASSES",
    "MAX_FILE_BYTES",
    "MAX_FILE_MB",
    "MAX_MAGNITUDE",
    "TASKS",
    "Dataset",
    "DatasetError",
    "Drawn",
    "Progress",
    "Split",
    "as_regression",
    "builtin_dataset",
    "lift",
    "load_csv",
    "load_dataset",
    "magnitude_limit",
    "principal_axes",
    "principal_components",
    "save_csv",
    "split_dataset",
    "summary_lines",
    "with_features",
    "write_builtins",
]
