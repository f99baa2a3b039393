"""The loss over a plane of weight space through the weights shown, and the run's path
projected onto it (Li et al., "Visualizing the Loss Landscape of Neural Nets", 2018).

Two kinds of plane:

- ``PCA``: the first two principal directions of the run's trajectory so far — the
  kept snapshots' flat parameters minus the weights shown, decomposed by SVD without
  centring, so the plane holds as much of the path's spread around the present as two
  directions can (§7 of the paper); ``share`` is that part of the spread.
- ``RANDOM``: two Gaussian directions with filter normalisation (§4): each neuron's
  incoming weights in a direction are scaled to the norm of that neuron's weights, and
  the biases' part is zero, so a step of 1 moves every neuron as far as it is large.

The value drawn is the training loss the chart shows: the mean over the training rows
of the per-row loss, without the L1 and L2 terms (the engine's ``loss.mean``). The
present point's value (``centre_loss``) is computed by the engine's own forward pass in
the run's dtype, so it is exactly the loss the next epoch reports for these weights
on a full batch; the grid is evaluated in float32, many points per NumPy call (seven
significant digits, beyond what any colour shows). A large dataset is sampled: a fixed
``SAMPLE_ROWS`` rows, the same for every picture of the run.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.history import Snapshots
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.network import Params, forward, layer_activations
from tui_backprop.engine.trainer import Trainer

PCA, RANDOM = "pca", "random"
GRID = 41  # points along each axis (odd: the present is a grid point)
SAMPLE_ROWS = 2000  # at most this many training rows are evaluated
PATH_POINTS = 256  # at most this many snapshots make the path (evenly thinned)
MARGIN = 1.25  # the grid reaches this far beyond the path's farthest point
_CHUNK = 1 << 16  # float32 values of a layer per call: 256 KB arrays stay in the cache
WORK = 3e8  # multiply-adds a landscape may take: a larger network gets a coarser grid
LEAST_GRID = 5
_TINY = 1e-12
# Singular values below this share of the largest are noise: the Gram matrix squares
# them, so float64 leaves about 8 digits of them.
RANK_TOLERANCE = 1e-6


def flat_params(params: Params) -> Array:
    """[W0, b0, W1, b1, …] raveled into one float64 vector: a snapshot's first values."""
    return np.concatenate([a.ravel() for a in params.flat()]).astype(np.float64)


@dataclass(frozen=True, eq=False)
class Directions:
    """Two directions of weight space, as flat vectors like ``flat_params``."""

    kind: str  # PCA or RANDOM
    vectors: Array  # (2, n_params)
    share: float | None = None  # PCA: the part of the path's spread they hold, 0 … 1
    short: bool = False  # PCA: the path was too short; random directions filled in


def filter_normalised(params: Params, rng: np.random.Generator) -> Array:
    """A Gaussian direction, each neuron's incoming weights scaled to the norm of that
    neuron's incoming weights in ``params`` (a column of W); zero on the biases."""
    parts = []
    for i, w in enumerate(params.weights):
        d = rng.standard_normal(w.shape)
        norms = np.linalg.norm(d, axis=0)
        d *= np.linalg.norm(w.astype(np.float64), axis=0) / np.maximum(norms, _TINY)
        parts.append(d.ravel())
        if params.biases is not None:
            parts.append(np.zeros(params.biases[i].size))
    return np.concatenate(parts)


def random_directions(params: Params, seed: int = 0) -> Directions:
    """Two filter-normalised random directions, the same ones for a given ``seed``."""
    rng = np.random.default_rng([seed, 24])
    return Directions(RANDOM, np.stack([filter_normalised(params, rng) for _ in range(2)]))


def pca_directions(path: Array, centre: Array, params: Params) -> Directions:
    """The first two principal directions of ``path`` (rows of flat parameters) about
    ``centre``, unit length, and their share of the path's spread; each points away
    from the path's start, so the path comes in from the lower left whatever signs the
    SVD picks. When the path spans fewer than two directions, filter-normalised random
    ones made orthogonal and unit length complete the pair, and ``short`` says so."""
    moves = path - centre
    s, vt = _principal(moves)
    power = s**2
    total = float(power.sum())
    rank = int((s > float(s[0]) * RANK_TOLERANCE).sum()) if total > 0 else 0
    away = vt[: min(rank, 2)] * np.where(moves[0] @ vt[: min(rank, 2)].T > 0, -1.0, 1.0)[:, None]
    if rank >= 2:
        return Directions(PCA, away, float(power[:2].sum() / total))
    vectors = list(away)
    rng = np.random.default_rng([0, 24])
    while len(vectors) < 2:
        d = filter_normalised(params, rng)
        for v in vectors:
            d -= (d @ v) * v
        vectors.append(d / max(float(np.linalg.norm(d)), _TINY))
    share = float(power[:rank].sum() / total) if total > 0 else 0.0
    return Directions(PCA, np.stack(vectors), share, short=True)


def _principal(moves: Array) -> tuple[Array, Array]:
    """The singular values of ``moves`` (k rows, k ≤ columns) and its right singular
    vectors, from the eigenvectors of the k×k Gram matrix: a path of a few hundred
    points is decomposed without an SVD of its full width."""
    if not len(moves):
        return np.zeros(0), np.zeros((0, moves.shape[1]))
    power, u = np.linalg.eigh(moves @ moves.T)
    order = np.argsort(power)[::-1]
    power, u = np.clip(power[order], 0.0, None), u[:, order]
    s = np.sqrt(power)
    keep = s > (s[0] * RANK_TOLERANCE if s[0] > 0 else np.inf)
    vt = np.zeros((len(s), moves.shape[1]))
    vt[keep] = (u[:, keep].T @ moves) / s[keep, None]
    return np.where(keep, s, 0.0), vt


def project(points: Array, centre: Array, vectors: Array) -> Array:
    """Each row of ``points`` as plane coordinates (a, b): the least-squares solution of
    centre + a·v₀ + b·v₁ ≈ point (exact for a point on the plane), by the 2×2 normal
    equations."""
    gram = vectors @ vectors.T
    coords: Array = np.linalg.solve(gram, vectors @ (points - centre).T).T
    return coords


def path_rows(
    snapshots: Snapshots, before: int, width: int, at_most: int = PATH_POINTS
) -> tuple[NDArray[np.int64], Array]:
    """The kept snapshots of epochs before ``before`` (epochs done), at most ``at_most``
    of them evenly spread, as their epochs and their first ``width`` values (the
    parameters; the optimiser's state follows in a snapshot)."""
    return snapshots.spread(before - 1, width, at_most)


@dataclass(frozen=True, eq=False)
class Landscape:
    """The loss over the plane: ``loss[i, j]`` at ``centre + alphas[j]·v₀ + betas[i]·v₁``
    (rows up the second direction), the path's points in plane coordinates (its last
    point is the present, at 0, 0) with the epochs each was taken after."""

    directions: Directions
    alphas: Array
    betas: Array
    loss: Array  # (len(betas), len(alphas)), float32
    centre_loss: float
    path: Array  # (k, 2)
    path_epochs: NDArray[np.int64]
    rows: int  # rows evaluated
    total_rows: int  # training rows of the run
    penalised: bool  # the run has L1 or L2 terms, which the values leave out
    others: tuple[Array, ...] = ()  # other runs' paths on this plane, as ``path``


def sample_rows(n: int, at_most: int = SAMPLE_ROWS) -> NDArray[np.intp]:
    """The training rows a landscape evaluates: all of them, or a fixed sample."""
    if n <= at_most:
        return np.arange(n)
    return np.sort(np.random.default_rng([n, 24]).choice(n, at_most, replace=False))


def spans(path: Array, kind: str) -> tuple[float, float]:
    """Half-widths of the grid along each direction: the path's farthest point times
    ``MARGIN`` (at least 1 for random directions, the scale of filter normalisation),
    neither less than a quarter of the other, so both directions show some relief."""
    far = np.abs(path).max(axis=0) if len(path) else np.zeros(2)
    half = far * MARGIN
    if kind == RANDOM:
        half = np.maximum(half, 1.0)
    top = float(half.max())
    if top <= _TINY:
        return 1.0, 1.0
    return float(max(half[0], top / 4)), float(max(half[1], top / 4))


def grid_size(sizes: tuple[int, ...], rows: int, most: int = GRID) -> int:
    """The largest odd grid side up to ``most`` whose points cost at most ``WORK``
    multiply-adds on ``rows`` rows (the first layer is cheap: see ``grid_losses``), and
    never less than ``LEAST_GRID``."""
    per_point = rows * (sizes[1] + sum(a * b for a, b in itertools.pairwise(sizes[1:])))
    side = int(np.sqrt(WORK / max(per_point, 1)))
    side -= 1 - side % 2
    return max(LEAST_GRID, min(most, side))


def landscape(
    trainer: Trainer,
    params: Params,
    path: Array,
    path_epochs: NDArray[np.int64],
    directions: Directions,
    size: int = GRID,
    others: tuple[Array, ...] = (),
) -> Landscape:
    """The loss of ``trainer``'s network over a ``size``×``size`` grid of the plane of
    ``directions`` through ``params`` (coarser for a large network: ``grid_size``), and
    ``path`` (flat parameters, oldest first, ending with ``params``) projected onto it;
    ``others``, other runs' paths, too, the grid wide enough for them all."""
    centre = flat_params(params)
    coords = project(path, centre, directions.vectors)
    theirs = tuple(project(p, centre, directions.vectors) for p in others)
    half_a, half_b = spans(np.concatenate([coords, *theirs]), directions.kind)
    x, y = trainer.training_arrays()
    rows = sample_rows(len(x))
    if len(rows) < len(x):
        x, y = x[rows], y[rows]
    size = grid_size(params.sizes, len(x), size)
    alphas = np.linspace(-half_a, half_a, size)
    betas = np.linspace(-half_b, half_b, size)
    c = trainer.config
    acts = layer_activations(len(params.weights), c.activation, c.output)
    loss = OUTPUTS[c.output]
    with np.errstate(all="ignore"):
        centre_loss = loss.mean(forward(params, acts, x)[-1][0], y)
        a, b = np.meshgrid(alphas, betas)
        values = grid_losses(trainer, params, directions.vectors, a.ravel(), b.ravel(), x, y)
    return Landscape(
        directions,
        alphas,
        betas,
        values.reshape(size, size),
        centre_loss,
        coords,
        path_epochs,
        len(x),
        len(trainer.training_arrays()[0]),
        bool(c.l1 or c.l2),
        theirs,
    )


def _layers(vector: Array, like: Params) -> list[tuple[Array, Array | None]]:
    """A flat vector cut into (W, b) pairs shaped like ``like``'s, as float32."""
    out: list[tuple[Array, Array | None]] = []
    at = 0
    biases = like.biases
    for i, w in enumerate(like.weights):
        weights = vector[at : at + w.size].reshape(w.shape).astype(np.float32)
        at += w.size
        bias = None
        if biases is not None:
            bias = vector[at : at + biases[i].size].astype(np.float32)
            at += biases[i].size
        out.append((weights, bias))
    return out


def grid_losses(
    trainer: Trainer, params: Params, vectors: Array, a: Array, b: Array, x: Array, y: Array
) -> Array:
    """The mean loss on rows ``x``/``y`` at every point ``centre + a[k]·v₀ + b[k]·v₁``,
    in float32, a chunk of points per NumPy call. The first layer is linear in the
    point, so it is three products for all points: x·W + a·(x·V₀) + b·(x·V₁)."""
    c = trainer.config
    acts = layer_activations(len(params.weights), c.activation, c.output)
    loss = OUTPUTS[c.output]
    centre = _layers(flat_params(params), params)
    way_a, way_b = _layers(vectors[0], params), _layers(vectors[1], params)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    # Each row of ``first`` is one of the three products, flat: a chunk's z is then
    # (points, 1) × (1, rows·width), whose long inner loop NumPy runs fastest
    first = [
        (x32 @ w + (0 if bias is None else bias)).reshape(1, -1)
        for w, bias in (centre[0], way_a[0], way_b[0])
    ]
    widest = max(params.sizes[1:])
    chunk = max(1, _CHUNK // max(1, len(x) * widest))
    out = np.empty(len(a), dtype=np.float32)
    a32, b32 = a.astype(np.float32)[:, None], b.astype(np.float32)[:, None]
    for start in range(0, len(a), chunk):
        ka, kb = a32[start : start + chunk], b32[start : start + chunk]
        z = ka * first[1]  # in place from here: two temporaries, not three
        z += first[0]
        z += kb * first[2]
        z = z.reshape(len(ka), len(x), -1)
        ka, kb = ka[:, :, None], kb[:, :, None]
        for i in range(1, len(centre)):
            h = acts[i - 1].forward(z)
            (w, bias), (wa, ba), (wb, bb) = centre[i], way_a[i], way_b[i]
            z = h @ (w + ka * wa + kb * wb)
            if bias is not None and ba is not None and bb is not None:
                z += bias + ka * ba + kb * bb
        k, n, o = z.shape
        per = loss.per_sample(z.reshape(k * n, o), np.broadcast_to(y32, (k, n, o)).reshape(-1, o))
        out[start : start + k] = per.reshape(k, n).mean(axis=1)
    return out


def run_path(trainer: Trainer, params: Params, epoch: int) -> tuple[Array, NDArray[np.int64]]:
    """The run's path up to epoch count ``epoch``: its kept snapshots before it, thinned,
    then ``params`` (the weights shown) as the last point; and each point's epoch count."""
    centre = flat_params(params)
    epochs, rows = path_rows(trainer.snapshots, epoch, centre.size)
    return np.vstack([rows, centre]), np.append(epochs, epoch)


def directions_of(kind: str, path: Array, params: Params) -> Directions:
    """The plane's directions of ``kind`` for a path ending at ``params``."""
    if kind == PCA:
        return pca_directions(path, flat_params(params), params)
    return random_directions(params)


def run_landscape(trainer: Trainer, params: Params, epoch: int, kind: str = PCA) -> Landscape:
    """The landscape of the run at epoch count ``epoch`` (its weights ``params``), on a
    plane of ``kind``: what the pane draws and ``--landscape`` writes."""
    path, epochs = run_path(trainer, params, epoch)
    return landscape(trainer, params, path, epochs, directions_of(kind, path, params))
