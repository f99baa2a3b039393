"""The ``backprop-tui`` command.

Only argparse and the settings vocabulary (stdlib only) are imported at the top, so
``--help`` answers at once; NumPy comes in for a run and Textual only when the TUI
starts (never for ``--headless``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn, TypeVar

from tui_backprop import settings

if TYPE_CHECKING:
    from tui_backprop.experiment import Experiment

EXIT_USAGE = 2
T = TypeVar("T")


class Parser(argparse.ArgumentParser):
    """Reports a bad argument as one line and exit status 2, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _arg(read: Callable[[str], T]) -> Callable[[str], T]:
    """A settings reader as an argparse type: its one-line reason becomes the error."""

    def parse(text: str) -> T:
        try:
            return read(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = read.__name__
    return parse


def build_parser() -> Parser:
    p = Parser(
        prog="backprop-tui",
        description="Watch a NumPy neural network learn by backpropagation, one epoch per key.",
        epilog="Without DATASET: the reference experiment (preset seed). Every flag overrides "
        "its preset's value.",
    )
    p.add_argument(
        "dataset",
        nargs="?",
        metavar="DATASET",
        help="a CSV file (label in the last column) or a built-in: seed, xor, "
        "circles, moons, spiral, gaussians, spiral3",
    )
    p.add_argument(
        "--preset",
        choices=settings.CHOICES["preset"],
        help="seed without a dataset, standard with one",
    )
    p.add_argument(
        "--layers",
        type=_arg(settings.read_layers),
        dest="hidden",
        metavar="4|8,4|none",
        help="hidden layer widths",
    )
    p.add_argument("--activation", choices=settings.CHOICES["activation"], help="hidden activation")
    p.add_argument("--output", choices=settings.CHOICES["output"], help="output layer and its loss")
    p.add_argument("--bias", action=argparse.BooleanOptionalAction, help="biases on or off")
    p.add_argument("--init", choices=settings.CHOICES["init"], help="weight initialisation")
    p.add_argument(
        "--init-scale",
        type=_arg(settings.read_positive),
        metavar="A",
        help="bound A of uniform(-A, A); a multiplier for xavier and he",
    )
    p.add_argument("--lr", type=_arg(settings.read_positive), help="learning rate")
    p.add_argument("--optimizer", choices=settings.CHOICES["optimizer"])
    p.add_argument(
        "--batch-size",
        type=_arg(settings.read_count),
        metavar="N",
        help="rows per step, 0 = the full batch",
    )
    p.add_argument(
        "--reduction",
        choices=settings.CHOICES["reduction"],
        help="sum or average the gradient over a batch's rows",
    )
    p.add_argument(
        "--l2", type=_arg(settings.read_non_negative), metavar="LAMBDA", help="L2 penalty"
    )
    p.add_argument(
        "--test-split", type=_arg(settings.read_fraction), metavar="F", help="fraction held out"
    )
    p.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        help="scale features with the training rows' mean and std",
    )
    p.add_argument("--label-column", type=_arg(settings.read_column), metavar="NAME|INDEX")
    p.add_argument(
        "--drop-columns",
        type=_arg(settings.read_names),
        metavar="A,B",
        help="columns to ignore, e.g. an id",
    )
    p.add_argument("--dtype", choices=settings.CHOICES["dtype"])
    p.add_argument(
        "--seed", type=_arg(settings.read_seed), help="seed for weights, splits and shuffling"
    )
    p.add_argument(
        "--epochs",
        type=_arg(settings.read_count),
        metavar="N",
        help="epochs for --headless (default 20)",
    )
    p.add_argument("--load-weights", metavar="FILE.npz", help="start from these weights")
    p.add_argument("--save-weights", metavar="FILE.npz", help="write the weights at the end")
    p.add_argument("--log", metavar="FILE.csv", help="write the per-epoch metrics")
    p.add_argument("--headless", action="store_true", help="train and print, without the TUI")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = vars(parser.parse_args(argv))
    headless = args.pop("headless")
    dataset = args.pop("dataset")
    overrides = {k: v for k, v in args.items() if v is not None}

    from tui_backprop.engine.network import keep_freed_memory
    from tui_backprop.experiment import Experiment

    keep_freed_memory()
    chosen = settings.resolve(dataset, overrides)
    try:
        experiment = Experiment.build(chosen, frozenset(overrides))
    except ValueError as err:  # DatasetError, WeightsError, ConfigError: the user's input
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {err}\n")
    if headless:
        return run_headless(experiment, parser)
    from tui_backprop.ui.app import run_app

    return int(run_app(experiment))


HEADLESS_CHUNK = 1024  # epochs trained, then printed with one write


def run_headless(experiment: Experiment, parser: Parser) -> int:
    from tui_backprop.experiment import epoch_lines

    out = sys.stdout
    for line in experiment.summary():
        print(f"# {line}", file=out)
    print(f"# {experiment.describe()}", file=out)
    trainer = experiment.trainer
    left = experiment.settings.epochs
    while left and not trainer.diverged:
        start = trainer.epoch
        left -= trainer.train_epochs(min(left, HEADLESS_CHUNK))
        out.write(epoch_lines(trainer.history, start, trainer.epoch))
    if trainer.diverged:
        print(
            f"# Diverged at epoch {trainer.epoch - 1}: the loss or a weight is no longer "
            "finite. Try a lower --lr.",
            file=out,
        )
    s = experiment.settings
    outputs = [(s.save_weights, experiment.save_weights), (s.log, experiment.write_log)]
    for path, write in outputs:
        if not path:
            continue
        try:
            write(path)
        except OSError as err:
            parser.exit(EXIT_USAGE, f"{parser.prog}: error: cannot write {path}: {err.strerror}\n")
    return 0
