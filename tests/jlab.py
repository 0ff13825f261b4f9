"""JupyterLab on localhost for the browser tests and bench/bench_notebook.py: a server on a free
port serving a folder, a notebook written there, and its cells run as a user runs them."""

import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import nbformat

TOKEN = "t"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def lab(root):
    """JupyterLab serving folder `root`; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def write_notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def open_notebook(page, url, name):
    """Open notebook `name` in the page and wait until its kernel is there."""
    page.goto(f"{url}/lab/tree/{name}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=90000)
    page.wait_for_function("document.body.innerText.includes('Idle')", timeout=90000)


def run_cell(page, n):
    """Click into cell n and run it (shift-enter)."""
    page.locator(".jp-Cell").nth(n).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def live_frames(page):
    """The live canvas's frame count and its fps over the last 2 s (canvas.js)."""
    return page.evaluate("(() => { const c = document.querySelector('canvas.nn-live'); "
                         "return c ? [+c.dataset.frames || 0, +c.dataset.fps || 0] : [0, 0]; })()")
