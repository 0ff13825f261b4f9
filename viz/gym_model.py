"""The gym's model: a dataset, a net and its training through `nn.train`, and the commands that
change them. It draws nothing and imports no GL; viz/gym_view.py draws it.

    gym = Gym(Config(data="moons", lr=0.01))
    gym.train(steps=100)
    gym.command("data", "spiral")
    gym.summary()            # {"task": "spiral", "arch": "2-16-16-1", "step": 0, ...}
"""

import math
import time
from dataclasses import dataclass

import numpy as np

import nn
from viz import cli, data, plot

EXPLODED = 1e6        # a cost this many times the best since the start counts as diverged


@dataclass
class Config(cli.Output):
    """What the gym trains: dataset, architecture, activations, loss and optimizer."""

    data: str = cli.opt("spiral", "dataset: " + ", ".join(
        f"{s.name} ({s.description})" for s in data.DATASETS.values()), choices=data.NAMES)
    arch: str = cli.opt(None, "layer sizes, e.g. 2,16,16,1 (default: inputs,16,16,outputs)",
                        metavar="SIZES")
    act: str = cli.opt("tanh", "hidden activation, or one per hidden layer: tanh,relu")
    out_act: str = cli.opt(None, "output activation (default: what fits the data)")
    loss: str = cli.opt(None, "loss (default: what fits the data)", choices=nn.LOSSES)
    opt: str = cli.opt("adam", "optimizer", choices=("adam", "sgd"))
    lr: float = cli.opt(0.03, "learning rate")
    batch: int = cli.opt(32, "batch size")
    seed: int = cli.opt(0, "seed of the data and the initial weights")
    load: str = cli.opt(None, "start from saved weights", metavar="MODEL.npz")
    noise: float = cli.opt(0.05, "noise std of the 2-D datasets")
    n_train: int = cli.opt(400, "training samples")
    test_frac: float = cli.opt(0.3, "fraction held out for test")
    image: str = cli.opt(None, "picture for --data image (default built-in)", metavar="PATH")
    bits: int = cli.opt(3, "bits per number for --data adder")
    steps_per_frame: int = cli.opt(
        None, "training steps per frame (default: as many as fit in what a frame, aimed 10% "
        "under 1/60 s, leaves after drawing: 2 to 8 ms)", metavar="N")

    def check(self):
        cli.require(cli.finite(self.lr) and self.lr > 0, "--lr", "a positive number", self.lr)
        cli.require(self.batch >= 1, "--batch", ">= 1", self.batch)
        cli.require(self.seed >= 0, "--seed", "a non-negative integer", self.seed)
        cli.require(self.steps_per_frame is None or self.steps_per_frame >= 0,
                    "--steps-per-frame", ">= 0", self.steps_per_frame)
        cli.require(cli.finite(self.noise) and 0 <= self.noise <= 1, "--noise", "in [0, 1]",
                    self.noise)
        cli.require(cli.finite(self.test_frac) and 0 <= self.test_frac < 1, "--test-frac",
                    "in [0, 1)", self.test_frac)
        cli.require(4 <= self.n_train <= 10**6, "--n-train", "in 4..1000000", self.n_train)
        cli.require(1 <= self.bits <= 8, "--bits", "in 1..8", self.bits)
        if self.arch is not None:
            arch = cli.parse_ints(self.arch, "--arch", "2,16,16,1")
            cli.require(len(arch) >= 2 and min(arch) >= 1, "--arch",
                        "at least 2 sizes, all >= 1", self.arch)
            cli.require(sum(a * b for a, b in zip(arch[:-1], arch[1:])) <= 10**7, "--arch",
                        "at most 10 million weights", self.arch)
        for name in self.acts if isinstance(self.acts, list) else [self.acts]:
            cli.require(name in nn.ACTIVATIONS, "--act", f"one of {', '.join(nn.ACTIVATIONS)}",
                        name)
        super().check()

    @property
    def sizes(self):
        return None if self.arch is None else cli.parse_ints(self.arch, "--arch", "2,16,16,1")

    @property
    def acts(self):
        return self.act.split(",") if "," in self.act else self.act


def load_net(path):
    """nn.MLP.load, with what is wrong with the file said in the gym's words."""
    try:
        return nn.MLP.load(path)
    except FileNotFoundError:
        raise ValueError(f"--load: no such file {path}") from None
    except (ValueError, TypeError, OSError, KeyError) as e:
        reason = str(e)
        if "allow_pickle" in reason or "pickle" in reason.lower():
            reason = "it holds pickled Python objects, which nn never loads"
        raise ValueError(f"--load: {path} is not a net saved by nn.MLP.save ({reason})") from None


class Gym:
    """Training state: dataset `ds`, net, optimizer `opt`, loss, the `nn.train` loop, the
    curves of train / test cost and accuracy, and `paused`. `notice` is the last thing the
    model has to tell the user (text, seconds) until a view takes it."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.resets = 0
        self.net = self.opt = None
        self.paused = False
        self.notice = None
        self.rate = 0.0
        self.load_task(cfg.data, cfg.sizes, cfg.load)

    # -- task and net ----------------------------------------------------------------------

    def load_task(self, name, arch=None, load=None):
        """Make the dataset and a net that fits it; raises ValueError if they do not fit."""
        cfg = self.cfg
        ds = data.make(name, n_train=cfg.n_train, noise=cfg.noise, test_frac=cfg.test_frac,
                       seed=cfg.seed, image=cfg.image, bits=cfg.bits)
        net = load_net(load) if load is not None else None
        what = "--arch"
        if net is not None:
            arch, what = list(net.arch), f"the net in {load}"
        elif arch is None:
            arch = [ds.n_in] + self.hidden() + [ds.n_out[0]]
        if arch[0] != ds.n_in:
            raise ValueError(f"{what} starts with {arch[0]} inputs, dataset {name!r} has "
                             f"{ds.n_in}")
        if arch[-1] not in ds.n_out:
            raise ValueError(f"{what} ends with {arch[-1]} outputs, dataset {name!r} needs "
                             f"{' or '.join(map(str, ds.n_out))}")
        out_act, _ = ds.default_head(arch[-1])
        out_act = cfg.out_act or (net.acts[-1] if net is not None else out_act)
        loss = cfg.loss or ("ce" if out_act == "softmax" and ds.classes else "mse")
        if net is None:
            net = nn.MLP(arch, act=cfg.acts, out_act=out_act, seed=cfg.seed + self.resets)
        elif net.acts[-1] != out_act:
            raise ValueError(f"--out-act {out_act!r} differs from the loaded net's "
                             f"{net.acts[-1]!r}")
        self.ds, self.net, self.loss = ds, net, loss
        self.t = ds.targets(arch[-1])
        self.t_test = ds.targets(arch[-1], test=True) if len(ds.x_test) else None
        lr = self.opt.lr if self.opt is not None else cfg.lr
        self.opt = nn.Adam(lr) if cfg.opt == "adam" else nn.SGD(lr, momentum=0.9)
        self.restart()

    def hidden(self):
        return list(self.net.arch[1:-1]) if self.net is not None else [16, 16]

    def trainer(self):
        """nn.train's loop over the dataset from the current weights, for as long as it runs."""
        return nn.train(self.net, self.ds.x, self.t, self.loss, self.opt, epochs=None,
                        batch_size=min(self.cfg.batch, len(self.ds.x)),
                        seed=self.cfg.seed + self.resets + self.step)

    def restart(self):
        """A fresh training loop from the current weights."""
        self.step = self.epoch = 0
        self.best = math.inf
        self.steps = self.trainer()
        self.curves = plot.Curves(("train", "test", "train acc", "test acc"))
        self.record_point()

    def reinit(self):
        """New random weights (the next seed), same architecture."""
        self.resets += 1
        net = self.net
        self.net = nn.MLP(net.arch, act=net.acts[:-1] or "tanh", out_act=net.acts[-1],
                          seed=self.cfg.seed + self.resets)
        self.restart()

    # -- training --------------------------------------------------------------------------

    def train(self, budget=None, steps=None):
        """Advance training for `steps` steps or `budget` seconds (at least one step); returns
        the number of steps. A divergence, or a cost EXPLODED times the best so far, pauses
        with the last finite weights and halves the learning rate."""
        start, done = time.perf_counter(), 0
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # divergence is caught below
                while True:
                    s = next(self.steps)
                    self.step, self.epoch, done = s.step + 1, s.epoch, done + 1
                    if steps is not None and done >= steps:
                        break
                    if steps is None and time.perf_counter() - start >= budget:
                        break
        except nn.DivergedError:
            self.diverged()
        self.record_point()
        return done

    def diverged(self):
        self.paused = True
        self.opt.lr /= 2
        self.say(f"diverged at step {self.step}: paused with the last finite weights, "
                 f"lr halved to {self.opt.lr:.3g}; space resumes", 8.0)
        self.steps = self.trainer()

    def record_point(self):
        ds, net = self.ds, self.net
        with np.errstate(over="ignore", invalid="ignore"):
            train, acc = net.evaluate(ds.x, self.t, self.loss)
            test = tacc = math.nan
            if self.t_test is not None:
                test, tacc = net.evaluate(ds.x_test, self.t_test, self.loss)
        if not ds.classes:
            acc = tacc = math.nan
        self.curves.add(self.step, **{"train": train, "test": test, "train acc": acc,
                                      "test acc": tacc})
        if math.isfinite(train):
            self.best = min(self.best, train)
        if train > EXPLODED * max(self.best, 1e-12) and not self.paused:
            self.diverged()

    def say(self, text, seconds=3.0):
        self.notice = (text, seconds)

    # -- commands --------------------------------------------------------------------------

    def command(self, name, arg=None):
        """Do one of COMMANDS (arg: a dataset name for "data", a path for "save")."""
        if name not in COMMANDS:
            raise ValueError(f"command must be one of {', '.join(COMMANDS)}, got {name!r}")
        COMMANDS[name](self, arg)

    def _pause(self, _):
        self.paused = not self.paused

    def _step(self, _):
        self.paused = True
        self.train(steps=1)

    def _reset(self, _):
        self.reinit()
        self.say("weights re-initialised")

    def _rate(self, factor):
        self.opt.lr *= factor
        self.say(f"learning rate {self.opt.lr:.3g}")

    def _data(self, name):
        try:
            self.load_task(name)
            self.say(f"dataset {name}: {data.DATASETS[name].description}")
        except ValueError as e:
            self.say(f"cannot switch to {name}: {e}", 6.0)

    def _cycle(self, delta):
        names = data.NAMES
        self._data(names[(names.index(self.ds.name) + delta) % len(names)])

    def _save(self, path):
        self.net.save(path)
        self.say(f"saved weights to {path}")

    # -- reading ---------------------------------------------------------------------------

    def probe_sample(self, seconds, period):
        """The training sample shown at time `seconds`, one per `period`: (x, its index)."""
        i = int(seconds / period) % len(self.ds.x)
        return self.ds.x[i], i

    def summary(self):
        last = self.curves.last
        classes = self.ds.classes > 0
        return {"task": self.ds.name, "arch": "-".join(map(str, self.net.arch)),
                "step": self.step, "epoch": self.epoch, "cost": last("train"),
                "acc": last("train acc") if classes else None,
                "test_acc": last("test acc") if classes and self.t_test is not None else None}


COMMANDS = {
    "pause": Gym._pause, "step": Gym._step, "reset": Gym._reset,
    "faster": lambda g, _: g._rate(2.0), "slower": lambda g, _: g._rate(0.5),
    "data": Gym._data, "next_data": lambda g, _: g._cycle(1),
    "previous_data": lambda g, _: g._cycle(-1), "save": Gym._save,
}
