"""Image data: --image WxH and pictures found from the column names, on a digits-like
CSV made here (``tests.digits``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.digits import SIDE, digits, glyph, write_digits
from tui_backprop.cli import main
from tui_backprop.data.image_shape import detect
from tui_backprop.experiment import Experiment
from tui_backprop.settings import read_image, resolve


def test_the_digits_csv_is_found_to_be_8x8_pictures_and_says_so(tmp_path: Path) -> None:
    path = write_digits(tmp_path / "digits.csv")
    experiment = Experiment.build(resolve(str(path), {}))
    assert experiment.image is not None
    assert (experiment.image.width, experiment.image.height) == (SIDE, SIDE)
    assert experiment.dataset.n_classes == 10
    notes = experiment.image_notes()
    assert len(notes) == 1 and "pixel0…pixel63" in notes[0] and "8×8" in notes[0]
    assert notes[0] in experiment.summary()  # --headless prints it


def test_the_generated_rows_are_their_classes_strokes() -> None:
    pictures, labels = digits(40, seed=3)
    for picture, k in zip(pictures, labels, strict=True):
        ink = picture.reshape(SIDE, SIDE) > 8
        # shifted by at most a pixel either way: one of the nine shifts covers most ink
        overlaps = [
            (ink & (np.roll(glyph(int(k)), (dy, dx), axis=(0, 1)) > 0)).sum() / ink.sum()
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
        ]
        assert max(overlaps) > 0.8


def _csv(path: Path, names: list[str], rows: int = 12) -> Path:
    rng = np.random.default_rng(0)
    body = [
        ",".join(f"{v:.3f}" for v in rng.normal(size=len(names))) + f",{i % 2}" for i in range(rows)
    ]
    path.write_text(",".join([*names, "label"]) + "\n" + "\n".join(body) + "\n")
    return path


@pytest.mark.parametrize(
    "names",
    [
        [f"pixel{i}" for i in range(16)],
        [f"p_{r}_{c}" for r in range(5) for c in range(5)],
        [f"x{i}" for i in range(36)],
        [f"PX{r}-{c}" for r in range(4) for c in range(4)],
    ],
)
def test_pixel_like_names_of_a_square_number_of_columns_are_a_picture(names: list[str]) -> None:
    side = int(len(names) ** 0.5)
    shape = detect(names)
    assert shape is not None and (shape.width, shape.height) == (side, side)


@pytest.mark.parametrize(
    "names",
    [
        ["age", "height", "weight", "income", *(f"f{i}" for i in range(12))],  # 16, not pixels
        [f"pixel{i}" for i in range(15)],  # not a square
        [f"pixel{i}" for i in range(9)],  # a square below 16
        [f"x{i + 1}" for i in range(16)],  # a file without a header is named so
        [*(f"pixel{i}" for i in range(15)), "colour"],  # one name is not a pixel's
    ],
)
def test_other_columns_are_not_a_picture(names: list[str]) -> None:
    assert detect(names) is None


def test_a_16_column_csv_of_other_names_is_not_taken_for_a_picture(tmp_path: Path) -> None:
    names = [f"sensor_{k}" for k in "abcdefghijklmnop"]
    experiment = Experiment.build(resolve(str(_csv(tmp_path / "s.csv", names)), {}))
    assert experiment.image is None and experiment.image_notes() == []


def test_image_asks_for_a_shape_the_names_do_not_say(tmp_path: Path) -> None:
    names = [f"sensor_{k}" for k in "abcdefghijklmnop"]
    path = _csv(tmp_path / "s.csv", names)
    experiment = Experiment.build(resolve(str(path), {"image": "2x8"}))
    assert experiment.image is not None
    assert (experiment.image.width, experiment.image.height, experiment.image.detected) == (
        2,
        8,
        False,
    )
    assert experiment.image_notes() == []  # asked for, so nothing to announce


def test_image_off_turns_detection_off(tmp_path: Path) -> None:
    path = write_digits(tmp_path / "digits.csv", rows=30)
    assert Experiment.build(resolve(str(path), {"image": "off"})).image is None


def test_a_wrong_image_size_is_one_clear_line(tmp_path: Path) -> None:
    path = write_digits(tmp_path / "digits.csv", rows=30)
    with pytest.raises(ValueError) as err:
        Experiment.build(resolve(str(path), {"image": "7x7"}))
    message = str(err.value)
    assert "\n" not in message
    assert "7x7 is 49 pixels" in message and "64 feature columns" in message


@pytest.mark.parametrize(
    ("text", "read"), [("8x8", "8x8"), (" 28 × 28 ", "28x28"), ("", None), ("OFF", "off")]
)
def test_read_image_takes_sizes_and_off(text: str, read: str | None) -> None:
    assert read_image(text) == read


@pytest.mark.parametrize("text", ["8", "8x", "x8", "0x8", "8x8x8", "big", "200x200"])
def test_read_image_refuses_what_is_not_a_size_in_one_line(text: str) -> None:
    with pytest.raises(ValueError) as err:
        read_image(text)
    assert "\n" not in str(err.value)


def test_headless_says_the_pictures_in_one_line_and_refuses_a_wrong_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(write_digits(tmp_path / "digits.csv", rows=40))
    assert main([path, "--headless", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "# pixel0…pixel63 look like pixels: drawn as 8×8 pictures" in out
    with pytest.raises(SystemExit) as end:
        main([path, "--headless", "--image", "10x10"])
    assert end.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--image 10x10 is 100 pixels" in err[0] and "64 feature" in err[0]
    with pytest.raises(SystemExit):
        main([path, "--headless", "--image", "8by8"])
    assert "is not a picture size like 8x8" in capsys.readouterr().err
