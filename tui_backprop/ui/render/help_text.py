"""The help screen's part on the playground: the boundary pane, history and its memory
rule, comparing runs, data and settings."""

from __future__ import annotations

from tui_backprop.engine.history import snapshot_budget
from tui_backprop.ui.model.numbering import RULE

MIB = 2**20


def numbering_help() -> str:
    """The help screen's word on how epochs are numbered."""
    return f"""
**Epoch numbers** — {RULE} The status line shows the latest epoch ("Epoch 2" after
three `space`, as the chart's last point and `--headless` say it), and "No epoch yet"
with the initial weights before the first; files saved or exported then are called
`…-initial-…`.
"""


def playground_help() -> str:
    return f"""
**The playground**

- **Decision boundary** (`b` puts it in the chart's place; from 150 columns it has a
  pane of its own) — with two features, the class the network predicts at every point
  of the plane, **violet** for the first class, **lime** for the second, **rose** for a
  third (classes never take the signs' blue and orange), strong where it is sure and a
  faint tint of the class where it is unsure; the training rows are ● and the held-out
  rows ○, in their true class's colour. The title gives each axis's range
  (`x1 -1.9…2 →`: left to right edge).
  With more features the rows are drawn on their first two principal components,
  coloured by the class predicted for them, and a wrong prediction is ✖ (✕ for a test
  row). With a numeric target the pane plots the prediction against the actual value:
  on the diagonal the network is exact.
- **History** — `[` `]` step back and forward an epoch, `{{` `}}` a tenth of the run,
  `home` `end` to the initial weights and the latest epoch. Every pane shows the run as
  it was then ("viewing epoch k (latest N)" in the status line, which also says what
  training from there would discard). Training from there forks the run and drops the
  later epochs, so it asks once: the first space, `n` or `p` only says what the second
  would discard, and `end` (or any move) keeps them. The old run stays on the compare
  list. Every epoch's metrics are kept; the weights (with the optimiser's running
  averages) are kept at every epoch until they fill {snapshot_budget() // MIB} MiB, then
  every second epoch, then every fourth, and so on, evenly spaced over the whole run.
  An epoch between two kept ones is rebuilt exactly by replaying from the one before.
- **Compare** — a run is kept when you reset, reseed, fork it or change the data or
  settings. `c` draws an earlier run's loss in grey under the current one, labelled
  with what differs ("lr 0.1 vs 1"); again for an older run, and finally off. When both
  runs draw a boundary in the same plane (two features of the same data), the earlier
  run's boundary is dotted (•) over the current map, so both lines read in one picture.
- **Data and settings** — `d` picks a built-in dataset with its number of points and
  noise, or a CSV file; `D` draws it again with the next data seed; `f` / `F` on an
  input neuron drop its feature / add one (X₁², sin X₁, …). `S` (or `,`) changes any
  setting: the learning rate (also `l` `L`) and the optimiser live, the rest with a
  restart from the initial weights and the same seed.
- **By hand** — in the weights pane arrow keys or a click select a cell: `0` zeroes
  it, `enter` asks for a value; the next epoch starts from it, the epochs before keep
  the old value and the pane's border names the edit; `u` takes it back until an epoch
  is trained. In the decision boundary (two features, classes) a click adds a training
  row of the current class (`a` cycles it), a right or shift click removes the nearest
  row; arrow keys move a cursor, `enter` adds and `delete` removes there. The data
  becomes `<name>-custom` and training goes on from the weights on screen.
- **Export** — `e` writes the screen (.svg), the weights (.npz) and the metrics (.csv)
  of the epoch shown (and data with your own points as .csv), and says where.
"""


def marks_help() -> str:
    """What each mark and colour on the main screen means."""
    return """
**Marks and colours**

- **P(1)** — a network with one sigmoid output gives the probability of the second class
  (class "1" in the seed data); the output neuron, its weights and its δ carry that
  name. Softmax outputs are named by their classes, a numeric target by its column.
- **Layer names** — `hidden 3` where there is room, else `h3` (its neurons are
  h3.1, h3.2, …), `in` and `out`; one form throughout a pane.
- **Blue and orange** are the sign of a number (positive, negative) everywhere, a
  neuron map's side of its activation's middle included; classes have colours of
  their own (violet, lime, rose, …), named in the legends; an output neuron's ■ is its
  class's. **(full colour at ±0.094)** beside a matrix: a number that large or larger
  is the strongest shade; smaller ones fade.
- **⋮ 3 more**, **3 more ↓**, **2 more →** — neurons, rows or columns out of sight: ↑ ↓
  in the diagram walk to them, and in the focused weights or δ pane (`tab`) the arrow
  keys scroll to them; "classes below": the legend is on the pane's last lines.
- **▲ ▼** which way a weight moved in the last epoch; **?** a value this epoch has not
  computed yet (walking with `n`); **yellow** the layer the current phase computes.
- **Frames** — grey; the focused pane's is white. `tab` moves the focus, `z` shows the
  focused pane alone (most useful on a small screen).
- **● ○ ✖ •** on the boundary: a training row, a held-out row, a wrong prediction, the
  compared run's boundary.
"""
