"""nn-gym: train a net live in a window and watch every neuron.

    nn-gym                      # the gym on the default task
    nn-gym march                # raymarched level surfaces of a 3-input net
    nn-gym chaos --out a.npz    # compute and encode the chaos animation
    nn-gym play a.npz           # play an encoded chaos animation
"""

import argparse
import math
import sys
import time
from dataclasses import dataclass

import moderngl
import numpy as np
from threadpoolctl import ThreadpoolController

import nn
from viz import chrome, theme, data, gl, maps, netgraph, plot


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = {"march": march_main, "chaos": chaos_main, "play": play_main}
    if argv and argv[0] in commands:
        return commands[argv[0]](argv[1:])
    return gym_main(argv)


def add_output_args(parser):
    """The options every window shares: headless rendering, screenshots and recordings."""
    parser.add_argument("--headless", action="store_true",
                        help="render offscreen (EGL) instead of opening a window")
    parser.add_argument("--frames", type=int, default=None,
                        help="render this many frames, then exit")
    parser.add_argument("--screenshot", metavar="PATH.png", default=None,
                        help="write the last frame to this PNG")
    parser.add_argument("--record", metavar="PATH.gif|PATH.mp4", default=None,
                        help="record every frame to a GIF or MP4 (.png keeps the last frame)")
    parser.add_argument("--size", default="800x600", help="window size WxH (default 800x600)")
    return parser


def parse_size(text):
    """'800x600' -> (800, 600)."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"--size must look like 800x600, got {text!r}") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise ValueError(f"--size must be between 64x64 and 8192x8192, got {text!r}")
    return w, h


def parse_arch(text, example):
    """'2,16,1' -> [2, 16, 1]; anything else is a ValueError naming --arch."""
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise ValueError(f"--arch must be comma-separated sizes like {example}, got "
                         f"{text!r}") from None


def check_output(parser, args):
    """The output options in args, checked (user errors exit with code 2 and one message);
    returns the window size."""
    try:
        size = parse_size(args.size)
    except ValueError as e:
        parser.error(str(e))
    if args.frames is not None and args.frames < 1:
        parser.error(f"--frames must be >= 1, got {args.frames}")
    for opt, path, suffixes in (("--screenshot", args.screenshot, (".png",)),
                                ("--record", args.record, gl.Recorder.SUFFIXES)):
        if path is not None and not path.lower().endswith(suffixes):
            parser.error(f"{opt} must end in {' or '.join(suffixes)}, got {path!r}")
    if not args.headless and not gl.has_display():
        parser.error("no display to open a window on (DISPLAY is unset or unreachable); "
                     "use --headless (with --frames N --screenshot out.png or --record out.gif)")
    return size


def run_view(parser, args, view, title):
    """Run a view as the output options in args say (window, or headless frames, screenshot,
    recording)."""
    size = check_output(parser, args)
    return gl.run(view, *size, title=title, headless=args.headless,
                  frames=args.frames if args.frames or not args.headless else 120,
                  screenshot=args.screenshot, record=args.record)


def gym_parser():
    from viz.data import NAMES

    p = argparse.ArgumentParser(
        prog="nn-gym", description="Train a net live and watch every neuron. Subcommands: "
        "march (level surfaces of a 3-input net), chaos / play (deep-net RGB animation).")
    p.add_argument("--data", default="spiral", help=f"dataset: {', '.join(NAMES)}")
    p.add_argument("--arch", default=None,
                   help="layer sizes, e.g. 2,16,16,1 (default: inputs,16,16,outputs)")
    p.add_argument("--act", default="tanh", help="hidden activation (or a list: tanh,relu)")
    p.add_argument("--out-act", default=None, help="output activation (default: fits the data)")
    p.add_argument("--loss", default=None, choices=("mse", "ce"), help="default: fits the data")
    p.add_argument("--opt", default="adam", choices=("adam", "sgd"))
    p.add_argument("--lr", type=float, default=0.03, help="learning rate (default 0.03)")
    p.add_argument("--batch", type=int, default=32, help="batch size (default 32)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--load", metavar="MODEL.npz", default=None, help="start from saved weights")
    p.add_argument("--noise", type=float, default=0.05, help="noise std of the 2-D datasets")
    p.add_argument("--n-train", type=int, default=400, help="training samples")
    p.add_argument("--test-frac", type=float, default=0.3, help="fraction held out for test")
    p.add_argument("--image", default=None, help="picture for --data image (default built-in)")
    p.add_argument("--bits", type=int, default=3, help="bits per number for --data adder")
    p.add_argument("--steps-per-frame", type=int, default=None,
                   help="training steps per frame (default: as many as fit in what a frame, "
                   "aimed 10%% under 1/60 s, leaves after drawing: 2 to 8 ms)")
    return add_output_args(p)


# ---------------------------------------------------------------------------------------------
# The gym: a training loop wired to the views, a few steps per frame


KEYS_HELP = [("space", "pause / resume training"), (".", "one training step"),
             ("r", "re-initialise the weights"), ("up / down", "learning rate x2 / /2"),
             ("1..8", "dataset: xor circles spiral moons gaussians checker image adder"),
             ("t", "show / hide test points"), ("l", "cost plot: log / linear scale"),
             ("s", "save a PNG screenshot"), ("g", "start / stop recording a GIF"),
             ("w", "save the weights (.npz)"), ("h", "show / hide this help"),
             ("mouse", "hover the output map to probe that input; hover a neuron or map")]
BG = (0.06, 0.06, 0.075)
TEXT, DIM = chrome.TEXT, chrome.DIM
FRAME = 0.9 / 60               # the frame period training leaves room for: 10% under 1/60 s,
                               # so a frame that runs a little long still makes the next tick
BUDGET = (0.002, 0.008)        # seconds of training per frame, at least and at most
PROBE_PERIOD = 0.75            # seconds per training sample when the mouse is not probing
BLAS = ThreadpoolController()  # the gym's matmuls are small: BLAS on one thread leaves the
                               # other core to the renderer (OpenBLAS's idle threads spin)


@dataclass
class Config:
    """What the gym trains: dataset, architecture, activations, loss and optimizer."""

    data: str = "spiral"
    arch: list = None               # None: inputs, 16, 16, outputs of the dataset
    act: object = "tanh"            # a name, or one per hidden layer
    out_act: str = None             # None: what fits the dataset
    loss: str = None
    opt: str = "adam"
    lr: float = 0.03
    batch: int = 32
    seed: int = 0
    load: str = None
    noise: float = 0.05
    n_train: int = 400
    test_frac: float = 0.3
    image: str = None
    bits: int = 3
    steps_per_frame: int = None

    @classmethod
    def from_args(cls, args):
        arch = None
        if args.arch is not None:
            arch = parse_arch(args.arch, "2,16,16,1")
            if len(arch) < 2 or min(arch) < 1:
                raise ValueError(f"--arch needs at least 2 sizes, all >= 1, got {args.arch!r}")
        if not args.lr > 0:
            raise ValueError(f"--lr must be positive, got {args.lr}")
        if args.batch < 1:
            raise ValueError(f"--batch must be >= 1, got {args.batch}")
        if args.steps_per_frame is not None and args.steps_per_frame < 0:
            raise ValueError(f"--steps-per-frame must be >= 0, got {args.steps_per_frame}")
        act = args.act.split(",") if "," in args.act else args.act
        return cls(args.data, arch, act, args.out_act, args.loss, args.opt, args.lr, args.batch,
                   args.seed, args.load, args.noise, args.n_train, args.test_frac, args.image,
                   args.bits, args.steps_per_frame)


class GymView(gl.View):
    """The gym window: diagram, first-layer maps, output map, cost plot, status line."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.resets = 0
        self.net = self.opt = None
        self.paused, self.show_test, self.show_help, self.log_scale = False, True, False, True
        self.time, self.mouse = 0.0, None
        self.frame_start, self.train_time, self.drawing = None, 0.0, None
        self.load_task(cfg.data, cfg.arch, cfg.load)

    # -- model -------------------------------------------------------------------------------

    def load_task(self, name, arch=None, load=None):
        """Make the dataset and a net that fits it; raises ValueError if they do not fit."""
        cfg = self.cfg
        ds = data.make(name, n_train=cfg.n_train, noise=cfg.noise, test_frac=cfg.test_frac,
                       seed=cfg.seed, image=cfg.image, bits=cfg.bits)
        if load is not None:
            net = nn.MLP.load(load)
            arch = list(net.arch)
        elif arch is None:
            arch = [ds.n_in] + self.hidden() + [ds.n_out[0]]
        if arch[0] != ds.n_in:
            raise ValueError(f"--arch starts with {arch[0]} inputs, dataset {name!r} has "
                             f"{ds.n_in}")
        if arch[-1] not in ds.n_out:
            raise ValueError(f"--arch ends with {arch[-1]} outputs, dataset {name!r} needs "
                             f"{' or '.join(map(str, ds.n_out))}")
        out_act, loss = ds.default_head(arch[-1])
        out_act = cfg.out_act or (net.acts[-1] if load is not None else out_act)
        loss = cfg.loss or ("ce" if out_act == "softmax" and ds.classes else "mse")
        if load is None:
            net = nn.MLP(arch, act=cfg.act, out_act=out_act, seed=cfg.seed + self.resets)
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
        self.steps = self.trainer()
        self.curves = plot.Curves(("train", "test", "train acc", "test acc"))
        self.message, self.message_until = "", 0.0
        self.rate = 0.0
        self.record_point()

    def reinit(self):
        self.resets += 1
        net = self.net
        fresh = nn.MLP(net.arch, act=net.acts[:-1] or "tanh", out_act=net.acts[-1],
                       seed=self.cfg.seed + self.resets)
        self.net = fresh
        self.restart()

    def train(self, budget=None, steps=None):
        """Advance training for `steps` steps or `budget` seconds (at least one step)."""
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
            self.paused = True
            self.opt.lr /= 2
            self.say(f"diverged at step {self.step}: paused with the last finite weights, "
                     f"lr halved to {self.opt.lr:.3g}; space resumes", 8.0)
            self.steps = self.trainer()
        return done

    def record_point(self):
        ds, net = self.ds, self.net
        train, acc = net.evaluate(ds.x, self.t, self.loss)
        test = tacc = math.nan
        if self.t_test is not None:
            test, tacc = net.evaluate(ds.x_test, self.t_test, self.loss)
        if not ds.classes:
            acc = tacc = math.nan
        self.curves.add(self.step, **{"train": train, "test": test, "train acc": acc,
                                      "test acc": tacc})

    # -- the frame loop ----------------------------------------------------------------------

    def setup(self):
        ctx = self.ctx
        self.painter = gl.Painter(ctx)
        self.layer_maps = maps.LayerMaps(ctx, res=64)
        self.out_map = maps.OutputMap(ctx, res=64)
        self.colorbar = plot.Colorbar(ctx)
        self.graph = netgraph.NetGraph()
        self.points_fbo = self.points_tex = self.points_key = None
        self.boxes = self.layout(800, 600)

    def say(self, text, seconds=3.0):
        self.message, self.message_until = text, self.time + seconds

    def update(self, dt):
        """Train for what a FRAME leaves after the last frame's drawing (within BUDGET), or
        --steps-per-frame steps. Drawing is the last frame's busy time (app.work, which leaves
        out a window's wait for its next tick) less its training."""
        with BLAS.limit(limits=1, user_api="blas"):
            self._update(dt)

    def _update(self, dt):
        self.time += dt
        now = time.perf_counter()
        period = now - self.frame_start if self.frame_start is not None else FRAME
        work = getattr(self.app, "work", None)                 # the last frame, without idling
        drawing = max((period if work is None else work) - self.train_time, 0.0)
        self.drawing = drawing if self.drawing is None else 0.8 * self.drawing + 0.2 * drawing
        self.frame_start, self.train_time, n = now, 0.0, 0
        if not self.paused:
            spf = self.cfg.steps_per_frame
            if spf != 0:
                budget = min(max(FRAME - self.drawing, BUDGET[0]), BUDGET[1])
                n = self.train(budget=budget, steps=spf)
                self.train_time = time.perf_counter() - now
            self.record_point()
        rate = n / period if period > 0 else 0.0
        self.rate = rate if self.rate == 0 else 0.9 * self.rate + 0.1 * rate

    def probe(self):
        """The input shown in the diagram: under the mouse on the output map, else a training
        sample that changes every PROBE_PERIOD seconds."""
        if self.mouse is not None and self.ds.n_in == 2:
            p = maps.from_pixel(*self.mouse, self.boxes["output"])
            if p is not None:
                return p, "mouse"
        i = int(self.time / PROBE_PERIOD) % len(self.ds.x)
        return self.ds.x[i], f"sample {i}"

    def layout(self, w, h):
        """Panel boxes (x, y, w, h) for a w x h window."""
        top, bottom, m = 26, 20, 8
        main_h = h - top - bottom
        left_w = w * 0.5
        graph_h = main_h * 0.6
        right_x = left_w + m
        right_w = w - right_x - m
        out = min(right_w - 70, main_h * 0.52)
        return {
            "status": (0, 0, w, top),
            "graph": (m, top + 18, left_w - 2 * m, graph_h - 18),
            "diagram": (m, top + 18, left_w - 2 * m, graph_h - 52),     # above the legend
            "cost": (m, top + graph_h + m, left_w - 2 * m, main_h - graph_h - 2 * m),
            "output": (right_x, top + 18, out, out),
            "legend": (right_x + out + 10, top + 18, max(right_w - out - 10, 40), out),
            "maps": (right_x, top + out + 44, right_w, main_h - out - 52),
            "help": (0, h - bottom, w, bottom),
        }

    def draw(self, fbo, width, height):
        with BLAS.limit(limits=1, user_api="blas"):
            self._draw(fbo, width, height)

    def _draw(self, fbo, width, height):
        self.boxes = b = self.layout(width, height)
        net, ds = self.net, self.ds
        point, source = self.probe()
        acts = net.forward(point, trace=True)
        hover = None
        if self.mouse is not None:
            hover = self.graph.neuron_at(net.arch, b["diagram"], *self.mouse)
        map_hover = self.layer_maps.index_at(*self.mouse) if self.mouse is not None else None
        highlight = hover[1] if hover is not None and hover[0] == 1 else map_hover
        if map_hover is not None:
            hover = (1, map_hover)
        image = ds.image_shape is not None
        if ds.n_in == 2:
            trace = net.forward(self.layer_maps.points, trace=True)      # one pass, both maps
            self.layer_maps.update(net, probe_acts=acts[1], a1=trace[1])
            res = int(min(b["output"][2], 256)) if image else self.layer_maps.res
            self.out_map.update(net, classes=ds.classes, image=image, res=res,
                                y=None if image else trace[-1])
        else:
            self.layer_maps.update(net, input_shape=(2, ds.n_in // 2), probe_acts=acts[1])
        self.draw_points(b["output"])
        self.layer_maps.upload()
        self.out_map.upload()
        fbo.use()
        fbo.clear(*BG)
        p = self.painter
        with p.target(fbo):
            self.draw_status(p, b["status"])
            title = f"network {'-'.join(map(str, net.arch))}, colored by activation for {source}"
            if p.text_width(title, 12) > b["graph"][2]:
                title = f"network, colored by activation for {source}"
            self.panel_title(p, b["graph"], title)
            ranges = netgraph.layer_ranges(net.acts, acts)
            self.graph.draw(p, net, acts, b["diagram"], hover=hover, ranges=ranges)
            self.draw_graph_legend(p, b, ranges)
            self.draw_curves(p, b["cost"])
            if ds.n_in == 2:
                self.draw_output(p, b, point if source == "mouse" else None)
            else:
                self.draw_adder(p, b)
            what = "activation over the input plane" if ds.n_in == 2 else \
                "input weights (top: a, bottom: b)"
            self.panel_title(p, b["maps"], f"first hidden layer, each neuron's {what}")
            self.layer_maps.draw(p, b["maps"], highlight=highlight, enlarge=map_hover)
            self.draw_help(p, b["help"], width, height)

    # -- panels ------------------------------------------------------------------------------

    def panel_title(self, p, box, text):
        p.text(text, box[0], box[1] - 16, size=12, color=TEXT)

    def draw_status(self, p, box):
        last = self.curves.last
        parts = [f"{self.ds.name}", "-".join(map(str, self.net.arch)),
                 f"epoch {self.epoch}  step {self.step}", f"lr {self.opt.lr:.3g}",
                 f"cost {last('train'):.4g}"]
        if self.ds.classes:
            parts.append(f"acc {last('train acc'):.3f}")
            if self.t_test is not None:
                parts.append(f"test {last('test acc'):.3f}")
        parts += [f"{self.rate:.0f} steps/s", f"{self.app.fps:.0f} fps"]
        if self.paused:
            parts.append("PAUSED")
        if self.app.recording:
            parts.append("REC")
        chrome.status_bar(p, box, parts)

    def draw_help(self, p, box, width, height):
        message = self.message if self.time < self.message_until else None
        chrome.key_bar(p, box, "space pause  . step  r reset  up/down lr  1-8 data  t test  "
                       "l log  s png  g gif  w weights  h help", message)
        if self.show_help:
            chrome.help_overlay(p, width, height, KEYS_HELP)

    def draw_graph_legend(self, p, b, ranges):
        """Edge colours, and one colorbar per distinct activation range in the diagram."""
        x, y, w, h = b["graph"]
        ly = y + h - 24
        p.lines([[x + 4, ly + 4], [x + 4, ly + 16]], [[x + 24, ly + 4], [x + 24, ly + 16]],
                [2.5, 2.5], [netgraph.POSITIVE, netgraph.NEGATIVE])
        key = "w > 0\nw < 0"
        if netgraph.trimmed(self.net.arch):
            key = f"w > 0  {netgraph.MAX_EDGES} largest\nw < 0  |w| per layer"
        p.text(key, x + 28, ly - 3, size=10, color=DIM)
        key_end = x + 28 + p.text_width(key, 10) + 12
        shown = {}
        for name, r in zip(["input"] + self.net.acts, ranges):
            shown.setdefault((r[2], round(r[0], 3), round(r[1], 3)), []).append(name)
        lx = x + w - 4
        bar = max(min(100.0, (lx - key_end) / len(shown) - 18), 60.0)  # narrower to fit all
        for (cmap, lo, hi), names in shown.items():
            if lx - bar < key_end:                      # no room left beside the edge key
                break
            self.colorbar.draw(p, cmap, lo, hi, (lx - bar, ly, bar, 9),
                               label="/".join(dict.fromkeys(names)))
            lx -= bar + 18

    def draw_curves(self, p, box):
        """Train / test cost over steps, and accuracy below it for classification."""
        names = ("train", "test") if self.t_test is not None else ("train",)
        x, y, w, h = box
        if not self.ds.classes:
            self.curves.draw(p, box, f"cost ({self.loss})", log=self.log_scale, names=names)
            return
        top = h * 0.6
        self.curves.draw(p, (x, y, w, top), f"cost ({self.loss})", log=self.log_scale,
                         names=names)
        self.curves.draw(p, (x, y + top + 4, w, h - top - 4), "accuracy",
                         names=tuple(n + " acc" for n in names), lo=0.0, hi=1.0)

    def draw_points(self, box):
        """The training (and test) points over the output map: they only change with the
        dataset, the panel size or the `t` key, so they are drawn once into a texture."""
        ds = self.ds
        key = (id(ds), int(box[2]), int(box[3]), self.show_test)
        if ds.n_in != 2 or ds.image_shape is not None:
            self.points_tex = None
            return
        if key == self.points_key:
            return
        if self.points_fbo is not None:
            gl.release_offscreen(self.points_fbo)
        self.points_fbo = fbo = gl.offscreen(self.ctx, key[1], key[2])
        self.points_tex, self.points_key = fbo.color_attachments[0], key
        self.points_tex.filter = (moderngl.NEAREST, moderngl.NEAREST)   # drawn 1:1 on the panel
        fbo.use()
        fbo.clear(0.0, 0.0, 0.0, 0.0)
        local = (0, 0, key[1], key[2])
        sets = [(ds.x, ds.labels, (1.0, 1.0, 1.0))]
        if self.show_test and len(ds.x_test):
            sets.append((ds.x_test, ds.labels_test, (0.0, 0.0, 0.0)))
        with self.painter.target(fbo) as p:
            for x, labels, ring in sets:
                px, py = maps.to_pixel(x, local)
                fill = self.out_map.point_colors(labels, ds.classes)
                p.discs(np.stack([px, py], 1), 3.2, fill, outline=ring, outline_width=1.0)

    def draw_output(self, p, b, mouse_point):
        ds, om = self.ds, self.out_map
        box = b["output"]
        kind = "learned image" if ds.image_shape else "output over the input plane"
        self.panel_title(p, box, f"{kind}, x and y in [-1, 1]")
        om.draw(p, box)
        if self.points_tex is not None:
            p.image(self.points_tex, *box)
        if mouse_point is not None:
            px, py = maps.to_pixel(mouse_point, box)
            p.discs([[px, py]], 8, (1, 1, 1, 0), outline=chrome.ACCENT, outline_width=2.5)
        lx, ly, lw, lh = b["legend"]
        lo, hi, cmap = om.range
        if om.values.ndim == 3:
            p.text("class", lx, ly, size=11, color=DIM)
            for k, c in enumerate(theme.class_colors(self.net.arch[-1])):
                p.discs([[lx + 6, ly + 24 + 18 * k]], 5, c)
                p.text(f"{k}", lx + 16, ly + 24 + 18 * k, size=11, color=TEXT, valign="middle")
        elif ds.image_shape is not None:
            p.text("target", lx, ly, size=11, color=DIM)
            th, tw = ds.image_shape
            size = min(lw, 64)
            tex = getattr(self, "_target_tex", None)
            if tex is None or tex.size != (tw, th):
                self._target_tex = tex = gl.texture(self.ctx, ds.labels.reshape(th, tw),
                                                    filter="nearest")
            p.image(tex, lx, ly + 16, size, size * th / tw)
        else:
            p.text(f"output ({self.net.acts[-1]})", lx, ly, size=11, color=DIM)
            bar_w = min(lw - 4, 80)
            self.colorbar.draw(p, cmap, lo, hi, (lx, ly + 18, bar_w, 10))
            if ds.classes == 2:
                p.text("0 = class 0\n1 = class 1", lx, ly + 46, size=10, color=DIM)
        if ds.image_shape is None and len(ds.x_test):
            p.text("white ring: train\nblack ring: test" if self.show_test else "train points",
                   lx, ly + lh - 30, size=10, color=DIM)

    def draw_adder(self, p, b):
        """For the adder: a table of a + b over all pairs, green where every bit is right."""
        ds, net = self.ds, self.net
        bits = ds.n_in // 2
        n = 1 << bits
        box = b["output"]
        self.panel_title(p, box, f"a + b for every pair of {bits}-bit numbers "
                         "(green: all bits right)")
        y = net.forward(ds.x) > 0.5
        wrong = (y != (self.t > 0.5)).sum(1)                      # (n*n,) wrong bits
        pred = y @ (1 << np.arange(bits + 1))
        x, y0, w, h = box
        cell = w / n
        idx = np.arange(n * n)
        rects = np.stack([x + (idx % n) * cell, y0 + (idx // n) * cell,
                          np.full(n * n, cell - 1), np.full(n * n, cell - 1)], 1)
        frac = (wrong / (bits + 1))[:, None]
        fill = (1 - frac) * np.array([0.2, 0.6, 0.3]) + frac * np.array([0.85, 0.2, 0.2])
        p.rects(rects, np.where((wrong == 0)[:, None], [0.2, 0.6, 0.3], fill))
        if cell >= 18:
            for i in idx:
                p.text(str(pred[i]), rects[i, 0] + cell / 2, rects[i, 1] + cell / 2,
                       size=min(12, cell * 0.45), color=(1, 1, 1), anchor="center",
                       valign="middle")
        lx, ly = b["legend"][:2]
        p.text(f"rows: a\ncols: b\n{int((wrong == 0).sum())}/{n * n}\nright", lx, ly,
               size=11, color=TEXT)

    # -- input -------------------------------------------------------------------------------

    def on_mouse_motion(self, x, y, dx, dy):
        self.mouse = (x, y)

    def on_key_press(self, symbol, modifiers):
        from pyglet.window import key

        keys = {key.SPACE: "pause", key.PERIOD: "step", key.R: "reset", key.UP: "faster",
                key.DOWN: "slower", key.T: "test", key.L: "log", key.H: "help", key.S: "png",
                key.G: "gif", key.W: "weights"}
        if key._1 <= symbol <= key._8:
            return self.command("data", data.NAMES[symbol - key._1])
        return symbol in keys and self.command(keys[symbol])

    def command(self, name, arg=None):
        """Do what a key asks: pause, step, reset, faster, slower, data (arg: dataset name),
        test, log, help, png, gif, weights. Returns True."""
        if name == "pause":
            self.paused = not self.paused
        elif name == "step":
            self.paused = True
            self.train(steps=1)
            self.record_point()
        elif name == "reset":
            self.reinit()
            self.say("weights re-initialised")
        elif name in ("faster", "slower"):
            self.opt.lr *= 2.0 if name == "faster" else 0.5
            self.say(f"learning rate {self.opt.lr:.3g}")
        elif name == "data":
            try:
                self.load_task(arg)
                self.say(f"dataset {arg}")
            except ValueError as e:
                self.say(f"cannot switch to {arg}: {e}", 6.0)
        elif name == "test":
            self.show_test = not self.show_test
        elif name == "log":
            self.log_scale = not self.log_scale
        elif name == "help":
            self.show_help = not self.show_help
        elif name == "png":
            path = f"nn-gym-{self.ds.name}-{self.step}.png"
            self.app.screenshot(path)
            self.say(f"saved {path}")
        elif name == "gif":
            path = f"nn-gym-{self.ds.name}.gif"
            on = self.app.toggle_record(path)
            self.say(f"recording to {path}" if on else f"saved {path}")
        elif name == "weights":
            path = f"nn-gym-{self.ds.name}.npz"
            self.net.save(path)
            self.say(f"saved weights to {path}")
        else:
            raise ValueError(f"unknown command {name!r}")
        return True


def gym_main(argv):
    parser = gym_parser()
    args = parser.parse_args(argv)
    try:
        cfg = Config.from_args(args)
        view = GymView(cfg)
    except (ValueError, TypeError, OSError) as e:
        parser.error(str(e))
    run_view(parser, args, view, "nn-gym")
    print(f"{view.app.frame} frames, {view.step} training steps, final cost "
          f"{view.curves.last('train'):.4g}, {view.app.fps:.0f} fps")
    return 0


def march_parser():
    from viz.marchview import CLOUD_FILES, TARGETS

    p = argparse.ArgumentParser(
        prog="nn-gym march", description="Level surfaces f = level + k of a net with 3 inputs "
        "(x, y, z) and 1 output, raymarched inside a sphere; sparks along grad f; a weight "
        "diagram edited with the mouse wheel; optionally trained live towards a shape.")
    p.add_argument("--arch", default="3,8,1", help="layer sizes, 3 inputs and 1 output "
                   "(default 3,8,1; hidden layers up to 8 in all, e.g. 3,32,32,32,32,1)")
    p.add_argument("--act", default="tanh",
                   help="hidden activation: tanh, sigmoid, relu, sin, linear, leaky_relu")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights")
    p.add_argument("--load", metavar="MODEL.npz", default=None, help="start from saved weights")
    p.add_argument("--train", metavar="TARGET", default=None,
                   help=f"fit the net live to a shape's signed distance: {', '.join(TARGETS)} "
                   f"(knot: a point cloud along a trefoil), or a point cloud file "
                   f"({', '.join(CLOUD_FILES)}: x y z per point) grown into a surface")
    p.add_argument("--lr", type=float, default=0.01, help="Adam learning rate (default 0.01)")
    p.add_argument("--batch", type=int, default=256, help="batch size (default 256)")
    p.add_argument("--steps-per-frame", type=int, default=4,
                   help="training steps per frame (default 4)")
    p.add_argument("--period", type=float, default=5.0,
                   help="seconds per cycle of the animated level (default 5)")
    p.add_argument("--level", type=float, default=None,
                   help="start paused at this level (0..1) instead of animating")
    p.add_argument("--radius", type=float, default=5.0, help="bounding sphere radius (default 5)")
    p.add_argument("--steps", type=int, default=64, help="scan samples per ray (default 64)")
    p.add_argument("--grid", type=int, default=64,
                   help="resolution of the sampled field the fast scan reads (default 64)")
    p.add_argument("--naive", action="store_true",
                   help="evaluate the exact net at every scan sample (slow; for comparison)")
    p.add_argument("--sparks", type=int, default=512, help="number of sparks (default 512)")
    p.add_argument("--orbit", action="store_true", help="orbit the camera slowly")
    add_output_args(p)
    p.set_defaults(size="1000x620")
    return p


def march_net(args):
    """The net nn-gym march shows: loaded, or new with uniform [-1, 1] weights."""
    if args.load is not None:
        return nn.MLP.load(args.load)
    arch = parse_arch(args.arch, "3,8,1")
    if len(arch) < 2 or arch[0] != 3 or arch[-1] != 1 or min(arch) < 1:
        raise ValueError(f"--arch must start with 3 inputs and end with 1 output, got "
                         f"{args.arch!r}")
    return nn.MLP(arch, act=args.act, init="uniform", low=-1.0, high=1.0, seed=args.seed)


def march_main(argv):
    from viz import marchview

    parser = march_parser()
    args = parser.parse_args(argv)
    try:
        if not args.lr > 0:
            raise ValueError(f"--lr must be positive, got {args.lr}")
        for name in ("batch", "steps_per_frame", "steps", "sparks"):
            if getattr(args, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got "
                                 f"{getattr(args, name)}")
        net = march_net(args)
        view = marchview.MarchView(
            net, period=args.period, level=args.level, train=args.train, lr=args.lr,
            batch=args.batch, steps_per_frame=args.steps_per_frame, seed=args.seed,
            grid=args.grid, steps=args.steps, radius=args.radius, naive=args.naive,
            n_sparks=args.sparks, orbit=args.orbit)
    except (ValueError, TypeError, OSError) as e:
        parser.error(str(e))
    run_view(parser, args, view, "nn-gym march")
    trained = f", {view.step} training steps, cost {view.cost:.4g}" if args.train else ""
    print(f"{view.app.frame} frames{trained}, {view.app.fps:.0f} fps")
    return 0


def chaos_parser():
    from viz.chaos import Config

    d = Config()
    p = argparse.ArgumentParser(
        prog="nn-gym chaos",
        description="Train a deep tanh net started in the chaotic regime (Poole et al. 2016) on "
        "a random Hermite-polynomial target, one frame per gradient step, then loop back to the "
        "initial weights; each pixel is a point of a 2-D input slice coloured by three neurons "
        "of one layer (RGB). The frames are DCT-coded into --out and then played when a window "
        "or --headless output is asked for (or a display is available).")
    p.add_argument("--out", default="chaos.npz", help="coded animation to write (.npz)")
    p.add_argument("--layers", action="store_true",
                   help="one frame per layer of the untrained net instead of one per step")
    p.add_argument("--depth", type=int, default=d.depth, help=f"hidden layers ({d.depth})")
    p.add_argument("--width", type=int, default=d.width, help=f"neurons per layer ({d.width})")
    p.add_argument("--sigma-w", type=float, default=d.sigma_w,
                   help=f"weight scale: W ~ N(0, sigma_w^2 / fan_in) ({d.sigma_w})")
    p.add_argument("--sigma-b", type=float, default=d.sigma_b,
                   help=f"bias scale: b ~ N(0, sigma_b^2) ({d.sigma_b})")
    p.add_argument("--layer", type=int, default=d.layer, help=f"layer shown ({d.layer})")
    p.add_argument("--neurons", default=",".join(map(str, d.neurons)),
                   help="three neuron indices shown as R,G,B (%(default)s)")
    p.add_argument("--extent", type=float, default=d.extent,
                   help=f"half-width of the square input slice around the origin ({d.extent})")
    p.add_argument("--res", type=int, default=d.res, help=f"computed frame size ({d.res})")
    p.add_argument("--steps", type=int, default=d.steps, help=f"training steps ({d.steps})")
    p.add_argument("--lr", type=float, default=d.lr, help=f"learning rate ({d.lr})")
    p.add_argument("--weight-decay", type=float, default=d.weight_decay,
                   help=f"weight decay ({d.weight_decay})")
    p.add_argument("--loop", type=int, default=d.loop,
                   help=f"frames from the trained weights back to the start ({d.loop})")
    p.add_argument("--degree", type=int, default=d.degree,
                   help=f"highest total degree of the Hermite target ({d.degree})")
    p.add_argument("--seed", type=int, default=d.seed, help="seed of the net's initial weights")
    p.add_argument("-k", type=int, default=d.k,
                   help=f"DCT modes kept: a k x k block, or the k*k largest ({d.k})")
    p.add_argument("--mode", default=d.mode, choices=("block", "largest"),
                   help="which DCT modes to keep (%(default)s)")
    p.add_argument("--speed", type=float, default=30.0,
                   help="playback speed in frames per second (%(default)s)")
    return add_output_args(p)


def _progress(phase, done, total):
    """A progress line on stderr, redrawn about every 5%."""
    if done == total or done % max(1, total // 20) == 0:
        print(f"\r{phase} {done}/{total}   ", end="" if done < total else "\n",
              file=sys.stderr, flush=True)


def chaos_main(argv):
    import os

    from viz import chaos, dct, player

    parser = chaos_parser()
    args = parser.parse_args(argv)
    try:
        neurons = tuple(int(n) for n in args.neurons.split(","))
    except ValueError:
        parser.error(f"--neurons must be three integers like 0,1,2, got {args.neurons!r}")
    try:
        cfg = chaos.Config(
            depth=args.depth, width=args.width, sigma_w=args.sigma_w, sigma_b=args.sigma_b,
            seed=args.seed, layer=args.layer, neurons=neurons, extent=args.extent,
            res=args.res, degree=args.degree, steps=args.steps, lr=args.lr,
            weight_decay=args.weight_decay, loop=args.loop, k=args.k, mode=args.mode).check()
    except ValueError as e:
        parser.error(str(e))
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        parser.error(f"--out: folder {folder} does not exist")
    asked = args.headless or args.frames or args.screenshot or args.record
    if asked:
        check_output(parser, args)
    q, chi = chaos.q_star(cfg.sigma_w, cfg.sigma_b), chaos.chi_1(cfg.sigma_w, cfg.sigma_b)
    phase = "chaotic" if chi > 1 else "ordered"
    print(f"sigma_w={cfg.sigma_w:g} sigma_b={cfg.sigma_b:g}: q*={q:.3g}, chi_1={chi:.3f} "
          f"({phase})", file=sys.stderr)
    start = time.perf_counter()
    try:
        make = chaos.layer_animation if args.layers else chaos.animation
        anim = make(cfg, _progress)
    except nn.DivergedError as e:
        print(f"nn-gym chaos: {e}", file=sys.stderr)
        return 1
    coded, meta = chaos.encode(anim, layers=args.layers)
    try:
        dct.save(args.out, coded, meta)
    except OSError as e:
        parser.error(f"--out: cannot write {args.out} ({e})")
    t, h, w, _ = anim.frames.shape
    print(f"wrote {args.out}: {t} frames of {w}x{h}, {cfg.mode} k={cfg.k}, "
          f"{dct.compression_ratio(coded):.1f}x smaller than the 8-bit frames, "
          f"PSNR {meta['psnr']:.1f} dB, {time.perf_counter() - start:.1f} s")
    if asked or gl.has_display():
        run_view(parser, args, player.Player(coded, meta, speed=args.speed), "nn-gym chaos")
    return 0


def play_parser():
    p = argparse.ArgumentParser(
        prog="nn-gym play",
        description="Play a DCT-coded animation (from nn-gym chaos) with the inverse DCT on the "
        "GPU. Move the mouse across the window to scrub; it plays on by itself when the mouse "
        "rests. Space pauses, left/right step.")
    p.add_argument("path", help="coded animation (.npz)")
    p.add_argument("--speed", type=float, default=30.0,
                   help="playback speed in frames per second (%(default)s)")
    return add_output_args(p)


def play_main(argv):
    from viz import dct, player

    parser = play_parser()
    args = parser.parse_args(argv)
    if not args.speed > 0:
        parser.error(f"--speed must be > 0, got {args.speed}")
    try:
        coded, meta = dct.load(args.path)
        view = player.Player(coded, meta, speed=args.speed)
    except ValueError as e:
        parser.error(str(e))
    run_view(parser, args, view, f"nn-gym play {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
