"""``backprop-tui --serve`` in a real browser: Playwright drives Debian's headless
Chromium, offline, against the real server.

The terminal is drawn on a canvas, so the screen is read the way xterm.js gets it: the
websocket's binary frames (the app's terminal output) go into pyte, a terminal emulator,
sized as the page asked. Playwright reports events while it waits, so the screen is
looked at every ``LOOK`` ms. Run with ``-s`` to see the measured times.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.serving import Served, serving, wait_gone
from tui_backprop.engine.weights_io import load_weights

pytest.importorskip("textual_serve")
pyte = pytest.importorskip("pyte")
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = Path("/usr/lib/chromium/chromium")  # Debian's package: apt-get install chromium
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
LOOK = 20  # ms between looks at the screen
EPOCH = re.compile(r"\bEpoch (\d+)")

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"
)


class Tab:
    """A browser tab showing the served app, and its terminal screen as text."""

    def __init__(self, page: sync_api.Page) -> None:
        self.page = page
        self.screen: pyte.Screen | None = None
        page.on("websocket", self._watch)

    def _watch(self, ws: sync_api.WebSocket) -> None:
        size = parse_qs(urlparse(ws.url).query)
        screen = pyte.Screen(int(size["width"][0]), int(size["height"][0]))
        stream = pyte.ByteStream(screen)
        self.screen = screen
        ws.on("framereceived", lambda data: stream.feed(data) if isinstance(data, bytes) else None)
        ws.on("framesent", lambda data: self._sent(screen, data))

    @staticmethod
    def _sent(screen: pyte.Screen, data: str | bytes) -> None:
        message = json.loads(data)  # ["stdin", keys], ["resize", size], ["focus"], ...
        if message[0] == "resize":
            screen.resize(lines=message[1]["height"], columns=message[1]["width"])

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen else ""

    def epoch(self) -> int | None:
        """The epoch number the status line shows, None before there is one."""
        found = EPOCH.search(self.text())
        return int(found.group(1)) if found else None

    def wait(self, seen: Callable[[Tab], bool], what: str, timeout: float = 30) -> float:
        """Milliseconds until ``seen(self)``; fails with the screen past ``timeout``."""
        started = time.monotonic()
        while not seen(self):
            assert time.monotonic() - started < timeout, f"{what} never shown:\n{self.text()}"
            self.page.wait_for_timeout(LOOK)
        return (time.monotonic() - started) * 1000

    def open(self, url: str) -> float:
        """Load the page; milliseconds until the app's first frame (its status line)."""
        started = time.monotonic()
        self.page.goto(url)
        self.wait(lambda tab: "epoch" in tab.text().lower(), "the status line")
        self.page.focus("textarea.xterm-helper-textarea")  # where xterm.js takes keys
        return (time.monotonic() - started) * 1000

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[OFFLINE])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared server's working folder: empty, and a served tab must leave it so."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="module")
def server(server_folder: Path) -> Iterator[Served]:
    """One server for the tests whose tabs only use their own runs: each such tab's app
    is gone before the next test, so what one test sees of the server is its own."""
    with serving("spiral", "--layers", "8,8", cwd=server_folder) as served:
        yield served


@pytest.fixture
def served(server: Served) -> Iterator[Served]:
    """The module's server with no app running, and none left at the end."""
    assert server.apps() == []
    yield server
    wait_gone(server.apps(), timeout=10)


def test_served_app_in_chromium(browser: sync_api.Browser, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.on("page", lambda page: page.on("websocket", lambda ws: requests.append(ws.url)))
    one, two = Tab(context.new_page()), Tab(context.new_page())

    first_frame = one.open(served.url)
    assert served.token and "token=" not in one.page.url  # the page took it out of sight
    assert "spiral" in one.text() and "2-8-8-1" in one.text()  # the flags reached the app
    before, status = one.epoch(), one.text().splitlines()[1]
    one.press(" ")
    key_to_screen = one.wait(lambda tab: tab.epoch() != before, "the epoch after space")
    assert one.epoch() == (0 if before is None else before + 1)
    assert one.text().splitlines()[1] != status
    print(f"\npage open -> first frame {first_frame:.0f} ms; space -> epoch {key_to_screen:.0f} ms")

    trained = one.epoch()
    assert trained is not None
    one.press("p")  # play: the epoch keeps growing
    one.wait(lambda tab: (tab.epoch() or 0) > trained + 5, "epochs while playing")
    one.press("p")

    two.open(served.url)  # a second tab is a run of its own, from the start
    assert two.epoch() == before
    assert len(served.apps()) == 2
    two.press(" ")
    two.wait(lambda tab: tab.epoch() == one_step(before), "the second tab's first epoch")
    assert (one.epoch() or 0) > trained + 5  # the first tab's run is untouched

    two.press("q")  # quitting ends that tab's session and its app, not the other
    two.page.wait_for_selector("body.-closed", timeout=10_000)
    deadline = time.monotonic() + 5
    while len(served.apps()) != 1:
        assert time.monotonic() < deadline, "the quit app is still running"
        time.sleep(0.02)

    outside = [url for url in requests if not re.match(r"(http|ws)://127\.0\.0\.1:\d+/", url)]
    assert requests and outside == [], outside
    sockets = [url for url in requests if url.startswith("ws")]
    assert sockets and not any("token=" in url for url in sockets)  # the cookie opened them
    context.close()


def test_without_the_token_the_page_says_what_is_missing(
    browser: sync_api.Browser, served: Served
) -> None:
    context = browser.new_context()  # no cookie
    page = context.new_page()
    response = page.goto(f"{served.base}/")
    assert response is not None and response.status == 403
    assert "needs the token the server printed" in page.inner_text("body")
    assert served.apps() == []
    context.close()


def one_step(before: int | None) -> int:
    return 0 if before is None else before + 1


def test_a_save_lands_in_the_browsers_downloads_and_nothing_on_the_server(
    browser: sync_api.Browser, served: Served, server_folder: Path, tmp_path: Path
) -> None:
    context = browser.new_context(accept_downloads=True)
    tab = Tab(context.new_page())
    tab.open(served.url)
    before = tab.epoch()
    tab.press(" ")
    tab.wait(lambda t: t.epoch() == one_step(before), "the first epoch")
    downloads: list[sync_api.Download] = []  # s saves the weights and the log: two, any order
    # a lambda: Playwright takes a Python function, not a builtin method
    tab.page.on("download", lambda download: downloads.append(download))
    tab.press("s")
    tab.wait(lambda _: len(downloads) == 2, "two downloads")
    names = {download.suggested_filename: download for download in downloads}
    assert sorted(names) == ["spiral-epoch0-metrics.csv", "spiral-epoch0-weights.npz"]
    saved = tmp_path / "spiral-epoch0-weights.npz"
    names[saved.name].save_as(saved)
    context.close()
    params, _ = load_weights(saved)
    assert [w.shape for w in params.weights] == [(2, 8), (8, 8), (8, 1)]
    assert list(server_folder.iterdir()) == []


# The terminal's boxes, and the line box of its font at its size (what a row needs).
LAYOUT = """() => {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const probe = document.createElement("span");
  const size = document.querySelector("#terminal").dataset.fontSize;
  probe.style.font = size + 'px "Roboto Mono"';
  probe.textContent = "Xg";
  document.body.appendChild(probe);
  const line = probe.getBoundingClientRect().height;
  probe.remove();
  return { viewport: innerHeight, screen: box(".xterm-screen").toJSON(), line };
}"""


def test_keys_work_without_a_click_and_the_first_row_is_in_view(
    browser: sync_api.Browser, served: Served
) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    tab = Tab(context.new_page())
    tab.page.goto(served.url)
    tab.wait(lambda tab: "epoch" in tab.text().lower(), "the status line")
    before = tab.epoch()
    tab.press(" ")  # no click, no focus by hand: the page gave the terminal the keys
    tab.wait(lambda tab: tab.epoch() == one_step(before), "the epoch after space")
    tab.wait(lambda tab: "q Quit" in tab.text().splitlines()[-1], "the footer's keys")

    assert tab.screen is not None
    layout = tab.page.evaluate(LAYOUT)
    screen, rows = layout["screen"], tab.screen.lines
    cell = screen["height"] / rows
    assert cell >= layout["line"] - 0.5, layout  # rows as tall as the font's lines
    assert screen["top"] >= 0 and screen["top"] + cell <= layout["viewport"], layout
    assert screen["bottom"] <= layout["viewport"], layout

    # Another window had the focus; when the tab comes back, keys work again.
    tab.page.evaluate("document.activeElement.blur()")
    tab.page.evaluate("window.dispatchEvent(new Event('focus'))")
    trained = tab.epoch()
    tab.press(" ")
    tab.wait(lambda tab: tab.epoch() == one_step(trained), "the epoch after coming back")
    context.close()


@pytest.fixture
def own_server() -> Iterator[Served]:
    """A server of its own, for a test that kills an app."""
    with serving("spiral", "--layers", "8,8") as served:
        yield served


def test_a_killed_run_says_it_ended_and_offers_a_new_one(
    browser: sync_api.Browser, own_server: Served
) -> None:
    served = own_server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    tab = Tab(page)
    tab.open(served.url)
    killed = served.apps()
    os.kill(killed[0], signal.SIGKILL)
    started = time.monotonic()
    page.wait_for_selector("text=This run has ended", state="visible", timeout=5_000)
    print(f"\nkilled app -> the page says so in {(time.monotonic() - started) * 1000:.0f} ms")
    tab.screen = None  # the next screen is the new run's websocket's
    page.click("text=Start a new run")
    tab.wait(lambda shown: "epoch" in shown.text().lower(), "the new run's status line")
    assert len(served.apps()) == 1 and served.apps() != killed
    page.close()


# The renderer xterm.js draws with: the canvas add-on's layers, the DOM's rows of text,
# or WebGL's one unnamed canvas.
RENDERER = """() => {
  const canvases = [...document.querySelectorAll(".xterm-screen canvas")];
  if (canvases.some((c) => c.classList.contains("xterm-text-layer"))) return "canvas";
  if ((document.querySelector(".xterm-rows")?.textContent ?? "").trim()) return "dom";
  return canvases.some((c) => !c.className) ? "webgl" : "none";
}"""


@pytest.mark.parametrize(("flags", "renderer"), [((), "webgl"), (("--disable-3d-apis",), "dom")])
def test_the_page_draws_with_webgl_or_else_the_dom_never_the_canvas(
    browser: sync_api.Browser, served: Served, flags: tuple[str, ...], renderer: str
) -> None:
    # the module's browser has no extra flags; only another set of them needs its own
    launch = browser.browser_type.launch
    chromium = launch(executable_path=str(CHROMIUM), args=[OFFLINE, *flags]) if flags else browser
    page = chromium.new_page(viewport={"width": 1024, "height": 700})
    try:
        tab = Tab(page)
        tab.open(served.url)
        if renderer == "webgl" and not tab.page.evaluate(WEBGL2):
            pytest.skip("this Chromium has no WebGL2")
        assert tab.page.evaluate(RENDERER) == renderer
    finally:
        page.close()
        if chromium is not browser:
            chromium.close()


WEBGL2 = '() => !!document.createElement("canvas").getContext("webgl2")'


@pytest.mark.parametrize(("query", "widest"), [("", 160), ("&fontsize=16", 240)])
def test_a_projector_gets_a_larger_font_unless_the_address_asks_for_a_size(
    browser: sync_api.Browser, served: Served, query: str, widest: int
) -> None:
    tab = Tab(browser.new_page(viewport={"width": 1920, "height": 1080}))
    tab.open(served.url + query)
    assert tab.screen is not None
    assert widest - 80 < tab.screen.columns <= widest
    tab.page.close()
