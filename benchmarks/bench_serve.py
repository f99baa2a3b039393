"""The served app in headless Chromium: page open -> first frame, and space -> the next
epoch on screen, over a few fresh tabs (the browser test's tab and server helpers).

The server keeps no ready apps (``--ready-tabs 0``, as the tests serve): each tab's app
is forked as the tab opens, so this measures a tab's own start; the first tab also
waits for the app forker, which such a server starts with its first tab (with three
tabs or more the median leaves it out). ``benchmarks/bench_class.py`` measures a class
on a default server, whose apps are ready before their tabs.

    python benchmarks/bench_serve.py [--tabs 3] [--png docs/browser.png]

Needs the test extra and Debian's Chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from tests.serving import serving
from tests.test_serve_browser import CHROMIUM, OFFLINE, Tab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tabs", type=int, default=3)
    parser.add_argument("--png", type=Path, help="save a screenshot of the last tab here")
    args = parser.parse_args()
    opened, keyed = [], []
    with sync_playwright() as pw, serving("spiral", "--layers", "8,8") as served:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[OFFLINE])
        for _ in range(args.tabs):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            tab = Tab(page)
            opened.append(tab.open(served.url))
            before = tab.epoch()
            tab.press(" ")
            keyed.append(tab.wait(lambda t, b=before: t.epoch() != b, "the next epoch"))
            if args.png:
                page.screenshot(path=str(args.png))
            page.close()
        browser.close()
    for name, values in (("page open -> first frame", opened), ("space -> epoch", keyed)):
        low, mid = min(values), statistics.median(values)
        print(f"{name}: median {mid:.0f} ms, best {low:.0f} ms over {len(values)} tabs")


if __name__ == "__main__":
    main()
