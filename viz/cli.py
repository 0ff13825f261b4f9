"""The command line of every app, generated from its Config dataclass: one source of defaults
and help. A field's metadata says how it appears (`opt(default, help, ...)`); a Config's check()
raises ValueError naming the option, which becomes one line and exit code 2.

    @dataclass
    class Config(cli.Output):
        lr: float = cli.opt(0.03, "learning rate")
        arch: str = cli.opt(None, "layer sizes, e.g. 2,16,16,1", metavar="SIZES")

        def check(self):
            super().check()
            cli.require(self.lr > 0, "--lr", "a positive number", self.lr)

    APP = cli.AppSpec("nn-gym", "Train a net live.", Config, run)    # run(cfg) -> exit code

Every run ends by printing one `summary: key=value ...` line (see `summary`).
"""

import argparse
import ctypes
import ctypes.util
import dataclasses
import math
import os
import sys
from dataclasses import dataclass, field

import nn
from viz.files import RECORDINGS


def opt(default, help, *, metavar=None, choices=None, flag=None, positional=False,
        nargs=None):
    """A Config field shown as an option: `--name` (underscores as dashes) unless `flag` gives
    another spelling, or a positional argument; nargs as argparse's (a list of values)."""
    meta = {"help": help, "metavar": metavar, "choices": choices, "flag": flag,
            "positional": positional, "nargs": nargs}
    return field(default=default, metadata=meta)


def flag(name):
    """The option spelling of a field name: 'n_train' -> '--n-train'."""
    return "--" + name.replace("_", "-")


def require(ok, name, expected, got):
    """Raise ValueError('NAME must be EXPECTED, got GOT') unless ok."""
    if not ok:
        raise ValueError(f"{name} must be {expected}, got {got!r}")


def finite(value):
    return isinstance(value, (int, float)) and math.isfinite(value)


# the library's own measures of memory, so the gym and nn refuse sizes alike
memory_available = nn.memory_available
size_text = nn.size_text


def require_memory(need, what, share=0.5):
    """Raise ValueError('WHAT needs N GiB, M GiB are available') unless `need` bytes fit in
    `share` of the memory available (unknown: anything up to 64 GiB passes)."""
    avail = memory_available()
    room = share * (avail if avail is not None else 2 * 64 * 2 ** 30)
    if need > room:
        have = f"{size_text(avail)} are available" if avail is not None else "too much"
        raise ValueError(f"{what} needs {size_text(need)} of memory, {have}")


@dataclass
class AppSpec:
    """One subcommand: its program name, description, Config class and run(cfg) -> exit code;
    the apps a notebook runs live (viz/notebook) also give build(cfg) -> its view (bad input:
    UsageError) and finish(view, cfg), which ends a run (files asked for, the summary line)."""

    prog: str
    description: str
    config: type
    run: object
    build: object = None
    finish: object = None

    def run_view(self, cfg):
        """build(cfg), run the view in a window or headless as cfg's outputs say (titled
        prog), finish(view, cfg); the exit code 0."""
        from viz import gl

        view = self.build(cfg)
        gl.run(view, title=self.prog, **cfg.run_options())
        self.finish(view, cfg)
        return 0


def _kind(f):
    kinds = {"int": int, "float": float, "str": str, "bool": bool}
    t = f.type if isinstance(f.type, type) else kinds.get(str(f.type).split("|")[0].strip())
    return t or str


def usage_line(prog, message):
    """A bad input's one line: what was wrong, and where the help is."""
    return f"{prog}: error: {message} (see {prog} --help)"


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors are one line: what was wrong, and where the help is."""

    def error(self, message):
        self.exit(2, usage_line(self.prog, message) + "\n")


def parser(spec, kind=Parser):
    """An argparse parser (of class `kind`) for spec.config's fields: the app's own in their
    order, then the output options."""
    p = kind(prog=spec.prog, description=spec.description)
    shared = {f.name for f in dataclasses.fields(Output)}
    fields = dataclasses.fields(spec.config)
    for f in sorted(fields, key=lambda f: f.name in shared):      # the app's own first
        meta = f.metadata
        if "help" not in meta:
            continue
        kind = str if meta.get("nargs") else _kind(f)
        text = meta["help"]
        if f.default is not None and f.default is not False and f.default != "" \
                and kind is not bool:
            text += f" (default {f.default})"
        text = text.replace("%", "%%").replace("{min_size}", "x".join(
            map(str, spec.config.MIN_SIZE)))
        if meta["positional"]:
            p.add_argument(f.name, help=text, metavar=meta["metavar"])
            continue
        names = [meta["flag"]] if meta["flag"] else [flag(f.name)]
        if kind is bool:
            p.add_argument(*names, dest=f.name, action="store_true", help=text)
            continue
        p.add_argument(*names, dest=f.name, type=kind, default=f.default, help=text,
                       metavar=meta["metavar"], choices=meta["choices"], nargs=meta["nargs"])
    return p


class _Raising(Parser):
    """A parser whose one-line error is a UsageError instead of an exit (in a notebook)."""

    def error(self, message):
        raise UsageError(usage_line(self.prog, message))


def parse(spec, argv, raising=False):
    """argv -> a checked Config; bad input exits with code 2 and one line (argparse's way), or
    with `raising` is a UsageError of that line."""
    p = parser(spec, _Raising if raising else Parser)
    args = p.parse_args(argv)
    try:
        cfg = spec.config(**vars(args))
        cfg.check()
    except (ValueError, TypeError, OSError) as e:
        p.error(str(e))
    return cfg, p


def main(spec, argv):
    """Parse, check and run one app; the exit code. Errors found while the app builds its model
    (before any window opens) exit with code 2 and one line, like bad options."""
    cfg, p = parse(spec, argv)
    try:
        return spec.run(cfg)
    except UsageError as e:
        p.error(str(e))


class UsageError(ValueError):
    """Bad input found while an app builds what it runs: reported like a bad option (in a
    notebook cell, as its one line without a traceback)."""

    def _render_traceback_(self):
        return [str(self)]


def parse_size(text, smallest=(64, 64)):
    """'800x600' -> (800, 600); no smaller than `smallest` (what a window's layout holds), no
    larger than 8192x8192."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except (ValueError, AttributeError):
        raise ValueError(f"--size must look like 800x600, got {text!r}") from None
    sw, sh = smallest
    if not (sw <= w <= 8192 and sh <= h <= 8192):
        raise ValueError(f"--size must be from {sw}x{sh} (the smallest this window's layout "
                         f"holds) to 8192x8192, got {text!r}")
    return w, h


def parse_ints(text, name, example):
    """'2,16,1' -> [2, 16, 1]; anything else is a ValueError naming the option."""
    try:
        return [int(v) for v in text.split(",")]
    except (ValueError, AttributeError):
        raise ValueError(f"{name} must be comma-separated integers like {example}, got "
                         f"{text!r}") from None


@dataclass
class Output:
    """The options every window shares: headless rendering, screenshots and recordings.
    MIN_SIZE: the smallest window the app's layout holds (a subclass says)."""

    MIN_SIZE = (64, 64)

    headless: bool = opt(False, "render offscreen (EGL) instead of opening a window")
    frames: int = opt(None, "render this many frames, then exit (headless default 120)",
                      metavar="N")
    screenshot: str = opt(None, "write the last frame to this PNG", metavar="PATH.png")
    record: str = opt(None, "record every frame to a GIF or MP4 (.png keeps the last frame)",
                      metavar="PATH.gif|PATH.mp4")
    size: str = opt("800x600", "window size WxH, from {min_size} to 8192x8192", metavar="WxH")

    def check(self):
        """The output options, checked; a window also needs a display."""
        self.window_size = parse_size(self.size, self.MIN_SIZE)
        if self.frames is not None and self.frames < 1:
            raise ValueError(f"--frames must be >= 1, got {self.frames}")
        for name, path, suffixes in (("--screenshot", self.screenshot, (".png",)),
                                     ("--record", self.record, RECORDINGS)):
            if path is None:
                continue
            if not path.lower().endswith(suffixes):
                raise ValueError(f"{name} must end in {' or '.join(suffixes)}, got {path!r}")
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):
                raise ValueError(f"{name}: folder {folder} does not exist")
        if self.wants_window() and not has_display():
            raise ValueError("no display to open a window on (DISPLAY is unset or "
                             "unreachable); use --headless (with --frames N --screenshot "
                             "out.png or --record out.gif)")

    def asked(self):
        """Whether an output was asked for: a window (not --headless alone) or files."""
        return bool(self.headless or self.frames or self.screenshot or self.record)

    def wants_window(self):
        """A window, unless --headless, or a web page (an `html` option) alone was asked for."""
        return not self.headless and (getattr(self, "html", None) is None or self.asked())

    def run_options(self):
        """gl.run's keyword arguments for these options: a window, or headless frames
        (default 120): `gl.run(view, title=..., **cfg.run_options())`."""
        frames = self.frames if self.frames or not self.headless else 120
        width, height = self.window_size
        return dict(width=width, height=height, headless=self.headless, frames=frames,
                    screenshot=self.screenshot, record=self.record)


def check_page(path):
    """A --html path: ending in .html, a file in a folder that exists and can be written."""
    if path is None:
        return
    require(path.lower().endswith((".html", ".htm")), "--html", "a path ending in .html", path)
    folder = os.path.dirname(os.path.abspath(path))
    require(os.path.isdir(folder), "--html", "in a folder that exists", path)
    require(not os.path.isdir(path) and os.access(folder, os.W_OK), "--html",
            "a file in a folder you can write to", path)


def write_page(path, write, *args, **kwargs):
    """write(path, *args, **kwargs) -> its size, for --html: the size said on stderr, a failed
    write one UsageError; returns the summary's {"html_bytes": size}."""
    try:
        size = write(path, *args, **kwargs)
    except OSError as e:
        raise UsageError(f"--html: cannot write {path} ({e})") from None
    print(f"wrote {path}: {size / 1e6:.2f} MB", file=sys.stderr)
    return {"html_bytes": size}


def in_notebook():
    """Whether this runs in a Jupyter kernel (its argv is the kernel's, and a picture can show
    in the cell)."""
    return "ipykernel" in sys.modules


def has_display():
    """Whether a real window can be opened: DISPLAY is set and its X server answers."""
    if not os.environ.get("DISPLAY"):
        return False
    name = ctypes.util.find_library("X11")
    if name is None:
        return False
    xlib = ctypes.CDLL(name)
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        return False
    xlib.XCloseDisplay(display)
    return True


def _value(v):
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return str(v).replace(" ", "_")


def summary(**values):
    """Print the run's `summary: key=value ...` line to stdout (floats to 4 significant
    digits; None values left out) and return it. Keys: frames, fps, and for apps that train
    task, arch, step, epoch, cost, acc, test_acc."""
    line = "summary: " + " ".join(f"{k}={_value(v)}" for k, v in values.items()
                                  if v is not None)
    print(line, flush=True)
    return line


def progress(phase, done, total):
    """A progress line on stderr, redrawn about every 5%."""
    if done == total or done % max(1, total // 20) == 0:
        print(f"\r{phase} {done}/{total}   ", end="" if done < total else "\n",
              file=sys.stderr, flush=True)
