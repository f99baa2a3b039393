"""Speed of the NumPy engine on two workloads, measured against baselines in the same run.

    python benchmarks/bench_engine.py [--quick] [--activation sigmoid] [--no-torch]

1. The reference experiment (2-4-1, ten rows, sigmoid, full batch), two ways:

   a. in process: epochs per second of ``Trainer.train_epoch`` (every metric and
      snapshot kept and the step records available, as the app uses it) against the
      exercise's own loop in ``benchmarks/blog_loop.py``. Target: at least 1.0x.
   b. whole process: the wall time of ``backprop-tui --headless --epochs 30000``
      against ``python benchmarks/blog_loop.py 30000``, the exercise as a program
      printing its line every epoch; both write into a pipe this script reads, and
      both pay for starting Python and importing NumPy. Target: at most 1.0x the time.

   The two sides alternate, repetition by repetition, and the medians are compared,
   so a slow spell of a noisy machine falls on both.

2. A large full-batch classifier, 10,000 x 784 -> 256 -> 128 -> 10 with a softmax
   output, on seeded random data, in float64 and float32: the median seconds per epoch
   of the engine, the same forward pass, hand-written backward pass and SGD update in
   PyTorch on the CPU (when torch can be imported), and the engine's achieved
   matrix-multiply rate. Targets: no slower than PyTorch, and at least 70% of the
   machine's GEMM peak, itself measured in this run by timing one big square
   ``np.matmul`` in the same precision.

The FLOP count covers the matrix products only: 2·n·fan_in·fan_out for every layer's
forward product and for every layer's weight gradient, and the same again for the
delta sent back through every layer but the first. Elementwise work (activations,
derivatives, the update) is not counted, so it shows up as lost efficiency.

Figures depend on the machine and on how the BLAS library is set up: OpenBLAS reads
OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE (which kernel family it uses) and
OPENBLAS_L2_SIZE (how it blocks the matrices) from the environment, and a setting that
does not match the CPU can slow NumPy down a lot. The script runs with whatever the
environment holds and prints those variables with the results. Like the command line,
the script tells glibc's allocator to keep freed memory for reuse (see
``network.keep_freed_memory``); the PyTorch baseline runs in the same process, so it
benefits in the same way.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from tui_backprop.engine import Problem, TrainConfig, Trainer
from tui_backprop.engine.network import keep_freed_memory

sys.path.insert(0, str(Path(__file__).resolve().parent))
import blog_loop  # the baseline beside this script

ROOT = Path(__file__).resolve().parent.parent
LARGE_SIZES = (784, 256, 128, 10)
BLOG_LOOP = Path(blog_loop.__file__).resolve()


def load_reference() -> ModuleType:
    """The plain implementation the tests compare the engine with."""
    path = ROOT / "tests" / "reference_blog.py"
    spec = importlib.util.spec_from_file_location("reference_blog", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_of(repeats: int, run: Callable[[], object]) -> float:
    """The shortest wall time of several runs: the least disturbed one."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# ------------------------------------------------------------------ seed workload


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def interleaved(repeats: int, runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median wall time of each run, the runs taking turns."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(timed(run))
    return {name: statistics.median(t) for name, t in times.items()}


def seed_in_process(epochs: int, repeats: int) -> dict[str, float]:
    """Epochs per second of the engine and of the blog loop, same start, same data."""
    blog = load_reference()
    x, labels = blog.dataset_arrays()
    trainer = Trainer(TrainConfig(), Problem(x, labels))
    assert trainer.initial is not None
    start = trainer.initial.weights

    def engine_run() -> None:
        trainer = Trainer(TrainConfig(), Problem(x, labels))
        for _ in range(epochs):
            trainer.train_epoch()
        assert trainer.history[-1].accuracy == 1.0

    def blog_run() -> None:
        report = blog_loop.run([np.array(w) for w in start], x, labels.astype(float), epochs)
        assert report[-1].endswith("Accu 100.00%")

    engine_run(), blog_run()  # warm up
    medians = interleaved(repeats, {"engine": engine_run, "blog": blog_run})
    return {name: epochs / t for name, t in medians.items()}


def headless_command() -> list[str]:
    """The installed ``backprop-tui`` beside this Python, or ``python -m tui_backprop``."""
    script = Path(sys.executable).with_name("backprop-tui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tui_backprop"]


def seed_whole_process(epochs: int, repeats: int) -> dict[str, float]:
    """Median seconds of the two programs; the package beside this script is the one run."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    commands = {
        "engine": [*headless_command(), "--headless", "--epochs", str(epochs)],
        "blog": [sys.executable, str(BLOG_LOOP), str(epochs)],
    }

    def program(command: list[str]) -> Callable[[], None]:
        def run() -> None:
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            lines = [line for line in out.stdout.splitlines() if not line.startswith("#")]
            assert len(lines) == epochs and "Accu 100.00%" in lines[-1], out.stdout[-300:]

        return run

    return interleaved(repeats, {name: program(c) for name, c in commands.items()})


# ------------------------------------------------------------------ large workload


def matmul_flops(n: int, sizes: tuple[int, ...]) -> float:
    """Multiply-adds (x2) of one training epoch's matrix products."""
    per_layer = [a * b for a, b in itertools.pairwise(sizes)]
    forward = 2.0 * n * sum(per_layer)
    grad_w = 2.0 * n * sum(per_layer)
    delta = 2.0 * n * sum(per_layer[1:])
    return forward + grad_w + delta


def gemm_peak(dtype: str, size: int, repeats: int = 5) -> float:
    """GFLOP/s of one big square matrix product, the best of a few."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(dtype)
    b = rng.standard_normal((size, size)).astype(dtype)
    out = np.empty((size, size), dtype=dtype)
    np.matmul(a, b, out=out)  # warm up the library's threads and buffers
    seconds = best_of(repeats, lambda: np.matmul(a, b, out=out))
    return 2.0 * size**3 / seconds / 1e9


def large_problem(n: int) -> Problem:
    rng = np.random.default_rng(42)
    x = rng.standard_normal((n, LARGE_SIZES[0]))
    labels = rng.integers(0, LARGE_SIZES[-1], n)
    return Problem(x, labels, n_classes=LARGE_SIZES[-1])


def large_config(dtype: str, activation: str, bias: bool) -> TrainConfig:
    return TrainConfig(
        hidden=LARGE_SIZES[1:-1],
        activation=activation,
        output="softmax",
        bias=bias,
        init="xavier",
        init_scale=1.0,
        lr=0.1,
        reduction="mean",
        dtype=dtype,
    )


def engine_epoch_seconds(trainer: Trainer, epochs: int) -> float:
    trainer.train_epoch()  # warm-up
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        metrics = trainer.train_epoch()
        times.append(time.perf_counter() - start)
        assert metrics is not None, "the benchmark run diverged"
    return statistics.median(times)


def torch_epoch_seconds(
    torch: Any, trainer: Trainer, problem: Problem, dtype: str, activation: str, epochs: int
) -> float:
    """The same epoch in PyTorch: forward pass, the loss, the backward pass written out
    as the engine does it, and the SGD update, without autograd."""
    tdtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    assert trainer.initial is not None
    weights = [torch.tensor(np.array(w), dtype=tdtype) for w in trainer.initial.weights]
    biases = (
        [torch.tensor(np.array(b), dtype=tdtype) for b in trainer.initial.biases]
        if trainer.initial.biases is not None
        else None
    )
    x = torch.tensor(problem.x_train, dtype=tdtype)
    labels = torch.tensor(problem.y_train, dtype=torch.int64)
    y = torch.nn.functional.one_hot(labels, LARGE_SIZES[-1]).to(tdtype)
    hidden_fn = {
        "sigmoid": (torch.sigmoid, lambda z, a: a * (1 - a)),
        "tanh": (torch.tanh, lambda z, a: 1 - a * a),
        "relu": (torch.relu, lambda z, a: (z > 0).to(tdtype)),
    }[activation]
    lr, scale = trainer.config.lr, 1.0 / len(x)

    def epoch() -> None:
        inputs, zs, outs = [], [], []
        a = x
        for i, w in enumerate(weights):
            inputs.append(a)
            z = a @ w
            if biases is not None:
                z = z + biases[i]
            a = torch.softmax(z, dim=1) if i == len(weights) - 1 else hidden_fn[0](z)
            zs.append(z)
            outs.append(a)
        loss = (torch.logsumexp(zs[-1], dim=1) - (y * zs[-1]).sum(dim=1)).mean()
        accuracy = (outs[-1].argmax(dim=1) == labels).to(tdtype).mean()
        float(loss), float(accuracy)
        delta = outs[-1] - y
        grads_w, grads_b = [], []
        for i in range(len(weights) - 1, -1, -1):
            grads_w.append((inputs[i].T @ delta) * scale)
            grads_b.append(delta.sum(dim=0) * scale)
            if i:
                delta = hidden_fn[1](zs[i - 1], outs[i - 1]) * (delta @ weights[i].T)
        grads_w.reverse()
        grads_b.reverse()
        for i in range(len(weights)):
            weights[i] = weights[i] - lr * grads_w[i]
            if biases is not None:
                biases[i] = biases[i] - lr * grads_b[i]

    with torch.no_grad():
        epoch()  # warm-up
        times = []
        for _ in range(epochs):
            start = time.perf_counter()
            epoch()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_torch() -> Any:
    try:
        import torch  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return torch


# ------------------------------------------------------------------ report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, for a smoke test")
    parser.add_argument(
        "--activation",
        default="sigmoid",
        choices=["sigmoid", "tanh", "relu"],
        help="hidden activation of the large workload (default: sigmoid)",
    )
    parser.add_argument("--no-bias", action="store_true", help="large workload without biases")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch baseline")
    args = parser.parse_args(argv)

    seed_epochs = 2_000 if args.quick else 20_000
    seed_repeats = 3 if args.quick else 7
    process_epochs = 3_000 if args.quick else 30_000
    process_repeats = 3 if args.quick else 5
    n_large = 2_000 if args.quick else 10_000
    large_epochs = 3 if args.quick else 7
    peak_size = 1024 if args.quick else 2048
    bias = not args.no_bias

    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS_", "OMP_", "MKL_"))}
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs")
    print("BLAS environment: " + (", ".join(f"{k}={v}" for k, v in env.items()) or "(none)"))
    torch = None if args.no_torch else import_torch()
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print()

    rates = seed_in_process(seed_epochs, seed_repeats)
    seconds = seed_whole_process(process_epochs, process_repeats)
    in_ratio = rates["engine"] / rates["blog"]
    whole_ratio = seconds["engine"] / seconds["blog"]
    print("1. Seed workload: 2-4-1, 10 rows, full batch (medians, the two sides alternating)")
    print(f"   {'':<34}{'engine':>12}{'blog loop':>12}{'ratio':>9}  target")
    print(
        f"   {f'a. in process, {seed_epochs:,} epochs':<34}"
        f"{rates['engine']:>8,.0f} e/s{rates['blog']:>8,.0f} e/s{in_ratio:>8.2f}x"
        f"  >= 1.0x speed: {verdict(in_ratio >= 1.0)}"
    )
    print(
        f"   {f'b. whole process, {process_epochs:,} epochs':<34}"
        f"{seconds['engine']:>10.3f} s{seconds['blog']:>10.3f} s{whole_ratio:>8.2f}x"
        f"  <= 1.0x time:  {verdict(whole_ratio <= 1.0)}"
    )
    command = " ".join(Path(part).name for part in headless_command())
    print(f"   ({seed_repeats} and {process_repeats} repetitions; b runs {command} --headless)")
    print()

    arch = "-".join(map(str, LARGE_SIZES))
    print(
        f"2. Large workload: {n_large:,} x {arch}, {args.activation} hidden, softmax, "
        f"{'bias, ' if bias else ''}full batch (median of {large_epochs} epochs)"
    )
    header = (
        f"   {'dtype':<8}{'engine s/ep':>12}{'torch s/ep':>12}{'vs torch':>10}"
        f"{'GFLOP/s':>10}{'GEMM peak':>11}{'of peak':>9}  targets"
    )
    print(header)
    problem = large_problem(n_large)
    flops = matmul_flops(n_large, LARGE_SIZES)
    for dtype in ("float64", "float32"):
        trainer = Trainer(large_config(dtype, args.activation, bias), problem)
        engine_s = engine_epoch_seconds(trainer, large_epochs)
        trainer.reset()
        if torch is not None:
            torch_s = torch_epoch_seconds(
                torch, trainer, problem, dtype, args.activation, large_epochs
            )
            torch_col = f"{torch_s:>12.4f}{torch_s / engine_s:>9.2f}x"
            torch_ok = verdict(engine_s <= torch_s)
        else:
            torch_col = f"{'skipped' if args.no_torch else 'not installed':>14}{'':>8}"
            torch_ok = "n/a"
        peak = gemm_peak(dtype, peak_size)
        rate = flops / engine_s / 1e9
        share = rate / peak
        print(
            f"   {dtype:<8}{engine_s:>12.4f}{torch_col}{rate:>10.1f}{peak:>11.1f}"
            f"{share:>8.0%}  torch: {torch_ok}, >=70% peak: {verdict(share >= 0.7)}"
        )
    print()
    print(
        f"   matrix products per epoch: {flops / 1e9:.2f} GFLOP; "
        f"peak from a {peak_size}x{peak_size} np.matmul in the same dtype"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
