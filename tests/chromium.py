"""Debian's chromium, headless, driven by playwright (its own browser downloads do not work
here): software WebGL2 through SwiftShader."""

import shutil
from contextlib import contextmanager

FLAGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox"]


@contextmanager
def browser(flags=FLAGS):
    """flags: chromium's command line (default: WebGL2 through SwiftShader)."""
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium")
    assert path, "the browser tests need Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=flags)
        try:
            yield b
        finally:
            b.close()


def png_of(data_url):
    """An RGB array from a canvas's data: URL."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    raw = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))
