"""The two status lines: what is being trained, and where the run stands."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive

from tui_backprop.engine import EpochMetrics
from tui_backprop.ui.model.hand_edits import diverged_advice
from tui_backprop.ui.model.looking_back import PastView
from tui_backprop.ui.model.numbering import NO_EPOCH, latest, named
from tui_backprop.ui.model.pacing import speed_label
from tui_backprop.ui.model.run_info import PlayState, RunInfo
from tui_backprop.ui.model.walk import walk_of
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render.numbers import percent, short
from tui_backprop.ui.render.past_text import past_caption, past_hint
from tui_backprop.ui.render.phase_text import walk_caption

RULE_SHORT = "   (from its forward pass; weights after its update)"
NOT_YET = "  the initial weights · space trains epoch 0"
# Marks every common monospace font has (the media symbols ⏸ ⏹ are missing from most,
# so a browser or a terminal without a symbols font showed a box).
PAUSED, STOPPED = "‖", "■"


class StatusLine(ViewPane):
    """The experiment, then the epoch on screen by the exercise's numbering (see
    ``model.numbering``): the latest epoch's number, "No epoch yet" before the first."""

    info: reactive[RunInfo] = reactive(RunInfo("", ""))
    state: reactive[PlayState] = reactive(PlayState())

    def watch_view(self) -> None:
        self.refresh()

    def render(self) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        info = self.info
        if len(info.dataset) + len(info.model) + 3 <= self.size.width or not info.brief:
            out.append(info.dataset, "bold")
            out.append("   ")
            out.append(info.model)
        else:
            out.append(info.brief, "bold")
        out.append("\n")
        line = out.cell_len  # where the second line starts
        view = self.view
        if view is None:
            return out
        walk = walk_of(view)
        if walk is not None:
            out.append_text(walk_caption(walk, view.epoch))
        elif isinstance(view, PastView) and view.present is not None:
            self._past(out, view, view.present, line)
            return out
        elif view.epoch == 0:
            out.append(NO_EPOCH, "bold reverse")
            out.append(NOT_YET, "dim")
        else:
            out.append(f"Epoch {latest(view.epoch):,}", "bold reverse")
        out.append("  ")
        if view.diverged:
            out.append("DIVERGED", "bold white on red")
            advice = diverged_advice(view.network, view.diverged_by)
            if view.diverged_by is None:  # an edit's words are long: they say enough
                advice = f"the loss or a weight is no longer finite: {advice}"
            out.append(f" {advice}", "bold red")
            return out
        self._state(out)
        if view.metrics is not None:
            if walk is not None:  # the walked epoch's own figures come once it is done
                out.append(f"epoch {view.metrics.epoch:,}: ", "dim")
            self._metrics(out, view.metrics)
            if walk is None and out.cell_len - line + len(RULE_SHORT) <= self.size.width:
                out.append(RULE_SHORT, "dim")  # the numbering rule, where it fits
        return out

    def _past(self, out: Text, view: PastView, present: int, line: int) -> None:
        """An earlier epoch: its figures, then what the training keys would do from it
        (``line``: where the second line starts in ``out``)."""
        out.append_text(past_caption(view.epoch, present))
        if view.metrics is not None:
            out.append("  ")
            self._metrics(out, view.metrics)
        out.append("  ")
        room = self.size.width - (out.cell_len - line)
        out.append_text(past_hint(view.epoch, present, view.fork_asked, room))

    def _state(self, out: Text) -> None:
        s = self.state
        if not s.running and s.stopped:
            out.append(f"{STOPPED} stopped: {s.stopped}", "bold yellow")
            out.append("  ")
            return
        if not s.running and s.training:
            out.append("⋯ training the next epoch", "bold yellow")
            out.append("  ")
            return
        if not s.running and s.lost:
            out.append(f"{PAUSED} paused · ", "yellow")
            out.append(s.lost, "bold red")
            out.append("  ")
            return
        if not s.running:
            out.append(f"{PAUSED} paused", "yellow")
            if self.size.width >= 100:
                out.append(f" · p runs at {speed_label(s.rate)}", "dim")
            out.append("  ")
            return
        out.append("▶ running", "bold green")
        if s.until is not None:  # a lesson's step: as fast as it goes, to its epoch
            out.append(f" to {named(s.until)} ≈ {s.measured:,.0f} epochs/s · p stops  ", "green")
            return
        if s.rate == float("inf"):
            out.append(f" at max speed ≈ {s.measured:,.0f} epochs/s  ", "green")
        else:
            out.append(f" at {speed_label(s.rate)}  ", "green")

    @staticmethod
    def _metrics(out: Text, m: EpochMetrics) -> None:
        _scores(out, "loss ", m.loss, m.accuracy, m.rmse, m.r2)
        if m.test_loss is not None:
            _scores(out, "   test loss ", m.test_loss, m.test_accuracy, m.test_rmse, m.test_r2)


def _scores(
    out: Text, label: str, loss: float, acc: float | None, rmse: float | None, r2: float | None
) -> None:
    """One split's loss and accuracy (or RMSE and R² for a regression)."""
    out.append(label, "dim")
    out.append(short(loss), "bold")
    if acc is not None:
        out.append("  acc ", "dim")
        out.append(percent(acc), "bold")
    elif rmse is not None:
        out.append(f"  rmse {short(rmse)}  R² {short(r2 or 0.0)}")
