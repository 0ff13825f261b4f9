"""The gym's frame loop against moderngl-window's: the same GymView drawn by viz/gl's loop and
by moderngl-window's headless (EGL) window, and, when a display is there, by both pyglet
windows, unpaced. Frames/s over 300 frames after 20; medians of --repeats runs.

    python bench/bench_window.py                  # headless only
    DISPLAY=:99 python bench/bench_window.py      # also the real windows (e.g. under Xvfb)

Needs moderngl-window (pip install -e ".[bench]").
"""

import argparse
import statistics
import subprocess
import sys
import time

from viz import cli, gl
from viz.gym.model import Gym
from viz.gym.settings import Config
from viz.gym.view import GymView

FRAMES, WARMUP, SIZE = 300, 20, (800, 600)


def gym():
    return GymView(Gym(Config(data="spiral", arch="2,16,16,1", seed=0)))


def ours(headless):
    view = gym()
    marks, update = [], view.update
    view.update = lambda dt: (marks.append(time.perf_counter()), update(dt))
    gl.run(view, *SIZE, headless=headless, frames=FRAMES + WARMUP, fps=1000)
    return (len(marks) - 1 - WARMUP) / (marks[-1] - marks[WARMUP])


def theirs(headless):
    import moderngl_window as mglw

    cls = "headless" if headless else "pyglet"
    mglw.settings.WINDOW.update({"class": f"moderngl_window.context.{cls}.Window",
                                 "size": SIZE, "vsync": False, "gl_version": (3, 3),
                                 "title": "bench", "backend": "egl" if headless else None})
    win = mglw.create_window_from_settings()
    view = gym()
    view.open(win.ctx, gl.App(60))
    for k in range(FRAMES + WARMUP):
        if k == WARMUP:
            t0 = time.perf_counter()
        start = time.perf_counter()
        view.update(1 / 60)
        win.use()
        view.draw(win.fbo, *SIZE)
        win.swap_buffers()
        view.app.work = time.perf_counter() - start
        view.app.frame_done(lambda: None)
    win.ctx.finish()
    fps = FRAMES / (time.perf_counter() - t0)
    win.destroy()
    return fps


CASES = {"ours-headless": (ours, True), "mglw-headless": (theirs, True),
         "ours-window": (ours, False), "mglw-window": (theirs, False)}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--case", choices=CASES, help="run one case in this process and print it")
    args = p.parse_args()
    if args.case:
        run, headless = CASES[args.case]
        print(run(headless))
        return
    kinds = ["headless"] + (["window"] if cli.has_display() else [])
    out = {}
    for kind in kinds:
        for who in ("ours", "mglw"):                     # every run in a process of its own
            runs = [float(subprocess.run([sys.executable, __file__, "--case", f"{who}-{kind}"],
                                         capture_output=True, text=True, check=True)
                          .stdout.split()[-1]) for _ in range(args.repeats)]
            out[f"{kind}_{who}"] = statistics.median(runs)
        a, b = out[f"{kind}_ours"], out[f"{kind}_mglw"]
        print(f"{kind:9s} viz/gl {a:6.1f} fps   moderngl-window {b:6.1f} fps   ratio {a / b:.2f}")
    cli.summary(frames=FRAMES, **out)


if __name__ == "__main__":
    main()
