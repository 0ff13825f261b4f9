"""Shapes drawn as a hand draws them on the drawing pad: pointer paths (points where a mouse
reports itself, unevenly spaced, with a hand's tremor) inked by the pad's own pen. A process
apart from viz.sketches' generator: the anim's held-out set for calibrating "unknown" and for
choosing the generator's settings. numpy only.

    pictures, labels = pointer.draw(400, side=112, seed=0)   # (400, 112, 112) ink, (400,)

Circles are ellipses (aspect 0.75-1), squares rectangles (aspect 0.8-1), triangles any with
angles of 35-100 degrees, `other` a line, a check mark, a cross, a zig-zag or a wave; each a
quarter of the pad to nearly all of it, anywhere on it, at any rotation, closed shapes ending
short of or past their start.
"""

import numpy as np

from viz import sketches

PEN = 1 / 20                # the pad's pen width, a share of the pad's side
EVENTS = 60                 # pointer events along a path


def draw(n, side=112, seed=0):
    """n pictures (n, side, side) float32 (ink 1.0 on 0.0) and their labels (balanced,
    shuffled; indices of viz.sketches.CLASSES)."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(sketches.CLASSES))
    pictures = np.stack([ink(paths(int(k), rng, side), side) for k in labels])
    return pictures, labels


def ink(strokes, side, width=None):
    """The pad's picture (side, side) of strokes (a list of (m, 2) pixel paths, x right, y
    down) drawn with the pad's pen."""
    width = side * PEN if width is None else width
    out = np.zeros((side, side), np.float32)
    reach = width / 2 + 1
    for s in strokes:                       # each inked in the square around it only
        lo = np.clip(np.floor(s.min(0) - reach), 0, side - 1).astype(int)
        n = int(np.clip(np.ceil((s.max(0) + reach - lo).max()), 1, side))
        lo = np.minimum(lo, side - n)
        ink = sketches.raster((s - lo)[None], np.array([width]), n)[0].reshape(n, n)
        window = out[lo[1]:lo[1] + n, lo[0]:lo[0] + n]
        np.maximum(window, ink, out=window)
    return out


def paths(kind, rng, side):
    """The pointer paths of one shape of class `kind`, placed on a side x side pad."""
    t = _uneven(rng)
    if kind == 0:
        turns = 1 + rng.uniform(-0.08, 0.12)
        a = rng.uniform(0, 2 * np.pi) + t * turns * 2 * np.pi
        shape = [np.stack([np.cos(a), rng.uniform(0.75, 1.0) * np.sin(a)], 1)]
    elif kind in (1, 2):
        if kind == 1:
            h = rng.uniform(0.8, 1.0)
            corners = np.array([[-1, -h], [1, -h], [1, h], [-1, h]])
        else:
            angles = np.pi / 2 + np.array([0, 2, 4]) * np.pi / 3 + rng.uniform(-0.3, 0.3, 3)
            corners = np.stack([np.cos(angles), np.sin(angles)], 1)
        k = len(corners)
        u = (rng.integers(k) + t * k * (1 + rng.uniform(-0.06, 0.08))) % k
        i = np.floor(u).astype(int)
        f = (u - i)[:, None]
        shape = [corners[i] + f * (corners[(i + 1) % k] - corners[i])]
    else:
        shape = _other(rng, t)
    shape = [_rotate(s, rng.uniform(0, 2 * np.pi)) for s in shape]
    shape = [s + _tremor(rng, len(s)) for s in shape]
    lo = np.min([s.min(0) for s in shape], 0)
    hi = np.max([s.max(0) for s in shape], 0)
    extent = rng.uniform(0.25, 0.92) * side
    scale = extent / max(hi - lo)
    margin = side * PEN
    room = np.maximum(side - 2 * margin - (hi - lo) * scale, 0)
    corner = margin + rng.uniform(0, 1, 2) * room
    return [(s - lo) * scale + corner for s in shape]


def _uneven(rng):
    """EVENTS positions along a path in [0, 1]: a hand slows and speeds up."""
    step = rng.gamma(4.0, 1.0, EVENTS - 1)
    return np.concatenate([[0], np.cumsum(step) / step.sum()])


def _tremor(rng, m):
    """A hand's wobble: smoothed noise of about 1.5% of the shape's size."""
    noise = rng.normal(0, 1, (m + 8, 2))
    smooth = np.stack([np.convolve(noise[:, j], np.ones(9) / 9, "valid") for j in (0, 1)], 1)
    return smooth * 0.04


def _other(rng, t):
    kind = rng.integers(0, 5)
    x = 2 * t - 1
    if kind == 0:                                              # a line
        return [np.stack([x, np.zeros_like(x)], 1)]
    if kind == 1:                                              # a check mark
        knee = -0.4
        y = np.where(x < knee, (x + 1) / (knee + 1) * 0.6, 0.6 - (x - knee) / (1 - knee) * 1.6)
        return [np.stack([x, y], 1)]
    if kind == 2:                                              # a cross
        return [np.stack([x, np.zeros_like(x)], 1), np.stack([np.zeros_like(x), x], 1)]
    if kind == 3:                                              # a zig-zag
        teeth = rng.integers(2, 5)
        y = (2 * np.abs((t * teeth) % 1 - 0.5) - 0.5) * rng.uniform(0.4, 0.9)
        return [np.stack([x, y], 1)]
    y = np.sin(np.pi * x * rng.uniform(1.0, 2.5)) * rng.uniform(0.2, 0.5)   # a wave
    return [np.stack([x, y], 1)]


def _rotate(p, angle):
    c, s = np.cos(angle), np.sin(angle)
    return p @ np.array([[c, s], [-s, c]])
