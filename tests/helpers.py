"""Helpers the GL tests share: rendering a painter callback headless, a hand-made net, a
painter stand-in that records lines(), and running the command line."""

import subprocess
import sys
from pathlib import Path

import numpy as np

import nn
from viz import gl

ROOT = Path(__file__).resolve().parents[1]
W, H = 320, 240


def render(ctx, painter, draw, size=(W, H)):
    fbo = gl.offscreen(ctx, *size)
    try:
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0)
        with painter.target(fbo) as p:
            draw(p)
        return gl.read_rgb(fbo).astype(int)
    finally:
        gl.release_offscreen(fbo)


def hand_net():
    ws = [np.array([[0.9, -1.2, 0.3], [0.5, 0.8, -2.0]]), np.array([[1.5], [-0.7], [0.4]])]
    bs = [np.array([0.1, -0.2, 0.3]), np.array([-0.25])]
    return nn.MLP.from_arrays(ws, bs, act="tanh", out_act="sigmoid")


class Recording:
    """A painter stand-in that keeps what lines() was given."""

    def lines(self, p0, p1, widths, colors):
        self.p0, self.p1, self.widths, self.colors = p0, p1, np.asarray(widths), colors

    def __getattr__(self, name):
        return lambda *args, **kwargs: 10.0


def run_cli(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, str(ROOT / "gym.py"), *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def summary(stdout):
    """The key=value pairs of the last `summary:` line in stdout."""
    line = [s for s in stdout.splitlines() if s.startswith("summary: ")][-1]
    return dict(kv.split("=", 1) for kv in line[len("summary: "):].split())
