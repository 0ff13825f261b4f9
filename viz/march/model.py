"""The march's model: a net with 3 inputs and 1 output, the animated level its surfaces are
drawn at, and train mode, which fits the net live (through `nn.train`) to the signed distance
of a shape from viz/march/shapes.py. It draws nothing and imports no GL; viz/march/view.py draws it
and turns input into the commands below.

    model = MarchModel(net, train="torus")
    model.update(1 / 60)              # the level moves on, training takes rate / 60 steps
    model.fit_error                   # mean distance of the torus from f = 0, / radius
    model.nudge((0, 2, 1), +1)        # ws[0][2, 1] += STEP (within +-EDIT_LIMIT)
    model.randomise()                 # every weight and bias uniform in WEIGHT_RANGE
    model.version                     # grows whenever the weights change (the view redraws)

Training takes `rate` steps per second of frame time (at most rate / 10 in one frame, so a slow
frame does not pile up work), or exactly `steps_per_frame` per frame when that is given.

Commands return the line a view shows for them (or None). `Config` is the command line
(`nn-gym march --help`): its options, checked before anything is built.
"""

import math
from dataclasses import dataclass

import numpy as np

import nn
from viz import activations, cli
from viz.commands import Commands
from viz.march import shapes

STEP = 0.15                   # change of a weight per nudge (a wheel notch)
WEIGHT_RANGE = (-1.0, 1.0)    # randomised weights are uniform in here
EDIT_LIMIT = 4.0              # nudges take no weight beyond +-EDIT_LIMIT (nor beyond its value)
LEVEL_STEP = 0.05             # the level set by hand: change per key press
RATE = 1000.0                 # training steps per second
FIT_EVERY = 0.25              # seconds of frame time between fit_error measurements
MODES = ("levels", "shape")   # the views of the march (viz/march/view.py)
SIZE = (1000, 620)            # the window's default size
# the largest values of the options that set work per frame (a shader loop, CPU tracing)
MAX = {"rate": 100_000, "batch": 65_536, "steps_per_frame": 10_000, "steps": 1024,
       "sparks": 100_000, "page_sparks": 4096}
PAGE_FRAMES = 600             # frames of 1/60 s trained before a page written alone


def fit_error(net, points, radius, iterations=3):
    """Mean distance from `points` (m, 3) of a target surface to the zero level of `net`, over
    `radius`: each point is moved by Newton steps q -= f(q) grad f / |grad f|^2 onto f = 0 and
    the distance it moved is taken (at most 2 radius: a point whose steps run off counts as
    that far)."""
    q = np.asarray(points, net.dtype)
    for _ in range(iterations):
        f = net.forward(q)[:, 0]                                   # (m,)
        g = net.input_grad(q)[:, 0, :]                             # (m, 1, 3) -> (m, 3)
        q = q - (f / np.maximum(np.sum(g * g, 1), 1e-12))[:, None] * g
    d = np.linalg.norm(q.astype(np.float64) - points, axis=1)
    return float(np.mean(np.minimum(np.nan_to_num(d, nan=2 * radius), 2 * radius)) / radius)


def fit_words(error):
    """A fit_error in words for the status line."""
    quality = ("close fit" if error < 0.02 else "recognisable" if error < 0.05 else
               "rough" if error < 0.15 else "far off")
    return f"mean distance error {error:.3f} of the radius ({quality})"


ARCH, TRAIN_ARCH = (3, 8, 1), (3, 16, 16, 1)     # the default nets: to look at, to train


def new_net(arch=None, act="tanh", seed=0, train=False):
    """A net with weights and biases uniform in WEIGHT_RANGE; arch defaults to ARCH, or with
    train to TRAIN_ARCH (8 tanh neurons cannot make a torus; 16-16 fits one in a second)."""
    lo, hi = WEIGHT_RANGE
    arch = arch or (TRAIN_ARCH if train else ARCH)
    return nn.MLP(list(arch), act=act, init="uniform", low=lo, high=hi, seed=seed)


class MarchModel(Commands):
    """State of the march: `net`, `level` in [0, 1) (animated over `period` seconds unless
    `paused`), and with a `target` (a shapes.TARGETS name or a point cloud file) the training
    state `training`, `step`, `epoch`, `cost`."""

    def __init__(self, net, period=5.0, level=None, train=None, lr=0.01, batch=256,
                 steps_per_frame=None, seed=0, radius=5.0, rate=RATE):
        arch = tuple(net.arch)
        if arch[0] != 3 or arch[-1] != 1:
            raise ValueError(f"net must have 3 inputs and 1 output, got arch "
                             f"{'-'.join(map(str, arch))}")
        if not period > 0:
            raise ValueError(f"period must be > 0 seconds, got {period}")
        spf = 1 if steps_per_frame is None else steps_per_frame
        if not (lr > 0 and rate > 0 and batch >= 1 and spf >= 1 and 0 < radius < math.inf):
            raise ValueError(f"lr, rate and radius must be > 0, batch and steps_per_frame >= 1, "
                             f"got lr={lr}, rate={rate}, radius={radius}, batch={batch}, "
                             f"steps_per_frame={steps_per_frame}")
        self.net, self.period, self.seed, self.radius = net, float(period), seed, float(radius)
        self.level = 0.0 if level is None else float(level) % 1.0
        self.paused = level is not None
        self.lr, self.batch, self.steps_per_frame = lr, batch, steps_per_frame
        self.rate, self.owed = float(rate), 0.0         # steps per second, steps not yet taken
        # a stream of its own: the first randomise must not repeat the net's seeded start
        self.rng = np.random.default_rng([seed, 1])
        self.target, self.training = None, False
        self.step, self.epoch, self.cost = 0, 0, math.nan
        self.surface, self.fit_error, self.fit_due = None, math.nan, 0.0
        self.version = 0
        if train is not None:
            self.train_towards(train)

    @property
    def arch(self):
        return "-".join(map(str, self.net.arch))

    @property
    def previewing(self):
        """Whether the weights change every frame (training): the view then marches the
        sampled field alone."""
        return self.training

    def weights_changed(self):
        self.version += 1

    # -- the frame ----------------------------------------------------------------------------

    def update(self, dt):
        """Advance by dt seconds: the level moves on unless paused; while training, take
        steps_per_frame steps (a divergence stops training and says so)."""
        if not self.paused:
            self.level = (self.level + dt / self.period) % 1.0
        if not self.training:
            return
        try:
            for _ in range(self.steps_due(dt)):
                s = next(self.trainer)
                self.step, self.epoch, self.cost = s.step + 1, s.epoch, s.cost
        except nn.DivergedError as e:
            self.training = False
            self.say(str(e).split(";")[0], 6.0)
            return
        finally:
            self.weights_changed()
        self.fit_due -= dt
        if self.fit_due <= 0:
            self.measure_fit()

    def steps_due(self, dt):
        """Training steps for a frame of dt seconds: steps_per_frame, or what the rate owes."""
        if self.steps_per_frame is not None:
            return self.steps_per_frame
        self.owed += self.rate * dt
        n = min(int(self.owed), math.ceil(self.rate / 10))
        self.owed = min(self.owed - n, 1.0)
        return n

    def measure_fit(self):
        """fit_error of the net against the target's surface points, now."""
        self.fit_due = FIT_EVERY
        if self.surface is not None and len(self.surface):
            self.fit_error = fit_error(self.net, self.surface, self.radius)
        return self.fit_error

    # -- commands -----------------------------------------------------------------------------

    def train_towards(self, target):
        """Start training from the net's current weights towards `target`, step 0."""
        x, t = shapes.target_data(target, radius=self.radius, seed=self.seed)
        self.surface = shapes.surface_points(target, radius=self.radius, seed=self.seed + 1)
        self.target, self.fit_due = target, 0.0
        self.trainer = nn.train(self.net, x, t, opt=nn.Adam(self.lr), epochs=None,
                                batch_size=self.batch, seed=self.seed)
        self.training = True
        self.step, self.epoch, self.cost = 0, 0, math.nan
        self.say(f"training towards {shapes.target_name(target)}", 6.0)

    def next_target(self):
        """Train towards the next shape of shapes.TARGETS (the first after a cloud file)."""
        names = list(shapes.TARGETS)
        k = names.index(self.target) + 1 if self.target in names else 0
        self.train_towards(names[k % len(names)])

    def toggle_training(self):
        if self.target is None:
            self.say("no target to train towards: n picks one", 6.0)
            return
        self.training = not self.training
        self.say(f"training {'on' if self.training else 'paused'}", 6.0)

    def randomise(self):
        """Every weight and bias uniform in WEIGHT_RANGE, as in Rogozhnikov's demo."""
        lo, hi = WEIGHT_RANGE
        for w, b in zip(self.net.ws, self.net.bs):
            w[...] = self.rng.uniform(lo, hi, w.shape)
            b[...] = self.rng.uniform(lo, hi, b.shape)
        self.weights_changed()
        self.say(f"weights randomised (uniform in [{lo:g}, {hi:g}])", 6.0)

    def nudge(self, ref, notches):
        """Move parameter ref = (layer, i, j) (see param) by STEP in the direction of
        `notches`, no further out than +-EDIT_LIMIT (a value already beyond it may only move
        back); returns its new value."""
        old = param(self.net, ref)
        v = float(np.clip(old + STEP * np.sign(notches), min(-EDIT_LIMIT, old),
                          max(EDIT_LIMIT, old)))
        set_param(self.net, ref, v)
        self.weights_changed()
        if self.training:
            self.say(f"weight {v:+.2f}; training goes on and moves it again: t pauses training",
                     6.0)
        return v

    def toggle_pause(self):
        self.paused = not self.paused
        self.say("level paused" if self.paused else "level animating", 6.0)

    def step_level(self, delta=LEVEL_STEP):
        """Set the level by hand (pauses the animation)."""
        self.paused = True
        self.level = (self.level + delta) % 1.0
        self.say(f"level {self.level:.2f}", 6.0)

    # -- reports ------------------------------------------------------------------------------

    def summary(self):
        """The model's part of the run's summary line: arch, and with a target task, step,
        epoch, cost and fit_error (measured now)."""
        out = {"arch": self.arch}
        if self.target is not None:
            out.update(task=shapes.target_name(self.target), step=self.step, epoch=self.epoch,
                       cost=self.cost, fit_error=self.measure_fit())
        return out


MarchModel.COMMANDS = {
    "randomise": lambda m, _: m.randomise(), "pause": lambda m, _: m.toggle_pause(),
    "level": MarchModel.step_level, "train": lambda m, _: m.toggle_training(),
    "target": lambda m, _: m.next_target()}


def param(net, ref):
    """The parameter ref = (layer, i, j) of net: ws[layer][i, j], or the bias bs[layer][j] when
    i is the layer's fan-in (the row a bias takes in nn.h's augmented matrices)."""
    l, i, j = ref
    return float(net.bs[l][j] if i == net.arch[l] else net.ws[l][i, j])


def set_param(net, ref, value):
    """Set the parameter ref = (layer, i, j) of net (see param)."""
    l, i, j = ref
    if i == net.arch[l]:
        net.bs[l][j] = value
    else:
        net.ws[l][i, j] = value


# ---------------------------------------------------------------------------------------------
# the command line


@dataclass
class Config(cli.Output):
    """nn-gym march's options."""

    MIN_SIZE = (640, 400)          # the render beside the weight diagram, both readable

    arch: str = cli.opt(None, f"layer sizes, 3 inputs and 1 output (hidden layers up to 8 in "
                        f"all, e.g. 3,32,32,32,32,1; default {','.join(map(str, ARCH))}, with "
                        f"--train {','.join(map(str, TRAIN_ARCH))})", metavar="SIZES")
    act: str = cli.opt("tanh", "hidden activation: " + ", ".join(activations.glsl_names()))
    seed: int = cli.opt(0, "seed of the random weights")
    load: str = cli.opt(None, "start from saved weights", metavar="MODEL.npz")
    train: str = cli.opt(None, f"fit the net live to a shape's signed distance: "
                         f"{', '.join(shapes.TARGETS)} (knot: a point cloud along a trefoil), "
                         f"or a point cloud file ({', '.join(shapes.CLOUD_FILES)}: x y z per "
                         f"point) grown into a surface", metavar="TARGET")
    lr: float = cli.opt(0.01, "Adam learning rate")
    batch: int = cli.opt(256, "batch size")
    rate: float = cli.opt(RATE, "training steps per second")
    steps_per_frame: int = cli.opt(None, "exactly this many training steps per frame instead "
                                   "of --rate per second", metavar="N")
    view: str = cli.opt(None, "levels (every surface f = level + k) or shape (f = 0 alone, "
                        "the default with --train)", choices=MODES)
    shells: bool = cli.opt(False, "shape view: the other levels as faint shells")
    period: float = cli.opt(5.0, "seconds per cycle of the animated level (> 0)")
    level: float = cli.opt(None, "start paused at this level (0..1) instead of animating")
    radius: float = cli.opt(5.0, "bounding sphere radius, 1..100")
    steps: int = cli.opt(64, f"scan samples per ray, 1..{MAX['steps']}")
    grid: int = cli.opt(64, "resolution of the sampled field the fast scan reads, 2..512")
    naive: bool = cli.opt(False, "evaluate the exact net at every scan sample, whatever the "
                          "net (the default picks the faster path per net and state)")
    sparks: int = cli.opt(512, f"number of sparks, 1..{MAX['sparks']}")
    orbit: bool = cli.opt(False, "orbit the camera slowly")
    size: str = cli.opt("x".join(map(str, SIZE)), "window size WxH, from {min_size} to "
                        "8192x8192", metavar="WxH")
    html: str = cli.opt(None, "also write one self-contained web page of the net (WebGL2, no "
                        "network): after the window closes, or alone (with --train after "
                        f"{PAGE_FRAMES // 60} s of training)", metavar="OUT.html")

    def check(self):
        super().check()
        for name, text, ok in (
                ("lr", "a positive number", lambda v: v > 0),
                ("period", "a positive number of seconds", lambda v: v > 0),
                ("radius", "in [1, 100]", lambda v: 1 <= v <= 100),
                ("rate", f"in (0, {MAX['rate']:g}] steps per second",
                 lambda v: 0 < v <= MAX["rate"]),
                ("level", "a number (0..1 is one cycle)", lambda v: True)):
            v = getattr(self, name)
            if v is not None or name != "level":
                cli.require(cli.finite(v) and ok(v), cli.flag(name), text, v)
        cli.require(self.seed >= 0, "--seed", "a non-negative integer", self.seed)
        cli.check_page(self.html)
        if self.html is not None:
            cli.require(self.sparks <= MAX["page_sparks"], "--sparks",
                        f"in 1..{MAX['page_sparks']} with --html", self.sparks)
        cli.require(2 <= self.grid <= 512, "--grid", "in 2..512 (samples per side)", self.grid)
        for name in ("batch", "steps_per_frame", "steps", "sparks"):
            v = getattr(self, name)
            if v is not None or name != "steps_per_frame":
                cli.require(1 <= v <= MAX[name], cli.flag(name), f"in 1..{MAX[name]}", v)
        if self.load is None and self.arch is not None:
            arch = cli.parse_ints(self.arch, "--arch", "3,8,1")
            cli.require(len(arch) >= 2 and arch[0] == 3 and arch[-1] == 1 and min(arch) >= 1,
                        "--arch", "sizes that start with 3 inputs and end with 1 output",
                        self.arch)

    def net(self):
        """The net to show: loaded, or new with weights uniform in WEIGHT_RANGE (ARCH, or
        TRAIN_ARCH with --train)."""
        if self.load is not None:
            return nn.MLP.load(self.load)
        arch = self.arch and cli.parse_ints(self.arch, "--arch", "3,8,1")
        return new_net(arch, self.act, self.seed, train=self.train is not None)
