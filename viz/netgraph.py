"""The network diagram: one disc per neuron colored by its activation for a probe input, one
segment per weight with hue by sign and width / opacity by |w| (scaled per layer).

    graph = NetGraph()
    graph.draw(painter, net, acts, (x, y, w, h), hover=(layer, i))   # acts = forward(p, trace)

Input neurons show the input values. Each layer uses the colormap that fits its activation
(colors.act_range): diverging for tanh / sin / linear, sequential for sigmoid / relu / softmax;
NaN or inf activations are grey. Layers wider than the box get smaller discs; a layer pair with
more than MAX_EDGES weights draws only its MAX_EDGES largest.
"""

import numpy as np

from viz import colors

POSITIVE = colors.hex_rgb("#e0533d")      # red for w > 0
NEGATIVE = colors.hex_rgb("#3d8fe0")      # blue for w < 0
MAX_EDGES = 20000
MAX_RADIUS = 13.0
LABEL_SIZE = 11


def layer_ranges(acts_names, values, input_range=(-1.0, 1.0)):
    """(lo, hi, cmap) per layer for the activations `values` (list of (n_l,) arrays);
    layer 0 is the input."""
    ranges = [(input_range[0], input_range[1], "diverging")]
    for name, v in zip(acts_names, values[1:]):
        ranges.append(colors.data_range(name, v))
    return ranges


class NetGraph:
    """Layout and drawing of a net's diagram inside a box."""

    def layout(self, arch, box):
        """Neuron centres per layer [(n_l, 2)] and the disc radius for `arch` inside box
        (x, y, w, h): layers spread left to right, neurons centred top to bottom."""
        x, y, w, h = box
        pad_x = min(40.0, w * 0.08)
        label_h = 16.0
        cols = np.linspace(x + pad_x, x + w - pad_x, len(arch)) if len(arch) > 1 else [x + w / 2]
        top, height = y + label_h + 4, h - label_h - 8
        widest = max(arch)
        spacing = height / widest
        radius = float(np.clip(spacing * 0.42, 1.5, MAX_RADIUS))
        step = min(spacing, 2.6 * MAX_RADIUS)
        centres = []
        for cx, n in zip(cols, arch):
            ys = top + height / 2 + (np.arange(n) - (n - 1) / 2) * step
            centres.append(np.stack([np.full(n, cx), ys], 1).astype(np.float32))
        return centres, radius

    def neuron_at(self, arch, box, px, py):
        """(layer, index) of the neuron under pixel (px, py), or None."""
        centres, radius = self.layout(arch, box)
        reach = max(radius, 4.0) ** 2
        for l, c in enumerate(centres):
            d2 = ((c - (px, py)) ** 2).sum(1)
            i = int(np.argmin(d2))
            if d2[i] <= reach:
                return l, i
        return None

    def draw(self, painter, net, acts, box, hover=None, input_range=(-1.0, 1.0)):
        """Draw `net` with the probe's activations `acts` ([x, a_1, ..., a_L], 1-D each)."""
        centres, radius = self.layout(net.arch, box)
        for l, w in enumerate(net.ws):
            self._edges(painter, centres[l], centres[l + 1], w, radius, hover, l)
        ranges = layer_ranges(net.acts, acts, input_range)
        for l, (c, a, (lo, hi, cmap)) in enumerate(zip(centres, acts, ranges)):
            rgb = colors.colormap(cmap, np.asarray(a, np.float64), lo, hi)
            outline = np.tile([0.85, 0.85, 0.88], (len(c), 1)).astype(np.float32)
            if hover is not None and hover[0] == l:
                outline[hover[1]] = (1.0, 0.85, 0.2)
            painter.discs(c, radius, rgb, outline=outline, outline_width=max(1.0, radius / 8))
        x, y, w, h = box
        gap = centres[1][0, 0] - centres[0][0, 0] if len(centres) > 1 else w
        for l, (c, name) in enumerate(zip(centres, ["input"] + list(net.acts))):
            label = f"{name} ({net.arch[l]})" if net.arch[l] > 12 else name
            if painter.text_width(label, LABEL_SIZE) > gap - 4:
                label = name if painter.text_width(name, LABEL_SIZE) <= gap - 4 else name[:4]
            painter.text(label, c[0, 0], y + 2, size=LABEL_SIZE, color=(0.75, 0.75, 0.8),
                         anchor="center")

    def _edges(self, painter, a, b, w, radius, hover, l):
        mag = np.abs(w)
        scale = mag.max()
        if not np.isfinite(scale) or scale == 0:
            scale = 1.0
        i, j = np.unravel_index(np.arange(w.size), w.shape)
        if w.size > MAX_EDGES:
            keep = np.argpartition(mag.ravel(), -MAX_EDGES)[-MAX_EDGES:]
            i, j = i[keep], j[keep]
        s = np.nan_to_num(mag[i, j] / scale)                       # (k,) in [0, 1]
        rgba = np.empty((len(i), 4), np.float32)
        rgba[:, :3] = np.where((w[i, j] >= 0)[:, None], POSITIVE, NEGATIVE)
        rgba[:, 3] = 0.12 + 0.8 * s
        bad = ~np.isfinite(w[i, j])
        rgba[bad] = (0.5, 0.5, 0.5, 0.6)
        width = np.maximum(0.6, radius * 0.45 * s) if radius > 3 else np.full(len(i), 0.8)
        if hover is not None:                       # the hovered neuron's edges stand out
            hl, hi_ = hover
            near = (i == hi_) if hl == l else (j == hi_) if hl == l + 1 else None
            if near is not None:
                rgba[~near, 3] *= 0.25
        order = np.argsort(s)                       # strongest on top
        painter.lines(a[i[order]], b[j[order]], width[order], rgba[order])
