"""The gym's model: a dataset, a net and its training through `nn.train`, and the commands that
change them. It draws nothing and imports no GL; viz/gym/view.py draws it and viz/gym/panel.py
and the keys send it commands.

    gym = Gym(Config(data="moons", lr=0.01))
    gym.train(steps=100)
    gym.command("data", "spiral")
    gym.command("width", (0, 24))       # 24 neurons in the first hidden layer: a new net
    gym.summary()                        # {"task": "spiral", "arch": "2-24-16-1", "step": 0, ...}

What the user can change lives in `settings` (a Settings); commands that change the net's
shape rebuild it from the same seed, the others act at once.
"""

import dataclasses
import math
import time

import numpy as np

import nn
from viz import cli, data, insight, session
from viz.commands import Commands
from viz.curves import Curves
from viz.gym.settings import DATA_SETTINGS, FEATURES, MAX_LAYERS, MAX_NEURONS, Settings

EXPLODED = 1e6        # a cost this many times the best since the start counts as diverged
SOLVED = 1e-3         # the best, for that test, is at least this: a solved task's spike from
                      # 1e-8 to 0.1 is not a divergence
STUCK_STEPS = 1500    # a cost that moved less than MOVED in this many steps ...
MOVED = 0.01          # (relative) ...
STUCK_COST = 0.05     # ... and is above this: stuck (a dead net, a plateau); r may help
SNAPSHOTS, HISTORY_BYTES = 128, 64 * 2 ** 20   # the history's snapshots at most, in bytes at most
FLOW_SAMPLES = 512    # the gradient's flow and the health are measured on at most these
                      # training samples (the first), so a frame's share stays small


class Gym(Commands):
    """Training state: settings, dataset `ds`, the inputs `x` (the features of ds.x), net,
    optimizer `opt`, loss, the `nn.train` loop, the curves of train / test cost and accuracy,
    and `paused`. `notice` is the last thing the model has to tell the user (text, seconds)."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.resets = 0
        self.resumes = 0               # how often training went back to a snapshot
        self.paused = False
        self.notice = None
        self.rate = 0.0
        self.opt = None
        self.settings = Settings.from_config(cfg)
        self.edits = None                  # points added or removed by clicks: (x, labels)
        net = None
        if cfg.load is not None:
            acts = cfg.acts if isinstance(cfg.acts, str) else None
            net, saved = session.load(cfg.load, act=acts if cfg.load.endswith(".pt") else None,
                                      out_act=cfg.out_act if cfg.load.endswith(".pt") else None)
            if saved is not None:
                self.settings = Settings.from_dict(saved)
        self.make_data()
        self.make_net(loaded=net, what=f"the net in {cfg.load}" if net is not None else "--arch",
                      arch=None if cfg.arch is None or net is not None
                      else cli.parse_ints(cfg.arch, "--arch", ""))

    # -- task and net ----------------------------------------------------------------------

    def make_data(self):
        s = self.settings
        if s.csv is not None:
            self.ds = data.from_csv(s.csv, test_frac=s.test_frac, seed=s.seed)
        else:
            self.ds = data.make(s.data, n_train=s.n_train, noise=s.noise, test_frac=s.test_frac,
                                seed=s.seed + 1000 * s.regen, image=s.image, bits=s.bits)
        self.edits = None

    def inputs(self, points):
        """The net's inputs for points of the plane: the chosen features, in order."""
        if not self.ds.plane:
            return points
        one = np.ndim(points) == 1
        points = np.asarray(points, np.float32).reshape(-1, 2)
        x = np.stack([FEATURES[f](points) for f in self.settings.features], 1)
        return x[0] if one else x

    @property
    def n_in(self):
        return len(self.settings.features) if self.ds.plane else self.ds.n_in

    def input_names(self):
        """What each of the net's inputs is: the features (x, y, x^2, ...) of a task on the
        plane, else the dataset's names (the adder's bits a0 ... b2)."""
        return list(self.settings.features) if self.ds.plane else list(self.ds.input_names)

    def make_net(self, loaded=None, what="--arch", arch=None):
        """A net for the dataset from the settings (or the loaded one); raises ValueError if
        the two do not fit."""
        s, ds = self.settings, self.ds
        if loaded is not None:
            arch = list(loaded.arch)
        elif arch is None:
            arch = [self.n_in] + list(s.hidden) + [ds.n_out[0]]
        if arch[0] != self.n_in:
            raise ValueError(f"{what} starts with {arch[0]} inputs, dataset {ds.name!r} has "
                             f"{self.n_in}")
        if arch[-1] not in ds.n_out:
            raise ValueError(f"{what} ends with {arch[-1]} outputs, dataset {ds.name!r} needs "
                             f"{' or '.join(map(str, ds.n_out))}")
        fit_act, _ = ds.default_head(arch[-1])
        out_act = s.out_act or (loaded.acts[-1] if loaded is not None else fit_act)
        if out_act == "softmax" and arch[-1] < 2:
            raise ValueError(f"--out-act softmax needs 2 or more outputs, the net has "
                             f"{arch[-1]}")
        loss = s.loss or ("ce" if out_act in nn.CE_OUTPUTS and ds.classes else "mse")
        if loaded is None:
            init = None if s.init == "default" else s.init
            net = nn.MLP(arch, act=s.acts if len(arch) > 2 else "tanh", out_act=out_act,
                         init=init, seed=s.seed + self.resets, dropout=s.dropout)
        elif loaded.acts[-1] != out_act:
            raise ValueError(f"--out-act {out_act!r} differs from the loaded net's "
                             f"{loaded.acts[-1]!r}")
        else:
            net = loaded
        s.hidden, s.acts = list(net.arch[1:-1]), list(net.acts[:-1])
        self.net, self.loss = net, loss
        self.make_optimizer()
        self.restart()

    def make_optimizer(self):
        s = self.settings
        if s.opt == "adam":
            self.opt = nn.Adam(s.lr, weight_decay=s.l2, l1=s.l1)
        else:
            self.opt = nn.SGD(s.lr, momentum=0.9 if s.opt == "momentum" else 0.0,
                              weight_decay=s.l2, l1=s.l1)

    def renew_optimizer(self):
        """A fresh optimizer from the settings at the current rate, and a training loop."""
        self.settings.lr = self.opt.lr
        self.make_optimizer()
        self.steps = self.trainer()

    def targets(self, test=False):
        if self.edits is not None and not test:
            return self.ds_targets(self.edits[1])
        return self.ds.targets(self.net.arch[-1], test=test)

    def ds_targets(self, labels):
        ds = self.ds
        return dataclasses.replace(ds, labels=labels).targets(self.net.arch[-1])

    def trainer(self):
        """nn.train's loop over the dataset from the current weights, for as long as it runs;
        the step and epoch counts go on from where they are."""
        self.epoch0 = self.epoch
        return nn.train(self.net, self.x, self.t, self.loss, self.opt, epochs=None,
                        batch_size=min(self.settings.batch, len(self.x)),
                        seed=self.settings.seed + self.resets + self.step)

    def restart(self):
        """A fresh training loop from the current weights."""
        ds = self.ds
        points = ds.x if self.edits is None else self.edits[0]
        self.x = self.inputs(points)
        self.t = self.targets()
        self.x_test = self.inputs(ds.x_test) if len(ds.x_test) else None
        self.t_test = self.targets(test=True) if len(ds.x_test) else None
        self.step = self.epoch = 0
        self.best = math.inf
        self.moved_cost, self.moved_at = None, 0
        self.steps = self.trainer()
        self.curves = Curves(("train", "test", "train acc", "test acc"))
        layers = tuple(f"W{k + 1}" for k in range(len(self.net.ws)))
        self.grad_flow, self.update_flow = Curves(layers), Curves(layers)
        size = HISTORY_BYTES // max(insight.flatten(self.net).nbytes // 2, 1)
        self.history = insight.History(min(max(size, 2), SNAPSHOTS), every=1)
        self.history.add(0, self.net)
        self.scrubbed, self._scrub_net = None, None
        self.record_point()

    def reinit(self):
        """New random weights (the next seed), same architecture."""
        self.resets += 1
        self.make_net()

    # -- training --------------------------------------------------------------------------

    def train(self, budget=None, steps=None):
        """Advance training for `steps` steps or `budget` seconds (at least one step); returns
        the number of steps. A divergence, or a cost EXPLODED times the best so far (taken as
        at least SOLVED), pauses with the last finite weights and halves the learning rate."""
        start, done = time.perf_counter(), 0
        self.scrubbed = None
        before = [w.copy() for w in self.net.ws]
        try:
            with np.errstate(over="ignore", invalid="ignore"):   # divergence is caught below
                while True:
                    s = next(self.steps)
                    self.step, self.epoch, done = self.step + 1, self.epoch0 + s.epoch, done + 1
                    self.history.add(self.step, self.net)
                    if done == 1:                          # the first step's relative update
                        self.update_flow.add(self.step, **dict(zip(
                            self.update_flow.names, insight.update_ratios(before, self.net.ws))))
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
        self.settings.lr = self.opt.lr
        self.say(f"diverged at step {self.step}: paused with the last finite weights, "
                 f"lr halved to {self.opt.lr:.3g}; space resumes", 8.0)
        self.steps = self.trainer()

    def record_point(self):
        net = self.net
        with np.errstate(over="ignore", invalid="ignore"):
            train, acc = net.evaluate(self.x, self.t, self.loss)
            test = tacc = math.nan
            if self.t_test is not None:
                test, tacc = net.evaluate(self.x_test, self.t_test, self.loss)
        if not self.ds.classes:
            acc = tacc = math.nan
        self.curves.add(self.step, **{"train": train, "test": test, "train acc": acc,
                                      "test acc": tacc})
        with np.errstate(all="ignore"):
            norms = insight.grad_norms(self.net, *self.flow_samples(), self.loss)
        self.grad_flow.add(self.step, **dict(zip(self.grad_flow.names, norms)))
        if math.isfinite(train):
            self.best = min(self.best, train)
            if self.moved_cost is None or abs(train - self.moved_cost) > MOVED * self.moved_cost:
                self.moved_cost, self.moved_at = train, self.step
        if train > EXPLODED * max(self.best, SOLVED) and not self.paused:
            self.diverged()

    @property
    def stuck(self):
        """The training cost has moved by less than MOVED (relative) over the last STUCK_STEPS
        steps while above STUCK_COST: a dead net or a plateau, where new weights (r) may help."""
        return (self.moved_cost is not None and self.moved_cost > STUCK_COST
                and self.step - self.moved_at >= STUCK_STEPS)

    # -- commands --------------------------------------------------------------------------

    def _pause(self, _):
        self.paused = not self.paused
        if not self.paused:
            self.scrubbed = None                        # training goes on from the live net

    def _scrub(self, k):
        """Show history snapshot k (None: the live net) in the views; pauses training."""
        if k is None or not len(self.history):
            self.scrubbed = None
            return
        k = int(min(max(k, 0), len(self.history) - 1))
        if self._scrub_net is None or self._scrub_net.arch != self.net.arch:
            self._scrub_net = self.net.copy()
        self.paused, self.scrubbed = True, k
        self.history.restore(self._scrub_net, k)

    def _resume_from(self, _):
        """Training goes back to the snapshot shown: its weights, step and epoch; the curves,
        flow and history after it are dropped and the optimizer starts afresh."""
        if self.scrubbed is None:
            return
        step = self.history.restore(self.net, self.scrubbed)
        self.history.truncate(self.scrubbed)
        for c in (self.curves, self.grad_flow, self.update_flow):
            c.truncate(step)
        per_epoch = math.ceil(len(self.x) / min(self.settings.batch, len(self.x)))
        self.step, self.epoch = step, step // per_epoch
        self.best, self.moved_cost, self.moved_at = math.inf, None, step
        self.resumes += 1
        self.renew_optimizer()
        self.scrubbed, self.paused = None, False
        self.record_point()
        self.say(f"training resumed from step {step}, the optimizer afresh")

    def _step(self, _):
        self.paused = True
        self.train(steps=1)

    def _reset(self, _):
        self.reinit()
        self.say("weights re-initialised")

    def _rate(self, value):
        self.opt.lr = self.settings.lr = float(value)
        self.say(f"learning rate {self.opt.lr:.3g}")

    def _rebuild(self, change, message, new_data=False):
        """Apply change(settings) and rebuild the net (and the data if new_data); on a
        ValueError go back and say so."""
        old = dataclasses.replace(self.settings, features=list(self.settings.features),
                                  hidden=list(self.settings.hidden),
                                  acts=list(self.settings.acts))
        old_ds = self.ds
        try:
            change(self.settings)
            if new_data:
                self.make_data()
            self.make_net()
            self.say(message)
        except ValueError as e:
            self.settings, self.ds = old, old_ds
            self.make_net()
            self.say(f"cannot: {e}", 6.0)

    def _data(self, name):
        def change(s):
            s.data, s.csv = name, None
            s.take_defaults()
        self._rebuild(change, f"dataset {name}: {data.DATASETS[name].description}", True)

    def _cycle(self, delta):
        names = data.NAMES
        self._data(names[(names.index(self.ds.name) + delta) % len(names)]
                   if self.ds.name in names else names[0])

    def _set(self, arg):
        """arg = (setting, value): settings that rebuild the data and the net."""
        name, value = arg
        self._rebuild(lambda s: setattr(s, name, value), f"{name} {value}",
                      new_data=name in DATA_SETTINGS)

    def _feature(self, arg):
        """arg = (feature name, on)."""
        name, on = arg
        feats = [f for f in FEATURES if f in (set(self.settings.features) | {name} if on else
                                              set(self.settings.features) - {name})]

        def change(s):
            if not feats:
                raise ValueError("at least one input feature is needed")
            s.features = feats
        self._rebuild(change, f"features: {', '.join(feats) or 'none'}")

    def _layers(self, delta):
        def change(s):
            if delta > 0 and len(s.hidden) < MAX_LAYERS:
                s.hidden.append(s.hidden[-1] if s.hidden else 4)
                s.acts.append(s.acts[-1] if s.acts else "tanh")
            elif delta < 0 and s.hidden:
                s.hidden.pop()
                s.acts.pop()
        self._rebuild(change, "hidden layers changed")

    def _width(self, arg):
        layer, n = arg

        def change(s):
            s.hidden[layer] = int(min(max(n, 1), MAX_NEURONS))
        self._rebuild(change, f"layer {layer + 1}: {int(min(max(n, 1), MAX_NEURONS))} neurons")

    def _act(self, arg):
        layer, name = arg

        def change(s):
            s.acts[layer] = name
        self._rebuild(change, f"layer {layer + 1}: {name}")

    def _optimizer(self, arg):
        name, value = arg
        setattr(self.settings, name, value)
        if name in ("opt", "l2"):
            self.renew_optimizer()
        elif name == "l1":
            self.opt.l1 = value
        elif name == "dropout":
            self.net.dropout = value
            self.steps = self.trainer()
        elif name == "batch":
            self.steps = self.trainer()
        self.say(f"{name} {value:.3g}" if isinstance(value, float) else f"{name} {value}")

    def _weight(self, arg):
        """arg = (layer, i, j, delta): net.ws[layer][i, j] += delta, and training goes on."""
        layer, i, j, delta = arg
        if self.scrubbed is not None:
            return self.say("the history is shown: enter resumes from it, space goes to now", 5)
        w = self.net.ws[layer]
        w[i, j] = w[i, j] + delta
        self.record_point()
        self.say(f"{edge_name(layer, i, j)}: {float(w[i, j]):+.4f}")

    def gradient(self, layer, i, j):
        """dC/dw of one weight of the net shown over the whole training set."""
        gws, _ = self.shown_net.backprop(self.x, self.t, self.loss)
        return float(gws[layer][i, j])

    def _speed(self, arg):
        """arg = (steps per frame, as fast as it goes)."""
        self.settings.steps_per_frame, self.settings.fast = int(max(arg[0], 1)), bool(arg[1])

    def _add_point(self, arg):
        """arg = (point (2,), label, or None to remove the nearest point)."""
        point, label = arg
        ds = self.ds
        xs, labels = self.edits if self.edits is not None else (ds.x, ds.labels)
        if label is None:
            if len(xs) <= 4:
                return
            k = int(np.argmin(np.hypot(*(xs - point).T)))
            xs, labels = np.delete(xs, k, 0), np.delete(labels, k, 0)
        else:
            xs = np.concatenate([xs, np.asarray(point, np.float32)[None]])
            labels = np.concatenate([labels, np.asarray([label], labels.dtype)])
        self.edits = (xs, labels)                # trained on from the next step; the curves
        self.x, self.t = self.inputs(xs), self.targets()     # and counts go on, with the cost
        self.steps = self.trainer()                           # and accuracy of the edited set
        self.record_point()

    def _save(self, path):
        session.save(path, self.net, self.settings.to_dict())
        self.say(f"saved the session (weights and task) to {path}")

    # -- reading ---------------------------------------------------------------------------

    @property
    def shown_net(self):
        """The net the views draw: the live one, or the history snapshot scrubbed to."""
        return self.net if self.scrubbed is None else self._scrub_net

    @property
    def shown_step(self):
        return self.step if self.scrubbed is None else self.history.steps[self.scrubbed]

    def flow_samples(self):
        """The first FLOW_SAMPLES training inputs and targets: the flow, health, landscape's."""
        return self.x[:FLOW_SAMPLES], self.t[:FLOW_SAMPLES]

    def points(self):
        """The training points shown and trained on: (x (n, 2), labels)."""
        return self.edits if self.edits is not None else (self.ds.x, self.ds.labels)

    def output_names(self):
        """What each output is where the diagram should say: the dataset's names (the adder's
        sum bits s0 up), or the classes of a softmax head; None for one output."""
        if len(self.ds.output_names) == self.net.arch[-1]:
            return list(self.ds.output_names)
        if self.net.acts[-1] == "softmax" and self.net.arch[-1] > 1:
            return [f"class {k}" for k in range(self.net.arch[-1])]
        return None

    def sample_name(self, i):
        """How training sample i is named: the dataset's name for it (the adder's sum, "1 + 2"),
        else by its index."""
        return self.ds.sample_name(i)

    def probe_sample(self, seconds, period):
        """The training sample shown at time `seconds`, one per `period`: (x, its index)."""
        xs = self.points()[0]
        i = int(seconds / period) % len(xs)
        return xs[i], i

    def summary(self):
        last = self.curves.last
        classes = self.ds.classes > 0
        return {"task": self.ds.name, "arch": "-".join(map(str, self.net.arch)),
                "step": self.step, "epoch": self.epoch, "cost": last("train"),
                "acc": last("train acc") if classes else None,
                "test_acc": last("test acc") if classes and self.t_test is not None else None,
                **self.health()}

    def health(self):
        """dead, saturated: the shares of hidden neurons dead and saturated on the training
        data; grad_ratio: the first hidden layer's gradient norm over the last's (viz.insight)."""
        with np.errstate(all="ignore"):
            dead, saturated = insight.health(self.net, self.x)
            ratio = insight.grad_ratio(insight.grad_norms(self.net, self.x, self.t, self.loss))
        return {"dead": insight.fractions(dead), "saturated": insight.fractions(saturated),
                "grad_ratio": ratio}


def edge_name(layer, i, j):
    """The weight net.ws[layer][i, j] in words, counting from 1 as the diagram's labels do:
    "w from x2 to neuron 5 of layer 1", "w from neuron 3 of layer 2 to neuron 1 of layer 3"
    (h: the first hidden layer, whose maps are h1, h2, ...)."""
    src = f"x{i + 1}" if layer == 0 else f"h{i + 1}" if layer == 1 else \
        f"neuron {i + 1} of layer {layer}"
    return f"w from {src} to neuron {j + 1} of layer {layer + 1}"


Gym.COMMANDS = {
    "pause": Gym._pause, "step": Gym._step, "reset": Gym._reset,
    "faster": lambda g, _: g._rate(g.opt.lr * 2), "slower": lambda g, _: g._rate(g.opt.lr / 2),
    "lr": Gym._rate, "data": Gym._data, "next_data": lambda g, _: g._cycle(1),
    "previous_data": lambda g, _: g._cycle(-1), "save": Gym._save, "set": Gym._set,
    "feature": Gym._feature, "layers": Gym._layers, "width": Gym._width, "act": Gym._act,
    "optimizer": Gym._optimizer, "point": Gym._add_point, "speed": Gym._speed,
    "weight": Gym._weight, "scrub": Gym._scrub, "resume_from": Gym._resume_from,
    "now": lambda g, _: g._scrub(None),
    "regenerate": lambda g, _: g._rebuild(lambda s: setattr(s, "regen", s.regen + 1),
                                          "new samples of the data", True),
}
