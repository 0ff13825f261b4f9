"""The weight diagram of a 3-input, 1-output net: one circle per weight and bias, coloured by
its value, laid out as a staircase of the layers' matrices; `at` finds the circle under the
mouse, so a view can turn the wheel over a circle into a model command. Drawn with a
gl.Painter; it changes nothing.

    diagram = WeightDiagram(net.arch)
    diagram.place((x, y, w, h))                # cell size and circle centres in that box
    n = diagram.at(mx, my)                     # the circle under the mouse, or None
    diagram.refs[n]                            # (layer, i, j): ws[layer][i, j] or a bias
    model.set_param(net, diagram.refs[n], model.param(net, diagram.refs[n]) + 0.1)
    diagram.draw(painter, net, hover=n, limit=color_limit(net))   # colours over +-limit
"""

import math

import numpy as np

from viz import theme
from viz.march.model import param

GAP = 1.6                   # space between blocks, in cells (room for labels)


def color_limit(net):
    """The colour range +-limit of the circles: 1, or the largest |weight or bias| rounded up to
    a half, so a trained weight of -1.64 is drawn (and its legend reaches) -2, not -1."""
    top = max(float(np.abs(a).max()) for a in (*net.ws, *net.bs))
    return max(1.0, math.ceil(top * 2) / 2) if math.isfinite(top) else 1.0


def unit_names(arch):
    """Names of the neurons of each layer: x y z, h1.. (h<layer>.<j> when deeper), f."""
    names = [["x", "y", "z"]]
    hidden = len(arch) - 2
    for l, n in enumerate(arch[1:-1], 1):
        names.append([f"h{j + 1}" if hidden == 1 else f"h{l}.{j + 1}" for j in range(n)])
    names.append(["f"])
    return names


class WeightDiagram:
    """One circle per weight and bias, red +limit / blue -limit (default 1). Layer l's matrix is a
    block of cells; blocks form a staircase so consecutive layers share the neurons between
    them: layer 1 has a row per neuron of h and a column per input (x, y, z, 1), layer 2 the
    same rows (plus its bias row) and a column per output, layer 3 sits below layer 2 sharing
    its columns, ... `refs[n]` = (layer, i, j): weight ws[layer][i, j], or the bias
    bs[layer][j] when i equals the layer's fan-in."""

    def __init__(self, arch):
        self.arch = tuple(arch)
        self.names = unit_names(self.arch)
        refs, cells, blocks = [], [], []
        r0 = c0 = 0.0
        for l, (nin, nout) in enumerate(zip(self.arch[:-1], self.arch[1:])):
            rows, cols = (nout, nin + 1) if l % 2 == 0 else (nin + 1, nout)
            if l > 0:
                pr0, pc0, prows, pcols = blocks[-1]
                r0, c0 = (pr0, pc0 + pcols + GAP) if l % 2 == 1 else (pr0 + prows + GAP, pc0)
            blocks.append((r0, c0, rows, cols))
            for i in range(nin + 1):
                for j in range(nout):
                    refs.append((l, i, j))
                    cells.append((r0 + j, c0 + i) if l % 2 == 0 else (r0 + i, c0 + j))
        self.refs, self.blocks = refs, blocks
        self.cells = np.array(cells, np.float64)            # (n, 2) row, col of each circle
        self.extent = (max(b[0] + b[2] for b in blocks), max(b[1] + b[3] for b in blocks))
        self.box = None

    def place(self, box):
        """Fit the diagram into box (x, y, w, h): cell size, and circle centres (n, 2)."""
        x, y, w, h = box
        rows, cols = self.extent
        self.cell = min(w / (cols + GAP), h / (rows + GAP), 30.0)
        self.origin = (x + GAP * self.cell, y + GAP * self.cell)
        self.centers = self.origin + (self.cells[:, ::-1] + 0.5) * self.cell
        self.radius = 0.42 * self.cell
        self.box = box

    def at(self, x, y):
        """Index of the circle under pixel (x, y), or None."""
        if self.box is None:
            return None
        d = np.hypot(self.centers[:, 0] - x, self.centers[:, 1] - y)
        n = int(np.argmin(d))
        return n if d[n] <= max(self.radius, 2.0) * 1.15 else None

    def value(self, net, n):
        return param(net, self.refs[n])

    def describe(self, net, n):
        l, i, j = self.refs[n]
        src = "1" if i == self.arch[l] else self.names[l][i]
        kind = "bias" if src == "1" else "weight"
        return f"layer {l + 1} {kind} {src} -> {self.names[l + 1][j]} = {self.value(net, n):+.2f}"

    def draw(self, p, net, hover=None, limit=1.0):
        values = np.array([self.value(net, n) for n in range(len(self.refs))])
        fill = theme.colormap("diverging", values, -limit, limit)
        p.discs(self.centers, self.radius, fill, outline=(0.0, 0.0, 0.0, 0.35),
                outline_width=max(self.radius * 0.12, 0.6))
        if hover is not None:
            p.discs(self.centers[hover:hover + 1], self.radius + 2.5, (0, 0, 0, 0),
                    outline=(1.0, 0.85, 0.3), outline_width=2.0)
        if self.cell >= 13:
            self._labels(p)

    def _labels(self, p):
        size = int(min(max(self.cell * 0.5, 9), 13))
        cell, (ox, oy) = self.cell, self.origin
        dim = (0.75, 0.75, 0.8)
        for l, (r0, c0, _, _) in enumerate(self.blocks):
            nin = self.arch[l]
            ins, outs = self.names[l] + ["1"], self.names[l + 1]
            col_names, row_names = (ins, outs) if l % 2 == 0 else (outs, ins)
            skip = nin if l % 2 == 0 and l > 0 else 0     # columns shared with the block above
            shown = col_names[skip:]
            if max(p.text_width(name, size) for name in shown) <= cell * 1.05:
                for c, name in enumerate(shown, skip):
                    p.text(name, ox + (c0 + c + 0.5) * cell, oy + r0 * cell - 3, size=size,
                           color=dim, anchor="center", valign="bottom")
            else:                                         # too narrow: name the range once
                p.text(f"{shown[0]} .. {shown[-1]}", ox + (c0 + skip + len(shown) / 2) * cell,
                       oy + r0 * cell - 3, size=size, color=dim, anchor="center",
                       valign="bottom")
            for r, name in enumerate(row_names):
                if l % 2 == 1 and r < nin:
                    continue                              # shared with the block on the left
                p.text(name, ox + c0 * cell - 4, oy + (r0 + r + 0.5) * cell, size=size,
                       color=dim, anchor="right", valign="middle")
