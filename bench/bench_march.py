"""Frames per second of the level-surface raymarch at 512x512 on this machine's GL (llvmpipe),
the training rate while drawing, and how soon train mode shows its shape.

    python bench/bench_march.py [--repeats 7] [--size 512] [--seconds 10] [--quick]

1. Frames of the raymarch alone (one Marcher into a size x size framebuffer), per net, view
   (levels: every f = level + k; shape: f = 0 alone), state and path:
     states   still       the camera fixed, the level moving (levels view)
              orbit       the camera moving every frame (no pixel cache applies)
              + sparks    orbit with 512 sparks drawn too
              training    new weights every frame (uploaded; sparks retraced in the levels view)
     paths    naive       the exact net at every one of the 64 scan samples
              fast        the sampled field, exact checks near a level, exact refinement
              preview     the sampled field alone (resampled whenever the weights change)
   Weights compiled in for still / orbit (what a window shows once they settle), in the uniform
   block while training. "picked" marks the path MarchView.path() draws that state with.
2. The whole view (MarchView, headless, a 1100x660 frame: a 512x512 render panel) training
   towards a target with the real elapsed time as each frame's dt: frames/s, training
   steps/s, the seconds until fit_error first fell under 0.05 of the radius and the fit error
   then, and at the end.
Wall-clock medians of `repeats` frames (glFinish'ed). The machine may be shared: run it twice
and compare; `uptime` before and after says how loaded it was.
"""

import argparse
import os
import time

import numpy as np

import nn
from viz import cli, gl
from viz.march import raymarch as march
from viz.march.model import MarchModel, new_net
from viz.march.sparks import Sparks
from viz.march.view import MarchView

ARCHS = ([3, 8, 1], [3, 16, 16, 1], [3, 32, 32, 1])


def median_ms(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


class Bench:
    """Frames of one net's Marcher in every state, view and path."""

    def __init__(self, ctx, net, size, repeats):
        self.ctx, self.net, self.size, self.repeats = ctx, net, size, repeats
        self.fbo = gl.offscreen(ctx, size, size, depth=True)
        self.sparks = Sparks(ctx)
        self.sparks.update(net)
        self.marcher = march.Marcher(ctx, net, settle=0)
        self.cam, self.level = march.Camera(), 0.3

    def frame(self, state, path, shape):
        m, ctx, fbo, viewport = self.marcher, self.ctx, self.fbo, (0, 0, self.size, self.size)
        if state == "training":
            m.set_net(self.net)
            m.still = -10 ** 9                           # weights in the block, no recompile
            if not shape:
                self.sparks.update(self.net)
        if state != "still":
            self.cam.orbit(0.01, 0.0)
        self.level = 0.0 if shape else (self.level + 1 / 300) % 1.0
        fbo.use()
        fbo.clear(0, 0, 0, 1, depth=1.0)
        m.render(fbo, viewport, self.cam, self.level, one_level=shape,
                 naive=path == "naive", preview=path == "preview")
        if state in ("+ sparks", "training") and not shape:
            fbo.viewport = viewport
            self.sparks.draw(self.cam.view_proj(1.0), self.level, m.lo, m.hi)
        ctx.finish()

    def time(self, state, paths, shape):
        """{path: median ms}, the paths' frames interleaved so they share the machine's load."""
        if state != "training":
            self.marcher.still = 10 ** 9                 # weights compiled in
        for path in paths:
            self.frame(state, path, shape)               # compile, warm up
            self.frame(state, path, shape)
        times = {path: [] for path in paths}
        for _ in range(self.repeats):
            for path in paths:
                times[path].append(median_ms(lambda p=path: self.frame(state, p, shape), 1))
        return {path: float(np.median(t)) for path, t in times.items()}

    def release(self):
        gl.release_offscreen(self.fbo)


STATES = {False: ("still", "orbit", "+ sparks", "training"), True: ("still", "training")}


def picked(arch, state):
    """The path MarchView.path() takes for this net and state."""
    view = MarchView.__new__(MarchView)
    view.naive = None
    view.model = type("M", (), {"net": nn.MLP(arch), "previewing": state == "training"})()
    p = view.path(moving=state != "still")
    return "naive" if p["naive"] else "preview" if p["preview"] else "fast"


def bench_frames(ctx, arch, size, repeats):
    net = new_net(arch)
    b = Bench(ctx, net, size, repeats)
    name = "-".join(map(str, arch))
    try:
        for shape in (False, True):
            for state in STATES[shape]:
                paths = ("naive", "fast", "preview") if state == "training" else ("naive", "fast")
                ms = b.time(state, paths, shape)
                pick = picked(arch, state)
                cells = "  ".join(f"{p} {ms[p]:6.1f} ms ({1e3 / ms[p]:5.1f} fps)"
                                  + ("*" if p == pick else " ") for p in paths)
                view = "shape " if shape else "levels"
                print(f"  {name:12s} {view} {state:9s} {cells}   fastest {min(ms, key=ms.get)}",
                      flush=True)
    finally:
        b.release()


class WallClock(MarchView):
    """The march view with the real time since the last frame as dt (as in a window), noting
    when the fit first got under 0.05 of the radius; it closes after `seconds`."""

    def __init__(self, model, seconds):
        super().__init__(model)
        self.seconds, self.last, self.start, self.recognised = seconds, None, None, None

    def update(self, dt):
        now = time.perf_counter()
        if self.last is None:
            self.last = self.start = now
        super().update(now - self.last)
        self.last = now
        if self.recognised is None and self.model.fit_error < 0.05:
            self.recognised = (now - self.start, self.model.fit_error, self.model.step)
        if now - self.start > self.seconds:
            self.app.close()


def bench_training(ctx, arch, target, seconds):
    """(fps, steps/s, recognised (s, fit, step) or None, fit at the end) of the real view."""
    model = MarchModel(new_net(arch, train=True), train=target)
    view = WallClock(model, seconds)
    gl.run(view, 1100, 660, headless=True, frames=10 ** 6, ctx=ctx)
    wall = time.perf_counter() - view.start
    return view.app.frame / wall, model.step / wall, view.recognised, model.measure_fit()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--seconds", type=float, default=10.0, help="per training run (knot: 3x)")
    ap.add_argument("--quick", action="store_true", help="3-8-1 and 3-16-16-1 frames only")
    args = ap.parse_args()
    ctx = gl.headless_context()
    print(f"{ctx.info['GL_RENDERER']}, {args.size}x{args.size}, median of {args.repeats}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; * = picked")
    for arch in ARCHS[:2] if args.quick else ARCHS:
        bench_frames(ctx, arch, args.size, args.repeats)
    if args.quick:
        return
    print("\nthe view training (real time per frame), 512x512 render panel:")
    results = {}
    for arch, target, seconds in (([3, 16, 16, 1], "torus", args.seconds),
                                  ([3, 16, 16, 1], "knot", 3 * args.seconds),
                                  ([3, 32, 32, 1], "torus", args.seconds)):
        fps, rate, seen, fit = bench_training(ctx, arch, target, seconds)
        name = "-".join(map(str, arch))
        when = (f"fit < 0.05 after {seen[0]:.1f} s (step {seen[2]}, fit {seen[1]:.3f})"
                if seen else "fit never < 0.05")
        print(f"  {name:12s} {target:6s} {seconds:4.0f} s: {fps:5.1f} fps, {rate:6.0f} steps/s, "
              f"{when}, fit {fit:.4f} at the end", flush=True)
        results[f"{name}_{target}"] = (fps, rate, seen[0] if seen else None, fit)
    fps, rate, seen, fit = results["3-16-16-1_torus"]
    cli.summary(fps_3_16_16_1=fps, steps_per_s_3_16_16_1=rate, torus_seconds=seen,
                torus_fit=fit, knot_fit=results["3-16-16-1_knot"][3],
                steps_per_s_3_32_32_1=results["3-32-32-1_torus"][1])
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
