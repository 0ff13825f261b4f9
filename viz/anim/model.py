"""nn-gym anim's model: a net learning the hand-drawn shapes (or a 2-D toy) through `nn.train`,
and the clock of the animated pass shown every `every` steps. It draws nothing and imports no
GL; viz/anim/view.py draws it.

    anim = Anim(Config())                 # shapes, 784-32-16-16-4 relu, softmax, ce, Adam
    anim.advance(1 / 60)                  # the clock: phases, then `every` steps, a new example
    anim.phase_name()                     # ("forward", 2): layer 2 is being lit
    anim.example.acts, anim.example.deltas
    anim.summary()                        # {"task": "shapes", ..., "test_acc": 0.97, ...}

An example's pass: one sample through the net, in training mode (dropout masks drawn, as
`nn.MLP.backprop` draws them from a Generator) while training, in test mode after it. Its phases:
the input, each layer left to right, then the backward pass from the output back to layer 1.
The deltas (dcost/dz per neuron) and edge gradients are `nn.MLP.backprop`'s for that sample
and those masks.

Image tasks (the shapes, real handwritten digits) see every picture through
`sketches.normalize`: the training and test images, and the drawing pad's picture, drawn at
PAD_SCALE times the net's resolution (the digits' pad at their 32 x 32 bitmaps' own).

"unknown": a top class probability under `threshold`, calibrated at every curve point as the
UNKNOWN_QUANTILE quantile of the top probability over the calibration images the net classifies
right (95% of its right answers stay known). For image tasks those are held out and not the
generator's own (the shapes: viz.pointer's pad-like drawings; the digits: real digits kept out of
training); for 2-D tasks the test points. `unknown` in the summary is the fraction of test
images under it. (Temperature scaling fitted on the same images moved no wrong answer of an
independent set under the threshold, so the probabilities shown are the net's own.)

For 2-D tasks each layer (the input and every hidden layer) has a softmax probe, a one-layer
net trained through `nn.train` on that layer's activations: the plane classified by each
probe is Granville's view, one frame per layer.
"""

import math
from dataclasses import dataclass, field

import numpy as np

import nn
from viz import cli, data, pointer, sketches
from viz.anim.tasks import IMAGE_TASKS, calibrate, load, reopen, save, verdict
from viz.commands import Commands
from viz.curves import Curves

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)     # phases per second, up / down
PROBE_STEPS = 30            # probe training steps per cycle (full batch, Adam)
PROBE_RES = 48              # probe maps: PROBE_RES x PROBE_RES points of the plane
PLANES = tuple(name for name, s in data.DATASETS.items() if s.toy is not None)


@dataclass
class Config(cli.Output):
    """What nn-gym anim trains and how it animates the pass."""

    MIN_SIZE = (480, 360)

    data: str = cli.opt("shapes", "task: shapes (hand-drawn circle, square, triangle, other), "
                        "digits (scikit-learn's 8x8 handwritten digits) or a 2-D dataset for "
                        "the per-layer probes", choices=tuple(IMAGE_TASKS) + PLANES)
    arch: str = cli.opt(None, "layer sizes (default 784,32,16,16,4 for shapes, 64,32,16,16,10 "
                        "for digits, 2,16,...,16,classes with 8 hidden layers for 2-D data)",
                        metavar="SIZES")
    act: str = cli.opt("relu", "hidden activation")
    lr: float = cli.opt(0.003, "Adam's learning rate")
    batch: int = cli.opt(32, "batch size")
    dropout: float = cli.opt(0.1, "inverted dropout on the hidden layers while training")
    every: int = cli.opt(25, "training steps between animated examples")
    steps: int = cli.opt(2000, "training steps in all (the default training time); then the "
                         "trained net keeps being animated on test images (0: no end)")
    speed: float = cli.opt(4.0, "phases per second (up / down change it)")
    n_train: int = cli.opt(None, "training images (default 3000) or 2-D points (default 400)",
                           metavar="N")
    n_test: int = cli.opt(None, "test images (default 500 shapes, 300 digits) or points "
                          "(default 500)", metavar="N")
    pixels: int = cli.opt(28, "image side of the shapes (8..64)")
    noise: float = cli.opt(0.05, "noise std of the 2-D datasets")
    seed: int = cli.opt(0, "seed of the data, the weights and the examples shown")
    save: str = cli.opt(None, "write the trained net (nn.MLP.save's file) with its task "
                        "settings (an anim.json member) when the run ends", metavar="MODEL.npz")
    load: str = cli.opt(None, "reopen a net saved by w or --save with its task, trained: draw "
                        "on it at once", metavar="MODEL.npz")
    classify: tuple = cli.opt(None, "with --load: print `PATH: CLASS P` for each picture (any "
                              "size, dark ink on light paper or the reverse) and exit",
                              metavar="PICTURE", nargs="+")

    def check(self):
        cli.require(cli.finite(self.lr) and self.lr > 0, "--lr", "a positive number", self.lr)
        cli.require(self.batch >= 1, "--batch", ">= 1", self.batch)
        cli.require(cli.finite(self.dropout) and 0 <= self.dropout < 1, "--dropout",
                    "in [0, 1)", self.dropout)
        cli.require(self.every >= 1, "--every", ">= 1", self.every)
        cli.require(self.steps >= 0, "--steps", ">= 0", self.steps)
        cli.require(cli.finite(self.speed) and self.speed > 0, "--speed", "a finite number > 0",
                    self.speed)
        cli.require(self.n_train is None or self.n_train >= 8, "--n-train", ">= 8",
                    self.n_train)
        cli.require(self.n_test is None or self.n_test >= 4, "--n-test", ">= 4", self.n_test)
        cli.require(8 <= self.pixels <= 64, "--pixels", "in 8..64", self.pixels)
        cli.require(self.seed >= 0, "--seed", "a non-negative integer", self.seed)
        cli.require(self.act in nn.ACTIVATIONS and self.act != "softmax", "--act",
                    "a hidden activation of nn.ACTIVATIONS", self.act)
        if self.arch is not None:
            arch = cli.parse_ints(self.arch, "--arch", "784,32,16,16,4")
            cli.require(len(arch) >= 2 and min(arch) >= 1, "--arch",
                        "at least 2 sizes, all >= 1", self.arch)
        if self.save is not None:
            cli.require(self.save.endswith(".npz"), "--save", "a path ending in .npz",
                        self.save)
        if self.classify:
            cli.require(self.load is not None, "--classify", "given with --load MODEL.npz",
                        " ".join(self.classify))
            return
        super().check()


@dataclass
class Example:
    """One sample's pass. acts[l]: layer l's activations (layer 0 the input), outs[l]: what
    layer l hands on (acts times the dropout mask), dropped[l]: bool or None; deltas[l] and
    grads[l] (l >= 1): dcost/dz of layer l and dcost/dW_l, None without a label."""

    x: np.ndarray
    label: int                  # None for the drawing pad
    index: int                  # in its set; -1 for the pad
    source: str                 # "train", "test" or "pad"
    acts: list
    outs: list
    dropped: list
    deltas: list = None
    grads: list = None
    probs: np.ndarray = field(default=None)


class Anim(Commands):
    """Training state (ds, net, opt, curves) and the animated pass (example, phase, progress,
    speed, paused); the drawing pad (pad, an image); the unknown threshold; probes."""

    def __init__(self, cfg):
        loaded, task = load(cfg.load) if cfg.load else (None, None)
        if loaded is not None:
            reopen(cfg, loaded, task)
        self.cfg = cfg
        self.task = IMAGE_TASKS[cfg.data](cfg) if cfg.data in IMAGE_TASKS else None
        self.ds = self.task.ds if self.task else self._dataset()
        self.image = (self.task.side,) * 2 if self.task else None
        self.class_names = self.task.classes if self.task else \
            tuple(f"class {k}" for k in range(self.ds.classes))
        arch = self._arch() if loaded is None else self._fits(loaded.arch, cfg.load)
        self.net = loaded or nn.MLP(arch, act=cfg.act, out_act="softmax", seed=cfg.seed,
                                    dropout=cfg.dropout)
        self.loss = "ce"
        self.t = self.ds.targets(arch[-1])
        self.t_test = self.ds.targets(arch[-1], test=True)
        self.opt = nn.Adam(cfg.lr)
        self.steps = nn.train(self.net, self.ds.x, self.t, self.loss, self.opt, epochs=None,
                              batch_size=min(cfg.batch, len(self.ds.x)), seed=cfg.seed)
        self.step = self.epoch = 0
        self.owed = 0                 # steps still to train before the next example (-1: just
        self.ended = None             # a point to record), after the pass of `ended`
        self.rng = np.random.default_rng(cfg.seed + 1)        # examples and their masks
        self.curves = Curves(("train", "test", "train acc", "test acc"))
        self.threshold, self.unknown = 1.0 / arch[-1], math.nan
        self.speed = cfg.speed
        self.paused = False
        self.notice = None
        self.pad = np.zeros((self.task.pad,) * 2, np.float32) if self.task else None
        self.pad_version = 0           # counts the pad's changes (the view uploads on change)
        if task is not None:           # a loaded net is trained: its run ends where it did
            self.step, self.epoch = int(task.get("step", 0)), int(task.get("epoch", 0))
            cfg.steps = max(self.step, 1)
            self._restore_curves(task.get("curves"))
        self.probes = None if self.image else [
            nn.MLP([n, arch[-1]], act="linear", out_act="softmax", seed=cfg.seed + l)
            for l, n in enumerate(arch[:-1])]
        self.probe_opts = None if self.image else [nn.Adam(0.05) for _ in arch[:-1]]
        self.probe_acc = None
        self.record_point()
        self.new_example()

    def _restore_curves(self, saved):
        """The curves a saved run drew (as `save` wrote them), if the file has them."""
        if not isinstance(saved, dict) or not isinstance(saved.get("step"), list):
            return
        try:
            for k, step in enumerate(saved["step"]):
                self.curves.add(step, **{n: float(saved[n][k]) for n in self.curves.names})
        except (KeyError, IndexError, TypeError, ValueError):
            self.curves.clear()

    def _dataset(self):
        cfg = self.cfg
        n, n_test = cfg.n_train or 400, cfg.n_test or 500
        return data.make(cfg.data, n_train=n, noise=cfg.noise,
                         test_frac=n_test / (n + n_test), seed=cfg.seed)

    def _arch(self):
        ds, cfg = self.ds, self.cfg
        k = max(ds.classes, 2)
        if cfg.arch is None:
            return [ds.n_in, 32, 16, 16, k] if self.image else [ds.n_in] + [16] * 8 + [k]
        return self._fits(cli.parse_ints(cfg.arch, "--arch", "784,32,16,16,4"), cfg.arch,
                          "--arch")

    def _fits(self, arch, text, name="--load"):
        k, n_in = max(self.ds.classes, 2), self.ds.n_in
        if arch[0] != n_in or arch[-1] != k:
            raise ValueError(f"{name} must start with {n_in} inputs and end with {k} outputs "
                             f"for --data {self.cfg.data}, got {text}")
        return list(arch)

    # -- training --------------------------------------------------------------------------

    @property
    def training(self):
        return self.cfg.steps == 0 or self.step < self.cfg.steps

    def train(self, n):
        """n training steps through nn.train (fewer if --steps ends first), then a curve
        point, the threshold and the probes."""
        self.owed = self._capped(n)
        self._pay(None)

    def settle(self):
        """Train what is still owed between two examples, record its point and go on to the
        next example (before a save, and when the run ends)."""
        if self.owed:
            self._pay(None)                              # no limit: all of it at once
            if self.example is self.ended:
                self.new_example()

    def _capped(self, n):
        return max(min(n, self.cfg.steps - self.step) if self.cfg.steps else n, 0)

    def _pay(self, limit):
        """Train the `owed` steps, then record a point if there were any; with a limit, at
        most that many steps per call, and the point in a call of its own. True when all is
        done."""
        if self.owed < 0:                                # the steps are done, not the point
            self.owed = 0
            self.record_point()
            return True
        n = self.owed if limit is None else min(self.owed, limit)
        for _ in range(n):
            s = next(self.steps)
            self.step, self.epoch = s.step + 1, s.epoch
        self.owed -= n
        if self.owed or n == 0:
            return not self.owed
        if limit is not None:
            self.owed = -1
            return False
        self.record_point()
        return True

    def train_all(self):
        """Train to the end of --steps, `every` steps at a time (what the animation does)."""
        while self.training:
            self.train(self.cfg.every)

    def record_point(self):
        ds, net = self.ds, self.net
        train, acc = net.evaluate(ds.x, self.t, self.loss)
        y = net.forward(ds.x_test)
        test, tacc = net.evaluate(ds.x_test, self.t_test, self.loss)
        self.curves.add(self.step, **{"train": train, "test": test, "train acc": acc,
                                      "test acc": tacc})
        if self.task is None:
            self.threshold, self.unknown = calibrate(y, ds.labels_test)
        else:
            x_cal, labels_cal = self.task.calib
            self.threshold, _ = calibrate(net.forward(x_cal), labels_cal)
            self.unknown = float(np.mean(y.max(1) < self.threshold))
        if self.probes is not None:
            self.train_probes()

    def train_probes(self, steps=PROBE_STEPS):
        """Each layer's softmax probe, trained on that layer's training activations (test
        mode); probe_acc: each probe's test accuracy."""
        trace = self.net.forward(self.ds.x, trace=True)
        trace_test = self.net.forward(self.ds.x_test, trace=True)
        self.probe_acc = []
        for probe, opt, a, a_test in zip(self.probes, self.probe_opts, trace, trace_test):
            for _ in nn.train(probe, a, self.t, "ce", opt, epochs=steps):
                pass
            self.probe_acc.append(probe.accuracy(a_test, self.t_test))

    def probe_maps(self, res=PROBE_RES):
        """(layers, res, res, classes) class probabilities of each probe over the plane's
        res x res grid (row-major from the top-left, y up)."""
        trace = self.net.forward(data.pixel_grid(res, res), trace=True)
        return np.stack([p.forward(a).reshape(res, res, -1)
                         for p, a in zip(self.probes, trace)])

    # -- the pass --------------------------------------------------------------------------

    def new_example(self):
        """The next example: a random training sample (dropout on) while training, else a
        random test sample (test mode)."""
        ds = self.ds
        if self.training:
            i = int(self.rng.integers(len(ds.x)))
            self.example = self.pass_through(ds.x[i], int(ds.labels[i]), i, "train")
        else:
            i = int(self.rng.integers(len(ds.x_test)))
            self.example = self.pass_through(ds.x_test[i], int(ds.labels_test[i]), i, "test")
        self.phase, self.progress = 0, 0.0

    def pass_through(self, x, label, index, source):
        """One sample's Example: dropout masks drawn for a training pass, the forward pass
        through them, and backprop's deltas and gradients for the label (same masks)."""
        net = self.net
        x = np.asarray(x, net.dtype)
        p = net.dropout if source == "train" else 0.0
        seed = int(self.rng.integers(2**63))
        masks = dropout_masks(net, seed) if p > 0 else [None] * (len(net.ws) - 1)
        acts, outs = forward_masked(net, x, masks)
        ex = Example(x, label, index, source, acts, outs,
                     [None] + [None if m is None else m == 0 for m in masks] + [None],
                     probs=acts[-1])
        if label is not None:
            t = np.eye(net.arch[-1], dtype=net.dtype)[label]
            rng = np.random.default_rng(seed) if p > 0 else None
            gws, gbs = net.backprop(x[None], t[None], self.loss, rng=rng)
            ex.deltas = [None] + [np.array(b) for b in gbs]
            ex.grads = [None] + [np.array(w) for w in gws]
        return ex

    def phases(self):
        """The phases of the current example: ("input", 0), ("forward", 1..L), then
        ("backward", L..1) when it has a label."""
        n = len(self.net.arch) - 1
        out = [("input", 0)] + [("forward", l) for l in range(1, n + 1)]
        if self.example.label is not None:
            out += [("backward", l) for l in range(n, 0, -1)]
        return out

    def phase_name(self):
        return self.phases()[self.phase]

    def advance(self, dt, limit=None):
        """Move the clock by dt seconds at `speed` phases per second; past the last phase:
        `every` training steps (while training) and a new example. A pad example stays. With
        a limit, at most that many of those steps per call (the curve point in a call of its
        own) while the pass holds its last phase, so no frame waits for all of them; an
        example chosen meanwhile (n, the pad) is kept."""
        if self.paused:
            return
        if self.owed:                                    # steps between examples, under way
            if self._pay(limit) and self.example is self.ended:
                self.new_example()
            return
        self.progress += dt * self.speed
        while self.progress >= 1.0:
            if self.phase + 1 < len(self.phases()):
                self.phase += 1
                self.progress -= 1.0
            elif self.example.source == "pad":
                self.progress = 1.0
                break
            else:
                carry = self.progress - 1.0
                self.owed = self._capped(self.cfg.every) if self.training else 0
                self.ended = self.example
                if not self._pay(limit):
                    self.progress = 1.0
                    return
                self.new_example()
                self.progress = min(carry, 0.999)

    # -- the drawing pad -------------------------------------------------------------------

    def stroke(self, p0, p1, erase=False):
        """A pen stroke on the pad from p0 to p1 (pixels of the pad, x right, y down): ink
        added (erase: removed, with a pen twice as wide); the pad's picture, normalised, is
        then passed through the net. A stroke begun while an example shows starts a new
        drawing."""
        if self.example.source != "pad":
            self.pad[...] = 0
        line = np.array([[p0, p1]], np.float64)
        if np.hypot(*(line[0, 1] - line[0, 0])) < 1e-3:
            line[0, 1] += 1e-3
        width = self.task.pen * (2.0 if erase else 1.0)
        ink = pointer.ink(line, self.task.pad, width)
        self.pad = self.pad * (1 - ink) if erase else np.maximum(self.pad, ink)
        self.show_pad()

    def show_pad(self):
        """The pad's picture as the example: normalised as the training images were."""
        self.pad_version += 1
        x = sketches.normalize(self.pad, self.task.side, self.task.box)
        self.example = self.pass_through(x, None, -1, "pad")
        self.phase, self.progress = len(self.phases()) - 1, 1.0

    @property
    def drawing(self):
        """True while the pad holds a drawing the net is shown."""
        return self.example.source == "pad" and bool(self.example.x.any())

    def ink_box(self):
        """The drawing's bounding box on the pad (x, y, w, h in pad pixels), which normalize
        crops to, or None on an empty pad."""
        return sketches.ink_box(self.pad)

    # -- commands --------------------------------------------------------------------------


    def _pause(self, _):
        """Pause or resume; with a drawing held on the pad, resume with the next example."""
        if self.example.source == "pad":
            self.paused = False
            self.new_example()
        else:
            self.paused = not self.paused

    def _step_phase(self, delta):
        """One phase on (or back), paused, the phase shown complete."""
        self.paused = True
        self.phase = int(np.clip(self.phase + delta, 0, len(self.phases()) - 1))
        self.progress = 1.0

    def _goto(self, phase):
        self.paused = True
        self.phase, self.progress = int(np.clip(phase, 0, len(self.phases()) - 1)), 1.0

    def _next(self, _):
        self.new_example()
        if self.paused:
            self.progress = 1.0

    def _speed(self, delta):
        k = int(np.argmin(np.abs(np.array(SPEEDS) - self.speed)))
        self.speed = SPEEDS[int(np.clip(k + delta, 0, len(SPEEDS) - 1))]
        self.say(f"{self.speed:g} phases per second")

    def _clear(self, _):
        """An empty pad, ready to draw on."""
        if self.pad is not None:
            self.pad[...] = 0
            self.show_pad()
            self.say(f"pad cleared: draw {self.task.what}")

    def _save(self, path):
        self.say(f"saved {save(self, path)}")

    # -- reading ---------------------------------------------------------------------------

    def verdict(self, probs=None):
        """(class name, probability) of the top class, or ("unknown", p) under threshold."""
        probs = self.example.probs if probs is None else probs
        return verdict(probs, self.threshold, self.class_names)

    def summary(self):
        """The summary line's values; pad and pad_p (the net's answer and its probability)
        when the pad holds a drawing."""
        last = self.curves.last
        out = {"task": self.cfg.data, "arch": "-".join(map(str, self.net.arch)),
               "step": self.step, "epoch": self.epoch, "cost": last("train"),
               "acc": last("train acc"), "test_acc": last("test acc"),
               "unknown": self.unknown, "threshold": self.threshold}
        if self.pad is not None and self.drawing:
            out["pad"], out["pad_p"] = self.verdict()
        return out


Anim.COMMANDS = {
    "pause": Anim._pause, "next_phase": lambda a, _: a._step_phase(1),
    "previous_phase": lambda a, _: a._step_phase(-1), "goto": Anim._goto,
    "next": Anim._next, "faster": lambda a, _: a._speed(1), "slower": lambda a, _: a._speed(-1),
    "clear": Anim._clear, "save": Anim._save,
}


def dropout_masks(net, seed):
    """The keep masks (n_l,) float, scaled by 1 / (1 - p), that nn.MLP.backprop draws for one
    sample from np.random.default_rng(seed): one uniform draw (1, n_l) per hidden layer."""
    rng, p = np.random.default_rng(seed), net.dropout
    return [(rng.random((1, n)) >= p)[0].astype(net.dtype) / net.dtype(1 - p)
            for n in net.arch[1:-1]]


def forward_masked(net, x, masks):
    """One sample's forward pass with keep masks on the hidden layers (None: none):
    (acts, outs) per layer, outs[l] = acts[l] * masks[l - 1]."""
    acts, outs = [x], [x]
    a = x
    for k, (w, b, name) in enumerate(zip(net.ws, net.bs, net.acts)):
        z = a @ w + b                                   # (in,) @ (in, out) -> (out,)
        h = nn.ACTIVATIONS[name][0](z[None])[0]
        a = h * masks[k] if k < len(masks) and masks[k] is not None else h
        acts.append(h)
        outs.append(a)
    return acts, outs


