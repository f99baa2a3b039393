"""The run's files: what ``s`` (weights and metrics), ``e`` (the screen and the epoch
shown) and ``W`` (the set-up) write, in the current folder, or hand a served tab's
browser as downloads. Each returns what to say; a failure writes nothing and says why
in one line."""

from __future__ import annotations

from pathlib import Path

from tui_backprop.experiment import Experiment
from tui_backprop.output_files import claim, in_words, release
from tui_backprop.served_tab import TabPolicy
from tui_backprop.settings import Settings
from tui_backprop.setup_file import SetupError, command_line, write_setup
from tui_backprop.ui.model.downloads import Download, exported_files, saved_files, setup_file
from tui_backprop.ui.model.experiment_files import save_run
from tui_backprop.ui.model.export import export
from tui_backprop.ui.model.looking_back import HistoryCursor
from tui_backprop.ui.model.numbering import file_tag
from tui_backprop.ui.session.outcome import Outcome, say


def delivered(files: tuple[Download, ...], title: str) -> Outcome:
    """``files`` handed to a served tab's browser (nothing is written on the server)."""
    names = "\n".join(f"{file.name} → your downloads" for file in files)
    return Outcome(files=files) + say(names, title=title)


def failed(what: str, err: Exception) -> Outcome:
    return say(f"could not {what}: {in_words(err)}", "error")


def save(experiment: Experiment, tab: TabPolicy) -> Outcome:
    """The latest weights and the metrics of every epoch."""
    if tab.served:
        return delivered(saved_files(experiment), "Saved")
    try:
        weights, log = save_run(experiment)
    except OSError as err:
        return failed("save", err)
    return say(f"weights → {weights.resolve()}\nmetrics → {log.resolve()}", title="Saved")


def export_shown(
    experiment: Experiment, looking: HistoryCursor, tab: TabPolicy, svg: str
) -> Outcome:
    """The screen ``svg`` and the data of the epoch shown, looked back at or not."""
    epoch = looking.epoch
    tag = file_tag(experiment.trainer.epoch if epoch is None else epoch)
    if tab.served:
        return delivered(exported_files(experiment, looking.state, tag, svg), "Exported")
    try:
        paths = export(experiment, tag, Path.cwd(), svg, looking.state)
    except OSError as err:
        return failed("export", err)
    return say(paths.lines(), title="Exported")


def write_set_up(settings: Settings, dataset_name: str, tab: TabPolicy) -> Outcome:
    """The settings as a file ``--config`` reads back, and as a command line."""
    if tab.served:
        try:
            download = setup_file(settings, dataset_name)
        except SetupError as err:
            return failed("write", err)
        return delivered((download,), "Set-up") + say(command_line(settings), title="Command line")
    path = None
    try:
        path = claim(Path.cwd() / f"{Path(dataset_name).stem}-setup.toml")
        write_setup(settings, path)
    except (OSError, SetupError) as err:
        release([path])
        return failed("write", err)
    return say(f"{path.resolve()}\n{command_line(settings)}", title="Set-up written")
