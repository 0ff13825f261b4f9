"""Frames per second of the level-surface raymarch at 512x512 on this machine's GL (llvmpipe).

    python bench/bench_march.py [--repeats 7] [--size 512] [--big]

For 3-8-1 and 3-16-16-1 nets with uniform [-1, 1] weights it times one frame of
  fast           the sampled-field scan with exact checks and exact refinement
  naive          the exact net at every one of the 64 scan samples (10 exact refine steps)
with the weights
  const          compiled into the shader (what a window shows once the weights settle)
  block          read from the uniform block (while training or editing: no recompiles)
and the camera
  still          fixed while the level moves (the per-pixel scan cache applies)
  orbit          moving every frame (every pixel scans from scratch)
  + sparks       with the 512 sparks drawn too
and what a weight change costs (field resampling + error band, sparks retraced) and the first
frame after new weights were compiled in (compile included); and a training frame (new weights,
orbit, sparks) marched exactly or as the preview (the sampled field alone) the view uses then.
Wall-clock medians of `repeats` frames (glFinish'ed); "cpu" is the process CPU time per frame,
which on 2 cores is up to twice the wall time and does not depend on other load.
"""

import argparse
import time

import numpy as np

import nn
from viz import gl, march
from viz.sparks import Sparks


def timed(fn, repeats):
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return float(np.median(wall)), float(np.median(cpu))


def bench_marcher(ctx, net, fbo, sparks, naive, const, repeats, rows):
    """Time one Marcher (naive or fast, weights const or in the block) into rows."""
    size = fbo.width
    viewport = (0, 0, size, size)
    m = march.Marcher(ctx, net, naive=naive, settle=0 if const else 10 ** 9)
    cam = march.Camera()
    state = {"level": 0.3}

    def frame(orbit, with_sparks=False, preview=False):
        state["level"] = (state["level"] + 1 / 300) % 1.0    # 5 s period, 60 fps
        if orbit:
            cam.orbit(0.01, 0.0)
        fbo.use()
        fbo.clear(0, 0, 0, 1, depth=1.0)
        m.render(fbo, viewport, cam, state["level"], preview=preview)
        if with_sparks:
            fbo.viewport = viewport
            sparks.draw(cam.view_proj(1.0), state["level"], m.lo, m.hi)
        ctx.finish()

    frame(False)                                              # compile, warm up
    kind = ("naive" if naive else "fast") + (", const" if const else ", block")
    if not naive and const:
        rows[kind + ", still"] = timed(lambda: frame(False), repeats)
        rows[kind + ", orbit + sparks"] = timed(lambda: frame(True, True), repeats)
    rows[kind + ", orbit"] = timed(lambda: frame(True), repeats)
    if not naive and const:
        def change():
            m.set_net(net)
            sparks.update(net)
            ctx.finish()

        rows["weight change"] = timed(change, repeats)
        m.version += 1                                # new weights: recompile
        rows["first frame, new const"] = timed(lambda: frame(True), 1)
        out = m.data(cam, size, size, 0.3)
        rows["evals"] = (float(out["evals"][out["hit"]].mean()), float(out["hit"].mean()))
    if not naive and not const:
        for preview in (False, True):
            def training_frame(preview=preview):
                m.set_net(net)
                sparks.update(net)
                frame(True, True, preview)

            training_frame()                          # compile, warm up
            label = "training frame, " + ("preview" if preview else "exact")
            rows[label] = timed(training_frame, repeats)


def bench_arch(ctx, arch, size, repeats):
    net = nn.MLP(arch, init="uniform", low=-1.0, high=1.0, seed=0)
    fbo = gl.offscreen(ctx, size, size, depth=True)
    sparks = Sparks(ctx)
    sparks.update(net)
    rows = {}
    try:
        for naive in (False, True):
            for const in (True, False):
                bench_marcher(ctx, net, fbo, sparks, naive, const, repeats, rows)
    finally:
        gl.release_offscreen(fbo)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--big", action="store_true", help="also 3-32-32-32-32-1 (slow to compile)")
    args = ap.parse_args()
    ctx = gl.headless_context()
    print(f"{ctx.info['GL_RENDERER']}, {args.size}x{args.size}, median of {args.repeats}")
    archs = [[3, 8, 1], [3, 16, 16, 1]] + ([[3, 32, 32, 32, 32, 1]] if args.big else [])
    for arch in archs:
        rows = bench_arch(ctx, arch, args.size, args.repeats)
        name = "-".join(map(str, arch))
        evals, hit = rows.pop("evals")
        print(f"\n{name}: {hit:.0%} of pixels hit a surface, {evals:.1f} exact net "
              f"evaluations per hit pixel on the fast path")
        for label, (wall, cpu) in rows.items():
            unit = "" if label in ("weight change", "first frame, new const") else \
                f"{1 / wall:6.1f} fps"
            print(f"  {label:26s} {wall * 1e3:7.1f} ms wall {cpu * 1e3:7.1f} ms cpu   {unit}")
        for kind in ("const", "block"):
            naive, fast = rows[f"naive, {kind}, orbit"][0], rows[f"fast, {kind}, orbit"][0]
            print(f"  naive / fast, weights {kind}, orbiting: x{naive / fast:.1f}")


if __name__ == "__main__":
    main()
