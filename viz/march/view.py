"""nn-gym march: the level surfaces of a 3-input net (raymarch.py) with sparks (sparks.py)
beside its weight diagram (weights.py). The view draws a MarchModel (model.py) and turns keys,
the wheel and the mouse into its commands; it trains nothing.

    model = MarchModel(new_net())               # 3-8-1, weights uniform in [-1, 1]
    view = MarchView(model)                     # surfaces, sparks, weight editor
    gl.run(view, 1000, 620, headless=True, frames=60, screenshot="march.png")

Two ways to look: "levels" (every surface f = level + k, coloured by f, the level animated)
and "shape" (the surface f = 0 alone, lit in one colour, with the target's surface points and,
on request, the other levels as faint shells): the view a train mode starts in.

Which raymarch draws a frame (`path`): for a small net (at most SMALL_NET multiply-adds per
evaluation) the exact net at every sample is fastest in every state; for a larger one the
sampled field with exact checks while the weights stay, and the sampled field alone while they
change every frame (training). bench/bench_march.py measures all of them.

The command line (`nn-gym march --help`) comes from `Config`; `run` builds the model and the
view, runs it and prints the summary line.
"""

import math

import numpy as np

from viz import cli, gl
from viz.march import shapes, weights
from viz.march.model import (
    EDIT_LIMIT,
    LEVEL_STEP,
    MODES,
    PAGE_FRAMES,
    SIZE,
    STEP,
    WEIGHT_RANGE,
    Config,
    MarchModel,
    fit_words,
)
from viz.march.raymarch import Camera, Marcher, check_net
from viz.march.sparks import Dots, Sparks
from viz.march.weights import WeightDiagram
from viz.theme import ACCENT, DIM, TEXT
from viz.widgets import chrome, plot

BG = (0.05, 0.055, 0.07)          # the window
RENDER_BG = (0.025, 0.028, 0.04)  # the render's panel, the sphere's disc and its rim
DISC, RIM = (0.08, 0.09, 0.12), (0.25, 0.27, 0.33)
AXIS_COLORS = ((0.95, 0.35, 0.35), (0.4, 0.9, 0.4), (0.4, 0.6, 1.0))
SHOWN = ("surfaces", "sparks", "axes", "points", "shells")
SOLID = (0.92, 0.64, 0.32)    # the shape view's surface f = 0
DOT = (0.35, 0.95, 1.0, 0.9)  # the target's surface points
SHELL_ALPHA = 0.16
SPARKS_EVERY = 0.2           # seconds between retracing the sparks while training
SMALL_NET = 64               # multiply-adds per evaluation up to which the naive march is faster

KEYS = chrome.Keys([
    chrome.Key("r", "randomise", f"randomise all weights (uniform in [{WEIGHT_RANGE[0]:g}, "
               f"{WEIGHT_RANGE[1]:g}])", short="random"),
    chrome.Key("space", "pause", "pause / resume the level animation", short="pause"),
    chrome.Key("up", "level", f"level +{LEVEL_STEP:g} (pauses)", arg=LEVEL_STEP, short="level"),
    chrome.Key("down", "level", f"level -{LEVEL_STEP:g} (pauses)", arg=-LEVEL_STEP,
               short="level"),
    chrome.Key("1", "show", "show / hide the surfaces", arg="surfaces", short="show"),
    chrome.Key("2", "show", "show / hide the sparks", arg="sparks", short="show"),
    chrome.Key("3", "show", "show / hide the axes", arg="axes", short="show"),
    chrome.Key("v", "mode", "view: all level surfaces / the shape (f = 0 alone)", short="view"),
    chrome.Key("l", "show", "shape view: the other levels as faint shells on / off",
               arg="shells", short="shells"),
    chrome.Key("p", "show", "shape view: the target's surface points on / off", arg="points",
               short="points"),
    chrome.Key("t", "train", "train mode: pause / resume training", short="train"),
    chrome.Key("n", "target", "train towards the next target shape", short="target"),
    chrome.Key("o", "orbit", "slow automatic orbit on / off", short="orbit"),
    *chrome.CHROME_KEYS,
], extra_help=[("drag", "orbit the camera (over the render)"),
               ("wheel", f"over the render: zoom; over a circle: that weight +-{STEP:g}"),
               ("esc", "quit")])

# key commands the model carries out: name -> (method name, whether it takes the key's arg)
def macs(arch):
    """Multiply-adds of one evaluation of a net of this architecture."""
    return sum(a * b for a, b in zip(arch[:-1], arch[1:]))


def fit(painter, texts, width, size):
    """The first of `texts` (longest first) that fits in `width` pixels, else the last."""
    for text in texts:
        if painter.text_width(text, size) <= width:
            return text
    return texts[-1]


class MarchView(chrome.ChromeView):
    """Level surfaces of model.net beside its weight diagram. grid, steps: the raymarch's
    (raymarch.Marcher); naive: the exact net at every sample always (None: whichever path is
    faster, see `path`); n_sparks; orbit: start orbiting slowly; mode: "levels" or "shape"
    (default: shape when the model trains); shells: in the shape view, the other levels."""

    KEYS = KEYS
    min_size = Config.MIN_SIZE
    depth = True                # the surfaces write depth; sparks behind them are dimmed

    def __init__(self, model, grid=64, steps=64, naive=None, n_sparks=512, orbit=False,
                 mode=None, shells=False):
        check_net(model.net)
        super().__init__(model)
        self.options = dict(grid=grid, steps=steps, radius=model.radius, naive=bool(naive))
        self.naive = naive
        self.n_sparks, self.auto_orbit = n_sparks, orbit
        self.camera = Camera(distance=2.4 * model.radius)     # the sphere fills the panel
        self.diagram = WeightDiagram(model.net.arch)
        self.mode = mode or ("shape" if model.target is not None else "levels")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.show = dict.fromkeys(SHOWN, True)
        self.show.update(shells=shells, sparks=self.mode == "levels")
        self.mouse = self.drag_from = None
        self.drawn_version = None           # the model's weights version the GPU holds
        self.sparks_version = self.dots_target = None
        c = self.camera                      # the first frame counts as still: one compile
        self.drawn_camera = (c.azimuth, c.elevation, c.distance, c.fov)
        self.sparks_due = 0.0
        self.layout(*SIZE)

    # -- frame loop -------------------------------------------------------------------------

    def setup(self):
        ctx, net = self.ctx, self.model.net
        self.painter = gl.Painter(ctx)
        self.colorbar = plot.Colorbar(ctx)
        self.marcher = Marcher(ctx, net, **self.options)
        self.sparks = Sparks(ctx, n=self.n_sparks, radius=self.model.radius,
                             seed=self.model.seed)
        self.dots = Dots(ctx, np.zeros((0, 3)), DOT)
        self.drawn_version = self.sparks_version = self.dots_target = None   # all to upload

    def update(self, dt):
        self.tick(dt)
        if self.auto_orbit:
            self.camera.orbit(0.25 * dt, 0.0)
        model = self.model
        model.update(dt)
        self.take_notice()
        if self.drawn_version != model.version:
            self.marcher.set_net(model.net)
            self.drawn_version = model.version
        self.sparks_due -= dt
        if (self.show["sparks"] and self.sparks_version != model.version
                and (self.sparks_due <= 0 or not model.training)):
            self.sparks.update(model.net)   # traced while shown; while training SPARKS_EVERY s
            self.sparks_version, self.sparks_due = model.version, SPARKS_EVERY
        if self.dots_target != model.target:
            self.dots.set_points(model.surface if model.surface is not None else np.zeros((0, 3)))
            self.dots_target = model.target

    def path(self, moving=None):
        """This frame's raymarch, {"naive": ..., "preview": ...}: while the weights change
        every frame, the exact net at every sample for a small net, else the sampled field
        alone; while only the camera moves, the same exact march for a small net, else the
        sampled field with exact checks; while nothing but the level moves, the field with
        exact checks and the per-pixel scan cache. moving: whether the camera moved (default:
        since the last frame drawn)."""
        if self.naive is not None:
            return {"naive": self.naive, "preview": False}
        small = macs(self.model.net.arch) <= SMALL_NET
        if self.model.previewing:
            return {"naive": small, "preview": not small}
        moving = self.camera_moved() if moving is None else moving
        return {"naive": small and moving, "preview": False}

    def camera_moved(self):
        c = self.camera
        return (c.azimuth, c.elevation, c.distance, c.fov) != self.drawn_camera

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

    def draw_frame(self, fbo, width, height):
        b = self.layout(width, height)
        fbo.use()
        fbo.clear(*BG, 1.0, depth=1.0)
        rx, ry, side, _ = b["render"]
        viewport = (int(rx), int(height - ry - side), int(side), int(side))
        full = (0, 0, width, height)
        p = self.painter
        fbo.scissor = viewport                  # the 3-D picture stays in its panel
        with p.target(fbo, full):
            p.rect(rx, ry, side, side, RENDER_BG)
            self.draw_sphere_outline(p, b["render"])
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=False)
        self.draw_3d(fbo, viewport)
        fbo.viewport = full
        with p.target(fbo, full):
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=True)
        fbo.scissor = None
        with p.target(fbo, full):
            self.draw_render_labels(p, b)
            self.draw_diagram(p, b)
            self.draw_bars(p, width, height, live=False)

    def draw_3d(self, fbo, viewport):
        """The surfaces, sparks and dots of the current mode into viewport."""
        m, cam, path = self.marcher, self.camera, self.path()
        shape, level = self.mode == "shape", self.model.level
        if self.show["surfaces"] and shape:
            m.render(fbo, viewport, cam, 0.0, alpha=1.0, one_level=True, color=SOLID, **path)
            if self.show["shells"]:
                m.render(fbo, viewport, cam, 0.0, alpha=SHELL_ALPHA, depth_test=True,
                         cache=False, **path)
        elif self.show["surfaces"]:
            m.render(fbo, viewport, cam, level, **path)
        fbo.viewport = viewport
        view_proj = cam.view_proj(1.0)
        if self.show["sparks"]:
            self.sparks.draw(view_proj, level, m.lo, m.hi)
        if shape and self.show["points"]:
            self.dots.draw(view_proj)
        self.drawn_camera = (cam.azimuth, cam.elevation, cam.distance, cam.fov)

    # -- panels -----------------------------------------------------------------------------

    def draw_sphere_outline(self, p, box):
        x, y, w, h = box
        r, dist = self.model.radius, self.camera.distance
        if dist <= r:
            return
        f = 1.0 / math.tan(math.radians(self.camera.fov) / 2)
        pix = math.tan(math.asin(r / dist)) * f * h / 2
        p.discs([[x + w / 2, y + h / 2]], pix, DISC, outline=RIM,
                outline_width=1.0)

    def draw_axes(self, p, box, labels):
        x, y, w, h = box
        r = self.model.radius
        ends = np.array([[r * 1.1, 0, 0], [0, r * 1.1, 0], [0, 0, r * 1.1], [0, 0, 0]])
        pix, depth = self.camera.project(ends, w, h)
        pix = pix + (x, y)
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
        """The levels level + k inside the net's range on the grid: (k, values)."""
        lo, hi, level = self.marcher.lo, self.marcher.hi, self.model.level
        k = np.arange(math.ceil(lo - level), math.floor(hi - level) + 1)
        return k, k + level

    def draw_render_labels(self, p, b):
        if self.mode == "shape":
            return self.draw_shape_labels(p, b)
        x, y, w, h = b["render"]
        r, model = self.model.radius, self.model
        p.text(fit(p, [f"level surfaces f(x, y, z) = level + k of the net, inside the sphere "
                       f"|p| < {r:g}", f"level surfaces f = level + k, |p| < {r:g}"], w, 13),
               x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["colour: value of f (bar below); sparks flow along grad f, flash as the "
                       "level passes", "colour: f; sparks flow along grad f"], w, 11),
               x, y - 19, size=11, color=DIM)
        lx, ly, lw, lh = b["legend"]
        lo, hi = self.marcher.lo, self.marcher.hi
        self.colorbar.draw(p, "level", lo, hi, (lx, ly, lw, lh))
        k, values = self.surface_values()
        xs = lx + (values - lo) / max(hi - lo, 1e-9) * lw
        if len(xs):
            p.lines(np.c_[xs, np.full(len(xs), ly - 4)], np.c_[xs, np.full(len(xs), ly + lh)],
                    2.0, (1, 1, 1, 0.9))
        state = "paused" if model.paused else f"animating, period {model.period:g} s"
        shown = f"k = {int(k[0])}..{int(k[-1])}" if len(k) else "none"
        p.text(fit(p, [f"f over the sphere's cube; level = {model.level:.2f} ({state}); white "
                       f"ticks: surfaces {shown}", f"level = {model.level:.2f} ({state}); "
                       f"surfaces {shown}", f"level = {model.level:.2f};  surfaces {shown}"],
                   lw, 11),
               lx, ly - 19, size=11, color=TEXT)

    def draw_shape_labels(self, p, b):
        x, y, w, h = b["render"]
        model = self.model
        target = shapes.target_name(model.target) if model.target is not None else None
        p.text(fit(p, [f"the net's surface f(x, y, z) = 0, inside the sphere |p| < "
                       f"{model.radius:g}", "the surface f = 0"], w, 13),
               x, y - 38, size=13, color=TEXT)
        dots = f"; dots: the {target}'s surface" if target and self.show["points"] else ""
        shells = "; faint: f = +-1, +-2, ..." if self.show["shells"] else ""
        p.text(fit(p, [f"gold: where f = 0{dots}{shells}", "gold: f = 0"], w, 11),
               x, y - 19, size=11, color=DIM)
        lx, ly, lw, _ = b["legend"]
        if target is not None and math.isfinite(model.fit_error):
            p.text(fit(p, [f"{target}: {fit_words(model.fit_error)}",
                           f"error {model.fit_error:.3f} of the radius"], lw, 11),
                   lx, ly - 19, size=11, color=TEXT)

    def draw_diagram(self, p, b):
        x, y, w, h = b["diagram"]
        net, n = self.model.net, self.hover()
        p.text(fit(p, ["the net's weights and biases, one circle each", "weights and biases"],
                   w, 13), x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["rows and columns: x y z, bias 1 -> hidden h -> output f",
                       "x y z, 1 -> h -> f"], w, 11), x, y - 19, size=11, color=DIM)
        limit = weights.color_limit(net)
        self.diagram.draw(p, net, hover=n, limit=limit)
        lx, ly, lw, lh = b["weights"]
        self.colorbar.draw(p, "diverging", -limit, limit, (lx, ly, lw, lh))
        if n is not None:
            text = fit(p, [self.diagram.describe(net, n) + f"   (wheel: +-{STEP:g})",
                           self.diagram.describe(net, n)], w, 11)
        else:
            text = fit(p, [f"colour: the value; wheel over a circle: that weight +-{STEP:g} "
                           f"(up to +-{EDIT_LIMIT:g})", f"wheel over a circle: that weight "
                           f"+-{STEP:g} (up to +-{EDIT_LIMIT:g})", f"wheel: weight +-{STEP:g}"],
                       w, 11)
        p.text(text, lx, ly - 20, size=11, color=ACCENT if n is not None else DIM)

    def hover(self):
        return None if self.mouse is None else self.diagram.at(*self.mouse)

    def status_line(self, p, width, live=True):
        """The status line's parts for a window `width` px wide: in words, or short."""
        parts = self.status(live=live)
        if p.text_width("   ".join(parts), 13) > width - 16:
            parts = self.status(short=True, live=live)
        return parts

    def draw_bars(self, p, width, height, live):
        """The status line and key bar; `live`: with REC, saving... and the last message."""
        b = self.layout(width, height)
        chrome.status_bar(p, b["status"], self.status_line(p, width, live))
        chrome.key_bar(p, b["help"], "drag orbit  wheel zoom / weight  " + KEYS.bar(),
                       self.shown_message if live else None)

    def status(self, short=False, live=True):
        """The status line's parts, in words (short: what fits a narrow window); REC and
        saving... only `live` (see draw_live)."""
        model, m = self.model, self.marcher
        acts = ",".join(dict.fromkeys(model.net.acts[:-1]))
        path = self.path()
        parts = [f"net {model.arch} {acts}"]
        if not short:
            parts.append("showing f = 0" if self.mode == "shape" else
                         f"showing f = {model.level:.2f} + whole numbers")
        if model.target is not None:
            state = "training" if model.training else "training paused"
            error = ""
            if math.isfinite(model.fit_error):
                error = (f", error {model.fit_error:.3f} of the radius" if short else
                         f", {fit_words(model.fit_error)}")
            parts.append(f"{state} {'on ' * (not short)}{shapes.target_name(model.target)}: "
                         f"step {model.step}{error}")
        if not short:
            parts.append(f"f sampled on a {self.options['grid']}^3 grid (off by up to "
                         f"{m.band:.3f})" if path["preview"] else "exact net")
        app = self.app
        if app is not None:
            if app.fps > 0:
                parts.append(f"{app.fps:.0f} fps")
            parts += self.live_flags(live)
        return parts

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
            self.model.nudge(self.diagram.refs[n], sy)
        elif self.in_render(x, y):
            r = self.model.radius
            self.camera.zoom(0.9 ** sy, 0.4 * r, 12 * r)

    def file_stem(self, kind):
        return "march"

    def _show(self, what):
        self.show[what] = not self.show[what]
        self.say(f"{what} {'on' if self.show[what] else 'off'}")

    def _mode(self, _):
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.say("showing the surface f = 0 alone" if self.mode == "shape" else
                 "showing every level surface f = level + k")

    COMMANDS = {**chrome.ChromeView.COMMANDS, "show": _show, "mode": _mode,
                "orbit": chrome.toggle("auto_orbit")}


def build(cfg):
    """The model and its view for cfg (bad input: a UsageError before anything opens)."""
    try:
        net = cfg.net()
        if cfg.load is not None:
            try:
                check_net(net)
            except ValueError as e:
                raise ValueError(f"--load {cfg.load}: {e}") from None
        model = MarchModel(net, period=cfg.period, level=cfg.level, train=cfg.train,
                           lr=cfg.lr, batch=cfg.batch, steps_per_frame=cfg.steps_per_frame,
                           seed=cfg.seed, radius=cfg.radius, rate=cfg.rate)
        return MarchView(model, grid=cfg.grid, steps=cfg.steps, naive=cfg.naive or None,
                         n_sparks=cfg.sparks, orbit=cfg.orbit, mode=cfg.view,
                         shells=cfg.shells)
    except (ValueError, TypeError, OSError) as e:
        raise cli.UsageError(str(e)) from None


def finish(view, cfg):
    """The end of a run: the --html page of the net as it is now, the summary line."""
    model, app = view.model, view.app
    page = {}
    if cfg.html is not None:
        from viz.march import web

        page = cli.write_page(cfg.html, web.write, model, view.camera, mode=view.mode,
                              show=view.show, n_sparks=cfg.sparks, grid=cfg.grid,
                              steps=cfg.steps, orbit=view.auto_orbit)
    frames, fps = (app.frame, app.run_fps()) if app is not None else (0, 0)
    cli.summary(frames=frames, fps=fps, **model.summary(), **page)


def run(cfg):
    """nn-gym march: build the model and the view (bad input exits with code 2 before a window
    opens), run it (or, for a --html page alone, train a while), write the page, print the
    summary line."""
    view = build(cfg)
    if cfg.html is None or cfg.asked():
        gl.run(view, title="nn-gym march", **cfg.run_options())
    elif view.model.training:
        for _ in range(PAGE_FRAMES):
            view.model.update(1 / 60)
    finish(view, cfg)
    return 0


APP = cli.AppSpec(
    "nn-gym march", "Level surfaces f = level + k of a net with 3 inputs (x, y, z) and 1 output, "
    "raymarched inside a sphere; sparks along grad f; a weight diagram edited with the mouse "
    "wheel; optionally trained live towards a shape.", Config, run, build, finish)
