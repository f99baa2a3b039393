"""The run the app shows, and every rule a key applies to it, without Textual.

A ``Session`` holds the experiment, its network's description, the row shown, the
epoch walked through (``n``) or looked back at, the runs kept to compare with and the
lesson. Each operation a key triggers is a plain method that changes that state and
returns an ``Outcome``: what to say and which parts of what is shown changed. The
screen asks the key gate whether a key may act, takes the run back from a playing
process when the key needs it (the runner's part), calls the session and shows the
outcome; tests call the session directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from tui_backprop.data import Progress
from tui_backprop.data.folder import csv_in, csv_names
from tui_backprop.engine import Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson, Step
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import Settings
from tui_backprop.ui.model.dataset_menu import data_seed_of, menu_defaults, open_builtin, regenerate
from tui_backprop.ui.model.experiment_files import open_csv
from tui_backprop.ui.model.hand_edits import diverged_advice, notes_at
from tui_backprop.ui.model.input_features import toggled
from tui_backprop.ui.model.kept_runs import (
    Comparison,
    KeptRuns,
    PastRun,
    earlier_boundary,
    effective_settings,
    overlay_caption,
)
from tui_backprop.ui.model.key_gate import KeySituation
from tui_backprop.ui.model.lesson_steps import LessonState, step_settings
from tui_backprop.ui.model.looking_back import HistoryCursor, PastView, discarded, fork_hint, jump
from tui_backprop.ui.model.numbering import named
from tui_backprop.ui.model.pane_choices import Neuron, PaneChoices, first_neuron, has_neuron
from tui_backprop.ui.model.reconfigure import apply
from tui_backprop.ui.model.scene import Scene, scene_of
from tui_backprop.ui.model.settings_form import label_of, needs_reset
from tui_backprop.ui.model.view import Network, TrainingView, describe_network, snapshot
from tui_backprop.ui.model.walk import Walk, follow, live, phase_view
from tui_backprop.ui.session import run_files
from tui_backprop.ui.session.hand_made import HandMade
from tui_backprop.ui.session.outcome import (
    CHOSEN,
    NOTHING,
    SHOWN,
    Outcome,
    Said,
    refuse,
    say,
    warn,
)

TRAINING_KEYS = "space, n or p"
NO_HISTORY = "No history yet: train some epochs first (space or p)."
NO_EARLIER_RUN = (
    "No earlier run yet: runs are kept when you reset, reseed, or change the data or settings."
)
DIVERGED_ADVICE = "The run has diverged: {advice}."
Loader = Callable[[], Outcome]  # switches to a file read meanwhile, or says why not


@dataclass(frozen=True)
class DatasetMenu:
    """What the dataset menu offers: the dataset now, its size and noise, and a served
    tab's data folder files (None: a file dialog instead)."""

    name: str
    points: int
    noise: float
    files: tuple[str, ...] | None


def describe(experiment: Experiment) -> Network:
    """The network's description the panes label things with."""
    ds, image = experiment.dataset, experiment.image
    return describe_network(
        experiment.trainer,
        ds.feature_names,
        ds.class_names,
        ds.label_name,
        None if image is None else (image.width, image.height),
        experiment.split.train_rows,
    )


def image_said(experiment: Experiment) -> Outcome:
    """The one line that says the features were found to be a picture, if they were."""
    return Outcome(
        tuple(Said(line, title="Pictures", timeout=6) for line in experiment.image_notes())
    )


class Session:
    def __init__(
        self, experiment: Experiment, lesson: Lesson | None = None, tab: TabPolicy = LOCAL
    ) -> None:
        self.experiment = experiment
        self.lesson = LessonState(lesson)  # a teacher's steps, hidden and locked commands
        self.tab = tab  # a served tab reaches no file of the server's
        self.network = describe(experiment)
        self.sample: int | None = 0  # row 1 (see next_sample)
        self.walk: Walk | None = None  # an epoch being walked through phase by phase (n)
        self.looking = HistoryCursor()  # an earlier epoch being looked at
        self.kept = KeptRuns()  # earlier runs, to compare with
        # what the learner chose to see: the selected neuron, the maps, … (every pane's)
        self.choices = PaneChoices(first_neuron(self.network.sizes))
        self._compared: Comparison | None = None  # the kept run overlaid, see comparison
        self._compared_of: tuple[PastRun | None, Experiment, Settings] | None = None
        self.hand = HandMade(self)  # weights edited and points added by hand
        self._scene: Scene | None = None  # made when first asked for: a projection takes time

    # -- what the run is -----------------------------------------------------------------

    @property
    def trainer(self) -> Trainer:
        return self.experiment.trainer

    @property
    def settings(self) -> Settings:
        """The run's settings as they are now, the one answer every reader takes
        (``kept_runs.effective_settings``): never ``experiment.settings``, which lags."""
        return effective_settings(self.experiment)

    @property
    def scene(self) -> Scene:
        """The experiment's plane, classes and projection, as the scene panes draw them."""
        if self._scene is None:
            self._scene = scene_of(self.experiment)
        return self._scene

    @property
    def hidden_commands(self) -> frozenset[str]:
        """Commands the lesson hides, and those a served tab leaves out."""
        return self.lesson.hidden | self.tab.hidden_commands

    def situation(self, covered: bool, stepping: bool, asking: bool = False) -> KeySituation:
        """What the key gate needs to know now: the session's hidden and locked commands,
        the screen's ``covered`` and ``asking`` (a question waits), the runner's
        ``stepping``."""
        locked = self.lesson.locked
        return KeySituation(self.hidden_commands, locked, covered, stepping, asking)

    # -- what the panes show ---------------------------------------------------------------

    def view(self, live: TrainingView | None = None) -> TrainingView:
        """The view every pane draws, made here only: the epoch looked back at, else
        ``live`` (a playing run's latest frame), else the present; with what the panes
        draw beside the run (the edit note, the comparison, the kept runs)."""
        shown = self.past_view() or live or self.present_view()
        compared = self.comparison()
        return replace(shown, edit_note=self.edit_note(), compared=compared, kept=self.kept.runs)

    def past_view(self) -> PastView | None:
        """The epoch looked back at, or None in the present."""
        state = self.looking.state
        if state is None:
            return None
        return PastView(
            network=self.network,
            epoch=state.epoch,
            params=state.params,
            record=state.last_record,
            first=state.last_records[0] if state.last_records else None,
            history=state.history,
            diverged=state.diverged,
            sample=self.sample,
            config=self.trainer.config,
            present=self.trainer.epoch,
            fork_asked=self.looking.asked,
        )

    def present_view(self) -> TrainingView:
        """The latest epoch, or the phase of it being walked through."""
        self.walk = live(self.walk, self.trainer)
        if self.walk is not None:
            return phase_view(self.trainer, self.network, self.sample, self.walk)
        return snapshot(self.trainer, self.network, self.sample)

    def edit_note(self) -> str:
        """The hand edits made at the epoch shown, for the weights pane."""
        trainer = self.trainer
        epoch = trainer.epoch if self.looking.epoch is None else self.looking.epoch
        return notes_at(self.network, trainer.edits, epoch) if trainer.edits else ""

    def comparison(self) -> Comparison | None:
        """The kept run the chart overlays, if any: its caption, and its boundary when
        it lies in this plane. The same object until the run overlaid, the experiment
        or the settings change (panes tell a new one by identity)."""
        run, experiment, settings = self.kept.shown, self.experiment, self.settings
        old = self._compared_of
        if old is None or old[0] is not run or old[1] is not experiment or old[2] != settings:
            self._compared_of = (run, experiment, settings)
            self._compared = None
            if run is not None:
                caption = overlay_caption(run, experiment)  # says how the settings differ
                self._compared = Comparison(run, caption, earlier_boundary(run, experiment))
        return self._compared

    # -- what the learner chose to see -----------------------------------------------------

    def select(self, neuron: Neuron) -> Outcome:
        """Select ``neuron`` (a click or the arrow keys in the diagram, a lesson's
        question, --check's first wrong entry); the maps shown follow it. A neuron the
        network does not have leaves the selection as it is."""
        if not has_neuron(self.network.sizes, neuron) or neuron == self.choices.neuron:
            return NOTHING
        self.choices = self.choices.selecting(neuron)
        return CHOSEN

    def choose(self, change: Callable[[PaneChoices], PaneChoices]) -> Outcome:
        """What the panes show, changed by ``change`` (one of ``PaneChoices``' rules)."""
        self.choices = change(self.choices)
        return CHOSEN

    def walked(self, walk: Walk) -> Outcome:
        """``walk``'s phase shown; the selection moves to the layer that phase computes."""
        self.walk = walk
        return self.select(follow(walk, self.choices.neuron, self.network.sizes)) + SHOWN

    def look_at(self, neuron: Neuron, row: int | None) -> Outcome:
        """What a lesson's question asks about: its neuron selected, its row shown."""
        chosen = self.select(neuron)
        if row is None or row == self.sample:
            return chosen
        self.sample = row
        return chosen + SHOWN

    def diverged_warning(self) -> Said:
        advice = diverged_advice(self.network, self.trainer.diverged_by_edit())
        return Said(DIVERGED_ADVICE.format(advice=advice), "warning")

    # -- the run's course -------------------------------------------------------------------

    def end_run(self, why: str) -> Outcome:
        """Before the run restarts: keep it to compare with, and stop looking back."""
        self.kept.keep(self.experiment, why)
        self.looking.leave()
        return Outcome(overlay=True)  # its caption compares with the next run

    def switch_to(self, experiment: Experiment, why: str, scene: Scene | None = None) -> Outcome:
        """Make ``experiment`` the one shown (``scene``: its scene, if made already), with
        the settings the lesson locks kept; refused when they cannot be kept."""
        kept = self.lesson.keeping_locks(experiment, self.settings)
        if isinstance(kept, str):
            return refuse(kept)
        if kept is not experiment:
            experiment, scene = kept, None  # other features: another plane
        ended = self.end_run(why)
        self.experiment = experiment
        network = describe(experiment)
        if network != self.network:  # another shape or other names: select afresh
            self.choices = self.choices.selecting(first_neuron(network.sizes))
        self.network = network
        self.sample = 0
        self._scene = scene
        switched = Outcome(publish=True, info=True, switched=True, chosen=True)
        return ended + switched + image_said(experiment)

    def resume_present(self, keys: str = TRAINING_KEYS) -> Outcome:
        """The fork rule, before training (or an edit, with its ``keys``): from an
        earlier epoch the first training key only asks (``go_on`` False), the second
        forks the run there (see ``model.looking_back``)."""
        looked_at = self.looking.epoch
        if looked_at is None:
            return NOTHING
        present = self.trainer.epoch
        if not self.looking.may_train():
            hint = fork_hint(looked_at, present)
            asked = say(f"Press {keys} again to {hint}; end keeps them.", timeout=6)
            return asked + Outcome(publish=True, go_on=False)
        gone = discarded(looked_at, present)
        self.kept.keep(self.experiment, f"fork from {named(looked_at)}")
        self.looking.fork(self.trainer)
        self.walk = None  # a walk through a later epoch no longer exists
        forked = say(f"forked at {named(looked_at)}: {gone} discarded (c overlays them)", timeout=4)
        return forked + Outcome(overlay=True)

    def restart(self, why: str, new_weights: bool) -> Outcome:
        """Back to epoch 0, with the same initial weights or the next seed's."""
        ended = self.end_run(why)
        self.trainer.reset(new_weights=new_weights)
        return ended + SHOWN

    def set_learning_rate(self, lr: float, trains_here: bool = True) -> Outcome:
        """``lr`` from the next step on; ``trains_here`` False while a playing copy of
        the run has it (and hands it back on pause)."""
        if trains_here:
            self.trainer.set_lr(lr)
        self.experiment.settings = replace(self.experiment.settings, lr=lr)
        return say(f"learning rate {lr:g}", timeout=2) + Outcome(info=True, overlay=True)

    def next_sample(self, step: int, view: TrainingView | None) -> Outcome:
        """Cycle the row shown: row 1 (the default), each further row of the last
        batch, then the batch mean. One row is the default because its equations close
        by hand; the mean's do not (the mean of σ(zᵢ) is not σ of the mean z). Before
        the first step the choice holds for the step to come."""
        rows = view.batch_rows if view is not None and view.record is not None else 0
        rows = rows or self.trainer.batch_rows
        current = -1 if self.sample is None else self.sample
        nxt = (current + 1 + step) % (rows + 1) - 1
        self.sample = None if nxt < 0 else nxt
        return SHOWN

    # -- looking back ------------------------------------------------------------------------

    def history(self, step: int) -> Outcome:
        """The epoch ``step`` epochs before (negative) or after the one shown."""
        return self._look(self.looking.move_by, step)

    def history_jump(self, direction: int) -> Outcome:
        """A tenth of the run back or on (at least ``looking_back.JUMP_LEAST``)."""
        return self._look(self.looking.move_by, direction * jump(self.trainer.epoch))

    def history_edge(self, end: int) -> Outcome:
        """The first epoch (``end`` 0) or the latest (1)."""
        return self._look(self.looking.move_to, end * self.trainer.epoch)

    def _look(self, move: Callable[[Trainer, int], int], value: int) -> Outcome:
        if self.trainer.epoch == 0:
            return say(NO_HISTORY, timeout=3)
        move(self.trainer, value)
        return SHOWN

    # -- settings and data ------------------------------------------------------------------

    def apply_settings(self, new: Settings) -> Outcome:
        """``new`` applied, live or as a new run; refused (nothing changed) when the
        lesson locks a setting it changes, or it does not fit the data."""
        locked = self.lesson.refusal(self.settings, new)
        if locked is not None:
            return refuse(locked)
        try:
            experiment, names = apply(self.experiment, new)
        except (ValueError, OSError) as err:
            return refuse(str(err))
        if experiment is not self.experiment:
            switched = self.switch_to(experiment, "new settings")
            if switched.refused is not None:
                return switched
            reset = ", ".join(map(label_of, needs_reset(names)))
            return switched + say(
                f"back to the initial weights for {reset}", title="Settings", timeout=4
            )
        if not names:
            return NOTHING
        changes = ", ".join(map(label_of, names))
        applied = say(f"applied live: {changes}", title="Settings", timeout=3)
        return applied + Outcome(info=True, overlay=True)

    def feature(self, direction: int) -> Outcome:
        """Drop the selected input's feature (-1) or add the next unused one (1)."""
        layer, neuron = self.choices.neuron
        try:
            features = toggled(self.experiment, direction, neuron if layer == 0 else None)
        except ValueError as err:
            return warn(str(err), timeout=4)
        return _warned(self.apply_settings(replace(self.settings, features=features)))

    def dataset_menu(self) -> DatasetMenu:
        points, noise = menu_defaults(self.experiment)
        folder = self.tab.data_dir
        files = (csv_names(folder) if folder else ()) if self.tab.served else None
        return DatasetMenu(self.experiment.dataset.name, points, noise, files)

    def choose_dataset(self, name: str, points: int, noise: float) -> Outcome:
        """A built-in dataset of ``points`` rows and ``noise``, as the menu chose it."""
        try:
            experiment = open_builtin(self.experiment, name, points, noise)
        except ValueError as err:
            return refuse(str(err))
        switched = self.switch_to(experiment, "new dataset")
        if switched.refused is not None:
            return switched
        return switched + say(f"dataset {name}: {experiment.dataset.n_rows} rows", timeout=3)

    def new_data(self) -> Outcome:
        """The same built-in drawn again with the next data seed."""
        try:
            experiment = regenerate(self.experiment)
        except ValueError as err:
            return warn(str(err), timeout=4)
        switched = _warned(self.switch_to(experiment, "new data"))
        if not switched.publish:
            return switched
        seed = data_seed_of(experiment)
        return switched + say(f"new data (data seed {seed}): the run restarts", timeout=3)

    def load(self, path: str, progress: Progress | None, name: str | None = None) -> Loader:
        """Read the CSV at ``path`` and prepare its experiment without touching the
        session's (safe in a worker thread while a dialog covers the screen); what it
        returns switches to it, or refuses with why not. The notice says ``name`` (a
        served tab's file, without the server's folder) or the path."""
        try:
            experiment = open_csv(self.experiment, path, progress)
            scene = scene_of(experiment)  # a large file's projection takes seconds
        except (ValueError, OSError) as err:  # a served tab's file by its name alone
            return partial(refuse, str(err).replace(path, name) if name else str(err))

        def switch() -> Outcome:
            switched = self.switch_to(experiment, "new dataset", scene)
            if switched.refused is not None:
                return switched  # the dialog stays open and says it
            rows = experiment.dataset.n_rows
            return switched + say(f"opened {name or path}: {rows} rows")

        return switch

    def open_data_file(self, name: str) -> Outcome:
        """Switch to the data folder's CSV called ``name``; a name it does not list is
        refused."""
        if self.tab.data_dir is None:
            return refuse("no data folder: the server was started without --data-dir")
        try:
            path = csv_in(self.tab.data_dir, name)
        except ValueError as err:
            return refuse(str(err))
        return self.load(str(path), None, name)()

    # -- lessons and comparing --------------------------------------------------------------

    def lesson_step(self, direction: int) -> Outcome:
        """Move to the lesson's next (1) or previous (-1) step; ``go_on`` False at an end."""
        if self.lesson.move(direction) is None:
            end = "last" if direction > 0 else "first"
            return say(f"This is the lesson's {end} step.", timeout=2) + Outcome(go_on=False)
        return NOTHING

    def enter_step(self, step: Step) -> Outcome:
        """What entering ``step`` changes in the run: a fork asked or made, then the
        settings it sets, as the settings screen applies them."""
        entered = self.resume_present()
        if not step.settings:
            return entered
        applied = self.apply_settings(step_settings(step, self.settings))
        if applied.refused is None:
            return entered + applied
        said = Said(applied.refused, "warning", "This step's settings", 8)
        return entered + Outcome((said,))

    def plays_to(self, step: Step) -> int | None:
        """The epoch ``step`` has the run play to, or None when it is there already."""
        trainer = self.trainer
        todo = 0 if step.run_to_epoch is None else step.run_to_epoch - trainer.epoch
        if todo <= 0 or trainer.diverged:
            return None
        self.walk = None
        return step.run_to_epoch

    # -- files ---------------------------------------------------------------------------

    def save(self) -> Outcome:
        """``s``: the latest weights and every epoch's metrics (see ``run_files``)."""
        return run_files.save(self.experiment, self.tab)

    def export(self, svg: str) -> Outcome:
        """``e``: the screen ``svg`` and the data of the epoch shown."""
        return run_files.export_shown(self.experiment, self.looking, self.tab, svg)

    def write_setup(self) -> Outcome:
        """``W``: the settings as a file ``--config`` reads back, and a command line."""
        return run_files.write_set_up(self.settings, self.experiment.dataset.name, self.tab)

    def compare(self) -> Outcome:
        """Overlay the next kept run (the latest first, then older ones, then none)."""
        if self.kept.cycle() is None:
            said = say("comparison off" if self.kept.runs else NO_EARLIER_RUN, timeout=3)
            return said + Outcome(overlay=True)
        return Outcome(overlay=True)


def _warned(outcome: Outcome) -> Outcome:
    """A refusal said as a warning, for a key that has no dialog to show it in."""
    if outcome.refused is None:
        return outcome
    return warn(outcome.refused, timeout=4)
