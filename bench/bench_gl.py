"""Cost of one Painter frame on this machine's GL (llvmpipe here): 500 discs, 5000 lines and
20 labels at 800x600, queued and flushed as batches versus one draw call per shape. Two scenes:
"random" (lines between random points of the whole frame, ~370 px long) and "layered" (a
network diagram: 5 columns of 100 neurons, 5000 edges between neighbouring columns).

    python bench/bench_gl.py [--repeats 15] [--png frame.png]
"""

import argparse
import time

import numpy as np

from viz import cli, gl, theme

W, H = 800, 600


def scene(kind="random", n_discs=500, n_lines=5000, n_labels=20, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "random":
        centers = rng.uniform([0, 0], [W, H], (n_discs, 2))
        p0 = rng.uniform([0, 0], [W, H], (n_lines, 2))
        p1 = rng.uniform([0, 0], [W, H], (n_lines, 2))
    else:
        cols, rows = 5, n_discs // 5
        grid = np.stack(np.meshgrid(np.linspace(60, W - 60, cols),
                                    np.linspace(20, H - 20, rows), indexing="ij"), -1)
        centers = grid.reshape(-1, 2)                                  # (cols * rows, 2)
        layer = rng.integers(0, cols - 1, n_lines)
        p0 = grid[layer, rng.integers(0, rows, n_lines)]
        p1 = grid[layer + 1, rng.integers(0, rows, n_lines)]
    return dict(
        centers=centers,
        radii=rng.uniform(3, 12, n_discs),
        disc_colors=theme.colormap("diverging", rng.uniform(-1, 1, n_discs), -1, 1),
        p0=p0,
        p1=p1,
        widths=rng.uniform(0.5, 3, n_lines),
        line_colors=np.concatenate([theme.colormap("diverging", rng.uniform(-1, 1, n_lines),
                                                    -1, 1), np.full((n_lines, 1), 0.4)], 1),
        labels=[(f"neuron {i}: {rng.normal():+.3f}", rng.uniform(0, W - 120),
                 rng.uniform(0, H - 20)) for i in range(n_labels)],
    )


def draw_batched(painter, fbo, s):
    with painter.target(fbo):
        painter.lines(s["p0"], s["p1"], s["widths"], s["line_colors"])
        painter.discs(s["centers"], s["radii"], s["disc_colors"], outline=(1, 1, 1))
        for text, x, y in s["labels"]:
            painter.text(text, x, y, size=13)


def draw_one_by_one(painter, fbo, s):
    """The same frame with a flush (one draw call) per shape."""
    painter.begin(fbo)
    for a, b, w, c in zip(s["p0"], s["p1"], s["widths"], s["line_colors"]):
        painter.lines(a[None], b[None], w, c)
        painter.flush()
    for p, r, c in zip(s["centers"], s["radii"], s["disc_colors"]):
        painter.discs(p[None], r, c, outline=(1, 1, 1))
        painter.flush()
    for text, x, y in s["labels"]:
        painter.text(text, x, y, size=13)
        painter.flush()


def timed(ctx, fn, repeats):
    """Median wall time in ms of fn() followed by ctx.finish()."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ctx.finish()
        times.append(time.perf_counter() - t0)
    return 1000 * float(np.median(times))


def bench_scene(ctx, painter, fbo, kind, repeats):
    s = scene(kind)
    fbo.use()
    draw_batched(painter, fbo, s)                    # warm up: atlas, buffers, shader JIT
    parts = {
        "lines only": lambda: draw_batched(painter, fbo, dict(s, centers=s["centers"][:0],
                                                                labels=[])),
        "discs only": lambda: draw_batched(painter, fbo, dict(s, p0=s["p0"][:0],
                                                                p1=s["p1"][:0], labels=[])),
        "labels only": lambda: draw_batched(painter, fbo, dict(s, p0=s["p0"][:0],
                                                                 p1=s["p1"][:0],
                                                                 centers=s["centers"][:0])),
    }
    batched = timed(ctx, lambda: draw_batched(painter, fbo, s), repeats)
    single = timed(ctx, lambda: draw_one_by_one(painter, fbo, s), max(3, repeats // 5))
    length = np.linalg.norm(s["p1"] - s["p0"], axis=1).mean()
    print(f"scene {kind!r}: mean line length {length:.0f} px")
    print(f"  batched frame (3 draws)    {batched:8.2f} ms  -> {1000 / batched:6.1f} fps")
    for name, fn in parts.items():
        print(f"    {name:24s} {timed(ctx, fn, repeats):8.2f} ms")
    print(f"  one draw call per shape    {single:8.2f} ms  ({single / batched:.1f}x the batched)")
    return batched, single


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--png", help="save the layered frame to this PNG")
    args = parser.parse_args()
    ctx = gl.headless_context()
    fbo = gl.offscreen(ctx, W, H)
    painter = gl.Painter(ctx)
    print(f"renderer: {ctx.info['GL_RENDERER']}, {W}x{H}, 500 discs + 5000 lines + 20 labels, "
          f"medians of {args.repeats}")
    s = scene()
    queue = timed(ctx, lambda: (painter.begin(fbo),
                                painter.lines(s["p0"], s["p1"], s["widths"], s["line_colors"]),
                                painter.discs(s["centers"], s["radii"], s["disc_colors"]),
                                [painter.text(t, x, y) for t, x, y in s["labels"]],
                                painter._commands.clear()), args.repeats)
    print(f"  queue only (numpy, no GL)  {queue:8.2f} ms")
    clear = timed(ctx, lambda: fbo.clear(), args.repeats)
    print(f"  clear                      {clear:8.2f} ms")
    readback = timed(ctx, lambda: gl.read_rgb(fbo), args.repeats)
    print(f"  read_rgb                   {readback:8.2f} ms")
    frames = {kind: bench_scene(ctx, painter, fbo, kind, args.repeats)
              for kind in ("random", "layered")}
    if args.png:
        fbo.clear(0.08, 0.08, 0.1, 1.0)
        draw_batched(painter, fbo, scene("layered"))
        gl.save_png(args.png, gl.read_rgb(fbo))
    cli.summary(clear_ms=clear, queue_ms=queue, read_ms=readback,
                **{f"{kind}_ms": b for kind, (b, _) in frames.items()},
                **{f"{kind}_one_by_one": one / b for kind, (b, one) in frames.items()})


if __name__ == "__main__":
    main()
