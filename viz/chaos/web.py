"""A DCT-coded animation as one self-contained web page: the coefficients inline (float16,
base64), the player's script and shaders inline (viz/chaos/player.html), nothing fetched.

    html = page(coded, meta, speed=30.0)            # str
    write(path, coded, meta)                        # the file written atomically; its size

The page decodes as the desktop player does (viz/chaos/view.py: two passes of the inverse DCT,
in WebGL2), or in JavaScript where WebGL2 is missing; see the template for its mouse.
"""

import base64
from pathlib import Path

from viz import webpage
from viz.chaos import dct
from viz.files import atomic_path

TEMPLATE = Path(__file__).with_name("player.html")
MAX_SIZE = 512           # the page's canvas: the coded grid scaled up to this on its longer side


def page(coded, meta=None, speed=30.0, scrub=False, size=None):
    """The page's HTML for coded frames with meta (title, legend, labels as the desktop player
    shows them); speed in frames per second; scrub: start in the positional scrub mode;
    size: (height, width) of the canvas (default: the coded grid scaled to MAX_SIZE)."""
    if coded.channels != 3:
        raise ValueError(f"coded frames must have 3 channels (RGB), got {coded.channels}")
    meta = meta or {}
    block = dct.dense_block(coded, multiple=4)                  # 4 modes a texel, as view.py
    t = block.shape[0]
    h, w = coded.shape
    if size is None:
        scale = MAX_SIZE / max(h, w)
        size = (round(h * scale), round(w * scale))
    labels = meta.get("labels") or None
    data = {
        "frames": t, "height": h, "width": w, "ky": block.shape[2], "kx": block.shape[3],
        "speed": float(speed), "scrub": bool(scrub), "size": [int(size[0]), int(size[1])],
        "title": str(meta.get("title", "DCT-coded animation")),
        "legend": str(meta.get("legend", "")),
        "labels": [str(s) for s in labels] if labels and len(labels) == t else None,
        "loop": meta.get("kind") != "chaos-layers",     # a net's layers: no wrap, paused
        "coef": base64.b64encode(block.astype("<f2").tobytes()).decode("ascii"),
    }
    return webpage.fill(TEMPLATE, data["title"], data)


def write(path, coded, meta=None, speed=30.0, scrub=False):
    """Write page(...) to path atomically (a failed write leaves an old file as it was);
    returns its size in bytes."""
    html = page(coded, meta, speed, scrub).encode("utf-8")
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(html)
    return len(html)
