"""New settings for a running experiment. The learning rate, the optimiser, the L1 and
L2 λ and the stop rules change in place (the run goes on: ``Trainer.set_lr`` /
``set_optimizer`` / ``set_penalties`` / ``set_stop_rules``), and so do the file
names; anything else needs a new network, so it builds a new experiment on the same
data, which starts at epoch 0. Nothing changes unless all of it works."""

from __future__ import annotations

from dataclasses import replace

from tui_backprop.data import Dataset, Drawn, as_regression, load_dataset
from tui_backprop.experiment import TASK_OF_OUTPUT, Experiment, adopt_weights, stop_rules
from tui_backprop.output_files import output_problem, same_file
from tui_backprop.settings import Settings
from tui_backprop.ui.model.kept_runs import effective_settings
from tui_backprop.ui.model.settings_form import changed, needs_reset

CSV_ONLY = ("label_column", "drop_columns")
DRAWN = ("points", "noise", "data_seed")  # a generated built-in's: drawn again


def apply_live(experiment: Experiment, new: Settings) -> None:
    """The learning rate, optimiser, λ, stop rules and file names of ``new``, without a
    reset."""
    trainer = experiment.trainer
    if new.optimizer != trainer.config.optimizer:
        trainer.set_optimizer(new.optimizer)  # checks the name before changing anything
    if new.lr != trainer.config.lr:
        trainer.set_lr(new.lr)
    if (new.l1, new.l2) != (trainer.config.l1, trainer.config.l2):
        trainer.set_penalties(new.l1, new.l2)
    if stop_rules(new) != trainer.stop_rules:
        trainer.set_stop_rules(stop_rules(new))
    experiment.settings = replace(
        experiment.settings,
        lr=new.lr,
        optimizer=new.optimizer,
        l1=new.l1,
        l2=new.l2,
        epochs=new.epochs,
        stop_loss=new.stop_loss,
        patience=new.patience,
        save_weights=new.save_weights,
        log=new.log,
    )


def rebuild(experiment: Experiment, new: Settings) -> Experiment:
    """The experiment of ``new`` on the current data (read again when a CSV's label,
    dropped columns or task change). Raises ValueError with one line for the user."""
    names = changed(effective_settings(experiment), new)
    settings, initial = adopt_weights(new, frozenset(names))
    return Experiment.on_dataset(settings, _data_for(experiment, settings, names), initial)


def _data_for(experiment: Experiment, settings: Settings, names: list[str]) -> Dataset:
    ds = experiment.data  # before any input features: the new ones start from it
    task = TASK_OF_OUTPUT.get(settings.output, "auto")
    other_task = task != "auto" and task != ds.task
    if any(n in names for n in DRAWN):  # a CSV refuses them, as on the command line
        drawn = Drawn(settings.points, settings.noise, settings.data_seed)
        return load_dataset(
            settings.dataset, settings.label_column, settings.drop_columns, task, drawn
        )
    if ds.source.startswith("built-in"):
        if any(n in names for n in CSV_ONLY) and (
            settings.label_column is not None or settings.drop_columns
        ):
            raise ValueError("label and dropped columns apply only to CSV files")
        return as_regression(ds) if other_task and task == "regression" else ds
    if other_task or any(n in names for n in CSV_ONLY):
        return load_dataset(settings.dataset, settings.label_column, settings.drop_columns, task)
    return ds


def apply(experiment: Experiment, new: Settings) -> tuple[Experiment, list[str]]:
    """``new`` applied: the experiment to use from now on (the same one when the changes
    were live) and the names of the settings that changed."""
    names = changed(effective_settings(experiment), new)
    _check_outputs(new)
    if needs_reset(names):
        return rebuild(experiment, new), names
    if names:
        apply_live(experiment, new)
    return experiment, names


def _check_outputs(new: Settings) -> None:
    """The files ``s`` will write, checked as the command line checks them: never one of
    the run's inputs, nor anything but a regular file in a folder that can be written."""
    inputs = [p for p in (new.dataset, new.load_weights) if p]
    for label, path in (("save weights to", new.save_weights), ("metrics log to", new.log)):
        problem = None if path is None else output_problem(path, inputs)
        if problem:
            raise ValueError(f"{label}: {problem}")
    if new.save_weights and new.log and same_file(new.save_weights, new.log):
        raise ValueError("save weights to and metrics log to name one file")
