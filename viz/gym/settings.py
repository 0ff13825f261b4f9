"""What the gym trains, as the command line gives it (Config) and as the panel and keys change
it (Settings): dataset and its options, input features, layers, activations, optimizer,
regularisation and pace. No GL; viz/gym/model.py trains what it describes.

    cfg = Config(data="moons", features="x,y,xy")      # cli.parse makes these from argv
    s = Settings.from_config(cfg)                      # s.features == ["x", "y", "xy"]
"""

import dataclasses
import os
from dataclasses import dataclass, field

import numpy as np

import nn
from viz import cli, data

WATCH_STEPS = 1       # steps per frame by default: the spiral's boundary forms over 10-30 s
MAX_NEURONS = 64
MAX_LAYERS = 6
OPTIMIZERS = ("adam", "sgd", "momentum")
DATA_SETTINGS = ("data", "noise", "test_frac", "n_train", "image", "bits", "csv")
INITS = ("default",) + nn.INITS[:2]               # xavier, he: the ones that need no numbers
# the views below the output map, as --show names them (viz/gym/views.py draws each)
VIEW_NAMES = ("maps", "flow", "landscape", "space", "history")

# input features: name -> f(points (n, 2) in [-1, 1]^2) -> (n,)
FEATURES = {
    "x": lambda p: p[:, 0],
    "y": lambda p: p[:, 1],
    "x^2": lambda p: p[:, 0] ** 2,
    "y^2": lambda p: p[:, 1] ** 2,
    "xy": lambda p: p[:, 0] * p[:, 1],
    "sin(pi x)": lambda p: np.sin(np.pi * p[:, 0]),
    "sin(pi y)": lambda p: np.sin(np.pi * p[:, 1]),
}


def parse_show(text):
    """--show's list -> (names in VIEW_NAMES order, the maps' layer or None); raises
    ValueError naming what it takes."""
    names, layer = [], None
    for part in text.split(","):
        name, _, arg = part.strip().partition("=")
        maps_arg = name == "maps" and arg.isdecimal() and arg.isascii() and int(arg) >= 1
        if name not in VIEW_NAMES or (arg and not maps_arg):
            raise ValueError(f"--show must be a comma-separated list of "
                             f"{', '.join(VIEW_NAMES)} (maps=K for hidden layer K's maps), "
                             f"got {text!r}")
        names.append(name)
        layer = int(arg) if arg else layer
    return [n for n in VIEW_NAMES if n in names], layer


def default_lr(acts):
    """A learning rate that suits the hidden activations: Adam at 0.03 kills relu units on the
    toys (xor relu: the cost rises), 0.01 does not."""
    return 0.01 if any(a in ("relu", "leaky_relu") for a in acts) else 0.03


@dataclass
class Config(cli.Output):
    """What the gym trains: dataset, architecture, activations, loss and optimizer."""

    MIN_SIZE = (640, 480)          # the panel, diagram, maps and plots side by side

    data: str = cli.opt("spiral", "dataset: " + ", ".join(
        f"{s.name} ({s.description})" for s in data.DATASETS.values()), choices=data.NAMES)
    arch: str = cli.opt(None, "layer sizes, e.g. 2,16,16,1 (default: inputs,16,16,outputs)",
                        metavar="SIZES")
    act: str = cli.opt("tanh", "hidden activation, or one per hidden layer: tanh,relu")
    out_act: str = cli.opt(None, "output activation (default: what fits the data)")
    loss: str = cli.opt(None, "loss (default: what fits the data)", choices=nn.LOSSES)
    opt: str = cli.opt("adam", "optimizer", choices=OPTIMIZERS)
    lr: float = cli.opt(None, "learning rate (default 0.03, 0.01 for relu)")
    batch: int = cli.opt(32, "batch size")
    l1: float = cli.opt(0.0, "L1 regularisation rate (weights only)")
    l2: float = cli.opt(0.0, "L2 regularisation rate (weight decay, weights only)")
    dropout: float = cli.opt(0.0, "dropout on the hidden layers while training")
    features: str = cli.opt(None, "input features (default x,y; more for some datasets), "
                            "from: " + ", ".join(FEATURES), metavar="NAMES")
    seed: int = cli.opt(0, "seed of the data and the initial weights")
    load: str = cli.opt(None, "start from a saved session or net (its task comes along), or "
                        "a .safetensors / torch .pt state_dict (with --act, --out-act)",
                        metavar="FILE")
    save: str = cli.opt(None, "save the session (weights and task) here at exit",
                        metavar="FILE.npz")
    csv: str = cli.opt(None, "your own 2-D data: columns x, y, label (header optional)",
                       metavar="FILE.csv")
    noise: float = cli.opt(0.05, "noise std of the 2-D datasets")
    n_train: int = cli.opt(400, "training samples")
    test_frac: float = cli.opt(0.3, "fraction held out for test")
    image: str = cli.opt(None, "picture for --data image (default built-in; up to 4096x4096 "
                         "pixels, a JPEG up to 64 times that)", metavar="PATH")
    bits: int = cli.opt(3, "bits per number for --data adder")
    steps_per_frame: int = cli.opt(None, f"training steps per frame (default {WATCH_STEPS}: a "
                                   "pace you can watch)", metavar="N")
    fast: bool = cli.opt(False, "train as fast as the machine allows: what each frame leaves "
                         "of 1/60 s after drawing, 2 to 8 ms")
    no_panel: bool = cli.opt(False, "start with the control panel hidden (p shows it)")
    show: str = cli.opt(None, "the views below the output map, comma-separated: maps=K "
                        "(hidden layer K's neurons), flow (the gradient per layer), landscape "
                        "(the cost around the weights), space (the plane as layer K sees it), "
                        "history (a timeline to go back); default maps=1", metavar="VIEWS")

    def check(self):
        cli.require(self.lr is None or (cli.finite(self.lr) and self.lr > 0), "--lr",
                    "a positive number", self.lr)
        cli.require(self.batch >= 1, "--batch", ">= 1", self.batch)
        cli.require(self.seed >= 0, "--seed", "a non-negative integer", self.seed)
        cli.require(self.steps_per_frame is None or self.steps_per_frame >= 0,
                    "--steps-per-frame", ">= 0", self.steps_per_frame)
        for name in ("noise", "l1", "l2"):
            v = getattr(self, name)
            cli.require(cli.finite(v) and 0 <= v <= 1, cli.flag(name), "in [0, 1]", v)
        cli.require(cli.finite(self.dropout) and 0 <= self.dropout < 1, "--dropout",
                    "in [0, 1)", self.dropout)
        cli.require(cli.finite(self.test_frac) and 0 <= self.test_frac < 1, "--test-frac",
                    "in [0, 1)", self.test_frac)
        cli.require(4 <= self.n_train <= 10**6, "--n-train", "in 4..1000000", self.n_train)
        cli.require(1 <= self.bits <= 8, "--bits", "in 1..8", self.bits)
        if self.save is not None:
            folder = os.path.dirname(os.path.abspath(self.save))
            cli.require(os.path.isdir(folder), "--save", "in a folder that exists", self.save)
        feats = self.features.split(",") if self.features is not None else ["x"]
        cli.require(feats and set(feats) <= set(FEATURES) and len(set(feats)) == len(feats),
                    "--features", f"distinct names from {', '.join(FEATURES)}", self.features)
        if self.arch is not None:
            arch = cli.parse_ints(self.arch, "--arch", "2,16,16,1")
            cli.require(len(arch) >= 2 and min(arch) >= 1, "--arch",
                        "at least 2 sizes, all >= 1", self.arch)
            cli.require(sum(a * b for a, b in zip(arch[:-1], arch[1:])) <= 10**7, "--arch",
                        "at most 10 million weights", self.arch)
        if self.show is not None:
            parse_show(self.show)
        for name in self.acts if isinstance(self.acts, list) else [self.acts]:
            cli.require(name in nn.ACTIVATIONS and name != "softmax", "--act",
                        f"one of {', '.join(a for a in nn.ACTIVATIONS if a != 'softmax')}",
                        name)
        super().check()

    @property
    def acts(self):
        return self.act.split(",") if "," in self.act else self.act


# the options the panel and keys change too: Settings takes each from Config, type and default
SHARED = ("data", "noise", "test_frac", "n_train", "image", "bits", "csv", "out_act", "loss",
          "opt", "batch", "l1", "l2", "dropout", "seed", "fast")


def _with_config_fields(cls):
    """cls as a dataclass with its own fields, then every SHARED field of Config (its type and
    default): the options are written once, in Config."""
    for name in SHARED:
        f = Config.__dataclass_fields__[name]
        cls.__annotations__[name] = f.type
        setattr(cls, name, f.default)
    return dataclass(cls)


@_with_config_fields
class Settings:
    """Everything the panel and the keys change; a session file stores it. Its own fields are
    what the command line gives in other forms (features and layers as lists, the rate and the
    pace once the dataset's defaults are taken); the rest are Config's (SHARED)."""

    features: list = field(default_factory=lambda: ["x", "y"])
    hidden: list = field(default_factory=lambda: [16, 16])
    acts: list = field(default_factory=lambda: ["tanh", "tanh"])
    init: str = "default"
    lr: float = 0.03
    steps_per_frame: int = WATCH_STEPS
    regen: int = 0                 # how often the data was drawn anew

    @classmethod
    def from_config(cls, cfg):
        s = cls(**{name: getattr(cfg, name) for name in SHARED})
        if cfg.arch is not None:
            s.hidden = cli.parse_ints(cfg.arch, "--arch", "")[1:-1]
        acts = cfg.acts
        s.acts = list(acts) if isinstance(acts, list) else [acts] * len(s.hidden)
        if len(s.acts) != len(s.hidden):
            raise ValueError(f"--act has {len(s.acts)} names, --arch has {len(s.hidden)} "
                             "hidden layers")
        s.take_defaults()
        given = {"features": None if cfg.features is None else cfg.features.split(","),
                 "lr": cfg.lr, "steps_per_frame": cfg.steps_per_frame}
        for name, value in given.items():
            if value is not None:
                setattr(s, name, value)
        return s

    def take_defaults(self):
        """The dataset's own starting settings (data.Spec.defaults; none for --csv data), x and
        y as the features if it has none of its own."""
        self.features, self.steps_per_frame = ["x", "y"], WATCH_STEPS
        self.lr = default_lr(self.acts)
        for name, value in () if self.csv else data.DATASETS[self.data].defaults:
            setattr(self, name, list(value) if isinstance(value, list) else value)

    def to_dict(self):
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d):
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})
