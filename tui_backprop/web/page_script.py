"""textual-serve's page script (``textual.js``) with the fastest renderer that draws right.

The stock script loads xterm.js's WebGL add-on and then its canvas add-on; the last one
loaded draws, so the canvas renderer always did, and building its glyph atlas took
~0.6 s before a tab's first paint (measured in Chromium on 2 cores: the DOM renderer
painted in ~0.12 s). Ours loads the WebGL add-on only where the browser has WebGL2 (and
drops it if its context is lost), and no canvas add-on: without WebGL xterm.js draws
with its DOM renderer. If a later textual-serve writes those lines differently the
stock script is served unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import textual_serve

STOCK = Path(textual_serve.__file__).resolve().parent / "static" / "js" / "textual.js"
PATH = "/js/textual.js"  # where our page loads it from
ADDONS = re.compile(
    r"this\.webglAddon=new (\w+)\.WebglAddon,this\.terminal\.loadAddon\(this\.webglAddon\),"
    r"this\.canvasAddon=new \w+\.CanvasAddon,this\.terminal\.loadAddon\(this\.canvasAddon\),"
)
WEBGL_OR_DOM = (
    '(document.createElement("canvas").getContext("webgl2")&&'
    "(this.webglAddon=new \\1.WebglAddon,"
    "this.webglAddon.onContextLoss(()=>this.webglAddon.dispose()),"
    "this.terminal.loadAddon(this.webglAddon))),"
)


def without_canvas(script: str) -> str:
    """``script`` loading WebGL where the browser has it, else nothing (DOM)."""
    return ADDONS.sub(WEBGL_OR_DOM, script, count=1)


@cache
def page_script() -> bytes:
    """The script our page loads, read and rewritten once."""
    return without_canvas(STOCK.read_text(encoding="utf-8")).encode()
