"""The adder's output panel: a + b for every pair of n-bit numbers as a table, each cell green
when every bit of the sum is right, and red, brighter the more bits are wrong, otherwise.

    table = sums(net.forward(ds.x), t, bits)      # (predicted sums, wrong bits) per pair
    draw(painter, box, table, bits)
"""

import numpy as np

from viz import theme

RIGHT = np.array([0.2, 0.6, 0.3])
ONE_WRONG = np.array([0.55, 0.25, 0.3])     # one bit wrong: a dull red, never olive
WRONG = np.array([0.9, 0.15, 0.15])         # every bit wrong


def sums(y, t, bits):
    """Outputs y and targets t (n*n, bits + 1), LSB first -> (predicted a + b per pair, number
    of wrong bits per pair), thresholded at 0.5."""
    on = y > 0.5
    wrong = (on != (t > 0.5)).sum(1)
    return on @ (1 << np.arange(bits + 1)), wrong


def cell_colors(wrong, bits):
    """(n, 3) colours: RIGHT where no bit is wrong; reds from ONE_WRONG (one bit) to WRONG
    (every bit) otherwise."""
    frac = (np.maximum(wrong - 1, 0) / max(bits, 1))[:, None]
    return np.where((wrong == 0)[:, None], RIGHT, (1 - frac) * ONE_WRONG + frac * WRONG)


def draw(p, box, pred, wrong, bits, legend):
    """The table in box: a header row of b and a header column of a (0 .. 2^bits - 1), then a
    cell per pair, a + b as the net has it; the count of right sums at legend's corner."""
    n = 1 << bits
    x, y0, w, _ = box
    cell = w / (n + 1)
    idx = np.arange(n * n)
    rects = np.stack([x + (idx % n + 1) * cell, y0 + (idx // n + 1) * cell,
                      np.full(n * n, cell - 1), np.full(n * n, cell - 1)], 1)
    p.rects(rects, cell_colors(wrong, bits))
    if cell >= 18:
        size = min(12, cell * 0.45)
        for i in idx:
            p.text(str(pred[i]), rects[i, 0] + cell / 2, rects[i, 1] + cell / 2, size=size,
                   color=(1, 1, 1), anchor="center", valign="middle")
        for k in range(n):                       # b along the top, a down the side
            centre = (k + 1.5) * cell
            p.text(str(k), x + centre, y0 + cell / 2, size=size, color=theme.DIM,
                   anchor="center", valign="middle")
            p.text(str(k), x + cell / 2, y0 + centre, size=size, color=theme.DIM,
                   anchor="center", valign="middle")
    lx, ly = legend[:2]
    p.text(f"rows: a\ncols: b\n{int((wrong == 0).sum())}/{n * n}\nright", lx, ly, size=11,
           color=theme.TEXT)
