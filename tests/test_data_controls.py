"""The data-side controls: input features, the regression built-ins, and the size, noise
and seed a built-in is drawn with, from the data layer to the command line."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_cli import epoch_lines, run
from tui_backprop.data import FEATURE_NAMES, DatasetError, builtin_dataset, lift, with_features
from tui_backprop.data.surfaces import SURFACES
from tui_backprop.engine.boundary import boundary_grid
from tui_backprop.experiment import Experiment
from tui_backprop.settings import FEATURE_CHOICES, read_features, read_points, resolve
from tui_backprop.ui.model.scene import PLANE, scene_of


def test_the_settings_vocabulary_names_the_data_layers_features() -> None:
    assert FEATURE_CHOICES == FEATURE_NAMES


def test_lift_computes_each_feature_from_the_two_columns() -> None:
    points = np.array([[2.0, 3.0], [-1.0, 0.5]])
    got = lift(points, FEATURE_NAMES)
    a, b = points.T
    want = np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    np.testing.assert_array_equal(got, want)


def test_features_rename_the_inputs_and_refuse_other_data() -> None:
    ds = with_features(builtin_dataset("circles"), ("x1^2", "x2^2", "sinx1"))
    assert ds.feature_names == ("X₁²", "X₂²", "sin X₁") and ds.features.shape == (200, 3)
    three = with_features(builtin_dataset("xor"), ("x1", "x2", "x1x2"))
    with pytest.raises(DatasetError, match="exactly 2 features; it has 3"):
        with_features(three, ("x1",))


@pytest.mark.parametrize(
    ("text", "says"),
    [("x3", "unknown feature 'x3'"), ("x1,x1", "named twice"), (" , ", "at least one")],
)
def test_bad_feature_lists_are_refused(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        read_features(text)


def test_points_are_read_within_their_range() -> None:
    assert read_points("500") == read_points("5_00") == 500
    assert read_points("1,000") == 1000  # as the dataset menu always took it
    for bad in ("1", "1000001", "2.5"):
        with pytest.raises(ValueError):
            read_points(bad)


@pytest.mark.parametrize("name", sorted(SURFACES))
def test_regression_builtins_are_their_surface_plus_noise(name: str) -> None:
    clean = builtin_dataset(name, n_points=300, noise=0.0, seed=4)
    assert clean.task == "regression" and clean.features.shape == (300, 2)
    assert np.all(np.abs(clean.features) <= 1)
    np.testing.assert_array_equal(clean.labels, SURFACES[name](*clean.features.T))
    noisy = builtin_dataset(name, n_points=300, noise=0.3, seed=4)
    np.testing.assert_array_equal(noisy.features, clean.features)
    assert 0.05 < np.std(noisy.labels - clean.labels) < 0.3


def test_the_boundary_of_a_featured_run_is_drawn_over_the_original_plane() -> None:
    experiment = Experiment.build(resolve("circles", {"features": ("x1^2", "x2^2")}))
    scene = scene_of(experiment)
    assert scene.kind == PLANE and scene.axes == ("x1", "x2") and scene.lift is not None
    raw = experiment.data.features
    assert raw.min() >= scene.plane[0] and raw.max() <= scene.plane[1]  # raw units, not z
    grid = boundary_grid(experiment.trainer, 5, 4, scene.plane, lift=scene.lift)
    gx, gy = np.meshgrid(grid.xs, grid.ys)
    squared = np.column_stack([gx.ravel() ** 2, gy.ravel() ** 2])
    x = (squared - experiment.split.mean) / experiment.split.std  # type: ignore[operator]
    out = experiment.trainer.predict(x)[:, 0]
    np.testing.assert_array_equal(grid.classes.ravel(), (out >= 0.5).astype(np.intp))


# -- the command line ----------------------------------------------------------------------


def final_line(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, lines, err = run(capsys, *argv, "--headless", "--epochs", "300")
    assert code == 0, err
    return epoch_lines(lines)[-1]


def test_circles_need_no_hidden_layer_with_squared_features(capsys) -> None:
    last = final_line(capsys, "circles", "--features", "x1^2,x2^2", "--layers", "none")
    accuracy = float(last.split("Test Accu ")[1].split("%")[0])
    assert accuracy >= 95, last
    # without the features the same network cannot separate them
    plain = final_line(capsys, "circles", "--layers", "none")
    assert float(plain.split("Test Accu ")[1].split("%")[0]) < 80, plain


def test_plane_is_learnt_with_the_standard_preset(capsys) -> None:
    code, lines, _ = run(capsys, "plane", "--headless", "--epochs", "300")
    assert code == 0 and any("tanh/linear" in line for line in lines)
    r2 = float(epoch_lines(lines)[-1].split("Test R2 ")[1].split(",")[0])
    assert r2 >= 0.95


def test_points_500_give_400_training_and_100_test_rows(capsys) -> None:
    code, lines, _ = run(capsys, "moons", "--points", "500", "--headless", "--epochs", "1")
    assert code == 0 and "# train 400 rows, test 100 rows (20% held out)" in lines


def test_the_data_seed_and_noise_draw_other_data(capsys) -> None:
    lines = [run(capsys, "xor", "--headless", "--epochs", "1", *a)[1] for a in ([], [])]
    assert lines[0] == lines[1]
    for flags in (["--data-seed", "1"], ["--noise", "0.4"]):
        other = run(capsys, "xor", "--headless", "--epochs", "1", *flags)[1]
        assert epoch_lines(other) != epoch_lines(lines[0]), flags


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["circles", "--features", "x3"], "argument --features: unknown feature 'x3'"),
        (["xor", "--noise", "-1"], "argument --noise: -1 must be a finite number ≥ 0"),
        (["xor", "--points", "1"], "--points: a built-in dataset takes 2 to 1000000 points, not 1"),
        (["datasets/xor.csv", "--data-seed", "1"], "apply only to generated built-in"),
        (["seed", "--noise", "0.2"], "not to the fixed reference table"),
        (["spiral3", "--output", "linear", "--features", "x1"], None),
        (["plane", "--output", "sigmoid"], "plane: its target is a number"),
    ],
)
def test_bad_data_flags_exit_2_with_one_line(capsys, argv: list[str], says: str | None) -> None:
    code, _, err = run(capsys, *argv, "--headless", "--epochs", "1")
    if says is None:  # a valid combination, for contrast
        assert code == 0, err
        return
    assert code == 2 and err.count("\n") == 1 and says in err, err
