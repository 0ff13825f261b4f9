"""Frames per second and training steps per second of the gym, headless (EGL, llvmpipe) and, when
a display is there, in a real window (e.g. under Xvfb), with the control panel open and closed.

    python bench/bench_gym.py [--frames 300] [--size 800x600] [--repeats 3]
    DISPLAY=:99 python bench/bench_gym.py --window          # also the real window
    DISPLAY=:99 python bench/bench_gym.py --window --views  # and each view of the gym's table

Each case trains as fast as the machine allows (--fast: what each frame leaves after drawing)
on spiral with a 2-16-16-1 net and 64x64 maps, and is timed from frame WARMUP on, each run in a
process of its own; medians over repeats. Also the gym's real tasks in a window (2-8-8-8-8-1,
2-64-1, checker 2-32-32-1 relu, image, adder) with --tasks, and spiral with each view of
viz/gym/views.py open alone (flow, landscape, space, history; maps is the default) with --views,
in a window when there is one. Then where a headless frame's time
goes (training, drawing on the CPU, rendering), from a run that waits for the renderer after
every frame.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

from viz import cli, gl
from viz.gym.model import Gym
from viz.gym.settings import VIEW_NAMES, Config
from viz.gym.view import GymView

WARMUP = 20
TASKS = {"spiral 2-16-16-1": dict(data="spiral", arch="2,16,16,1"),
         "spiral 2-8-8-8-8-1": dict(data="spiral", arch="2,8,8,8,8,1"),
         "spiral 2-64-1": dict(data="spiral", arch="2,64,1"),
         "checker 2-32-32-1 relu": dict(data="checker", arch="2,32,32,1", act="relu"),
         "image": dict(data="image"), "adder": dict(data="adder")}
KEYS = {"spiral 2-8-8-8-8-1": "deep", "spiral 2-64-1": "wide", "checker 2-32-32-1 relu": "relu",
        "image": "image", "adder": "adder"}          # their names in the summary line


def make_view(task="spiral 2-16-16-1", panel=True, shown=("maps",)):
    view = GymView(Gym(Config(seed=0, fast=True, **TASKS[task])), controls=panel)
    view.shown = list(shown)
    return view


def fps_run(task, panel, headless, frames, size, shown=("maps",)):
    """Frames/s and steps/s of one run, after WARMUP frames (the first frames compile shaders
    and fill caches)."""
    view = make_view(task, panel, shown)
    marks, update = [], view.update

    def timed_update(dt):
        marks.append((time.perf_counter(), view.model.step))
        update(dt)

    view.update = timed_update
    gl.run(view, *size, headless=headless, frames=frames + WARMUP, title="bench")
    (t0, s0), (t1, s1) = marks[WARMUP], marks[-1]
    return (len(marks) - 1 - WARMUP) / (t1 - t0), (s1 - s0) / (t1 - t0)


def breakdown(frames, size):
    """Median ms per frame of training, CPU drawing and waiting for the renderer."""
    view = make_view()
    ctx = gl.headless_context()
    fbo = gl.offscreen(ctx, *size)
    view.open(ctx, gl.App(60))
    parts = {"train": [], "draw (cpu)": [], "render (gpu)": []}
    for k in range(min(frames, 120)):
        t0 = time.perf_counter()
        view.update(1 / 60)
        t1 = time.perf_counter()
        view.draw(fbo, *size)
        t2 = time.perf_counter()
        ctx.finish()
        t3 = time.perf_counter()
        view.app.work = t3 - t0                     # what the training budget follows
        view.app.slack = 1 / 60 - view.app.work
        view.app.frame_done(lambda: None)
        if k >= WARMUP:
            for name, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
                parts[name].append(v * 1e3)
    gl.release_offscreen(fbo)
    return {k: statistics.median(v) for k, v in parts.items()}


def in_process(args, task, panel, headless, shown=("maps",)):
    """fps_run in a fresh process (a window and a headless context never share one)."""
    spec = json.dumps([task, panel, headless, args.frames, list(args.size), list(shown)])
    out = subprocess.run([sys.executable, __file__, "--case", spec], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=300)
    p.add_argument("--size", default="800x600", type=cli.parse_size)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--window", action="store_true", help="also in a real window")
    p.add_argument("--tasks", action="store_true", help="every task of TASKS in a window")
    p.add_argument("--views", action="store_true", help="each view of the gym open alone")
    p.add_argument("--case", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.case:
        task, panel, headless, frames, size, shown = json.loads(args.case)
        print(json.dumps(fps_run(task, panel, headless, frames, size, shown)))
        return
    spiral, maps = "spiral 2-16-16-1", ("maps",)
    cases = [(spiral, panel, True, maps) for panel in (True, False)]
    if args.window or args.tasks:
        cases += [(spiral, panel, False, maps) for panel in (True, False)]
    if args.tasks:
        cases += [(t, True, False, maps) for t in TASKS if t != spiral]
    if args.views:
        cases += [(spiral, True, not args.window, (name,)) for name in VIEW_NAMES[1:]]
    print(f"gym {args.size[0]}x{args.size[1]}, {args.frames} frames x {args.repeats} runs, "
          "training as fast as it goes")
    out = {}
    for task, panel, headless, shown in cases:
        runs = [in_process(args, task, panel, headless, shown) for _ in range(args.repeats)]
        fps = statistics.median(r[0] for r in runs)
        steps = statistics.median(r[1] for r in runs)
        where = "headless" if headless else "window"
        print(f"  {where:8s} {task:24s} panel {'open  ' if panel else 'closed'} "
              f"{','.join(shown):10s} {fps:6.1f} fps  {steps:7.0f} steps/s   "
              "(target >= 60 fps)")
        key = f"{where}_{'panel' if panel else 'bare'}" + (
            "" if task == spiral else "_" + KEYS[task]) + (
            "" if shown == maps else "_" + "_".join(shown))
        out[key] = fps
    parts = breakdown(args.frames, args.size)
    for name, ms in parts.items():
        print(f"  {name:16s}  {ms:8.2f} ms per frame (median, headless, panel open)")
    cli.summary(frames=args.frames, fps=out["headless_panel"], **out,
                **{k.split()[0] + "_ms": v for k, v in parts.items()})


if __name__ == "__main__":
    main()
