"""The web pages' templates (viz/chaos/player.html, viz/march/march.html) filled in: the
page's data as JSON in its `__DATA__` script, its title, and the shared script viz/webgl.js
pasted in at `__WEBGL__`, so each page is one file that fetches nothing.

    html = fill(Path("player.html"), "a title", {"frames": 3, ...})
"""

import html
import json
from pathlib import Path

SHARED = Path(__file__).with_name("webgl.js")


def fill(template, title, data):
    """The text of `template` (a Path) with __TITLE__, __DATA__ and __WEBGL__ filled in."""
    text = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")   # no tag inside
    return (Path(template).read_text(encoding="utf-8")
            .replace("__WEBGL__", SHARED.read_text(encoding="utf-8"))
            .replace("__TITLE__", html.escape(title, quote=False))
            .replace("__DATA__", text))
