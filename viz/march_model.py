"""The march's model: a net with 3 inputs and 1 output, the animated level its surfaces are
drawn at, and train mode, which fits the net live (through `nn.train`) to the signed distance
of a shape from viz/shapes.py. It draws nothing and imports no GL; viz/march_view.py draws it
and turns input into the commands below.

    model = MarchModel(net, train="torus")
    model.update(1 / 60)              # the level moves on, training takes steps_per_frame steps
    model.nudge((0, 2, 1), +1)        # ws[0][2, 1] += STEP (clamped to WEIGHT_RANGE)
    model.randomise()                 # every weight and bias uniform in WEIGHT_RANGE
    model.version                     # grows whenever the weights change (the view redraws)

Commands return the line a view shows for them (or None).
"""

import math

import numpy as np

import nn
from viz import shapes, weights

STEP = 0.15                   # change of a weight per nudge (a wheel notch)
WEIGHT_RANGE = (-1.0, 1.0)    # randomised weights and nudged ones stay in here
LEVEL_STEP = 0.05             # the level set by hand: change per key press


class MarchModel:
    """State of the march: `net`, `level` in [0, 1) (animated over `period` seconds unless
    `paused`), and with a `target` (a shapes.TARGETS name or a point cloud file) the training
    state `training`, `step`, `epoch`, `cost`."""

    def __init__(self, net, period=5.0, level=None, train=None, lr=0.01, batch=256,
                 steps_per_frame=4, seed=0, radius=5.0):
        arch = tuple(net.arch)
        if arch[0] != 3 or arch[-1] != 1:
            raise ValueError(f"net must have 3 inputs and 1 output, got arch "
                             f"{'-'.join(map(str, arch))}")
        if not period > 0:
            raise ValueError(f"period must be > 0 seconds, got {period}")
        if not (lr > 0 and batch >= 1 and steps_per_frame >= 1 and radius > 0):
            raise ValueError(f"lr and radius must be > 0, batch and steps_per_frame >= 1, got "
                             f"lr={lr}, radius={radius}, batch={batch}, "
                             f"steps_per_frame={steps_per_frame}")
        self.net, self.period, self.seed, self.radius = net, float(period), seed, float(radius)
        self.level = 0.0 if level is None else float(level) % 1.0
        self.paused = level is not None
        self.lr, self.batch, self.steps_per_frame = lr, batch, steps_per_frame
        # a stream of its own: the first randomise must not repeat the net's seeded start
        self.rng = np.random.default_rng([seed, 1])
        self.target, self.training = None, False
        self.step, self.epoch, self.cost = 0, 0, math.nan
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
        steps_per_frame steps. Returns a line to show when training stopped by itself."""
        if not self.paused:
            self.level = (self.level + dt / self.period) % 1.0
        if not self.training:
            return None
        try:
            for _ in range(self.steps_per_frame):
                s = next(self.trainer)
                self.step, self.epoch, self.cost = s.step + 1, s.epoch, s.cost
        except nn.DivergedError as e:
            self.training = False
            return str(e).split(";")[0]
        finally:
            self.weights_changed()
        return None

    # -- commands -----------------------------------------------------------------------------

    def train_towards(self, target):
        """Start training from the net's current weights towards `target`, step 0."""
        x, t = shapes.target_data(target, radius=self.radius, seed=self.seed)
        self.target = target
        self.trainer = nn.train(self.net, x, t, opt=nn.Adam(self.lr), epochs=None,
                                batch_size=self.batch, seed=self.seed)
        self.training = True
        self.step, self.epoch, self.cost = 0, 0, math.nan
        return f"training towards {shapes.target_name(target)}"

    def next_target(self):
        """Train towards the next shape of shapes.TARGETS (the first after a cloud file)."""
        names = list(shapes.TARGETS)
        k = names.index(self.target) + 1 if self.target in names else 0
        return self.train_towards(names[k % len(names)])

    def toggle_training(self):
        if self.target is None:
            return "no target to train towards: n picks one"
        self.training = not self.training
        return f"training {'on' if self.training else 'paused'}"

    def randomise(self):
        """Every weight and bias uniform in WEIGHT_RANGE, as in Rogozhnikov's demo."""
        lo, hi = WEIGHT_RANGE
        for w, b in zip(self.net.ws, self.net.bs):
            w[...] = self.rng.uniform(lo, hi, w.shape)
            b[...] = self.rng.uniform(lo, hi, b.shape)
        self.weights_changed()
        return f"weights randomised (uniform in [{lo:g}, {hi:g}])"

    def nudge(self, ref, notches):
        """Move parameter ref = (layer, i, j) (see weights.get) by STEP in the direction of
        `notches`, clamped to WEIGHT_RANGE; returns its new value."""
        v = float(np.clip(weights.get(self.net, ref) + STEP * np.sign(notches), *WEIGHT_RANGE))
        weights.put(self.net, ref, v)
        self.weights_changed()
        return v

    def toggle_pause(self):
        self.paused = not self.paused
        return "level paused" if self.paused else "level animating"

    def step_level(self, delta=LEVEL_STEP):
        """Set the level by hand (pauses the animation)."""
        self.paused = True
        self.level = (self.level + delta) % 1.0
        return f"level {self.level:.2f}"

    # -- reports ------------------------------------------------------------------------------

    def summary(self):
        """The model's part of the run's summary line: arch, and with a target task, step,
        epoch, cost."""
        out = {"arch": self.arch}
        if self.target is not None:
            out.update(task=shapes.target_name(self.target), step=self.step, epoch=self.epoch,
                       cost=self.cost)
        return out
