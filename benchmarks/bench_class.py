"""A class in the browser: N tabs of ``backprop-tui --serve`` through real websockets,
beside one run of the same experiment in tmux, measured in the same run.

    python benchmarks/bench_class.py [--tabs 1 10 30] [--busy] [--seconds 5]
                                     [--chromium opens|plays|none]

For each tab count the server is started afresh (``--max-tabs`` the count) and:

- first frame: all N tabs are opened at once (websocket clients at 120x40, the app's
  output searched for the status line and the header's "lr"), with a headless Chromium
  page; the time until each shows its status line in a frame drawn at the tab's size
  (a ready app's frame drawn before its tab came, at 80x24, does not count). The server
  starts with the apps of the class ready (``forked_apps``), as a teacher's server does
  when the class opens minutes after it started; ``--cold`` opens the tabs while those
  apps are still starting, as at the server's first second. The tmux figure: start to
  status line. ``--chromium opens`` (the default): the page is one tab more, which shows its
  first frame and stays paused, so the N tabs that play are all websocket clients: in a
  class every browser draws on its student's machine, while here Chromium's software
  WebGL would take half a core of the server's two (its GPU process raises its own
  priority, so it cannot be niced away). ``--chromium plays``: the page is one of the N
  tabs and plays with them, its drawing on the server's cores; ``none``: no page;
- PSS idle: the proportional set size of each tab's app and its children (forkserver,
  resource tracker), paused, from ``/proc/PID/smaps_rollup``; the tmux app likewise;
- updates/s: every tab plays at the default 10 epochs/s (``p``), and over ``--seconds``
  each tab's screen updates are counted (websocket messages closer than 3 ms are one
  update: a frame split in two); the tmux figure counts the app's status-line writes;
- ``l`` latency: on every websocket tab in turn while all play, ``l`` and ``L``
  alternately, each timed until the header's "lr" changes; in tmux the same;
- PSS playing: as idle, with the training process.

The load average (1 minute) is printed beside each figure: other work on the machine
shows there. ``--busy`` keeps one core busy with a spinning subprocess throughout.
Nothing is asserted: the table shows the issue's targets beside the results.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from benchmarks import bench_tui
from tests.serving import CURSOR, Served, serving, ws_connect
from tui_backprop.web import processes
from tui_backprop.web.forked_apps import READY_SIZE

EXPERIMENT = ("spiral", "--layers", "8,8")
WIDTH, HEIGHT = 120, 40
SAME_UPDATE = 0.003  # seconds: messages closer than this are one screen update
TIMEOUT = 30.0
STATUS = re.compile(rb"No epoch yet|Epoch \d")
LEARNING_RATE = re.compile(rb"\blr ([0-9][0-9.e+-]*)")
EPOCH = re.compile(rb"Epoch ([0-9,]+)")
LR_PRESSES = 4
CHROMIUM = Path("/usr/lib/chromium/chromium")
TARGETS = {
    "first frame": "all <= 3 s (30 tabs)",
    "updates/s": ">= 8 (10 tabs)",
    "l latency": "median < 100 ms, max < 250 ms (10 tabs)",
    "PSS idle": "<= 60 MB",
    "PSS playing": "(10 min max speed <= 150 MB)",
}


def load() -> float:
    return os.getloadavg()[0]


def pss_mb(group: int) -> float:
    """The PSS of every process of ``group``, in MB."""
    total = 0
    for pid in processes.members(group):
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_seconds(groups: list[int]) -> float:
    """User and system CPU time of every process of these groups."""
    ticks = 0
    for pid in (pid for group in groups for pid in processes.members(group)):
        with suppress(OSError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_ready(served: Served, count: int) -> None:
    """Until the server has ``count`` apps ready and they have stopped working (their
    CPU time unchanged over half a second)."""
    deadline, before = time.monotonic() + TIMEOUT, -1.0
    while time.monotonic() < deadline:
        groups = served.apps()
        spent = cpu_seconds(groups)
        if len(groups) >= count and spent == before:
            return
        before = spent
        time.sleep(0.5)


@dataclass
class Figure:
    """Values of one measurement and the load average when it was taken."""

    values: list[float] = field(default_factory=list)
    load: float = 0.0

    def add(self, *values: float) -> None:
        self.values += values
        self.load = load()

    def show(self, unit: str, scale: float = 1.0) -> str:
        if not self.values:
            return "-"
        v = [x * scale for x in self.values]
        low, mid, high = min(v), statistics.median(v), max(v)
        spread = f"{mid:.0f} {unit}" if len(v) == 1 else f"{low:.0f}/{mid:.0f}/{high:.0f} {unit}"
        return f"{spread} (load {self.load:.1f})"


@dataclass
class Figures:
    first: Figure = field(default_factory=Figure)
    idle: Figure = field(default_factory=Figure)
    updates: Figure = field(default_factory=Figure)
    gaps: Figure = field(default_factory=Figure)
    lr: Figure = field(default_factory=Figure)
    playing: Figure = field(default_factory=Figure)
    closed: Figure = field(default_factory=Figure)  # tabs the server closed on the way


class WsTab:
    """One tab's websocket: what its screen last said of the status line and the
    learning rate, and when updates came. The app's output is searched as bytes: a
    terminal emulator for every tab (pyte) took a core of its own from the class."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.status = False  # the status line has been drawn at the tab's size
        self.sized = False  # a row below the ready apps' last has been drawn
        self.lr: bytes | None = None  # the learning rate the header showed last
        self.epoch = -1  # the epoch the status line showed last
        self.arrivals: list[float] = []
        self.closed: float | None = None  # when the server closed the tab
        self.changed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.arrivals.append(time.perf_counter())
                self.sized = self.sized or any(
                    int(row) > READY_SIZE[1] for row, _ in CURSOR.findall(message.data)
                )
                found = self.sized and STATUS.search(message.data) is not None
                self.status = self.status or found
                rates = LEARNING_RATE.findall(message.data)
                self.lr = rates[-1] if rates else self.lr
                epochs = EPOCH.findall(message.data)
                self.epoch = int(epochs[-1].replace(b",", b"")) if epochs else self.epoch
                self.changed.set()
        self.closed = time.perf_counter()
        self.changed.set()

    async def until(self, seen: Callable[[WsTab], bool], start: float) -> float | None:
        """Seconds from ``start`` until ``seen(self)``; None on timeout or a close."""
        while not seen(self):
            if self.closed is not None:
                return None
            self.changed.clear()
            left = start + TIMEOUT - time.perf_counter()
            if left <= 0:
                return None
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)
        return time.perf_counter() - start

    async def key(self, key: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", key]))

    def updates(self, since: float, until: float) -> list[float]:
        """Update times in the window (split frames merged)."""
        times = [t for t in self.arrivals if since <= t < until]
        return [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > SAME_UPDATE]


def header_lr(lines: list[str]) -> str | None:
    found = bench_tui.LEARNING_RATE.search(lines[0])
    return found.group(1) if found else None


async def open_tab(session: aiohttp.ClientSession, served: Served, figures: Figures) -> WsTab:
    start = time.perf_counter()
    ws = await ws_connect(session, served, f"width={WIDTH}&height={HEIGHT}")
    tab = WsTab(ws)
    took = await tab.until(lambda t: t.status, start)
    figures.first.add(took if took is not None else TIMEOUT)
    return tab


async def chromium_tab(served: Served, figures: Figures, pw: Any) -> Any:
    """A Chromium page opened with the others: its first frame, and it plays too."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    browser = await pw.chromium.launch(executable_path=str(CHROMIUM))
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    start = time.perf_counter()
    await page.goto(served.url)
    try:
        await page.wait_for_function(
            "document.body.classList.contains('-first-byte')", timeout=TIMEOUT * 1000
        )
        await page.evaluate(
            "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        figures.first.add(time.perf_counter() - start)
    except PlaywrightTimeout:
        figures.first.add(TIMEOUT)
    return browser, page


def window_updates(tabs: list[WsTab], start: float, end: float, figures: Figures) -> None:
    for tab in tabs:
        times = tab.updates(start, end)
        figures.updates.add(len(times) / (end - start))
        edges = [start, *times, end]
        figures.gaps.add(max(b - a for a, b in itertools.pairwise(edges)))


async def lr_latencies(tab: WsTab, figures: Figures) -> None:
    for i in range(LR_PRESSES):
        if tab.closed is not None:
            return
        before = tab.lr
        start = time.perf_counter()
        await tab.key("l" if i % 2 == 0 else "L")
        took = await tab.until(lambda t, b=before: t.lr != b, start)
        figures.lr.add(took if took is not None else TIMEOUT)
        await asyncio.sleep(0.1)


def browser_tabs(count: int, chromium: str) -> tuple[int, int]:
    """The websocket tabs and Chromium tabs (0 or 1) of a class of ``count``."""
    if chromium == "none" or not CHROMIUM.exists():
        return count, 0
    if chromium == "opens":
        return count, 1
    return (count - 1, 1) if count > 1 else (count, 0)


async def drive_class(served: Served, count: int, seconds: float, chromium: str) -> Figures:
    figures = Figures()
    sockets, pages = browser_tabs(count, chromium)
    async with aiohttp.ClientSession() as session:
        opening = [open_tab(session, served, figures) for _ in range(sockets)]
        pw = page = browser = None
        if pages:
            from playwright.async_api import async_playwright

            pw = await async_playwright().start()
            got = await asyncio.gather(*opening, chromium_tab(served, figures, pw))
            tabs, (browser, page) = list(got[:-1]), got[-1]
        else:
            tabs = list(await asyncio.gather(*opening))
        await asyncio.sleep(1.0)
        groups = served.apps()
        figures.idle.add(*(pss_mb(g) for g in groups))
        for tab in tabs:
            await tab.key("p")
        if page is not None and chromium == "plays":
            await page.keyboard.press("p")
        await asyncio.sleep(2.0)
        start = time.perf_counter()
        await asyncio.sleep(seconds)
        window_updates(tabs, start, time.perf_counter(), figures)
        for tab in tabs:
            await lr_latencies(tab, figures)
        figures.playing.add(*(pss_mb(g) for g in groups))
        figures.closed.add(sum(tab.closed is not None for tab in tabs))
        for tab in tabs:
            await tab.ws.close()
            tab.reader.cancel()
        if browser is not None and pw is not None:
            await browser.close()
            await pw.stop()
    return figures


def drive_tmux(seconds: float) -> Figures:
    """The same experiment in tmux, measured the same way."""
    figures = Figures()
    setup = bench_tui.Setup("class", " ".join(EXPERIMENT), None, {}, (WIDTH, HEIGHT))
    tmux = bench_tui.Tmux()
    tmux.start()
    try:
        pane, first = bench_tui.start_app(tmux, setup)
        group = int(tmux.run("display", "-p", "-t", pane.name, "#{pane_pid}"))
        figures.first.add(first if first is not None else TIMEOUT)
        time.sleep(1.0)
        figures.idle.add(pss_mb(group))
        pane.keys("p")
        time.sleep(2.0)
        window = bench_tui.watch(pane, seconds)
        figures.updates.add(window.frames / window.seconds)
        figures.gaps.add(window.longest_gap)
        for i in range(LR_PRESSES):
            before = header_lr(pane.top())
            start = time.perf_counter()
            pane.keys("l" if i % 2 == 0 else "L")
            took = bench_tui.wait_until(pane, lambda top, b=before: header_lr(top) != b, start)
            figures.lr.add(took if took is not None else TIMEOUT)
            time.sleep(0.1)
        figures.playing.add(pss_mb(group))
        pane.close()
    finally:
        tmux.kill()
    return figures


ROWS = (
    ("first frame", "first", "ms", 1000.0),
    ("PSS idle", "idle", "MB", 1.0),
    ("updates/s", "updates", "/s", 1.0),
    ("longest gap", "gaps", "ms", 1000.0),
    ("l latency", "lr", "ms", 1000.0),
    ("PSS playing", "playing", "MB", 1.0),
    ("tabs closed", "closed", "", 1.0),
)


def table(title: str, served: Figures, tmux: Figures) -> str:
    lines = [title, f"{'':12} {'tabs (min/median/max)':38} {'tmux':26} target"]
    for name, attr, unit, scale in ROWS:
        ours, theirs = getattr(served, attr), getattr(tmux, attr)
        lines.append(
            f"{name:12} {ours.show(unit, scale):38} {theirs.show(unit, scale):26} "
            f"{TARGETS.get(name, '')}"
        )
    return "\n".join(lines)


@contextmanager
def busy_core(busy: bool) -> Iterator[None]:
    with bench_tui.spinner(busy):
        yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--busy", action="store_true", help="keep one core busy throughout")
    parser.add_argument(
        "--cold", action="store_true", help="open the tabs before the server's apps are ready"
    )
    parser.add_argument(
        "--chromium",
        choices=("opens", "plays", "none"),
        default="opens",
        help="a Chromium page opens with the class and stays paused (default), plays as "
        "one of the tabs, or is left out",
    )
    args = parser.parse_args()
    condition = "one core kept busy" if args.busy else "no extra load"
    with busy_core(args.busy):
        for count in args.tabs:
            tmux = drive_tmux(args.seconds)
            most = str(sum(browser_tabs(count, args.chromium)))
            with serving(*EXPERIMENT, host_args=("--max-tabs", most), ready=None) as served:
                if not args.cold:
                    wait_ready(served, int(most))
                ours = asyncio.run(drive_class(served, count, args.seconds, args.chromium))
            cores = os.cpu_count()
            ready = "opened at the server's start" if args.cold else "apps ready"
            title = (
                f"\n{count} tab(s), {condition}, Chromium {args.chromium}, {ready}, {cores} cores"
            )
            print(table(title, ours, tmux))


if __name__ == "__main__":
    main()
