"""The ``backprop-tui`` command.

Only argparse and the settings vocabulary (stdlib only) are imported at the top, so
``--help`` answers at once; NumPy comes in for a run and Textual only when the TUI
starts (never for ``--headless``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from tui_backprop import settings
from tui_backprop.machine import usable_cores

if TYPE_CHECKING:
    from tui_backprop.check.student_process import StudentCode
    from tui_backprop.engine.history import MetricsLog
    from tui_backprop.experiment import Experiment, MetricsCsv
    from tui_backprop.lesson import Lesson
    from tui_backprop.output_files import AtomicFile
    from tui_backprop.web.behind_proxy import PublicUrl

PROG = "backprop-tui"
EXIT_USAGE = 2
WEB_INSTALL = "pip install 'backprop-tui[web]'"
SERVE_HOST = "127.0.0.1"  # loopback: only this machine can reach it
SERVE_PORT = 8000
SERVE_REFUSES = {"headless": "--headless", "save_weights": "--save-weights", "log": "--log"}
T = TypeVar("T")
LogRows = Callable[["MetricsLog", int], None]  # writes a stretch of epochs to the log


class Parser(argparse.ArgumentParser):
    """Reports a bad argument as one line and exit status 2, without the usage block.
    Every message it ends with is printable: the file names in it may hold anything."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        super().exit(status, printable_lines(message) if message else message)


def printable_lines(text: str) -> str:
    """``text`` without control, escape or bidi characters, line by line."""
    from tui_backprop.data.text import printable_lines as lines  # only when there is a message

    return lines(text)


def _arg(read: Callable[[str], T]) -> Callable[[str], T]:
    """A settings reader as an argparse type: its one-line reason becomes the error."""

    def parse(text: str) -> T:
        try:
            return read(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    parse.__name__ = read.__name__
    return parse


def build_parser(kind: type[Parser] = Parser) -> Parser:
    p = kind(
        prog=PROG,
        description="Watch a NumPy neural network learn by backpropagation, one epoch per key.",
        epilog="Without DATASET: the reference experiment (preset seed). Every flag overrides "
        "its preset's value.",
    )
    p.add_argument(
        "dataset",
        nargs="?",
        metavar="DATASET",
        help="a CSV file (label in the last column) or a built-in: seed, xor, "
        "circles, moons, spiral, gaussians, spiral3; regression: plane, multigauss",
    )
    add_data_arguments(p)
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
        "--l1",
        type=_arg(settings.read_non_negative),
        metavar="LAMBDA",
        help="L1 penalty: each step moves weights η·λ towards 0, zeroing those it would carry "
        "across",
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
        help="stop at N epochs (--headless: train N, default 20)",
    )
    p.add_argument(
        "--stop-loss",
        type=_arg(settings.read_positive),
        metavar="X",
        help="stop once an epoch's training loss is below X",
    )
    p.add_argument(
        "--patience",
        type=_arg(settings.read_limit),
        metavar="K",
        help="stop once the test loss has not improved for K epochs",
    )
    p.add_argument(
        "--config",
        metavar="FILE.toml",
        help="settings from a file (keys are these flags' names); flags override it",
    )
    p.add_argument("--load-weights", metavar="FILE.npz", help="start from these weights")
    p.add_argument("--save-weights", metavar="FILE.npz", help="write the weights at the end")
    p.add_argument("--log", metavar="FILE.csv", help="write the per-epoch metrics")
    p.add_argument("--headless", action="store_true", help="train and print, without the TUI")
    p.add_argument(
        "--check",
        metavar="FILE.py",
        help="check your own forward, deltas, gradients and update against the engine's, "
        "phase by phase (--headless: print each epoch's verdicts, exit 1 if one is wrong)",
    )
    p.add_argument(
        "--check-template",
        action="store_true",
        help="write a file of the four functions --check calls, to fill in, and exit",
    )
    p.add_argument(
        "--landscape",
        metavar="FILE.csv",
        help="with --headless: write the loss landscape around the last weights (a grid on "
        "the path's PCA plane) and the path projected onto it",
    )
    add_serve_arguments(p)
    p.add_argument(
        "--lesson",
        metavar="FILE.toml|NAME",
        help="a teacher's lesson: a file, or a built-in (reference, xor, circles, "
        "lr-too-high, optimizers); flags given with it override its experiment",
    )
    return p


def add_data_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--features",
        type=_arg(settings.read_features),
        metavar="LIST",
        help="the network's inputs, for data with two features: any of "
        f"{','.join(settings.FEATURE_CHOICES)} (default: the data's own)",
    )
    p.add_argument(
        "--image",
        type=_arg(settings.read_image),
        metavar="WxH",
        help="the features are a picture's pixels (row by row): draw them as WxH "
        "pictures; off: never (default: found from pixel-like column names)",
    )
    p.add_argument(
        "--points",
        type=_arg(settings.read_points),
        metavar="N",
        help="rows a generated built-in is drawn with (default 200)",
    )
    p.add_argument(
        "--noise",
        type=_arg(settings.read_non_negative),
        metavar="X",
        help="a generated built-in's noise (default 0.1)",
    )
    p.add_argument(
        "--data-seed",
        type=_arg(settings.read_seed),
        metavar="K",
        help="seed a generated built-in is drawn with (default 0)",
    )


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--serve",
        action="store_true",
        help="serve the app to web browsers, one run per tab, with the other flags "
        f"(needs: {WEB_INSTALL})",
    )
    p.add_argument("--host", help=f"address --serve listens on (default {SERVE_HOST})")
    p.add_argument("--port", type=_arg(read_port), help=f"port for --serve (default {SERVE_PORT})")
    p.add_argument(
        "--no-token",
        action="store_true",
        help="serve without the token in the address: any local user can open the app "
        "(loopback --host only)",
    )
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        help="--serve: the folder whose CSV files every tab's dataset menu lists, read-only",
    )
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="--serve: the token in FILE's first line (written there when FILE is new), "
        "for several servers behind one proxy",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="--serve: the proxy's address students open; its host and port are accepted",
    )
    p.add_argument(
        "--max-tabs",
        type=_arg(read_max_tabs),
        metavar="N",
        help="runs --serve keeps open at once (default: 4 a core, as memory allows)",
    )
    p.add_argument(
        "--ready-tabs",
        type=_arg(read_ready_tabs),
        metavar="N",
        help="--serve: apps started ahead of the tabs that will show them, so a class that "
        "opens together starts at once (default: as many as --max-tabs; 0: none)",
    )


def read_tab_count(flag: str, least: int) -> Callable[[str], int]:
    """The reader of a count of tabs: a whole number from ``least`` to 99999."""

    def read(text: str) -> int:
        value = int(text) if text.isascii() and text.isdigit() and len(text) < 6 else -1
        if value < least:
            raise ValueError(f"{flag} is a whole number from {least} to 99999")
        return value

    return read


read_max_tabs = read_tab_count("--max-tabs", 1)
read_ready_tabs = read_tab_count("--ready-tabs", 0)


def read_port(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if not 0 < value < 2**16:
        raise ValueError("a port is a whole number from 1 to 65535")
    return value


def serve_split(argv: Sequence[str]) -> list[str]:
    """The arguments without --serve, --host, --port, --no-token, --data-dir,
    --max-tabs, --ready-tabs, --token-file and --public-url: what each served app is given (it
    learns the data folder from its environment, see ``served_tab``)."""
    p = Parser(prog=PROG, add_help=False)
    add_serve_arguments(p)
    return p.parse_known_args(argv)[1]


def main(argv: Sequence[str] | None = None) -> int:
    """The command. A Ctrl-C before a run handles it itself (while NumPy or the data
    load) ends it with one line and status 130."""
    with _interrupts_noted() as interrupted:
        try:
            return _command(argv)
        except KeyboardInterrupt:
            pass
        except ImportError:
            # A Ctrl-C inside a C extension's import (NumPy's) surfaces as this error.
            if not interrupted:
                raise
    print(f"{PROG}: interrupted", file=sys.stderr)
    return 128 + signal.SIGINT


@contextmanager
def _interrupts_noted() -> Iterator[list[int]]:
    """While open, Ctrl-C raises KeyboardInterrupt as usual and is noted in the list
    yielded (the run installs its own handler meanwhile, as before)."""
    noted: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # left as started
        yield noted
        return

    def note(signum: int, _frame: object) -> None:
        noted.append(signum)
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGINT, note)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, before)


def _command(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = vars(parser.parse_args(argv))
    check_file = args.pop("check")
    if args.pop("check_template"):
        from tui_backprop.check.template import TEMPLATE

        sys.stdout.write(TEMPLATE)
        return 0
    serving, host, port = args.pop("serve"), args.pop("host"), args.pop("port")
    token = not args.pop("no_token")
    max_tabs, ready_tabs = args.pop("max_tabs"), args.pop("ready_tabs")
    proxied = (args.pop("token_file"), args.pop("public_url"))
    if serving:
        check_serve(args, parser)
        check_token(host or SERVE_HOST, token, parser)
        given, public = behind_proxy(*proxied, token, parser)
    elif any(flag is not None for flag in proxied):
        parser.error("--token-file and --public-url go with --serve")
    elif host is not None or port is not None:
        parser.error("--host and --port go with --serve")
    elif not token:
        parser.error("--no-token goes with --serve")
    elif max_tabs is not None:
        parser.error("--max-tabs goes with --serve")
    elif ready_tabs is not None:
        parser.error("--ready-tabs goes with --serve")
    data_dir = data_folder(args.pop("data_dir"), serving, parser)
    headless = args.pop("headless")
    landscape = args.pop("landscape")
    if landscape is not None and not headless:
        parser.error("--landscape goes with --headless")
    if not headless:  # before anything loads NumPy (a lesson file does)
        leave_a_core_for_the_screen()
    dataset = args.pop("dataset")
    lesson_name = args.pop("lesson")
    config_file = args.pop("config")
    overrides = {k: v for k, v in args.items() if v is not None}
    typed = (dataset, overrides)
    if config_file is not None:
        dataset, overrides = _with_config(config_file, dataset, overrides, parser)
    # a run the set-up file chose any part of names it when that run cannot be built
    from_file = config_file if (dataset, overrides) != typed else None
    lesson = None
    if lesson_name is not None:
        if headless:
            parser.error("--lesson is for the app: it cannot be used with --headless")
        lesson, dataset, overrides = _with_lesson(lesson_name, dataset, overrides, parser)

    from tui_backprop.engine.network import keep_freed_memory
    from tui_backprop.experiment import Experiment

    keep_freed_memory()
    chosen = settings.resolve(dataset, overrides)
    check_outputs(chosen, parser, [p for p in (config_file, lesson_name) if p], landscape)
    try:
        experiment = Experiment.build(chosen, frozenset(overrides))
    except ValueError as err:  # DatasetError, WeightsError, ConfigError: the user's input
        source = lesson.source if lesson else from_file
        where = f"{source}: " if source else ""
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {where}{err}\n")
    except KeyboardInterrupt:  # Ctrl-C while a large file loads: nothing to save yet
        parser.exit(128 + signal.SIGINT, f"{parser.prog}: interrupted while loading\n")
    if lesson is not None:  # its questions name neurons and rows: they must exist
        _check_questions(lesson, experiment, parser)
    student = None if check_file is None else _student(check_file, experiment, headless, parser)
    if student is not None and headless:
        return run_headless_check(experiment, student, parser)
    if student is not None:
        student.close()  # loaded to refuse a bad file here; the app starts its own
    if headless:
        try:
            return run_headless(experiment, parser, landscape)
        except MemoryError as err:  # past the estimate checked when the run was built
            said = str(err).split("\n", 1)[0] or "an array did not fit in memory"
            print(f"{parser.prog}: error: out of memory: {said}", file=sys.stderr)
            return EXIT_FAILURE
    if serving:
        from tui_backprop.served_tab import mark_served
        from tui_backprop.web.server import serve

        mark_served(os.environ, data_dir)  # every tab's process inherits it
        app_args = serve_split(sys.argv[1:] if argv is None else argv)
        return serve(
            app_args,
            host=host or SERVE_HOST,
            port=port or SERVE_PORT,
            token=given or token,
            max_tabs=max_tabs,
            ready_tabs=ready_tabs,
            public=public,
        )
    check_terminal(parser)  # after the flags and files: their problems come first
    from tui_backprop.ui.app import run_app

    return int(run_app(experiment, lesson, check_file))


SYMBOLS = "╭─│▶⠿σ"  # some of what the app draws: boxes, marks, braille, Greek


def check_terminal(parser: Parser) -> None:
    """The app draws on a terminal: without one, on one that cannot move its cursor
    (``TERM=dumb``), or through an output encoding without its symbols (ASCII), it
    would write pages of escape codes or fail mid-draw, so it refuses in one line
    before it starts. A served tab's app draws through its own driver."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        parser.error(
            "the app needs a terminal, and its input or output is not one; "
            "--headless trains and prints without one"
        )
    if os.environ.get("TERM") == "dumb":
        parser.error(
            "TERM=dumb cannot draw the app (it moves the cursor and colours cells); "
            "use --headless, or a terminal such as xterm"
        )
    encoding = sys.stdout.encoding or "ascii"
    try:
        SYMBOLS.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        parser.error(
            f"the output encoding {encoding} cannot show the app's lines and symbols; "
            "use a UTF-8 locale (such as LANG=C.UTF-8) or --headless"
        )


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def leave_a_core_for_the_screen() -> None:
    """The app trains (a slow step in a thread, a playing run in its own process) while
    it draws, so NumPy's matrix library gets every core but one and the screen keeps a
    core to answer keys on. On two cores, BLAS threads spinning on both took a slow
    epoch's keys from ~110 ms to ~240 ms. Must run before NumPy loads; the training
    process inherits it; a user's own setting wins."""
    cores = usable_cores()
    for name in BLAS_THREADS:
        os.environ.setdefault(name, str(max(cores - 1, 1)))


# Flags a set-up file may not set: how the program runs, not what it trains.
NOT_SETTINGS = {"lesson", "config", "headless", "help", "serve", "host", "port"}
NOT_SETTINGS |= {"check", "check_template"}  # code to run comes from the command line only
NOT_SETTINGS |= {"no_token", "data_dir", "max_tabs", "ready_tabs", "token_file", "public_url"}
NOT_SETTINGS |= {"landscape"}
# Flags a lesson's [experiment] may not set either: they are about files and --headless.
NOT_IN_LESSONS = {*NOT_SETTINGS, "epochs", "save_weights", "log"}
# What a set-up file may not name: a file shared with others must not write over yours.
OUTPUT_KEYS = {"log", "save-weights"}


class TableError(ValueError):
    """A TOML table of settings that the command line's flags cannot read."""


class _TableParser(Parser):
    """Reads a TOML table's settings with the command line's own flags, raising its errors."""

    def error(self, message: str) -> NoReturn:
        raise TableError(message.removeprefix("argument --"))


def _with_config(
    path: str, dataset: str | None, overrides: dict[str, object], parser: Parser
) -> tuple[str | None, dict[str, object]]:
    """The dataset and settings of a set-up file with the command line's laid over them;
    a file that cannot be used ends the program with its one line."""
    from tui_backprop.toml_input import TomlInputError, read_toml

    try:
        table = read_toml(path, "set-up file")
        for key in sorted(OUTPUT_KEYS & table.keys()):
            raise TableError(
                f"{path}: {key} names a file to write, which a set-up file may not "
                f"(give --{key} on the command line)"
            )
        their_dataset, theirs = table_settings(table, path, Path(path).parent, NOT_SETTINGS, "")
    except (TomlInputError, TableError) as err:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {err}\n")
    return dataset or their_dataset, {**theirs, **overrides}


def _with_lesson(
    name: str, dataset: str | None, overrides: dict[str, object], parser: Parser
) -> tuple[Lesson, str | None, dict[str, object]]:
    """The lesson, and the dataset and settings of its experiment with the command line's
    laid over it; a lesson that cannot be used ends the program with its one line."""
    from tui_backprop.lesson import LessonError, load_lesson
    from tui_backprop.ui.command_table import LESSON_COMMANDS
    from tui_backprop.ui.model.lesson_steps import STEP_SETTINGS

    try:
        lesson = load_lesson(name, LESSON_COMMANDS, STEP_SETTINGS)
        their_dataset, theirs = lesson_settings(lesson)
    except LessonError as err:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {err}\n")
    return lesson, dataset or their_dataset, {**theirs, **overrides}


def _check_questions(lesson: Lesson, experiment: Experiment, parser: Parser) -> None:
    from tui_backprop.ui.model.lesson_answers import lesson_network_problem

    why = lesson_network_problem(lesson, experiment)
    if why is not None:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {lesson.source}: {why}\n")


def lesson_settings(lesson: Lesson) -> tuple[str | None, dict[str, object]]:
    """A lesson's [experiment] read as the flags of the same names would be."""
    from tui_backprop.lesson import LessonError

    try:
        values = dict(lesson.experiment)
        return table_settings(values, lesson.source, lesson.folder, NOT_IN_LESSONS, "experiment ")
    except TableError as err:
        raise LessonError(str(err)) from None


def table_settings(
    values: dict[str, object], source: str, folder: Path | None, left_out: set[str], what: str
) -> tuple[str | None, dict[str, object]]:
    """A TOML table of settings (a lesson's [experiment], a set-up file) read as the
    flags of the same names would be, but those in ``left_out``: the dataset and the
    settings. Raises TableError naming ``source`` and the key (``what`` comes before
    the key in the message)."""
    table_parser = build_parser(_TableParser)
    flags = {
        a.option_strings[0].removeprefix("--"): a
        for a in table_parser._actions
        if a.option_strings and a.dest not in left_out
    }
    values = dict(values)
    dataset = _near(values.pop("dataset", None), source, folder, f"{what}dataset")
    argv: list[str] = []
    for key, value in values.items():
        action = flags.get(key)
        if action is None:
            known = ", ".join(["dataset", *sorted(flags)])
            raise TableError(f"{source}: unknown {what}key {key!r} (known: {known})")
        if key == "load-weights":
            value = _near(value, source, folder, f"{what}{key}")
        switch = isinstance(action, argparse.BooleanOptionalAction)
        argv += _as_flag(key, value, switch, f"{source}: {what}{key}")
    try:
        args = vars(table_parser.parse_args(argv))
    except TableError as err:
        raise TableError(f"{source}: {what}{err}") from None
    return dataset, {k: v for k, v in args.items() if v is not None and k not in left_out}


def _as_flag(key: str, value: object, switch: bool, where: str) -> list[str]:
    """``lr = 0.3`` as ``--lr 0.3``, ``bias = false`` as ``--no-bias``, ``layers = [8, 4]``
    as ``--layers 8,4``."""
    if switch != isinstance(value, bool):
        want = "true or false" if switch else "a value, not true or false"
        raise TableError(f"{where} must be {want}")
    if isinstance(value, bool):
        return [f"--{key}" if value else f"--no-{key}"]
    if isinstance(value, list):
        value = ",".join(map(str, value))
    if not isinstance(value, str | int | float):
        raise TableError(f"{where} must be a number, a string or a list, not a table")
    return [f"--{key}={value}"]


def _near(path: object, source: str, folder: Path | None, where: str) -> str | None:
    """A file named in a TOML file, found next to that file when it is there."""
    if path is None:
        return None
    if not isinstance(path, str):
        raise TableError(f"{source}: {where} must be a string")
    if folder is not None and (folder / path).exists():
        return str(folder / path)
    return path


HEADLESS_CHUNK = 1024  # most epochs trained, then printed with one write
CHUNK_SECONDS = 0.05  # a chunk ends after this long, so a signal is answered fast
EXIT_FAILURE = 1
EXIT_PIPE = 128 + signal.SIGPIPE  # what a shell reports for a tool a closed pipe ended
OUTPUT_FLAGS = {"save_weights": "--save-weights", "log": "--log"}


def check_serve(args: dict[str, object], parser: Parser) -> None:
    """Refuse flags that make no sense for many runs at once, and a missing web extra,
    before anything is loaded."""
    for name, flag in SERVE_REFUSES.items():
        if args[name]:
            parser.error(f"--serve cannot be used with {flag} (every tab is a run of its own)")
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        parser.error(f"--serve needs textual-serve: {WEB_INSTALL}")
    from tui_backprop.web import launch

    launch.set_budget()  # the run is checked with the memory each tab's run will have


def check_token(host: str, token: bool, parser: Parser) -> None:
    """Refuse ``--no-token`` off loopback: on a network the token is all that keeps
    others from starting processes on this machine."""
    from tui_backprop.web.addresses import is_loopback

    if not token and not is_loopback(host):
        parser.error(f"--no-token is for a loopback --host only (not {host}): keep the token")


def behind_proxy(
    token_file: str | None, public_url: str | None, token: bool, parser: Parser
) -> tuple[str | None, PublicUrl | None]:
    """``--token-file``'s token and ``--public-url``'s address (``web.behind_proxy``)."""
    from tui_backprop.web import behind_proxy as proxy

    if token_file is not None and not token:
        parser.error("--token-file and --no-token cannot be used together")
    try:
        public = None if public_url is None else proxy.read_public_url(public_url)
        given = None if token_file is None else proxy.read_token_file(Path(token_file))
    except ValueError as err:
        parser.error(str(err))
    except OSError as err:
        parser.error(f"--token-file: {token_file}: {err.strerror}")
    return given, public


def data_folder(path: str | None, serving: bool, parser: Parser) -> Path | None:
    """``--data-dir``, which goes with ``--serve`` and must be a folder."""
    if path is None:
        return None
    if not serving:
        parser.error("--data-dir goes with --serve")
    if not Path(path).is_dir():
        parser.error(f"--data-dir: {path}: not a folder")
    return Path(path)


def check_outputs(
    chosen: settings.Settings,
    parser: Parser,
    read: Sequence[str] = (),
    landscape: str | None = None,
) -> None:
    """Refuse, before anything is loaded or trained, output files that would overwrite an
    input of the run (its data, weights, set-up or lesson file, ``read``) or something
    other than a file, or that cannot be written, or two outputs naming one file."""
    from tui_backprop.output_files import output_problem, same_file, written_path

    inputs = [p for p in (chosen.dataset, chosen.load_weights, *read) if p]
    outputs = {flag: getattr(chosen, name) for name, flag in OUTPUT_FLAGS.items()}
    outputs["--landscape"] = landscape
    for flag, path in outputs.items():
        problem = None if path is None else output_problem(path, inputs)
        if problem:
            parser.exit(EXIT_USAGE, f"{parser.prog}: error: {flag}: {problem}\n")
        if path is not None and os.path.islink(path):  # followed, and said
            said = f"{PROG}: {flag} {path} is a link: writing {written_path(path)}"
            print(printable_lines(said), file=sys.stderr)
    named = [(flag, path) for flag, path in outputs.items() if path]
    for i, (flag, path) in enumerate(named):
        for other, other_path in named[i + 1 :]:
            if same_file(path, other_path):
                parser.exit(EXIT_USAGE, f"{parser.prog}: error: {flag} and {other} name one file\n")


class Stop:
    """While in use, SIGINT, SIGTERM and SIGHUP (its terminal closed) ask the run to stop
    after the current chunk of epochs instead of ending the process in the middle of one
    (SIGHUP would leave its temporary files and write no output)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._before: dict[int, object] = {}

    def __enter__(self) -> Stop:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) is not signal.SIG_IGN:  # nohup's, a script's `&`
                self._before[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(self, *_: object) -> None:
        for signum, handler in self._before.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _note(self, signum: int, _frame: object) -> None:
        self.signum = self.signum or signum


class Printer:
    """Standard output that notes its first failure instead of raising it: a closed pipe
    or a full disk stops the run, whose files are still written."""

    def __init__(self) -> None:
        self.error: OSError | None = None

    def write(self, text: str) -> None:
        if self.error:
            return
        try:
            _write_all(text)
        except OSError as err:
            self.error = err
            # Whatever is still buffered goes nowhere, so the exit adds no message.
            with suppress(OSError, ValueError):  # a stdout without a file descriptor
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)


def _write_all(text: str) -> None:
    """Write to standard output's descriptor until every byte is out: Python's buffered
    stdout drops the rest of a write that a signal cuts short on a full pipe."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError):  # an output without a descriptor (captured)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    sys.stdout.flush()
    data = memoryview(text.encode(sys.stdout.encoding or "utf-8", "replace"))
    while data:
        data = data[os.write(fd, data) :]


def run_headless(experiment: Experiment, parser: Parser, landscape: str | None = None) -> int:
    from tui_backprop.experiment import MetricsCsv, write_landscape_csv

    files = _open_outputs(experiment.settings, parser, landscape)
    experiment.trainer.keep_path = landscape is not None
    log = MetricsCsv(files["log"].file) if "log" in files else None
    out = Printer()
    with Stop() as stop:
        try:
            rows = _logging(log, files["log"], parser) if log else None
            _train(experiment, out, stop, rows)
            if log:
                with _writing(files["log"], parser):
                    log.finish()
            if "landscape" in files:
                with _writing(files["landscape"], parser):
                    write_landscape_csv(files["landscape"].file, experiment.trainer)
            if "save_weights" in files:
                with _writing(files["save_weights"], parser):
                    experiment.save_weights(files["save_weights"].file)
            for file in files.values():
                with _writing(file, parser):
                    file.commit()
        finally:
            _discard(files)
    return _ending(out, stop.signum, parser)


@contextmanager
def _writing(file: AtomicFile, parser: Parser) -> Iterator[None]:
    """A write to an output that fails (a full disk, a file-size limit) ends the run with
    one line; its temporary file goes and any earlier file of that name stays whole."""
    try:
        yield
    except OSError as err:
        file.discard()
        reason = err.strerror or err
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: cannot write {file.path}: {reason}\n")


def _logging(log: MetricsCsv, file: AtomicFile, parser: Parser) -> LogRows:
    def add(history: MetricsLog, first: int) -> None:
        with _writing(file, parser):
            log.add(history, first)

    return add


def _open_outputs(
    s: settings.Settings, parser: Parser, landscape: str | None = None
) -> dict[str, AtomicFile]:
    """The temporary files the outputs are written to, made before training starts."""
    from tui_backprop.output_files import AtomicFile

    files: dict[str, AtomicFile] = {}
    outputs = (("save_weights", s.save_weights, "wb"), ("log", s.log, "w"))
    for name, path, mode in (*outputs, ("landscape", landscape, "w")):
        if not path:
            continue
        try:
            files[name] = AtomicFile(path, mode)  # type: ignore[arg-type]
        except OSError as err:
            _discard(files)
            parser.exit(EXIT_USAGE, f"{parser.prog}: error: cannot write {path}: {err.strerror}\n")
    return files


def _train(experiment: Experiment, out: Printer, stop: Stop, log: LogRows | None) -> None:
    """Train the epochs asked for, printing and logging each chunk as it is done; the
    trainer keeps no history, so memory stays flat however many epochs there are."""
    from tui_backprop.experiment import confusion_lines, epoch_lines

    for line in experiment.summary():
        out.write(f"# {line}\n")
    out.write(f"# {experiment.describe()}\n")
    trainer = experiment.trainer
    trainer.keep_history = False
    epochs = experiment.settings.epochs
    left = settings.HEADLESS_EPOCHS if epochs is None else epochs
    trainer.set_stop_rules(replace(trainer.stop_rules, epochs=None))  # ``left`` counts them
    while left and not (trainer.diverged or trainer.stopped or stop.signum or out.error):
        left -= trainer.train_epochs(min(left, HEADLESS_CHUNK), CHUNK_SECONDS)
        first = trainer.history_start
        out.write(epoch_lines(trainer.history, first, trainer.epoch, first))
        if log:
            log(trainer.history, first)
    out.write(confusion_lines(experiment))  # right after the last epoch line
    if trainer.diverged:
        out.write(
            f"# Diverged at epoch {trainer.epoch - 1}: the loss or a weight is no longer "
            "finite. Try a lower --lr.\n"
        )
    elif trainer.stopped:
        out.write(f"# Stopped at epoch {trainer.epoch - 1}: {trainer.stopped}\n")
    elif stop.signum:
        out.write(f"# Interrupted at epoch {trainer.epoch - 1}\n")


def _student(path: str, experiment: Experiment, echo: bool, parser: Parser) -> StudentCode:
    """The student's file loaded in its own process, for a run the four functions can
    be checked on; else the program ends with one line and status 2."""
    from tui_backprop.check.contract import unsupported
    from tui_backprop.check.student_process import LoadError, StudentCode

    problem = unsupported(experiment.trainer.config)
    if problem:
        parser.error(problem)
    for name, flag in OUTPUT_FLAGS.items():
        if getattr(experiment.settings, name):
            parser.error(f"--check writes no files: leave out {flag}")
    if not os.path.isfile(path):
        why = "no such file" if not os.path.exists(path) else "not a file (a folder?)"
        parser.error(f"--check: {path}: {why}")
    student = StudentCode(path, echo=echo)
    try:
        student.load()
    except LoadError as err:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: --check: {err.headline}\n")
    return student


def run_headless_check(experiment: Experiment, student: StudentCode, parser: Parser) -> int:
    """Train and check every epoch; 1 when a written function is wrong anywhere."""
    from tui_backprop.check.headless_check import run_check

    out = Printer()
    epochs = experiment.settings.epochs
    with Stop() as stop, student:
        for line in experiment.summary():
            out.write(f"# {line}\n")
        out.write(f"# {experiment.describe()}\n")
        count = settings.HEADLESS_EPOCHS if epochs is None else epochs
        tally = run_check(
            experiment.trainer, student, count, out.write, lambda: bool(stop.signum or out.error)
        )
    return _ending(out, stop.signum, parser) or (EXIT_FAILURE if tally.failed else 0)


def _discard(files: dict[str, AtomicFile]) -> None:
    for file in files.values():
        file.discard()


def _ending(out: Printer, signum: int | None, parser: Parser) -> int:
    """The exit status: 128 + the signal that stopped the run, that of a closed pipe, 1
    after another failure to print, else 0."""
    if isinstance(out.error, BrokenPipeError):
        return EXIT_PIPE
    if out.error:
        reason = out.error.strerror or out.error
        print(f"{parser.prog}: error: cannot write to standard output: {reason}", file=sys.stderr)
        return EXIT_FAILURE
    return 128 + signum if signum else 0
