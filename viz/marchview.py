"""The march window: level surfaces of a 3-input net (viz/march.py) with sparks, a weight
diagram edited with the mouse wheel, and a train mode that fits the net live to a 3D shape.

    net = nn.MLP([3, 8, 1], init="uniform", low=-1, high=1, seed=0)
    view = MarchView(net)                              # surfaces, sparks, weight editor
    gl.run(view, 1000, 620, headless=True, frames=60, screenshot="march.png")
"""

import math
import os

import numpy as np
from scipy.spatial import cKDTree

import nn
from viz import chrome, theme, gl, plot
from viz.march import Camera, Marcher, check_net
from viz.sparks import Sparks, ball_points

# ---------------------------------------------------------------------------------------------
# targets for train mode: signed distances (negative inside), so the level surfaces become
# shells of the shape spaced one unit apart


CLOUD_FILES = (".npy", ".xyz", ".txt", ".csv")
CLOUD_FIT = 3.5                # a loaded point cloud is scaled to fit a ball of this radius


def _smooth_min(a, b, k=0.8):
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def _sdf_sphere(p):
    return np.linalg.norm(p, axis=1) - 3.0


def _sdf_torus(p):
    ring = np.hypot(p[:, 0], p[:, 2]) - 3.0
    return np.hypot(ring, p[:, 1]) - 1.2


def _sdf_box(p):
    q = np.abs(p) - 2.4
    return np.linalg.norm(np.maximum(q, 0.0), axis=1) + np.minimum(q.max(axis=1), 0.0)


def _sdf_blobs(p):
    centers = np.array([[2.0, -0.8, 0.0], [-1.6, -0.8, 1.4], [-0.4, 1.6, -1.4]])
    d = [np.linalg.norm(p - c, axis=1) - 1.5 for c in centers]
    return _smooth_min(_smooth_min(d[0], d[1]), d[2])


def cloud_sdf(cloud, r=None):
    """The signed distance of a point cloud (m, 3) grown into balls of radius r: p (n, 3) ->
    min_i |p - cloud_i| - r (negative inside the union of the balls). r defaults to twice the
    median distance from a point to its nearest neighbour, so neighbouring balls merge into
    one surface."""
    tree = cKDTree(cloud)
    if r is None:
        r = max(2.0 * float(np.median(tree.query(cloud, k=2)[0][:, 1])), 0.05)
    return lambda p: tree.query(p)[0] - r


def trefoil(m=360):
    """m points along a trefoil knot, at most 2.7 from the centre: (m, 3)."""
    s = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    return 0.9 * np.stack([np.sin(s) + 2 * np.sin(2 * s), np.cos(s) - 2 * np.cos(2 * s),
                           -np.sin(3 * s)], 1)


def load_cloud(path, fit=CLOUD_FIT):
    """A point cloud from .npy, or text with 3 numbers per line (.xyz, .txt, .csv), centred
    and scaled to fit a ball of radius `fit`; raises ValueError naming the file if it is not
    an (m >= 4, 3) array of finite numbers."""
    try:
        if str(path).endswith(".npy"):
            cloud = np.load(path, allow_pickle=False)
        else:
            cloud = np.loadtxt(path, delimiter="," if str(path).endswith(".csv") else None,
                               ndmin=2)
    except (OSError, ValueError, EOFError) as e:
        raise ValueError(f"{path}: cannot read a point cloud ({e})") from None
    if cloud.ndim != 2 or cloud.shape[1] != 3 or len(cloud) < 4 or cloud.dtype.kind not in "iuf":
        raise ValueError(f"{path}: a point cloud must be m >= 4 rows of x y z numbers, got "
                         f"shape {cloud.shape} {cloud.dtype}")
    if not np.isfinite(cloud).all():
        raise ValueError(f"{path}: the point cloud holds NaN or inf")
    cloud = cloud - cloud.mean(0)
    reach = np.linalg.norm(cloud, axis=1).max()
    return cloud * (fit / reach if reach > 0 else 1.0)


TARGETS = {"sphere": _sdf_sphere, "torus": _sdf_torus, "box": _sdf_box, "blobs": _sdf_blobs,
           "knot": cloud_sdf(trefoil(), 0.7)}


def target_sdf(target):
    """The signed distance function of a TARGETS name, or of the point cloud in file `target`
    (see load_cloud)."""
    if target in TARGETS:
        return TARGETS[target]
    if not any(str(target).endswith(ext) for ext in CLOUD_FILES):
        raise ValueError(f"target must be one of {tuple(TARGETS)} or a point cloud file "
                         f"({', '.join(CLOUD_FILES)}), got {target!r}")
    return cloud_sdf(load_cloud(target))


def target_data(target, n=4096, radius=5.0, seed=0):
    """Training points inside the sphere and the signed distance of `target` (a TARGETS name
    or a point cloud file) there: x (n, 3), t (n, 1), float32."""
    sdf = target_sdf(target)
    x = ball_points(n, radius, seed)
    return x, sdf(x.astype(np.float64))[:, None].astype(np.float32)


def randomize(net, rng):
    """Every weight and bias uniform in [-1, 1], as in Rogozhnikov's demo."""
    for w, b in zip(net.ws, net.bs):
        w[...] = rng.uniform(-1.0, 1.0, w.shape)
        b[...] = rng.uniform(-1.0, 1.0, b.shape)


# ---------------------------------------------------------------------------------------------
# the weight diagram


STEP = 0.15                 # change of a weight per wheel notch
GAP = 1.6                   # space between blocks, in cells (room for labels)


def unit_names(arch):
    """Names of the neurons of each layer: x y z, h1.. (h<layer>.<j> when deeper), f."""
    names = [["x", "y", "z"]]
    hidden = len(arch) - 2
    for l, n in enumerate(arch[1:-1], 1):
        names.append([f"h{j + 1}" if hidden == 1 else f"h{l}.{j + 1}" for j in range(n)])
    names.append(["f"])
    return names


class WeightDiagram:
    """One circle per weight and bias, red +1 / blue -1. Layer l's matrix is a block of cells;
    blocks form a staircase so consecutive layers share the neurons between them: layer 1 has
    a row per neuron of h and a column per input (x, y, z, 1), layer 2 the same rows (plus its
    bias row) and a column per output, layer 3 sits below layer 2 sharing its columns, ...
    `refs[n]` = (layer, i, j): weight ws[layer][i, j], or the bias bs[layer][j] when i equals
    the layer's fan-in."""

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
        l, i, j = self.refs[n]
        return float(net.bs[l][j] if i == self.arch[l] else net.ws[l][i, j])

    def nudge(self, net, n, notches):
        """Change parameter n by STEP per wheel notch, clamped to [-1, 1]; returns the value."""
        l, i, j = self.refs[n]
        v = float(np.clip(self.value(net, n) + STEP * np.sign(notches), -1.0, 1.0))
        if i == self.arch[l]:
            net.bs[l][j] = v
        else:
            net.ws[l][i, j] = v
        return v

    def describe(self, net, n):
        l, i, j = self.refs[n]
        src = "1" if i == self.arch[l] else self.names[l][i]
        kind = "bias" if src == "1" else "weight"
        return f"layer {l + 1} {kind} {src} -> {self.names[l + 1][j]} = {self.value(net, n):+.2f}"

    def draw(self, p, net, hover=None):
        values = np.array([self.value(net, n) for n in range(len(self.refs))])
        fill = theme.colormap("diverging", values, -1.0, 1.0)
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
        for l, (r0, c0, rows, cols) in enumerate(self.blocks):
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


# ---------------------------------------------------------------------------------------------
# the view


BG = (0.05, 0.055, 0.07)
TEXT, DIM, ACCENT = chrome.TEXT, chrome.DIM, chrome.ACCENT
AXIS_COLORS = ((0.95, 0.35, 0.35), (0.4, 0.9, 0.4), (0.4, 0.6, 1.0))
KEYS_HELP = [("drag", "orbit the camera (over the render)"),
             ("wheel", "over the render: zoom; over a circle: that weight +-0.15"),
             ("r", "randomise all weights (uniform in [-1, 1])"),
             ("space", "pause / resume the level animation"),
             ("up / down", "set the level by hand (+-0.05, pauses)"),
             ("1  2  3", "show / hide surfaces, sparks, axes"),
             ("t", "train mode: pause / resume training"),
             ("n", "train mode: next target shape"),
             ("o", "slow automatic orbit on / off"),
             ("s  g", "save a PNG / start-stop a GIF recording"),
             ("h", "show / hide this help"), ("esc", "quit")]


def fit(painter, texts, width, size):
    """The first of `texts` (longest first) that fits in `width` pixels, else the last."""
    for text in texts:
        if painter.text_width(text, size) <= width:
            return text
    return texts[-1]


class MarchView(gl.View):
    """Level surfaces of `net` (3 inputs, 1 output) beside its weight diagram; optionally
    trains the net live towards a target shape (`train` = a TARGETS name or a point cloud
    file)."""

    depth = True                # the surfaces write depth; sparks behind them are dimmed

    def __init__(self, net, period=5.0, level=None, train=None, lr=0.01, batch=256,
                 steps_per_frame=4, seed=0, grid=64, steps=64, radius=5.0, naive=False,
                 n_sparks=512, orbit=False):
        check_net(net)
        if not period > 0:
            raise ValueError(f"period must be > 0 seconds, got {period}")
        self.net, self.period, self.seed = net, float(period), seed
        self.level = 0.0 if level is None else float(level) % 1.0
        self.paused = level is not None
        self.options = dict(grid=grid, steps=steps, radius=radius, naive=naive)
        self.n_sparks, self.auto_orbit = n_sparks, orbit
        self.camera = Camera()
        self.diagram = WeightDiagram(net.arch)
        self.rng = np.random.default_rng(seed)
        self.show = {"surfaces": True, "sparks": True, "axes": True}
        self.train_target, self.lr, self.batch = train, lr, batch
        self.steps_per_frame = steps_per_frame
        self.training = train is not None
        self.cost, self.step = float("nan"), 0
        self.time, self.message, self.message_until = 0.0, "", 0.0
        self.mouse = self.drag_from = None
        self.show_help = False
        self.dirty = True
        if train is not None:
            self.start_training(train)

    # -- model ------------------------------------------------------------------------------

    def start_training(self, name):
        x, t = target_data(name, radius=self.options["radius"], seed=self.seed)
        self.train_target = name
        self.opt = nn.Adam(self.lr)
        self.trainer = nn.train(self.net, x, t, opt=self.opt, epochs=None,
                                batch_size=self.batch, seed=self.seed)
        self.step = 0

    @property
    def previewing(self):
        """Whether the surfaces come from the sampled field alone: while training changes the
        weights every frame (the exact march could reuse nothing and grows with the net)."""
        return self.training and self.train_target is not None

    def weights_changed(self):
        self.dirty = True

    def say(self, text, seconds=3.0):
        self.message, self.message_until = text, self.time + seconds

    # -- frame loop -------------------------------------------------------------------------

    def setup(self):
        ctx = self.ctx
        self.painter = gl.Painter(ctx)
        self.colorbar = plot.Colorbar(ctx)
        self.marcher = Marcher(ctx, self.net, **self.options)
        self.sparks = Sparks(ctx, n=self.n_sparks, radius=self.options["radius"], seed=self.seed)
        self.layout(1000, 620)

    def update(self, dt):
        self.time += dt
        if not self.paused:
            self.level = (self.level + dt / self.period) % 1.0
        if self.auto_orbit:
            self.camera.orbit(0.25 * dt, 0.0)
        if self.training and self.train_target is not None:
            try:
                for _ in range(self.steps_per_frame):
                    self.cost = next(self.trainer).cost
                    self.step += 1
            except nn.DivergedError as e:
                self.training = False
                self.say(str(e).split(";")[0], 6.0)
            self.dirty = True
        if self.dirty:
            self.marcher.set_net(self.net)
            self.sparks.update(self.net)
            self.dirty = False

    def layout(self, w, h):
        top, title, under, bottom, m = 26, 42, 58, 22, 10
        column = min(max(w * 0.36, 240), 420)               # the diagram's column
        side = max(min(h - top - title - under - bottom, w - column - 3 * m), 64)
        right = side + 3 * m
        ry = top + title
        self.boxes = {
            "status": (0, 0, w, top),
            "render": (m, ry, side, side),
            "legend": (m + 4, ry + side + 26, min(side - 8, 360), 10),
            "diagram": (right, ry, w - right - m, side - 40),
            "weights": (right, ry + side + 26, min(w - right - m, 300), 10),
            "help": (0, h - bottom, w, bottom),
        }
        self.diagram.place(self.boxes["diagram"])
        return self.boxes

    def draw(self, fbo, width, height):
        b = self.layout(width, height)
        fbo.use()
        fbo.clear(*BG, 1.0, depth=1.0)
        rx, ry, side, _ = b["render"]
        viewport = (int(rx), int(height - ry - side), int(side), int(side))
        full = (0, 0, width, height)
        p, m = self.painter, self.marcher
        with p.target(fbo, full):
            p.rect(rx, ry, side, side, (0.025, 0.028, 0.04))
            self.draw_sphere_outline(p, b["render"])
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=False)
        if self.show["surfaces"]:
            m.render(fbo, viewport, self.camera, self.level, preview=self.previewing)
        if self.show["sparks"]:
            fbo.viewport = viewport
            self.sparks.draw(self.camera.view_proj(1.0), self.level, m.lo, m.hi)
        fbo.viewport = full
        with p.target(fbo, full):
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=True)
            self.draw_render_labels(p, b)
            self.draw_diagram(p, b)
            self.draw_status(p, b["status"])
            self.draw_help(p, b["help"], width, height)

    # -- panels -----------------------------------------------------------------------------

    def _project(self, points, box):
        x, y, w, h = box
        pix, depth = self.camera.project(points, w, h)
        return pix + (x, y), depth

    def draw_sphere_outline(self, p, box):
        x, y, w, h = box
        r, dist = self.options["radius"], self.camera.distance
        if dist <= r:
            return
        f = 1.0 / math.tan(math.radians(self.camera.fov) / 2)
        pix = math.tan(math.asin(r / dist)) * f * h / 2
        p.discs([[x + w / 2, y + h / 2]], pix, (0.08, 0.09, 0.12), outline=(0.25, 0.27, 0.33),
                outline_width=1.0)

    def draw_axes(self, p, box, labels):
        r = self.options["radius"]
        ends = np.array([[r * 1.1, 0, 0], [0, r * 1.1, 0], [0, 0, r * 1.1], [0, 0, 0]])
        pix, depth = self._project(ends, box)
        if (depth <= 0).any():
            return
        if labels:
            for n, name in enumerate("xyz"):
                p.text(name, *pix[n], size=14, color=AXIS_COLORS[n], anchor="center",
                       valign="middle")
        else:
            p.lines(np.repeat(pix[3:], 3, axis=0), pix[:3], 1.5,
                    [c + (0.8,) for c in AXIS_COLORS])

    def surface_values(self):
        """The levels level + k inside the net's range on the grid."""
        lo, hi = self.marcher.lo, self.marcher.hi
        k = np.arange(math.ceil(lo - self.level), math.floor(hi - self.level) + 1)
        return k, k + self.level

    def draw_render_labels(self, p, b):
        x, y, w, h = b["render"]
        r = self.options["radius"]
        p.text(fit(p, [f"level surfaces f(x, y, z) = level + k of the net, inside the sphere "
                       f"|p| < {r:g}", f"level surfaces f = level + k, |p| < {r:g}"], w, 13),
               x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["colour: value of f (bar below); sparks flow along grad f, flash as the "
                       "level passes", "colour: f; sparks flow along grad f"], w, 11),
               x, y - 19, size=11, color=DIM)
        lx, ly, lw, lh = b["legend"]
        lo, hi = self.marcher.lo, self.marcher.hi
        self.colorbar.draw(p, "level", lo, hi, (lx, ly, lw, lh), label="f over the sphere's cube")
        k, values = self.surface_values()
        xs = lx + (values - lo) / max(hi - lo, 1e-9) * lw
        if len(xs):
            p.lines(np.c_[xs, np.full(len(xs), ly - 4)], np.c_[xs, np.full(len(xs), ly + lh)],
                    2.0, (1, 1, 1, 0.9))
        state = "paused" if self.paused else f"animating, period {self.period:g} s"
        shown = f"k = {int(k[0])}..{int(k[-1])}" if len(k) else "none"
        p.text(fit(p, [f"level = {self.level:.2f} ({state});  surfaces shown (white ticks): "
                       f"{shown}", f"level = {self.level:.2f};  surfaces {shown}"], lw, 11),
               lx, ly - 19, size=11, color=TEXT)

    def draw_diagram(self, p, b):
        x, y, w, h = b["diagram"]
        p.text(fit(p, ["the net's weights and biases, one circle each", "weights and biases"],
                   w, 13), x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["rows and columns: x y z, bias 1 -> hidden h -> output f",
                       "x y z, 1 -> h -> f"], w, 11), x, y - 19, size=11, color=DIM)
        self.diagram.draw(p, self.net, hover=self.hover())
        lx, ly, lw, lh = b["weights"]
        self.colorbar.draw(p, "diverging", -1.0, 1.0, (lx, ly, lw, lh), label="weight")
        n = self.hover()
        if n is not None:
            text = fit(p, [self.diagram.describe(self.net, n) + "   (wheel: +-0.15)",
                           self.diagram.describe(self.net, n)], w, 11)
        else:
            text = fit(p, ["wheel over a circle: that weight +-0.15 (clamped to [-1, 1])",
                           "wheel: weight +-0.15"], w, 11)
        p.text(text, lx, ly - 20, size=11, color=ACCENT if n is not None else DIM)

    def hover(self):
        if self.mouse is None:
            return None
        return self.diagram.at(*self.mouse)

    def draw_status(self, p, box):
        net = self.net
        acts = ",".join(dict.fromkeys(net.acts[:-1]))
        parts = [f"net {'-'.join(map(str, net.arch))} {acts}",
                 f"f in [{self.marcher.lo:.2f}, {self.marcher.hi:.2f}]",
                 f"preview: {self.options['grid']}^3 field, ±{self.marcher.band:.3f}"
                 if self.previewing else
                 "naive march" if self.options["naive"] else
                 f"field {self.options['grid']}^3, band {self.marcher.band:.3f}"]
        if self.train_target is not None:
            state = "training" if self.training else "training paused"
            parts.append(f"{state} on {os.path.basename(self.train_target)}: step {self.step}, "
                         f"cost {self.cost:.4g}")
        app = getattr(self, "app", None)
        if app is not None:
            if app.fps > 0:
                parts.append(f"{app.fps:.0f} fps")
            if app.recording:
                parts.append("REC")
        chrome.status_bar(p, box, parts)

    def draw_help(self, p, box, width, height):
        message = self.message if self.time < self.message_until else None
        chrome.key_bar(p, box, "drag orbit  wheel zoom / weight  r random  space pause  "
                       "up/down level  1 surfaces  2 sparks  3 axes  t train  n target  "
                       "s png  g gif  h help", message)
        if self.show_help:
            chrome.help_overlay(p, width, height, KEYS_HELP)

    # -- input ------------------------------------------------------------------------------

    def in_render(self, x, y):
        rx, ry, side, _ = self.boxes["render"]
        return rx <= x < rx + side and ry <= y < ry + side

    def on_mouse_motion(self, x, y, dx, dy):
        self.mouse = (x, y)

    def on_mouse_press(self, x, y, button, modifiers):
        self.drag_from = "render" if self.in_render(x, y) else None

    def on_mouse_release(self, x, y, button, modifiers):
        self.drag_from = None

    def on_mouse_drag(self, x, y, dx, dy, buttons, modifiers):
        self.mouse = (x, y)
        if self.drag_from == "render" or self.in_render(x, y):
            self.camera.orbit(-0.01 * dx, 0.01 * dy)

    def on_mouse_scroll(self, x, y, sx, sy):
        self.mouse = (x, y)
        if sy == 0:
            return
        n = self.diagram.at(x, y)
        if n is not None:
            self.diagram.nudge(self.net, n, sy)
            self.weights_changed()
        elif self.in_render(x, y):
            self.camera.zoom(0.9 ** sy)

    def on_key_press(self, symbol, modifiers):
        from pyglet.window import key

        toggles = {key._1: "surfaces", key._2: "sparks", key._3: "axes"}
        if symbol in toggles:
            name = toggles[symbol]
            self.show[name] = not self.show[name]
            self.say(f"{name} {'on' if self.show[name] else 'off'}")
        elif symbol == key.R:
            randomize(self.net, self.rng)
            self.weights_changed()
            self.say("weights randomised (uniform in [-1, 1])")
        elif symbol == key.SPACE:
            self.paused = not self.paused
        elif symbol in (key.UP, key.DOWN):
            self.paused = True
            self.level = (self.level + (0.05 if symbol == key.UP else -0.05)) % 1.0
        elif symbol == key.T and self.train_target is not None:
            self.training = not self.training
        elif symbol == key.N:
            names = list(TARGETS)
            nxt = names[(names.index(self.train_target) + 1) % len(names)] \
                if self.train_target in names else names[0]
            self.start_training(nxt)
            self.training = True
            self.say(f"training towards {nxt}")
        elif symbol == key.O:
            self.auto_orbit = not self.auto_orbit
        elif symbol == key.S:
            path = f"march-{int(self.time * 1000):08d}.png"
            self.app.screenshot(path)
            self.say(f"saved {path}")
        elif symbol == key.G:
            on = self.app.toggle_record("march.gif")
            self.say("recording march.gif (g stops)" if on else "saved march.gif")
        elif symbol == key.H:
            self.show_help = not self.show_help
        else:
            return False
        return True
