"""Frames per second and training steps per second of the gym, headless (EGL, llvmpipe).

    python bench/bench_gym.py [--frames 300] [--size 800x600]

The gym at 800x600 on spiral with a 2-16-16-1 net and 64x64 maps, as `nn-gym --headless` runs
it: each frame trains for the gym's time budget, then draws every panel; timed from frame
WARMUP on. Also prints where a frame's time goes (training, drawing on the CPU, rendering) from
a second run that waits for the renderer after every frame. Medians over repeats.
"""

import argparse
import statistics
import time

from viz import cli, gl
from viz.gym_model import Config, Gym
from viz.gym_view import GymView

WARMUP = 20


def make_view(args):
    return GymView(Gym(Config(data="spiral", arch="2,16,16,1", seed=0)))


def fps_run(args):
    """Frames/s and steps/s of a plain headless run, after WARMUP frames (the first frames
    compile shaders and fill caches)."""
    view = make_view(args)
    w, h = args.size
    marks = []
    update = view.update

    def timed_update(dt):
        marks.append((time.perf_counter(), view.model.step))
        update(dt)

    view.update = timed_update
    gl.run(view, w, h, headless=True, frames=args.frames + WARMUP)
    gl.headless_context().finish()
    marks.append((time.perf_counter(), view.model.step))
    (t0, s0), (t1, s1) = marks[WARMUP], marks[-1]
    return args.frames / (t1 - t0), (s1 - s0) / (t1 - t0)


def breakdown(args):
    """Median ms per frame of training, CPU drawing and waiting for the renderer."""
    view = make_view(args)
    w, h = args.size
    ctx = gl.headless_context()
    fbo = gl.offscreen(ctx, w, h)
    view.open(ctx, gl.App(60))
    parts = {"train": [], "draw (cpu)": [], "render (gpu)": []}
    for k in range(min(args.frames, 120)):
        t0 = time.perf_counter()
        view.update(1 / 60)
        t1 = time.perf_counter()
        view.draw(fbo, w, h)
        t2 = time.perf_counter()
        ctx.finish()
        t3 = time.perf_counter()
        view.app.work = t3 - t0                     # what the training budget is measured from
        view.app._frame_done(lambda: None)
        if k >= WARMUP:
            for name, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
                parts[name].append(v * 1e3)
    gl.release_offscreen(fbo)
    return {k: statistics.median(v) for k, v in parts.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frames", type=int, default=300)
    p.add_argument("--size", default="800x600", type=cli.parse_size)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    runs = [fps_run(args) for _ in range(args.repeats)]
    fps = statistics.median(r[0] for r in runs)
    steps = statistics.median(r[1] for r in runs)
    print(f"gym headless {args.size[0]}x{args.size[1]}, spiral, 2-16-16-1, 64x64 maps, "
          f"{args.frames} frames x {args.repeats} runs")
    print(f"  frames/s          {fps:8.1f}   (target >= 60)")
    print(f"  training steps/s  {steps:8.0f}")
    parts = breakdown(args)
    for name, ms in parts.items():
        print(f"  {name:16s}  {ms:8.2f} ms per frame (median)")
    cli.summary(frames=args.frames, fps=fps, steps_per_s=steps,
                **{k.split()[0] + "_ms": v for k, v in parts.items()})


if __name__ == "__main__":
    main()
