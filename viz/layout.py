"""Boxes (x, y, w, h) in pixels, origin top-left, cut into rows and columns: the slots panels
are placed in. A size is pixels (an int), a fraction of what the pixel sizes leave (a float
below 1), or None (an equal share of the rest). Every box keeps w, h >= 1, so any window size
lays out.

    top, main, bottom = rows((0, 0, 800, 600), [26, None, 20])
    left, right = cols(main, [0.5, None], gap=8)
"""


def _split(start, length, sizes, gap):
    fixed = sum(s for s in sizes if isinstance(s, int))
    room = max(length - fixed - gap * (len(sizes) - 1), 0.0)
    fracs = [s for s in sizes if isinstance(s, float)]
    rest = max(room - room * sum(fracs), 0.0) / max(sum(s is None for s in sizes), 1)
    out, pos = [], start
    for s in sizes:
        n = s if isinstance(s, int) else room * s if isinstance(s, float) else rest
        out.append((pos, max(n, 1.0)))
        pos += n + gap
    return out


def rows(box, sizes, gap=0.0):
    """box cut top to bottom into len(sizes) boxes."""
    x, y, w, h = box
    return [(x, a, max(w, 1.0), n) for a, n in _split(y, h, sizes, gap)]


def cols(box, sizes, gap=0.0):
    """box cut left to right into len(sizes) boxes."""
    x, y, w, h = box
    return [(a, y, n, max(h, 1.0)) for a, n in _split(x, w, sizes, gap)]


def inset(box, left, top=None, right=None, bottom=None):
    """box shrunk by margins (one number: the same on every side)."""
    top = left if top is None else top
    right = left if right is None else right
    bottom = top if bottom is None else bottom
    x, y, w, h = box
    return (x + left, y + top, max(w - left - right, 1.0), max(h - top - bottom, 1.0))


def square(box):
    """The largest square at box's top-left."""
    x, y, w, h = box
    s = min(w, h)
    return (x, y, s, s)
