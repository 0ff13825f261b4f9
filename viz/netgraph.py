"""The network diagram: one disc per neuron colored by its activation for a probe input, one
segment per weight with hue by sign and width / opacity by |w| (scaled per layer).

    graph = NetGraph()
    graph.draw(painter, net, acts, (x, y, w, h), hover=(layer, i))   # acts = forward(p, trace)

Input neurons show the input values. Each layer uses the colormap that fits its activation
(activations.act_range): diverging for tanh / sin / linear, sequential for sigmoid / relu / softmax;
NaN or inf activations are grey. Layers wider than the box get smaller discs; a layer pair with
more than MAX_EDGES weights draws only its MAX_EDGES largest.
"""

import numpy as np

from viz import activations, theme

POSITIVE = theme.hex_rgb("#e0533d")      # red for w > 0
NEGATIVE = theme.hex_rgb("#3d8fe0")      # blue for w < 0
MAX_EDGES = 1024            # per layer pair: more draw as a haze and cost the renderer
MAX_RADIUS = 13.0
LABEL_SIZE = 11


def trimmed(arch):
    """Whether some layer pair of `arch` has more than MAX_EDGES weights, so the diagram draws
    only the largest."""
    return max(n * m for n, m in zip(arch, arch[1:])) > MAX_EDGES


def layer_ranges(acts_names, values, input_range=(-1.0, 1.0)):
    """(lo, hi, cmap) per layer for the activations `values` (list of (n_l,) arrays);
    layer 0 is the input."""
    ranges = [(input_range[0], input_range[1], "diverging")]
    for name, v in zip(acts_names, values[1:]):
        ranges.append(activations.data_range(name, v))
    return ranges


class NetGraph:
    """Layout and drawing of a net's diagram inside a box."""

    def __init__(self):
        self._geometry = {}         # (arch, box) -> (centres, radius, per-layer edge geometry)

    def layout(self, arch, box):
        """Neuron centres per layer [(n_l, 2)] and the disc radius for `arch` inside box
        (x, y, w, h): layers spread left to right, neurons centred top to bottom."""
        return self._geometry_of(arch, box)[:2]

    def _geometry_of(self, arch, box):
        key = (tuple(int(n) for n in arch), tuple(float(v) for v in box))
        geometry = self._geometry.get(key)
        if geometry is None:
            centres, radius = _layout(*key)
            edges = _edge_geometry(centres, radius)
            if len(self._geometry) >= 8:
                self._geometry.clear()
            geometry = self._geometry[key] = (centres, radius, edges)
        return geometry

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

    def draw(self, painter, net, acts, box, hover=None, ranges=None):
        """Draw `net` with the probe's activations `acts` ([x, a_1, ..., a_L], 1-D each);
        ranges: (lo, hi, cmap) per layer (default layer_ranges(net.acts, acts))."""
        centres, radius, edges = self._geometry_of(net.arch, box)
        self._edges(painter, edges, net.ws, radius, hover)
        if ranges is None:
            ranges = layer_ranges(net.acts, acts)
        rgb = np.concatenate([theme.colormap(cmap, np.asarray(a, np.float64), lo, hi)
                              for a, (lo, hi, cmap) in zip(acts, ranges)])
        outline = np.tile(np.float32([0.85, 0.85, 0.88]), (len(rgb), 1))
        if hover is not None:
            outline[sum(map(len, centres[:hover[0]])) + hover[1]] = (1.0, 0.85, 0.2)
        painter.discs(np.concatenate(centres), radius, rgb, outline=outline,
                      outline_width=max(1.0, radius / 8))
        x, y, w, h = box
        gap = centres[1][0, 0] - centres[0][0, 0] if len(centres) > 1 else w
        for l, (c, name) in enumerate(zip(centres, ["input"] + list(net.acts))):
            label = f"{name} ({net.arch[l]})" if net.arch[l] > 12 else name
            if painter.text_width(label, LABEL_SIZE) > gap - 4:
                label = name if painter.text_width(name, LABEL_SIZE) <= gap - 4 else name[:4]
            painter.text(label, c[0, 0], y + 2, size=LABEL_SIZE, color=(0.75, 0.75, 0.8),
                         anchor="center")

    def _edges(self, painter, edges, ws, radius, hover):
        """Every layer's edges in one batch, each layer's strongest on top."""
        i, j, layer, p0, p1, starts = edges
        w = np.concatenate([layer_w.ravel() for layer_w in ws])
        mag = np.abs(w)
        scale = np.maximum.reduceat(mag, starts)                     # per layer; NaN stays NaN
        scale[~np.isfinite(scale) | (scale == 0)] = 1.0
        s = np.nan_to_num(mag / scale[layer])                         # (E,) in [0, 1]
        sizes = np.diff(np.append(starts, len(w)))
        if sizes.max() > MAX_EDGES:                                   # each layer's strongest
            rank = np.where(np.isfinite(w), s, np.inf)               # non-finite: grey, kept
            keep = np.concatenate([a + (np.argpartition(rank[a:a + n], -MAX_EDGES)[-MAX_EDGES:]
                                        if n > MAX_EDGES else np.arange(n))
                                   for a, n in zip(starts, sizes)])
            i, j, layer, p0, p1, w, s = (v[keep] for v in (i, j, layer, p0, p1, w, s))
        rgba = np.empty((len(s), 4), np.float32)
        rgba[:, :3] = np.where((w >= 0)[:, None], POSITIVE, NEGATIVE)
        rgba[:, 3] = 0.12 + 0.8 * s
        rgba[~np.isfinite(w)] = (0.5, 0.5, 0.5, 0.6)
        if hover is not None:                       # the hovered neuron's edges stand out
            hl, hi_ = hover
            near = ((layer == hl) & (i == hi_)) | ((layer == hl - 1) & (j == hi_))
            rgba[((layer == hl) | (layer == hl - 1)) & ~near, 3] *= 0.25
        width = np.maximum(0.6, radius * 0.45 * s) if radius > 3 else np.full(len(s), 0.8)
        order = np.lexsort((s, layer))
        painter.lines(p0[order], p1[order], width[order], rgba[order])


def _layout(arch, box):
    x, y, w, h = box
    pad_x = min(40.0, w * 0.08)
    label_h = 16.0
    cols = np.linspace(x + pad_x, x + w - pad_x, len(arch)) if len(arch) > 1 else [x + w / 2]
    top, height = y + label_h + 4, h - label_h - 8
    spacing = height / max(arch)
    radius = float(np.clip(spacing * 0.42, 1.5, MAX_RADIUS))
    step = min(spacing, 2.6 * MAX_RADIUS)
    centres = []
    for cx, n in zip(cols, arch):
        ys = top + height / 2 + (np.arange(n) - (n - 1) / 2) * step
        c = np.stack([np.full(n, cx), ys], 1).astype(np.float32)
        c.setflags(write=False)
        centres.append(c)
    return centres, radius


def _edge_geometry(centres, radius):
    """Every weight (i, j) of every layer pair, layer by layer in row-major order: i, j, the
    layer, the segment from the rim of disc i to the rim of disc j (1 px under each, so no
    seam shows), and where each layer starts."""
    parts = []
    for l, (a, b) in enumerate(zip(centres, centres[1:])):
        i, j = np.divmod(np.arange(len(a) * len(b)), len(b))
        parts.append((i, j, np.full(len(i), l), a[i], b[j]))
    i, j, layer, p0, p1 = (np.concatenate(v) for v in zip(*parts))
    d = p1 - p0
    length = np.hypot(d[:, 0], d[:, 1])[:, None]
    trim = np.where(length > 2 * radius, max(radius - 1.0, 0.0), 0.0) / np.maximum(length, 1e-6)
    starts = np.cumsum([0] + [len(p[0]) for p in parts[:-1]])
    return i, j, layer, p0 + d * trim, p1 - d * trim, starts


def draw_legend(p, box, net, ranges, colorbar):
    """Below the diagram in box: the edge colours, and one colorbar per distinct activation
    range, right-aligned, as many as fit beside the edge key."""
    x, y, w, h = box
    ly = y + h - 24
    p.lines([[x + 4, ly + 4], [x + 4, ly + 16]], [[x + 24, ly + 4], [x + 24, ly + 16]],
            [2.5, 2.5], [POSITIVE, NEGATIVE])
    key = "w > 0\nw < 0"
    if trimmed(net.arch):
        key = f"w > 0  {MAX_EDGES} largest\nw < 0  |w| per layer"
    p.text(key, x + 28, ly - 3, size=10, color=theme.DIM)
    key_end = x + 28 + p.text_width(key, 10) + 12
    shown = {}
    for name, r in zip(["input"] + net.acts, ranges):
        shown.setdefault((r[2], round(r[0], 3), round(r[1], 3)), []).append(name)
    lx = x + w - 4
    bar = max(min(100.0, (lx - key_end) / len(shown) - 18), 60.0)   # narrower to fit all
    for (cmap, lo, hi), names in shown.items():
        if lx - bar < key_end:                      # no room left beside the edge key
            break
        colorbar.draw(p, cmap, lo, hi, (lx - bar, ly, bar, 9),
                      label="/".join(dict.fromkeys(names)))
        lx -= bar + 18
