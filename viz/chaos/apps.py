"""nn-gym chaos and nn-gym play: compute, DCT-code and play the chaos animation (model.py,
dct.py, the player view in view.py). Each has a Config (its options, generated into argparse
by viz/cli.py) and a run function; CHAOS_APP and PLAY_APP are what viz/main.py runs.

    nn-gym chaos --out a.npz          # train, render, encode; then play it if there is a screen
    nn-gym chaos --layers             # one frame per layer instead of one per training step
    nn-gym play a.npz --headless --frames 60 --record a.gif
    nn-gym play a.npz --html a.html   # one self-contained web page that plays it (web.py)

Both end by printing the summary line: frames and fps of the player (0 when nothing was
played), and the animation's anim_frames and psnr (of the decoded against the computed frames),
and html_bytes when a page was written.
"""

import os
import sys
import time
from dataclasses import dataclass

import nn
from viz import cli
from viz.chaos import dct, model, web

PLAYER_MIN_SIZE = (320, 320)    # the frame, its timeline and the lines under it
D = model.Config()          # the animation's defaults


MOUSE = ("scrub", "velocity")


@dataclass
class Playing(cli.Output):
    """The options of how an animation plays, in the window and in a web page."""

    MIN_SIZE = PLAYER_MIN_SIZE

    speed: float = cli.opt(30.0, "playback speed in frames per second (> 0)")
    mouse: str = cli.opt(None, "what the mouse does: scrub (its x picks the frame) or velocity "
                         "(moving it plays faster); default scrub in the window, velocity in "
                         "the --html page", choices=MOUSE)
    html: str = cli.opt(None, "also write one self-contained web page that plays the animation "
                        "(WebGL2, no network)", metavar="OUT.html")

    def check(self):
        cli.require(cli.finite(self.speed) and self.speed > 0, "--speed", "a finite number > 0",
                    self.speed)
        cli.check_page(self.html)
        super().check()

    def write_html(self, coded, meta):
        """The page, if --html asked for it: {"html_bytes": its size}, else {}."""
        if self.html is None:
            return {}
        return cli.write_page(self.html, web.write, coded, meta, self.speed,
                              scrub=self.mouse == "scrub")


@dataclass
class ChaosConfig(Playing):
    """nn-gym chaos's options: the animation's (model.Config), where to write it, how to
    play it."""

    out: str = cli.opt("chaos.npz", "coded animation to write (.npz)", metavar="PATH.npz")
    layers: bool = cli.opt(False, "one frame per layer of the untrained net instead of one per "
                           "training step (shown one layer at a time: scrub or step)")
    depth: int = cli.opt(D.depth, "hidden layers")
    width: int = cli.opt(D.width, "neurons per layer")
    sigma_w: float = cli.opt(D.sigma_w, "weight scale: W ~ N(0, sigma_w^2 / fan_in), "
                                f"0..{model.MAX_SIGMA:g}")
    sigma_b: float = cli.opt(D.sigma_b, f"bias scale: b ~ N(0, sigma_b^2), "
                                f"0..{model.MAX_SIGMA:g}")
    layer: int = cli.opt(D.layer, "layer shown")
    neurons: str = cli.opt(",".join(map(str, D.neurons)), "three neuron indices shown as R,G,B",
                           metavar="I,J,K")
    extent: float = cli.opt(D.extent, "half-width of the square input slice around the origin")
    res: int = cli.opt(D.res, "computed frame size")
    steps: int = cli.opt(D.steps, "training steps")
    lr: float = cli.opt(D.lr, "learning rate")
    weight_decay: float = cli.opt(D.weight_decay, "weight decay")
    loop: int = cli.opt(D.loop, "frames from the trained weights back to the start")
    degree: int = cli.opt(D.degree, f"highest total degree of the Hermite target, "
                                f"0..{model.MAX_DEGREE}")
    seed: int = cli.opt(D.seed, "seed of the net's initial weights")
    k: int = cli.opt(D.k, "DCT modes kept: a k x k block, or the k*k largest", flag="-k")
    mode: str = cli.opt(D.mode, "which DCT modes to keep", choices=dct.MODES)

    def check(self):
        try:
            neurons = tuple(int(n) for n in self.neurons.split(","))
        except ValueError:
            raise ValueError(f"--neurons must be three integers like 0,1,2, got "
                             f"{self.neurons!r}") from None
        self.animation = model.Config(
            depth=self.depth, width=self.width, sigma_w=self.sigma_w, sigma_b=self.sigma_b,
            seed=self.seed, layer=self.layer, neurons=neurons, extent=self.extent, res=self.res,
            degree=self.degree, steps=self.steps, lr=self.lr, weight_decay=self.weight_decay,
            loop=self.loop, k=self.k, mode=self.mode).check(layers=self.layers)
        cli.require(self.out.lower().endswith(".npz"), "--out", "a path ending in .npz",
                    self.out)
        folder = os.path.dirname(os.path.abspath(self.out))
        if not os.path.isdir(folder):
            raise ValueError(f"--out: folder {folder} does not exist")
        super().check()

    def wants_window(self):
        return self.asked() and not self.headless


def player(cfg, coded, meta, name, source=None):
    """The player view of a coded animation for cfg's options; a bad animation is a UsageError
    (naming `source`, the file it came from)."""
    from viz.chaos.view import Player

    try:
        view = Player(coded, meta, speed=cfg.speed, name=name, mouse=cfg.mouse or "scrub")
    except ValueError as e:
        raise cli.UsageError(f"{source}: {e}" if source else str(e)) from None
    view.min_size = cfg.MIN_SIZE
    return view


def play(cfg, coded, meta, title, name, source=None):
    """Run the player on a coded animation as cfg's output options say; (frames, fps)."""
    from viz import gl

    view = player(cfg, coded, meta, name, source)
    gl.run(view, title=title, **cfg.run_options())
    return view.app.frame, view.app.run_fps()


def stem(path):
    return os.path.splitext(os.path.basename(path))[0]


def run_chaos(cfg):
    """Train, render and encode the animation into cfg.out, then play it when an output was
    asked for or a display is there; print the summary line."""

    anim_cfg = cfg.animation
    q, chi = model.q_star(anim_cfg.sigma_w, anim_cfg.sigma_b), model.chi_1(anim_cfg.sigma_w,
                                                                          anim_cfg.sigma_b)
    print(f"sigma_w={anim_cfg.sigma_w:g} sigma_b={anim_cfg.sigma_b:g}: q*={q:.3g}, "
          f"chi_1={chi:.3f} ({'chaotic' if chi > 1 else 'ordered'})", file=sys.stderr)
    start = time.perf_counter()
    try:
        make = model.layer_animation if cfg.layers else model.animation
        anim = make(anim_cfg, cli.progress)
    except nn.DivergedError as e:
        print(f"nn-gym chaos: {e}", file=sys.stderr)
        cli.summary(frames=0, fps=0.0, anim_frames=0, chi_1=chi)
        return 1
    coded, meta = model.encode(anim, layers=cfg.layers)
    try:
        dct.save(cfg.out, coded, meta)
    except OSError as e:
        raise cli.UsageError(f"--out: cannot write {cfg.out} ({e})") from None
    t, h, w, _ = anim.frames.shape
    print(f"wrote {cfg.out}: {t} frames of {w}x{h}, {anim_cfg.mode} k={anim_cfg.k}, "
          f"{dct.compression_ratio(coded):.1f}x smaller than the 8-bit frames, "
          f"PSNR {meta['psnr']:.1f} dB, {time.perf_counter() - start:.1f} s")
    page = cfg.write_html(coded, meta)
    frames, fps = 0, 0.0
    if cfg.asked() or (cli.has_display() and cfg.html is None):
        frames, fps = play(cfg, coded, meta, "nn-gym chaos", stem(cfg.out))
    cli.summary(frames=frames, fps=fps, anim_frames=coded.frames, psnr=meta["psnr"], chi_1=chi,
                **page)
    return 0


@dataclass
class PlayConfig(Playing):
    """nn-gym play's options."""

    path: str = cli.opt(None, "coded animation (.npz)", positional=True, metavar="PATH.npz")


def load(path):
    """(coded, meta) of an RGB animation file; anything else is a UsageError."""
    try:
        coded, meta = dct.load(path)
        if coded.channels != 3:
            raise ValueError(f"{path}: coded frames must have 3 channels (RGB), got "
                             f"{coded.channels}")
    except ValueError as e:
        raise cli.UsageError(str(e)) from None
    return coded, meta


def build_play(cfg):
    """The player of cfg.path (what a notebook runs live)."""
    coded, meta = load(cfg.path)
    return player(cfg, coded, meta, stem(cfg.path), cfg.path)


def finish_play(view, cfg, page=None):
    """The end of a play run: the summary line (frames 0 when it was not played; page: the
    --html page's part)."""
    app = view.app
    frames, fps = (app.frame, app.run_fps()) if app is not None else (0, 0.0)
    cli.summary(frames=frames, fps=fps, anim_frames=view.coded.frames,
                psnr=view.meta.get("psnr"), **(page or {}))


def run_play(cfg):
    """Load a coded animation, write its page (--html), play it (not after --html alone),
    print the summary line."""
    from viz import gl

    view = build_play(cfg)
    page = cfg.write_html(view.coded, view.meta)
    if cfg.html is None or cfg.asked():
        gl.run(view, title=f"nn-gym play {cfg.path}", **cfg.run_options())
    finish_play(view, cfg, page)
    return 0


CHAOS_APP = cli.AppSpec(
    "nn-gym chaos",
    "Train a deep tanh net started in the chaotic regime (Poole et al. 2016) on a random "
    "Hermite-polynomial target, one frame per gradient step, then loop back to the initial "
    "weights; each pixel is a point of a 2-D input slice coloured by three neurons of one layer "
    "(RGB). The frames are DCT-coded into --out and then played when a window or --headless "
    "output is asked for (or a display is available).", ChaosConfig, run_chaos)

PLAY_APP = cli.AppSpec(
    "nn-gym play",
    "Play a DCT-coded animation (from nn-gym chaos) with the inverse DCT on the GPU. Move the "
    "mouse across the window to scrub; it plays on by itself when the mouse rests (a layers "
    "animation holds its layer). Space plays / pauses, left/right step.", PlayConfig, run_play,
    build_play, finish_play)
