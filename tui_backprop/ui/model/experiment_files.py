"""What the app asks of an experiment beyond training it: a new one from a CSV file,
its description for the status line, and where to save it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tui_backprop.data import MAX_MAGNITUDE, Dataset, DatasetError, Progress, load_csv
from tui_backprop.experiment import Experiment
from tui_backprop.output_files import claim, output_problem, release
from tui_backprop.settings import Settings, default_output, resolve
from tui_backprop.ui.model.numbering import file_tag
from tui_backprop.ui.model.run_info import RunInfo

OPTIMISERS = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam"}


def open_csv(current: Experiment, path: str, progress: Progress | None = None) -> Experiment:
    """The current settings on the CSV at ``path`` (label in its last column). The seed
    preset is made for its 10 rows only, so from it a file gets the standard preset (as
    on the command line). The output layer follows the new data when the current one
    cannot fit it (a sigmoid for two classes, softmax for more, linear for numbers).
    Raises ValueError (a DatasetError or ConfigError), one line for the user.
    Whether its features are a picture is found anew. ``progress`` hears how far the
    read got (see ``load_csv``)."""
    try:
        dataset = load_csv(path, max_magnitude=MAX_MAGNITUDE, progress=progress)
    except OSError as err:  # one the data layer did not put in words
        reason = (err.strerror or str(err)).lower()
        raise DatasetError(f"cannot read {path}: {reason}") from None
    return Experiment.on_dataset(settings_for(current, path, dataset), dataset)


def settings_for(current: Experiment, name: str, dataset: Dataset) -> Settings:
    """The current settings moved to ``dataset`` (called ``name``), as ``open_csv`` says.
    The files named with ``--save-weights`` / ``--log`` were chosen for the run the
    command started: another file's run saves under new names (``s`` says which), never
    over them, nor over the file just opened when it is one of them."""
    settings = current.settings
    if settings.preset == "seed":
        settings = resolve(name, {"seed": settings.seed})
    settings = replace(
        settings,
        dataset=name,
        label_column=None,
        drop_columns=(),
        load_weights=None,
        image=None,
        save_weights=None,
        log=None,
    )
    # A file is not drawn; input features need two columns.
    settings = replace(settings, points=None, noise=None, data_seed=None)
    if dataset.n_features != 2:
        settings = replace(settings, features=())
    if not _fits(settings.output, dataset.n_classes):
        settings = replace(settings, output=default_output(dataset.n_classes))
    return settings


def _fits(output: str | None, n_classes: int) -> bool:
    if output == "sigmoid":
        return n_classes == 2
    if output == "softmax":
        return n_classes >= 2
    return output == "linear" and n_classes == 0


def run_info(experiment: Experiment) -> RunInfo:
    ds, trainer = experiment.dataset, experiment.trainer
    split = experiment.split
    kind = f"{ds.n_classes} classes" if ds.n_classes else f"predicts {ds.label_name}"
    rows = f"{ds.n_rows} rows"
    if split.x_test is not None and len(split.x_test):
        rows = f"{len(split.x_train)} train + {len(split.x_test)} test rows"
    dataset = f"{ds.name} · {rows} · {ds.n_features} features · {kind}"
    cfg = trainer.config
    lr = experiment.settings.lr  # the chosen rate, also while a playing copy trains
    batch = "full batch" if cfg.batch_size == 0 else f"batch {cfg.batch_size}"
    arch = "-".join(map(str, trainer.sizes))
    bias = "" if cfg.bias else " · no bias"
    # Without a hidden layer the hidden activation names nothing on screen.
    hidden = len(trainer.sizes) > 2
    acts = f"{cfg.activation} → {cfg.output}" if hidden else f"{cfg.output} output, no hidden layer"
    model = (
        f"{arch} · {acts}{bias} · "
        f"{OPTIMISERS.get(cfg.optimizer, cfg.optimizer)} · lr {lr:g} · {batch}"
    )
    if cfg.l1:
        model += f" · L1 {cfg.l1:g}"
    if cfg.l2:
        model += f" · L2 {cfg.l2:g}"
    kind = f"{ds.n_classes} classes" if ds.n_classes else "regression"
    brief = (
        f"{ds.name} {ds.n_rows}×{ds.n_features} {kind} · "
        f"{arch} {cfg.activation if hidden else cfg.output} · "
        f"{OPTIMISERS.get(cfg.optimizer, cfg.optimizer)} lr {lr:g}"
    )
    return RunInfo(dataset, model, brief)


def save_paths(experiment: Experiment) -> tuple[Path, Path, list[Path]]:
    """The files named on the command line (replaced: the user chose them), else new
    names in the working folder, each the first free number of its own name
    (``…-weights-2.npz``), claimed by creating it, rather than replacing files of an
    earlier save; and the names claimed. Raises OSError."""
    s = experiment.settings
    weights_name, log_name = save_names(experiment)
    chosen: list[Path] = []
    claimed: list[Path] = []
    try:
        for given, name in ((s.save_weights, weights_name), (s.log, log_name)):
            # the command line refused it; a run changed since must be refused too
            problem = given and output_problem(given, [p for p in (s.dataset, s.load_weights) if p])
            if problem:
                raise OSError(problem)
            if given:
                chosen.append(Path(given))
            else:
                claimed.append(claim(Path(name)))
                chosen.append(claimed[-1])
    except OSError:
        release(claimed)
        raise
    return chosen[0], chosen[1], claimed


def save_run(experiment: Experiment) -> tuple[Path, Path]:
    """Save the weights and the metrics log (``s``) under ``save_paths``; a failure
    leaves no empty file. Raises OSError."""
    weights, log, claimed = save_paths(experiment)
    try:
        experiment.save_weights(weights)
        experiment.write_log(log)
    except OSError:
        release(claimed)
        raise
    return weights, log


def save_names(experiment: Experiment) -> tuple[str, str]:
    """The names ``s`` gives the weights and the metrics of the latest epoch."""
    stem = f"{Path(experiment.dataset.name).stem}-{file_tag(experiment.trainer.epoch)}"
    return f"{stem}-weights.npz", f"{stem}-metrics.csv"
