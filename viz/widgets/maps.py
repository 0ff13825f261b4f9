"""Maps over the input plane: every first-hidden-layer neuron's activation, and the net's output.

    maps = LayerMaps(ctx, res=64)
    maps.update(net)                  # forward over the res x res grid of [-1, 1]^2
    maps.draw(painter, (x, y, w, h))  # a grid of small maps, one per first-layer neuron

    out = OutputMap(ctx, res=64)
    out.update(net, classes=2)        # 1 output: values through a colormap; k: class colours
    out.draw(painter, (x, y, w, h))

For inputs that are not a plane (bits, pixels), LayerMaps shows each first-layer neuron's weight
vector as an image of `input_shape` instead, with the neuron's activation for the probe beside.
Grids are row-major from the top-left, x to the right and y up, over data.EXTENT in both axes.
"""

import numpy as np

from viz import activations, gl, theme
from viz.data import EXTENT, pixel_grid

TITLE = (0.8, 0.8, 0.85)


MIN_LABELLED = 22          # smallest map, in pixels, that gets a label above it


def grid(res):
    """(res * res, 2) points over EXTENT^2, row-major from the top-left."""
    lo, hi = EXTENT
    return pixel_grid(res, res) * ((hi - lo) / 2) + (hi + lo) / 2


def to_pixel(point, box):
    """An input-plane point -> pixel coordinates in box (x, y, w, h)."""
    lo, hi = EXTENT
    x, y, w, h = box
    return (x + (point[..., 0] - lo) / (hi - lo) * w,
            y + (hi - point[..., 1]) / (hi - lo) * h)


def from_pixel(px, py, box):
    """Pixel coordinates -> the input-plane point under them, or None outside the box."""
    x, y, w, h = box
    if not (x <= px < x + w and y <= py < y + h):
        return None
    lo, hi = EXTENT
    return np.array([lo + (px - x) / w * (hi - lo), hi - (py - y) / h * (hi - lo)], np.float32)


def cells(n, box, gap=4.0, label_h=12.0):
    """A near-square grid of n cells in box -> ((n, 4) x, y, w, h of each square cell, the
    label height left above each): label_h, or 0 when labels would leave cells smaller than
    MIN_LABELLED pixels."""
    x, y, w, h = box
    if label_h and cells(n, box, gap, 0.0)[0][0, 2] < MIN_LABELLED + label_h:
        label_h = 0.0
    best = None
    for cols in range(1, n + 1):
        rows = -(-n // cols)
        size = min((w - gap * (cols - 1)) / cols, (h - (gap + label_h) * rows) / rows)
        if best is None or size > best[0]:
            best = (size, cols)
    size, cols = best
    size = max(size, 2.0)
    i = np.arange(n)
    return np.stack([x + (i % cols) * (size + gap), y + (i // cols) * (size + gap + label_h)
                     + label_h, np.full(n, size), np.full(n, size)], 1), label_h


class LayerMaps:
    """First-hidden-layer activation maps (2-D inputs) or weight images (other inputs)."""

    def __init__(self, ctx, res=64):
        self.ctx, self.res = ctx, int(res)
        self.points = grid(self.res)
        self.values = None              # (k, h, w) activations over the grid, or weights
        self.staged = gl.StagedTexture(ctx)   # every map in one atlas, 1-texel borders
        self._buffer = None                   # the atlas array, reused while its shape holds
        self.boxes = np.zeros((0, 4))

    def update(self, net, input_shape=None, probe_acts=None, a1=None, layer=1):
        """Recompute from net: maps over the plane of hidden layer `layer` (1: the first) when
        the net has 2 inputs or a1 is given, else the first layer's weight images shaped
        input_shape (default (1, n_in)); probe_acts: that layer's activations to show; a1:
        its activations over `self.points`, if already computed (a net on features of the
        plane, x^2, sin x, ..., needs them)."""
        self.act, self.layer = net.acts[layer - 1], layer
        self.probe = probe_acts
        if a1 is not None or net.arch[0] == 2:
            if a1 is None:
                a1 = net.forward(self.points, trace=True)[layer]          # (res*res, k)
            self.values = np.ascontiguousarray(a1.T.reshape(-1, self.res, self.res))
            self.range = activations.data_range(self.act, self.values)
        else:
            shape = input_shape or (1, net.arch[0])
            self.values = np.ascontiguousarray(net.ws[0].T.reshape(-1, *shape))  # (k, h, w)
            peak = float(np.abs(self.values).max()) or 1.0
            self.range = (-peak, peak, "diverging")
        self.atlas = self._atlas(self.values)
        self.staged.set(self.atlas, "linear" if self.values.shape[1] >= 16 else "nearest")

    @property
    def texture(self):
        return self.staged.tex

    def upload(self):
        """Write the values of the last update() into the texture (just before drawing)."""
        self.staged.upload()

    def _atlas(self, values):
        """The maps tiled in a near-square grid, each padded by its own edge texels so linear
        filtering never mixes neighbours; sets self.uvs (k, 4), each map's part of the atlas."""
        k, h, w = values.shape
        cols = int(np.ceil(np.sqrt(k)))
        rows = -(-k // cols)
        H, W = rows * (h + 2), cols * (w + 2)
        if self._buffer is None or self._buffer.shape != (H, W):
            self._buffer = np.zeros((H, W), np.float32)
        cells = self._buffer.reshape(rows, h + 2, cols, w + 2)     # [row, y, col, x]
        full = k // cols * cols
        cells[:k // cols, 1:h + 1, :, 1:w + 1] = \
            values[:full].reshape(-1, cols, h, w).transpose(0, 2, 1, 3)
        if full < k:
            cells[-1, 1:h + 1, :k - full, 1:w + 1] = values[full:].transpose(1, 0, 2)
        cells[:, 0], cells[:, h + 1] = cells[:, 1], cells[:, h]          # edge texels:
        cells[..., 0], cells[..., w + 1] = cells[..., 1], cells[..., w]  # rows, then columns
        r, c = np.divmod(np.arange(k), cols)
        self.uvs = np.stack([(c * (w + 2) + 1) / W, (r * (h + 2) + 1) / H,
                             (c * (w + 2) + 1 + w) / W, (r * (h + 2) + 1 + h) / H], 1)
        self.cells = (rows, cols)
        return self._buffer

    def cell(self, i):
        """Map i as stored in the atlas texture: (rows slice, cols slice) of the atlas."""
        k, h, w = self.values.shape
        r, c = divmod(i, self.cells[1])
        return (slice(r * (h + 2) + 1, r * (h + 2) + 1 + h),
                slice(c * (w + 2) + 1, c * (w + 2) + 1 + w))

    def index_at(self, px, py):
        """Index of the map under pixel (px, py), or None."""
        b = self.boxes
        hit = np.flatnonzero((b[:, 0] <= px) & (px < b[:, 0] + b[:, 2]) & (b[:, 1] <= py)
                             & (py < b[:, 1] + b[:, 3]))
        return int(hit[0]) if len(hit) else None

    def draw(self, painter, box, highlight=None, enlarge=None):
        """The maps in a grid inside box; `highlight` outlines one, `enlarge` draws one big on
        top, near its cell."""
        lo, hi, cmap = self.range
        b, label_h = cells(len(self.values), box)
        self.boxes = b
        painter.scalar_images(self.texture, b, self.uvs, lo, hi, cmap)  # images, frames,
        edges = np.tile(np.float32([0.35, 0.35, 0.4]), (len(b), 1))    # labels
        widths = np.ones(len(b))
        if highlight is not None and 0 <= highlight < len(b):
            edges[highlight], widths[highlight] = (1.0, 0.85, 0.2), 2.0
        painter.frames(b + [-1, -1, 2, 2], edges, widths)
        widest = painter.text_width(f"h{len(b)} -0.00", 10) if len(b) else 0.0
        with_values = self.probe is not None and len(b) and widest <= b[0][2]   # all or none
        for i, (x, y, _, _) in enumerate(b if label_h else ()):  # too small: hover enlarges
            name = f"h{i + 1}"                          # name and value apart: both recur, so
            painter.text(name, x, y - label_h, size=10, color=TITLE)   # their layouts are
            if with_values:                                             # cached
                painter.text(f"{self.probe[i]:+.2f}", x + painter.text_width(name + " ", 10),
                             y - label_h, size=10, color=TITLE)
        if enlarge is not None and 0 <= enlarge < len(self.values):
            x, y, w, h = self.boxes[enlarge]
            bx, by, bw, bh = box
            size = min(bw, bh) * 0.8
            ex = float(np.clip(x + w / 2 - size / 2, bx, bx + bw - size))
            ey = float(np.clip(y + h / 2 - size / 2, by, by + bh - size))
            painter.rect(ex - 3, ey - 18, size + 6, size + 21, (0.05, 0.05, 0.07, 0.95),
                         outline=(1.0, 0.85, 0.2), outline_width=1.5)
            painter.text(f"neuron h{enlarge + 1} ({self.act})", ex, ey - 15, size=11,
                         color=TITLE)
            painter.scalar_image(self.texture, ex, ey, size, size, lo, hi, cmap,
                                 uv=self.uvs[enlarge])


class OutputMap:
    """The net's output over the plane: one output through a colormap, k softmax outputs as
    class colours blended by probability, or (image=True) grey levels at the drawn size."""

    def __init__(self, ctx, res=64):
        self.ctx, self.res = ctx, int(res)
        self.staged = gl.StagedTexture(ctx)
        self.values = None

    def update(self, net, classes=0, image=False, res=None, y=None):
        """Recompute from net over a res x res grid (y: net outputs over grid(res), if already
        computed)."""
        res = int(res or self.res)
        if res != self.res or self.values is None:
            self.res, self.points = res, grid(res)
        if y is None:
            y = net.forward(self.points)                                   # (res*res, out)
        self.image, self.classes = image, classes
        if net.arch[-1] > 1:
            blend = np.nan_to_num(y) @ theme.class_colors(net.arch[-1])   # (n, k) @ (k, 3)
            self.values = np.clip(blend, 0, 1).reshape(res, res, 3).astype(np.float32)
            self.range = (0.0, 1.0, None)
        else:
            self.values = y.reshape(res, res).astype(np.float32)
            if net.acts[-1] in ("sigmoid", "softmax") or image:
                self.range = (0.0, 1.0, "diverging" if classes == 2 else "sequential")
            else:
                self.range = activations.data_range(net.acts[-1], self.values)
        self.staged.set(self.values)

    @property
    def tex(self):
        return self.staged.tex

    def upload(self):
        """Write the values of the last update() into the texture (just before drawing)."""
        self.staged.upload()

    def point_colors(self, labels, classes):
        """The colour of each training point's class (or value), matching the map's."""
        if classes > 2 or (classes == 2 and self.values.ndim == 3):
            return theme.class_colors(classes)[labels]
        if classes == 0:                                   # values to fit: the map's colours
            lo, hi, cmap = self.range
            return theme.colormap(cmap or "sequential", labels[:, 0].astype(np.float64), lo, hi)
        return theme.colormap("diverging", labels.astype(np.float64), 0, 1)

    def draw(self, painter, box):
        x, y, w, h = box
        lo, hi, cmap = self.range
        if self.values.ndim == 3 or self.image:
            painter.image(self.tex, x, y, w, h)
        else:
            painter.scalar_image(self.tex, x, y, w, h, lo, hi, cmap)
        painter.frames([[x - 1, y - 1, w + 2, h + 2]], (0.45, 0.45, 0.5))


RING_TRAIN = (1.0, 1.0, 1.0)     # outline of a training point
RING_TEST = (0.0, 0.0, 0.0)      # outline of a test point


def discretized(y):
    """Outputs (n, k) made hard: 0 / 1 at 0.5 for one output, the top class one-hot for k."""
    if y.shape[1] == 1:
        return (y > 0.5).astype(np.float32)
    return np.eye(y.shape[1], dtype=np.float32)[np.argmax(y, 1)]


class Points:
    """A 2-D dataset's training (and test) points over the output map. They change only with
    the dataset, the panel size or whether test points show, so they are drawn once into a
    texture of the panel's size and laid over the map 1:1."""

    def __init__(self, ctx):
        self.ctx, self.fbo, self.key = ctx, None, None

    def update(self, painter, ds, size, show_test, point_colors, points=None):
        """Redraw if anything changed; point_colors(labels, classes) -> fills; points: the
        training points (x, labels) if not ds.x, ds.labels (the user added some)."""
        w, h = max(int(size[0]), 1), max(int(size[1]), 1)
        xs, labels = points if points is not None else (ds.x, ds.labels)
        key = (id(ds), id(xs), w, h, show_test)
        if key == self.key:
            return
        self.release()
        self.fbo = fbo = gl.offscreen(self.ctx, w, h, filter="nearest")
        self.key = key
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0)
        local = (0, 0, w, h)
        sets = [(xs, labels, RING_TRAIN)]
        if show_test and len(ds.x_test):
            sets.append((ds.x_test, ds.labels_test, RING_TEST))
        # a regression's points are small and thinly ringed: their fill is the target's value
        # in the map's colours, and the fitted surface must show between them
        radius, ring_width = (3.2, 1.0) if ds.classes else (1.9, 0.5)
        with painter.target(fbo) as p:
            for x, labels, ring in sets:
                px, py = to_pixel(x, local)
                p.discs(np.stack([px, py], 1), radius, point_colors(labels, ds.classes),
                        outline=ring, outline_width=ring_width)

    def draw(self, painter, box):
        if self.fbo is not None:
            painter.image(self.fbo.color_attachments[0], *box)

    def release(self):
        if self.fbo is not None:
            gl.release_offscreen(self.fbo)
        self.fbo = self.key = None


class OutputLegend:
    """Beside the output map: the class colours, the target picture, or the output's
    colorbar; and which ring marks train and test points."""

    def __init__(self, ctx, colorbar):
        self.ctx, self.colorbar, self.target, self.target_of = ctx, colorbar, None, None

    def draw(self, p, box, om, net, ds, show_test):
        lx, ly, lw, lh = box
        lo, hi, cmap = om.range
        if om.values.ndim == 3:
            p.text("class", lx, ly, size=11, color=theme.DIM)
            for k, c in enumerate(theme.class_colors(net.arch[-1])):
                p.discs([[lx + 6, ly + 24 + 18 * k]], 5, c)
                p.text(f"{k}", lx + 16, ly + 24 + 18 * k, size=11, color=theme.TEXT,
                       valign="middle")
        elif ds.image_shape is not None:
            p.text("target", lx, ly, size=11, color=theme.DIM)
            th, tw = ds.image_shape
            if self.target_of is not ds:
                if self.target is not None:
                    self.target.release()
                self.target = gl.texture(self.ctx, ds.labels.reshape(th, tw), filter="nearest")
                self.target_of = ds
            size = min(lw, 64)
            p.image(self.target, lx, ly + 16, size, size * th / tw)
        else:
            p.text(f"output ({net.acts[-1]})", lx, ly, size=11, color=theme.DIM)
            self.colorbar.draw(p, cmap, lo, hi, (lx, ly + 18, min(lw - 4, 80), 10))
            if ds.classes == 2:
                p.text("0 = class 0\n1 = class 1", lx, ly + 46, size=10, color=theme.DIM)
        if ds.image_shape is None and len(ds.x_test):
            below = ly + (30 + 18 * net.arch[-1] if om.values.ndim == 3 else 76)
            p.text("white ring: train\nblack ring: test" if show_test else "train points",
                   lx, max(ly + lh - 30, below), size=10, color=theme.DIM)
