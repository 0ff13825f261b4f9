"""nn-gym march: the level surfaces of a 3-input net (viz/march.py) with sparks (viz/sparks.py)
beside its weight diagram (viz/weights.py). The view draws a MarchModel (viz/march_model.py)
and turns keys, the wheel and the mouse into its commands; it trains nothing.

    model = MarchModel(nn.MLP([3, 8, 1], init="uniform", low=-1, high=1, seed=0))
    view = MarchView(model)                     # surfaces, sparks, weight editor
    gl.run(view, 1000, 620, headless=True, frames=60, screenshot="march.png")

The command line (`nn-gym march --help`) comes from `Config`; `run` builds the model and the
view, runs it and prints the summary line.
"""

import math
from dataclasses import dataclass

import numpy as np

import nn
from viz import activations, chrome, cli, files, gl, plot, shapes
from viz.march import Camera, Marcher, check_net
from viz.march_model import LEVEL_STEP, STEP, WEIGHT_RANGE, MarchModel
from viz.sparks import Sparks
from viz.theme import ACCENT, DIM, TEXT
from viz.weights import WeightDiagram

SIZE = (1000, 620)           # the window's default size
BG = (0.05, 0.055, 0.07)
AXIS_COLORS = ((0.95, 0.35, 0.35), (0.4, 0.9, 0.4), (0.4, 0.6, 1.0))
SHOWN = ("surfaces", "sparks", "axes")

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
    chrome.Key("t", "train", "train mode: pause / resume training", short="train"),
    chrome.Key("n", "target", "train towards the next target shape", short="target"),
    chrome.Key("o", "orbit", "slow automatic orbit on / off", short="orbit"),
    chrome.Key("s", "png", "save a PNG (march.png, march-2.png, ...: never overwritten)",
               short="png"),
    chrome.Key("g", "gif", "start / stop a GIF recording (march.gif, march-2.gif, ...)",
               short="gif"),
    chrome.Key("h", "help", "show / hide this help", short="help"),
], extra_help=[("drag", "orbit the camera (over the render)"),
               ("wheel", f"over the render: zoom; over a circle: that weight +-{STEP:g}"),
               ("esc", "quit")])

# key commands the model carries out: name -> (method name, whether it takes the key's arg)
MODEL_COMMANDS = {"randomise": ("randomise", False), "pause": ("toggle_pause", False),
                  "level": ("step_level", True), "train": ("toggle_training", False),
                  "target": ("next_target", False)}


def fit(painter, texts, width, size):
    """The first of `texts` (longest first) that fits in `width` pixels, else the last."""
    for text in texts:
        if painter.text_width(text, size) <= width:
            return text
    return texts[-1]


class MarchView(gl.View):
    """Level surfaces of model.net beside its weight diagram. grid, steps, naive: the
    raymarch's (viz/march.Marcher); n_sparks; orbit: start orbiting slowly."""

    depth = True                # the surfaces write depth; sparks behind them are dimmed

    def __init__(self, model, grid=64, steps=64, naive=False, n_sparks=512, orbit=False):
        check_net(model.net)
        self.model = model
        self.options = dict(grid=grid, steps=steps, radius=model.radius, naive=naive)
        self.n_sparks, self.auto_orbit = n_sparks, orbit
        self.camera = Camera()
        self.diagram = WeightDiagram(model.net.arch)
        self.show = dict.fromkeys(SHOWN, True)
        self.time, self.message, self.message_until = 0.0, "", 0.0
        self.mouse = self.drag_from = None
        self.show_help = False
        self.drawn_version = None           # the model's weights version the GPU holds
        self.layout(*SIZE)

    def say(self, text, seconds=3.0):
        if text:
            self.message, self.message_until = text, self.time + seconds

    def on_notice(self, text):
        self.say(text, 6.0)

    # -- frame loop -------------------------------------------------------------------------

    def setup(self):
        ctx, net = self.ctx, self.model.net
        self.painter = gl.Painter(ctx)
        self.colorbar = plot.Colorbar(ctx)
        self.marcher = Marcher(ctx, net, **self.options)
        self.sparks = Sparks(ctx, n=self.n_sparks, radius=self.model.radius,
                             seed=self.model.seed)

    def update(self, dt):
        self.time += dt
        if self.auto_orbit:
            self.camera.orbit(0.25 * dt, 0.0)
        self.say(self.model.update(dt), 6.0)
        if self.drawn_version != self.model.version:
            self.marcher.set_net(self.model.net)
            self.sparks.update(self.model.net)
            self.drawn_version = self.model.version

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
        level = self.model.level
        if self.show["surfaces"]:
            m.render(fbo, viewport, self.camera, level, preview=self.model.previewing)
        if self.show["sparks"]:
            fbo.viewport = viewport
            self.sparks.draw(self.camera.view_proj(1.0), level, m.lo, m.hi)
        fbo.viewport = full
        with p.target(fbo, full):
            if self.show["axes"]:
                self.draw_axes(p, b["render"], labels=True)
            self.draw_render_labels(p, b)
            self.draw_diagram(p, b)
            chrome.status_bar(p, b["status"], self.status())
            self.draw_help(p, b["help"], width, height)

    # -- panels -----------------------------------------------------------------------------

    def draw_sphere_outline(self, p, box):
        x, y, w, h = box
        r, dist = self.model.radius, self.camera.distance
        if dist <= r:
            return
        f = 1.0 / math.tan(math.radians(self.camera.fov) / 2)
        pix = math.tan(math.asin(r / dist)) * f * h / 2
        p.discs([[x + w / 2, y + h / 2]], pix, (0.08, 0.09, 0.12), outline=(0.25, 0.27, 0.33),
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
        self.colorbar.draw(p, "level", lo, hi, (lx, ly, lw, lh), label="f over the sphere's cube")
        k, values = self.surface_values()
        xs = lx + (values - lo) / max(hi - lo, 1e-9) * lw
        if len(xs):
            p.lines(np.c_[xs, np.full(len(xs), ly - 4)], np.c_[xs, np.full(len(xs), ly + lh)],
                    2.0, (1, 1, 1, 0.9))
        state = "paused" if model.paused else f"animating, period {model.period:g} s"
        shown = f"k = {int(k[0])}..{int(k[-1])}" if len(k) else "none"
        p.text(fit(p, [f"level = {model.level:.2f} ({state});  surfaces shown (white ticks): "
                       f"{shown}", f"level = {model.level:.2f};  surfaces {shown}"], lw, 11),
               lx, ly - 19, size=11, color=TEXT)

    def draw_diagram(self, p, b):
        x, y, w, h = b["diagram"]
        net, n = self.model.net, self.hover()
        p.text(fit(p, ["the net's weights and biases, one circle each", "weights and biases"],
                   w, 13), x, y - 38, size=13, color=TEXT)
        p.text(fit(p, ["rows and columns: x y z, bias 1 -> hidden h -> output f",
                       "x y z, 1 -> h -> f"], w, 11), x, y - 19, size=11, color=DIM)
        self.diagram.draw(p, net, hover=n)
        lx, ly, lw, lh = b["weights"]
        self.colorbar.draw(p, "diverging", -1.0, 1.0, (lx, ly, lw, lh), label="weight")
        lo, hi = WEIGHT_RANGE
        if n is not None:
            text = fit(p, [self.diagram.describe(net, n) + f"   (wheel: +-{STEP:g})",
                           self.diagram.describe(net, n)], w, 11)
        else:
            text = fit(p, [f"wheel over a circle: that weight +-{STEP:g} (clamped to "
                           f"[{lo:g}, {hi:g}])", f"wheel: weight +-{STEP:g}"], w, 11)
        p.text(text, lx, ly - 20, size=11, color=ACCENT if n is not None else DIM)

    def hover(self):
        return None if self.mouse is None else self.diagram.at(*self.mouse)

    def status(self):
        """The status line's parts."""
        model, m = self.model, self.marcher
        acts = ",".join(dict.fromkeys(model.net.acts[:-1]))
        grid = self.options["grid"]
        parts = [f"net {model.arch} {acts}", f"f in [{m.lo:.2f}, {m.hi:.2f}]",
                 f"preview: {grid}^3 field, ±{m.band:.3f}" if model.previewing else
                 "naive march" if self.options["naive"] else
                 f"field {grid}^3, band {m.band:.3f}"]
        if model.target is not None:
            state = "training" if model.training else "training paused"
            parts.append(f"{state} on {shapes.target_name(model.target)}: step {model.step}, "
                         f"cost {model.cost:.4g}")
        app = self.app
        if app is not None:
            if app.fps > 0:
                parts.append(f"{app.fps:.0f} fps")
            if app.recording:
                parts.append("REC")
            if app.saving:
                parts.append("saving...")
        return parts

    def draw_help(self, p, box, width, height):
        message = self.message if self.time < self.message_until else None
        chrome.key_bar(p, box, "drag orbit  wheel zoom / weight  " + KEYS.bar(), message)
        if self.show_help:
            chrome.help_overlay(p, width, height, KEYS.rows())

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
            self.camera.zoom(0.9 ** sy)

    def on_key_press(self, symbol, modifiers):
        return KEYS.handle(symbol, modifiers, self.command)

    def command(self, name, arg=None):
        """A key's command: the model's (MODEL_COMMANDS) or the view's own."""
        if name in MODEL_COMMANDS:
            method, takes_arg = MODEL_COMMANDS[name]
            fn = getattr(self.model, method)
            self.say(fn(arg) if takes_arg else fn())
        elif name == "show":
            self.show[arg] = not self.show[arg]
            self.say(f"{arg} {'on' if self.show[arg] else 'off'}")
        elif name == "orbit":
            self.auto_orbit = not self.auto_orbit
        elif name == "help":
            self.show_help = not self.show_help
        elif name == "png":
            self.say(files.save_frame(self.app, "march"), 6.0)
        elif name == "gif":
            self.say(files.toggle_gif(self.app, "march"), 6.0)
        else:
            raise ValueError(f"unknown command {name!r}")


# ---------------------------------------------------------------------------------------------
# the command line


@dataclass
class Config(cli.Output):
    """nn-gym march's options."""

    arch: str = cli.opt("3,8,1", "layer sizes, 3 inputs and 1 output (hidden layers up to 8 in "
                        "all, e.g. 3,32,32,32,32,1)", metavar="SIZES")
    act: str = cli.opt("tanh", "hidden activation: " + ", ".join(activations.glsl_names()))
    seed: int = cli.opt(0, "seed of the random weights")
    load: str = cli.opt(None, "start from saved weights", metavar="MODEL.npz")
    train: str = cli.opt(None, f"fit the net live to a shape's signed distance: "
                         f"{', '.join(shapes.TARGETS)} (knot: a point cloud along a trefoil), "
                         f"or a point cloud file ({', '.join(shapes.CLOUD_FILES)}: x y z per "
                         f"point) grown into a surface", metavar="TARGET")
    lr: float = cli.opt(0.01, "Adam learning rate")
    batch: int = cli.opt(256, "batch size")
    steps_per_frame: int = cli.opt(4, "training steps per frame")
    period: float = cli.opt(5.0, "seconds per cycle of the animated level")
    level: float = cli.opt(None, "start paused at this level (0..1) instead of animating")
    radius: float = cli.opt(5.0, "bounding sphere radius")
    steps: int = cli.opt(64, "scan samples per ray")
    grid: int = cli.opt(64, "resolution of the sampled field the fast scan reads")
    naive: bool = cli.opt(False, "evaluate the exact net at every scan sample (slow; for "
                          "comparison)")
    sparks: int = cli.opt(512, "number of sparks")
    orbit: bool = cli.opt(False, "orbit the camera slowly")
    size: str = cli.opt("x".join(map(str, SIZE)), "window size WxH", metavar="WxH")

    def check(self):
        super().check()
        cli.require(cli.finite(self.lr) and self.lr > 0, "--lr", "a positive number", self.lr)
        cli.require(cli.finite(self.period) and self.period > 0, "--period",
                    "a positive number of seconds", self.period)
        cli.require(cli.finite(self.radius) and self.radius > 0, "--radius", "a positive number",
                    self.radius)
        for name in ("batch", "steps_per_frame", "steps", "sparks"):
            cli.require(getattr(self, name) >= 1, cli.flag(name), ">= 1", getattr(self, name))
        if self.load is None:
            arch = cli.parse_ints(self.arch, "--arch", "3,8,1")
            cli.require(len(arch) >= 2 and arch[0] == 3 and arch[-1] == 1 and min(arch) >= 1,
                        "--arch", "sizes that start with 3 inputs and end with 1 output",
                        self.arch)

    def net(self):
        """The net to show: loaded, or new with weights uniform in WEIGHT_RANGE."""
        if self.load is not None:
            return nn.MLP.load(self.load)
        lo, hi = WEIGHT_RANGE
        return nn.MLP(cli.parse_ints(self.arch, "--arch", "3,8,1"), act=self.act,
                      init="uniform", low=lo, high=hi, seed=self.seed)


def run(cfg):
    """nn-gym march: build the model and the view (bad input exits with code 2 before a window
    opens), run it, print the summary line."""
    try:
        model = MarchModel(cfg.net(), period=cfg.period, level=cfg.level, train=cfg.train,
                           lr=cfg.lr, batch=cfg.batch, steps_per_frame=cfg.steps_per_frame,
                           seed=cfg.seed, radius=cfg.radius)
        view = MarchView(model, grid=cfg.grid, steps=cfg.steps, naive=cfg.naive,
                         n_sparks=cfg.sparks, orbit=cfg.orbit)
    except (ValueError, TypeError, OSError) as e:
        raise cli.UsageError(str(e)) from None
    cfg.run(view, "nn-gym march")
    cli.summary(frames=view.app.frame, fps=view.app.run_fps(), **model.summary())
    return 0


APP = cli.AppSpec(
    "nn-gym march", "Level surfaces f = level + k of a net with 3 inputs (x, y, z) and 1 output, "
    "raymarched inside a sphere; sparks along grad f; a weight diagram edited with the mouse "
    "wheel; optionally trained live towards a shape.", Config, run)
