"""What the decision-boundary pane shows of an experiment, prepared once per experiment:
the picture that fits the data, the rows to draw and where on the plane they go.

- two features: the network's predicted class over the plane, the rows on top;
- more features: the rows on their first two principal components (the network cannot
  be asked about a point of that plane), coloured by the class predicted for them;
- a numeric target: predicted against actual value, with the diagonal as the ideal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from tui_backprop.data import principal_axes
from tui_backprop.engine import Params, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.boundary import plane_of
from tui_backprop.engine.neuron_maps import Basis
from tui_backprop.experiment import Experiment
from tui_backprop.ui.model.kept_runs import DataFacts

MAX_POINTS = 3000  # more only overprint the same few thousand cells
PLANE, PROJECTION, REGRESSION, NOTHING = "plane", "projection", "regression", "nothing"
Plane = tuple[float, float, float, float]


@dataclass(frozen=True, eq=False)
class Scene:
    trainer: Trainer
    kind: str  # PLANE, PROJECTION, REGRESSION or NOTHING
    x: Array  # the drawn rows as the network takes them (standardised when the run is)
    labels: Array  # their class indices, or targets as trained on
    test: NDArray[np.bool_]  # which drawn rows are held out
    where: Array  # (n, 2) position on the plane; for regression only column 0 is fixed
    plane: Plane  # x_min, x_max, y_min, y_max
    class_names: tuple[str, ...]
    axes: tuple[str, str]  # what the horizontal and the vertical axis show
    note: str = ""  # why nothing is drawn
    basis: Basis | None = None  # a projection's plane, taken back to the features
    # With input features: the plane is the data's own two columns, and this makes the
    # network's inputs of a point of it.
    lift: Callable[[Array], Array] | None = None
    data: DataFacts | None = None  # the data the run trains on: whose paths share its loss

    def fits(self, params: Params) -> bool:
        """Whether ``params`` are of this scene's network: a pane handed a new run's
        scene before its view (or the other way round) waits for the pair."""
        return _shapes(params) == _shapes(self.trainer.params)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def _shapes(params: Params) -> list[tuple[int, ...]]:
    return [w.shape for w in params.weights] + [b.shape for b in params.biases or ()]


def scene_of(experiment: Experiment) -> Scene:
    return replace(_scene_of(experiment), data=DataFacts.of(experiment))


def _scene_of(experiment: Experiment) -> Scene:
    split, ds, trainer = experiment.split, experiment.dataset, experiment.trainer
    parts = [split.x_train] if split.x_test is None else [split.x_train, split.x_test]
    labels = [split.y_train] if split.y_test is None else [split.y_train, split.y_test]
    test = np.repeat([False, True], [len(p) for p in parts] + [0] * (2 - len(parts)))
    rows = _evenly(sum(len(p) for p in parts))
    x, y = np.concatenate(parts)[rows], np.concatenate(labels)[rows]
    test = test[rows]
    if not ds.n_classes:
        where = np.column_stack([y, y]).astype(np.float64)
        return Scene(
            trainer,
            REGRESSION,
            x,
            y,
            test,
            where,
            plane_of(where),
            (),
            (f"actual {ds.label_name}", f"predicted {ds.label_name}"),
        )
    if experiment.raw is not None:
        return _raw_plane(experiment, rows, x, y, test)
    if ds.n_features == 2:
        return Scene(
            trainer,
            PLANE,
            x,
            y,
            test,
            x,
            plane_of(x),
            ds.class_names,
            (ds.feature_names[0], ds.feature_names[1]),
        )
    if ds.n_features < 2:
        return Scene(
            trainer,
            NOTHING,
            x,
            y,
            test,
            x,
            (0.0, 1.0, 0.0, 1.0),
            ds.class_names,
            ("", ""),
            note="one feature: no plane to draw",
        )
    mean, axes, share = principal_axes(x, 2)
    basis = Basis(mean, axes)
    where = basis.project(x).astype(np.float64)
    return Scene(
        trainer,
        PROJECTION,
        x,
        y,
        test,
        where,
        plane_of(where),
        ds.class_names,
        (f"PC1 {share[0]:.0%}", f"PC2 {share[1]:.0%}"),
        basis=basis,
    )


def _raw_plane(
    experiment: Experiment, rows: NDArray[np.intp], x: Array, y: Array, test: NDArray[np.bool_]
) -> Scene:
    """The plane of the two columns the input features are made of."""
    raw, split = experiment.data, experiment.split
    where = raw.features[np.concatenate([split.train_rows, split.test_rows])][rows]
    return Scene(
        experiment.trainer,
        PLANE,
        x,
        y,
        test,
        where,
        plane_of(where),
        raw.class_names,
        (raw.feature_names[0], raw.feature_names[1]),
        lift=experiment.lift,
    )


def _evenly(n: int) -> NDArray[np.intp]:
    """At most MAX_POINTS row indices spread evenly over ``n`` rows."""
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).astype(np.intp))
