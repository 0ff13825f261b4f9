"""The network diagram: one disc per neuron colored by its activation for a probe input, one
segment per weight with hue by sign and width / opacity by |w| (scaled per layer).

    graph = NetGraph()
    graph.draw(painter, net, acts, (x, y, w, h), hover=(layer, i))   # acts = forward(p, trace)

An animated pass is drawn from a Frame (draw_frame): per layer the disc colours (or unlit),
dropped neurons crossed out, per layer pair signed edge values (contributions a_i * w_ij, or
gradients) in a pair of hues, lit, faint, or drawn part of the way as the signal travels; an
image input drawn as the image with the first layer's edges leaving from its pooled regions;
layers wider than fit shown by their strongest neurons (summarise).

    frame = Frame(colors, edges, reach=[1, 0.4, 0], glow=[1, 1, 0.2])
    graph.draw_frame(painter, arch, frame, box)

Input neurons show the input values. Each layer uses the colormap that fits its activation
(activations.act_range): diverging for tanh / sin / linear, sequential for sigmoid / relu / softmax;
NaN or inf activations are grey. Layers wider than the box get smaller discs; a layer pair with
more than MAX_EDGES weights draws only its MAX_EDGES largest.
"""

from dataclasses import dataclass

import numpy as np

from viz import activations, theme

POSITIVE = theme.hex_rgb("#e0533d")      # red for w > 0
NEGATIVE = theme.hex_rgb("#3d8fe0")      # blue for w < 0
GRAD_POSITIVE = theme.hex_rgb("#f2a93b")  # gradients: orange for > 0
GRAD_NEGATIVE = theme.hex_rgb("#a070f0")  # purple for < 0
FAINT = theme.hex_rgb("#5a5a66")          # edges the signal has not reached
UNLIT = (0.11, 0.11, 0.13)                # discs the signal has not reached
DIM_RING = (0.4, 0.4, 0.45)               # the ring of an unlit disc
CROSS = (1.0, 0.32, 0.32)                 # the X over a dropped or dead neuron
RINGED = (0.25, 0.9, 0.9)                 # the ring of a saturated neuron
MIN_SHOWN_RADIUS = 3.0      # a layer that would get smaller discs shows its strongest neurons
POOL = 4                    # an image input's edges leave from POOL x POOL regions
MAX_EDGES = 512             # per layer pair: more draw as a haze, and each costs the renderer
                            # (bench/bench_gym.py's draw time shows it)
MAX_RADIUS = 13.0
MIN_RADIUS = 2.5            # wide layers' discs overlap rather than shrink to dots
THIN = 4.0                  # discs smaller than this get a dark ring, so their colour shows
BG_RING = (0.16, 0.16, 0.19)
LABEL_SIZE = 11
LABEL_COLOR = (0.75, 0.75, 0.8)
LABEL_GAP = 4.0             # pixels between an input's name and its disc
EDGE_REACH = 3.0            # pixels from a segment that still hover it


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

    def edge_at(self, arch, box, px, py):
        """(layer, i, j) of the weight whose segment passes within EDGE_REACH pixels of
        (px, py), the nearest, or None (discs come first: see neuron_at)."""
        _, _, (i, j, layer, p0, p1, _) = self._geometry_of(arch, box)
        d = p1 - p0
        t = np.clip(((px - p0[:, 0]) * d[:, 0] + (py - p0[:, 1]) * d[:, 1])
                    / np.maximum((d ** 2).sum(1), 1e-9), 0.0, 1.0)
        dist = np.hypot(p0[:, 0] + t * d[:, 0] - px, p0[:, 1] + t * d[:, 1] - py)
        k = int(np.argmin(dist))
        return (int(layer[k]), int(i[k]), int(j[k])) if dist[k] <= EDGE_REACH else None

    def names_fit(self, arch, box, names, layer=0):
        """Whether `names` (one per neuron of `layer`: 0 the inputs, -1 the outputs) go beside
        its discs: the discs are a line of text apart (a spacing the box's height sets)."""
        discs = self.layout(arch, box)[0][layer]
        return names is not None and len(names) == len(discs) and (
            len(discs) == 1 or discs[1, 1] - discs[0, 1] >= LABEL_SIZE)

    def label_room(self, painter, arch, box, names, layer=0):
        """Pixels the box leaves beside it (left of the inputs, right of the outputs) for the
        names of `layer`'s neurons (0 when they would not be drawn)."""
        if not self.names_fit(arch, box, names, layer):
            return 0.0
        return max(painter.text_width(n, LABEL_SIZE) for n in names) + LABEL_GAP

    def header_room(self, painter, net, box):
        """Pixels the last column's header (its activation's name) needs right of box, when it
        spans from half-way to the column before it rightwards (0 when it fits in box)."""
        centres = self.layout(net.arch, box)[0]
        if len(centres) < 2:
            return 0.0
        x, _, w, _ = box
        cx, gap = centres[-1][0, 0], centres[-1][0, 0] - centres[-2][0, 0]
        return max(0.0, painter.text_width(net.acts[-1], LABEL_SIZE) - (gap / 2 - 2)
                   - (x + w - cx) + 8)          # 8: the columns close up as the box narrows

    def draw(self, painter, net, acts, box, hover=None, ranges=None, input_names=None,
             output_names=None, left_room=0.0, right_room=0.0, edges=None, hues=None,
             crossed=None, ringed=None):
        """Draw `net` with the probe's activations `acts` ([x, a_1, ..., a_L], 1-D each);
        ranges: (lo, hi, cmap) per layer (default layer_ranges(net.acts, acts)); input_names,
        output_names: a name beside each input disc (left) or output disc (right), in the
        margins label_room keeps beside box, where they fit (names_fit); left_room,
        right_room: pixels beside box the first and last column's headers may take (see
        header_room); edges: values per layer pair drawn in place of the weights (gradients,
        say), in hues (positive, negative) per pair; crossed, ringed: a bool per neuron of each
        layer (None: none), crossed out (dead) or ringed in RINGED (saturated)."""
        centres, radius, segments = self._geometry_of(net.arch, box)
        self._edges(painter, segments, net.ws if edges is None else edges, radius, hover, 0.12,
                    hues=hues)
        if ranges is None:
            ranges = layer_ranges(net.acts, acts)
        rgb = [theme.colormap(cmap, np.asarray(a, np.float64), lo, hi)
               for a, (lo, hi, cmap) in zip(acts, ranges)]
        if net.acts[-1] == "softmax":               # each class's neuron in its class colour
            rgb[-1] = class_shades(np.asarray(acts[-1], np.float64))
        rgb = np.concatenate(rgb)
        outline = np.tile(np.float32([0.85, 0.85, 0.88] if radius >= THIN else BG_RING),
                          (len(rgb), 1))
        flags = [_flags(m, centres) for m in (crossed, ringed)]
        if ringed is not None:
            outline[flags[1]] = RINGED
        if hover is not None:
            outline[sum(map(len, centres[:hover[0]])) + hover[1]] = (1.0, 0.85, 0.2)
        at = np.concatenate(centres)
        ring = np.full(len(at), max(1.0, radius / 8), np.float32)
        if ringed is not None:
            ring[flags[1]] *= 1.6
        painter.discs(at, radius, rgb, outline=outline, outline_width=ring)
        if crossed is not None:
            crosses(painter, at[flags[0]], radius)
        x, y, w, h = box
        gap = centres[1][0, 0] - centres[0][0, 0] if len(centres) > 1 else w
        for l, (c, name) in enumerate(zip(centres, ["input"] + list(net.acts))):
            label = f"{name} ({net.arch[l]})" if net.arch[l] > 12 else name
            # from half-way to the next column; the first and last columns also outwards,
            # into the margins beside box (left_room, right_room)
            c0 = c[0, 0]
            lo = x - left_room if l == 0 else c0 - gap / 2 + 2
            hi = x + w + right_room if l == len(centres) - 1 else c0 + gap / 2 - 2
            room = max(gap - 4, hi - lo)
            if painter.text_width(label, LABEL_SIZE) > room:
                label = name if painter.text_width(name, LABEL_SIZE) <= room else name[:4]
            half = painter.text_width(label, LABEL_SIZE) / 2
            cx = min(max(c0, lo + half), hi - half) if 2 * half <= hi - lo else c0
            painter.text(label, cx, y + 2, size=LABEL_SIZE, color=LABEL_COLOR,
                         anchor="center")
        for layer, names, side in ((0, input_names, -1), (-1, output_names, 1)):
            if self.names_fit(net.arch, box, names, layer):
                for (cx, cy), name in zip(centres[layer], names):
                    painter.text(name, cx + side * (radius + LABEL_GAP), cy, size=LABEL_SIZE,
                                 color=LABEL_COLOR, anchor="right" if side < 0 else "left",
                                 valign="middle")

    def draw_frame(self, painter, frame, box):
        """Draw a Frame (its arrays over the neurons drawn) in box: edges, discs, crosses, labels.
        Returns the centres per layer and the radius."""
        arch = [len(e) for e in frame.edges] + [len(frame.edges[-1][0])]
        key = (("frame", frame.image) + tuple(arch), tuple(float(v) for v in box))
        geometry = self._geometry.get(key)
        if geometry is None:
            centres, radius = frame_layout(arch, box, frame.image)
            if len(self._geometry) >= 8:
                self._geometry.clear()
            geometry = self._geometry[key] = (centres, radius, _edge_geometry(centres, radius))
        centres, radius, edges = geometry
        self._edges(painter, edges, frame.edges, radius, None, 0.04, hues=frame.hues,
                     glow=frame.glow, reach=frame.reach)
        first = 1 if frame.image is not None else 0
        rgb = np.concatenate([np.broadcast_to(np.float32(UNLIT if c is None else c)[..., :3],
                                              (len(centres[l]), 3))
                              for l, c in enumerate(frame.colors) if l >= first])
        discs = np.concatenate(centres[first:])
        lit = np.concatenate([np.full(len(centres[l]), c is not None)
                              for l, c in enumerate(frame.colors) if l >= first])
        ring = np.where(lit[:, None], np.float32([0.85, 0.85, 0.88]), np.float32(DIM_RING))
        painter.discs(discs, radius, rgb, outline=ring, outline_width=max(1.0, radius / 8))
        if frame.crossed is not None:
            marked = np.concatenate([np.zeros(len(c), bool) if m is None or l < first else m
                                     for l, (c, m) in enumerate(zip(centres, frame.crossed))
                                     if l >= first])
            crosses(painter, discs[marked], radius)
        labels = frame.labels or [str(n) for n in arch]
        xs = [float(c[:, 0].mean()) for c in centres]
        gap = min(np.diff(xs)) if len(xs) > 1 else box[2]
        for c, label in zip(centres, labels):
            if painter.text_width(label, LABEL_SIZE) > gap - 4:
                label = label.split()[-1] if " " in label else label
            painter.text(label, c[:, 0].mean(), box[1] + 2, size=LABEL_SIZE,
                         color=LABEL_COLOR, anchor="center")
        return centres, radius

    def _edges(self, painter, edges, ws, radius, hover, base, hues=None, glow=None,
               reach=None):
        """Every layer's edges in one batch, each layer's strongest on top: ws per layer pair
        (n_l, n_{l+1}) signed values, alpha base + 0.8 |w| / layer max (times glow per pair);
        hues per pair (positive, negative); reach per pair: the part of each segment drawn,
        from the left (> 0) or from the right (< 0)."""
        i, j, layer, p0, p1, starts = edges
        w = np.concatenate([np.ravel(layer_w) for layer_w in ws])
        mag = np.abs(w)
        scale = np.maximum.reduceat(mag, starts)                     # per layer; NaN stays NaN
        scale[~np.isfinite(scale) | (scale == 0)] = 1.0
        s = np.nan_to_num(mag / scale[layer])                         # (E,) in [0, 1]
        sizes = np.diff(np.append(starts, len(w)))
        near = None
        if hover is not None:                       # the hovered neuron's edges
            hl, hi_ = hover
            near = ((layer == hl) & (i == hi_)) | ((layer == hl - 1) & (j == hi_))
        if sizes.max() > MAX_EDGES:                 # each layer's strongest, and the hovered
            rank = np.where(np.isfinite(w), s, np.inf)               # non-finite: grey, kept
            if near is not None:
                rank[near] = np.inf
            keep = np.concatenate([a + (np.argpartition(rank[a:a + n], -MAX_EDGES)[-MAX_EDGES:]
                                        if n > MAX_EDGES else np.arange(n))
                                   for a, n in zip(starts, sizes)])
            i, j, layer, p0, p1, w, s = (v[keep] for v in (i, j, layer, p0, p1, w, s))
            near = None if near is None else near[keep]
        rgba = np.empty((len(s), 4), np.float32)
        if hues is None:
            rgba[:, :3] = np.where((w >= 0)[:, None], POSITIVE, NEGATIVE)
        else:
            pos, neg = (np.float32([h[k] for h in hues])[layer] for k in (0, 1))
            rgba[:, :3] = np.where((w >= 0)[:, None], pos, neg)
        rgba[:, 3] = base + 0.8 * s
        if glow is not None:
            rgba[:, 3] *= np.float32(glow)[layer]
        rgba[~np.isfinite(w)] = (0.5, 0.5, 0.5, 0.6)
        if reach is not None:                       # the signal part of the way along
            r = np.float32(reach)[layer][:, None]
            p0, p1 = (np.where(r >= 0, p0, p1 + (p0 - p1) * -r),
                      np.where(r >= 0, p0 + (p1 - p0) * r, p1))
            rgba[(r[:, 0] == 0), 3] = 0.0
        if near is not None:                        # the hovered neuron's edges stand out:
            rgba[~near, 3] *= 0.25                  # every other edge is dimmed
        width = np.maximum(0.6, radius * 0.45 * s) if radius > 3 else np.full(len(s), 0.8)
        order = np.lexsort((s, layer))
        painter.lines(p0[order], p1[order], width[order], rgba[order])


@dataclass
class Frame:
    """One frame of an animated pass, per layer l (layer 0 is the input) and per layer pair l
    (layer l to layer l + 1), over the neurons drawn (see summarise):

    colors   (n_l, 3) disc colours, or None: the layer is unlit
    edges    (n_l, n_{l+1}) signed edge values (contributions a_i w_ij, gradients, weights)
    glow     alpha factor per pair (0 hides it); reach: the part of each segment drawn, from
             the left (> 0) or the right (< 0); hues: (positive, negative) colours per pair
    crossed  (n_l,) bool per layer, or None: neurons dropped in this pass, crossed out
    labels   text under each column (None: the layer's size)
    image    (h, w) when layer 0 is an image: its discs are not drawn (the caller draws the
             image in image_box) and its edges leave from POOL x POOL regions (pool_rows)
    """

    colors: list
    edges: list
    glow: list
    reach: list
    hues: list
    crossed: list = None
    labels: list = None
    image: tuple = None


def class_shades(p):
    """Softmax outputs p (k,) as their class colours, darker the less probable."""
    return theme.class_colors(len(p)) * (0.25 + 0.75 * np.clip(np.nan_to_num(p), 0, 1))[:, None]


def capacity(box):
    """How many discs of at least MIN_SHOWN_RADIUS fit in a column of the diagram's box."""
    return max(int((box[3] - 24) / (MIN_SHOWN_RADIUS / 0.42)), 1)


def summarise(arch, box, values, image=None):
    """Per layer the indices of the neurons drawn: all of them, or for a layer wider than
    capacity(box) its strongest by |values[l]| (in index order); an image input's POOL x POOL
    regions."""
    room = capacity(box)
    shown = []
    for l, (n, v) in enumerate(zip(arch, values)):
        if l == 0 and image is not None:
            shown.append(np.arange(POOL * POOL))
        elif n <= room:
            shown.append(np.arange(n))
        else:
            shown.append(np.sort(np.argsort(-np.abs(np.nan_to_num(v)), kind="stable")[:room]))
    return shown


def pool_rows(values, image):
    """Rows (h * w, ...) of an image input summed over POOL x POOL regions -> (POOL**2, ...),
    regions row-major from the top-left."""
    h, w = image
    ry, rx = np.arange(h) * POOL // h, np.arange(w) * POOL // w
    region = (ry[:, None] * POOL + rx[None, :]).ravel()                # (h * w,)
    onehot = (region[None, :] == np.arange(POOL * POOL)[:, None]).astype(np.float64)
    return onehot @ np.asarray(values, np.float64)          # (P, h * w) @ (h * w, ...)


def image_box(box, arch):
    """Where an image input is drawn: a square in the input column of the diagram's box."""
    x, y, w, h = box
    gap = (w - 2 * min(40.0, w * 0.08)) / max(len(arch) - 1, 1)
    side = max(min(h - 40, gap * 0.8, 180.0), 8.0)
    return (x + 4, y + 18 + (h - 18 - side) / 2, side, side)


def frame_layout(arch, box, image=None):
    """Centres per layer and the disc radius of a Frame's diagram: as NetGraph.layout, but an
    image input's column holds its POOL x POOL region centres inside image_box."""
    centres, radius = _layout(tuple(int(n) for n in arch), tuple(float(v) for v in box))
    if image is not None:
        ix, iy, side, _ = image_box(box, arch)
        k = (np.arange(POOL) + 0.5) * side / POOL
        gy, gx = np.meshgrid(iy + k, ix + k, indexing="ij")
        centres[0] = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    return centres, radius


def _layout(arch, box):
    x, y, w, h = box
    pad_x = min(40.0, w * 0.08)
    label_h = 16.0
    cols = np.linspace(x + pad_x, x + w - pad_x, len(arch)) if len(arch) > 1 else [x + w / 2]
    top, height = y + label_h + 4, h - label_h - 8
    spacing = height / max(arch)
    radius = float(np.clip(spacing * 0.42, MIN_RADIUS, MAX_RADIUS))
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


def _flags(marks, centres):
    """Per-layer bool arrays (None: none marked) as one array over all the discs."""
    if marks is None:
        return None
    return np.concatenate([np.zeros(len(c), bool) if m is None else np.asarray(m, bool)
                           for c, m in zip(centres, marks)])


def crosses(painter, at, radius):
    """A cross over each disc centred at `at` (k, 2)."""
    if len(at) == 0:
        return
    d = np.float32([radius, radius]) * 0.75
    painter.lines(np.concatenate([at - d, at + d * (1, -1)]),
                  np.concatenate([at + d, at - d * (1, -1)]), max(1.5, radius / 4), CROSS)


def draw_legend(p, box, net, ranges, colorbar, edge_name="w", hues=(POSITIVE, NEGATIVE)):
    """Below the diagram in box: the edge colours (hues for edge_name > 0 and < 0), and one
    colorbar per distinct activation range, right-aligned, as many as fit beside the edge key,
    the layers' before the input's (softmax neurons show their class colours instead)."""
    e = edge_name
    key = f"{e} > 0\n{e} < 0"
    if trimmed(net.arch):
        key = f"{e} > 0  {MAX_EDGES} largest\n{e} < 0  |{e}| per layer"
    shown = {}
    for name, r in zip(net.acts + ["input"], ranges[1:] + ranges[:1]):
        if name == "softmax":                   # drawn in its class colours, not a colormap
            continue
        shown.setdefault((r[2], round(r[0], 3), round(r[1], 3)), []).append(name)
    bars = [(cmap, lo, hi, "/".join(dict.fromkeys(names)))
            for (cmap, lo, hi), names in shown.items()]
    draw_frame_legend(p, box, [(*hues, key)], bars, colorbar)


def draw_frame_legend(p, box, hues, bars, colorbar):
    """A Frame's key along the bottom of box: edge hue pairs [(positive, negative, text)] at
    the left, colorbars [(cmap, lo, hi, label)] right-aligned, as many as fit."""
    x, y, w, h = box
    ly = y + h - 24
    kx = x + 4
    for pos, neg, text in hues:
        p.lines([[kx, ly + 4], [kx, ly + 16]], [[kx + 20, ly + 4], [kx + 20, ly + 16]],
                [2.5, 2.5], [pos, neg])
        p.text(text, kx + 24, ly - 3, size=10, color=theme.DIM)
        kx += 24 + p.text_width(text, 10) + 12
    lx = x + w - 4
    bar = max(min(100.0, (lx - kx) / max(len(bars), 1) - 18), 60.0)   # narrower to fit all
    for cmap, lo, hi, label in bars:
        if lx - bar < kx:
            break
        colorbar.draw(p, cmap, lo, hi, (lx - bar, ly, bar, 9), label=label)
        lx -= bar + 18
