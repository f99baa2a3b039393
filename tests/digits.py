"""A digits-like CSV made in the tests (nothing is downloaded): ten classes of 8×8
strokes, each row a class's glyph shifted by up to a pixel, with ink from 0 to 16 and
noise, written with the header ``pixel0…pixel63,label`` that scikit-learn's digits get
when exported to CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SIDE = 8
GLYPHS = (
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        ".#....#.",
        "..####..",
        "........",
    ),
    (
        "...##...",
        "..###...",
        "...##...",
        "...##...",
        "...##...",
        "...##...",
        "..####..",
        "........",
    ),
    (
        "..####..",
        ".#....#.",
        "......#.",
        ".....#..",
        "...##...",
        "..#.....",
        ".######.",
        "........",
    ),
    (
        "..####..",
        "......#.",
        "......#.",
        "...###..",
        "......#.",
        "......#.",
        "..####..",
        "........",
    ),
    (
        ".....#..",
        "....##..",
        "...#.#..",
        "..#..#..",
        ".######.",
        ".....#..",
        ".....#..",
        "........",
    ),
    (
        ".######.",
        ".#......",
        ".#####..",
        "......#.",
        "......#.",
        ".#....#.",
        "..####..",
        "........",
    ),
    (
        "...###..",
        "..#.....",
        ".#......",
        ".#####..",
        ".#....#.",
        ".#....#.",
        "..####..",
        "........",
    ),
    (
        ".######.",
        "......#.",
        ".....#..",
        "....#...",
        "...#....",
        "...#....",
        "...#....",
        "........",
    ),
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        "..####..",
        ".#....#.",
        ".#....#.",
        "..####..",
        "........",
    ),
    (
        "..####..",
        ".#....#.",
        ".#....#.",
        "..#####.",
        "......#.",
        ".....#..",
        "..###...",
        "........",
    ),
)


def glyph(k: int) -> np.ndarray:
    """Class ``k``'s strokes as an 8×8 array of 0 and 16."""
    return np.array([[16.0 if c == "#" else 0.0 for c in row] for row in GLYPHS[k]])


def digits(rows: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` pictures (rows, 64) and their classes, as many of each class."""
    rng = np.random.default_rng(seed)
    labels = np.arange(rows) % 10
    pictures = np.empty((rows, SIDE * SIDE))
    for i, k in enumerate(labels):
        shifted = np.roll(glyph(int(k)), rng.integers(-1, 2, size=2), axis=(0, 1))
        noisy = shifted * rng.uniform(0.6, 1.0) + rng.normal(0.0, 1.5, shifted.shape)
        pictures[i] = np.clip(np.round(noisy), 0, 16).ravel()
    return pictures, labels


def write_digits(path: Path, rows: int = 300, seed: int = 0) -> Path:
    pictures, labels = digits(rows, seed)
    header = ",".join([*(f"pixel{i}" for i in range(SIDE * SIDE)), "label"])
    lines = [
        ",".join([*(f"{v:g}" for v in p), str(k)]) for p, k in zip(pictures, labels, strict=True)
    ]
    path.write_text(header + "\n" + "\n".join(lines) + "\n")
    return path


if __name__ == "__main__":  # a file to look at by hand: python -m tests.digits OUT.csv
    import sys

    write_digits(Path(sys.argv[1]))
