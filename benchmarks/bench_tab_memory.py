"""A tab's memory over a long run at max speed: one tab of ``backprop-tui --serve`` and
the same experiment in tmux, side by side in the same run.

    python benchmarks/bench_tab_memory.py [--minutes 10] [--every 60] [--busy]

Both play at max speed from the start; every ``--every`` seconds the proportional set
size (PSS) of each one's process group is read from ``/proc/PID/smaps_rollup`` (the
served tab: its app, training process, forkserver and resource tracker; tmux: the same
processes of the terminal app), with the epoch each screen shows and the 1-minute load
average. The issue's target: one tab at most 150 MB after 10 minutes at max speed.
Nothing is asserted: the table shows the target beside the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp

from benchmarks import bench_tui
from benchmarks.bench_class import EXPERIMENT, HEIGHT, WIDTH, WsTab, busy_core, pss_mb
from tests.serving import serving, ws_connect

TARGET_MB = 150.0


def tmux_app(tmux: bench_tui.Tmux) -> tuple[bench_tui.Pane, int]:
    setup = bench_tui.Setup("memory", " ".join(EXPERIMENT), None, {}, (WIDTH, HEIGHT))
    pane, _ = bench_tui.start_app(tmux, setup)
    group = int(tmux.run("display", "-p", "-t", pane.name, "#{pane_pid}"))
    if not bench_tui.play_at_max_speed(pane):
        raise SystemExit("the tmux app did not start playing at max speed")
    return pane, group


async def run(minutes: float, every: float) -> list[str]:
    rows = [
        f"{'minutes':>7}  {'tab PSS':>8}  {'tab epoch':>10}  {'tmux PSS':>8}  "
        f"{'tmux epoch':>10}  load"
    ]
    tmux = bench_tui.Tmux()
    tmux.start()
    try:
        # one tab, taken from the server's one ready app, as a class's tabs are
        with serving(*EXPERIMENT, "--max-tabs", "1", ready=None) as served:
            async with aiohttp.ClientSession() as session:
                ws = await ws_connect(session, served, f"width={WIDTH}&height={HEIGHT}")
                tab = WsTab(ws)
                await tab.until(lambda t: t.status, time.perf_counter())
                group = served.apps()[0]
                await tab.key("*")  # max speed, then play
                await tab.key("p")
                pane, tmux_group = tmux_app(tmux)
                start = time.monotonic()
                while (elapsed := time.monotonic() - start) < minutes * 60:
                    await asyncio.sleep(min(every, minutes * 60 - elapsed))
                    rows.append(
                        f"{(time.monotonic() - start) / 60:7.1f}  {pss_mb(group):6.0f} MB  "
                        f"{tab.epoch:>10,}  {pss_mb(tmux_group):6.0f} MB  "
                        f"{pane.epoch() or -1:>10,}  {os.getloadavg()[0]:.1f}"
                    )
                    print(rows[-1], flush=True)
                pane.close()
                await ws.close()
    finally:
        tmux.kill()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between readings")
    parser.add_argument("--busy", action="store_true", help="keep one core busy throughout")
    args = parser.parse_args()
    load = "one core kept busy" if args.busy else "no extra load"
    print(
        f"One tab and tmux at max speed, {' '.join(EXPERIMENT)}, {load}, "
        f"{os.cpu_count()} cores; target: tab PSS <= {TARGET_MB:.0f} MB at 10 minutes"
    )
    with busy_core(args.busy):
        asyncio.run(run(args.minutes, args.every))


if __name__ == "__main__":
    main()
