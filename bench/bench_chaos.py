"""Benchmark of the chaos animation: compute + encode time, compression, PSNR, GPU decode speed.

    python bench/bench_chaos.py                  # defaults of viz.chaos.model.Config, 3 repeats
    python bench/bench_chaos.py --repeats 1

Prints (medians over repeats):
  - time to train, render and encode the default animation (the target is < 30 s on 2 cores);
  - compression ratio against 8-bit frames at the computed size and at the 256 x 256 playback
    size, and the .npz file size;
  - PSNR of the decoded frames against the computed ones, and of frames decoded at 256 x 256
    against the net rendered directly at 256 x 256 (every 20th frame);
  - inverse-DCT frames per second on the GPU (llvmpipe here) at 256 and 512, against the CPU
    decoder (scipy.fft.idctn / the cosine-table product) in the same run;
  - PSNR and compression against K (block and largest modes);
  - PSNR of the initial frame against sigma_w, sigma_b and the slice half-width (4 seeds), the
    table in viz/chaos/model.py's docstring.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viz import cli, gl  # noqa: E402
from viz.chaos import dct
from viz.chaos import model as chaos
from viz.chaos import view as player


def timed_animation(cfg):
    marks = {}

    def progress(phase, done, total):
        marks.setdefault(phase, time.perf_counter())

    start = time.perf_counter()
    anim = chaos.animation(cfg, progress)
    rendered = time.perf_counter()
    coded = dct.encode(anim.frames, k=cfg.k, mode=cfg.mode)
    encoded = time.perf_counter()
    times = {"train": marks["render"] - start, "render": rendered - marks["render"],
             "encode": encoded - rendered, "total": encoded - start}
    return anim, coded, times


def render_at(cfg, anim_frames_index, res):
    """The true layer-`cfg.layer` frames at `res`, normalised with the animation's lo/hi."""
    net = chaos.make_net(cfg)
    x, t = chaos.training_data(cfg)
    with chaos.one_blas_thread():        # as in chaos.animation: the same floating-point path
        snaps, _ = chaos.train_path(net, x, t, cfg.steps, cfg.lr, cfg.weight_decay, cfg.layer)
        snaps = snaps + chaos.loop_back(snaps, cfg.loop)
        grid = chaos.slice_grid(cfg.center, cfg.extent, res)
        return chaos.render_all([snaps[i] for i in anim_frames_index], grid, cfg.layer,
                                cfg.neurons)


def gpu_fps(ctx, coded, size, n=60):
    dec = player.Decoder(ctx, coded, size)
    dec.read(0)
    start = time.perf_counter()
    for i in range(n):
        dec.decode(i % coded.frames)
    ctx.finish()
    fps = n / (time.perf_counter() - start)
    dec.release()
    return fps


def cpu_fps(coded, size, n=10):
    start = time.perf_counter()
    for i in range(n):
        dct.decode(coded, size=size, frames=[i % coded.frames])
    return n / (time.perf_counter() - start)


def sigma_table(seeds=4):
    rows = []
    for sw, sb in ((2.0, 0.1), (2.25, 0.2), (2.5, 0.3)):
        row = []
        for extent in (0.05, 0.07, 0.1, 0.15, 0.2):
            ps = []
            for seed in range(seeds):
                cfg = chaos.Config(sigma_w=sw, sigma_b=sb, extent=extent, seed=seed)
                snap = chaos.snapshot(chaos.make_net(cfg), cfg.layer)
                grid = chaos.slice_grid(cfg.center, extent, cfg.res)
                with chaos.one_blas_thread():
                    acts = chaos.render(snap, grid, cfg.layer, cfg.neurons)
                frame = chaos.normalise(acts, axes=0)[0].reshape(1, cfg.res, cfg.res, 3)
                ps.append(dct.psnr(frame, dct.decode(dct.encode(frame, k=32))))
            row.append(np.median(ps))
        rows.append((sw, sb, chaos.chi_1(sw, sb), row))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    cfg = chaos.Config()
    print(f"chaos animation, defaults: sigma_w={cfg.sigma_w} sigma_b={cfg.sigma_b} "
          f"(chi_1={chaos.chi_1(cfg.sigma_w, cfg.sigma_b):.3f}), layer {cfg.layer}, "
          f"half-width {cfg.extent}, {cfg.res}x{cfg.res}, {cfg.steps} steps + {cfg.loop} back, "
          f"{cfg.mode} k={cfg.k}; {os.cpu_count()} cores")

    runs = [timed_animation(cfg) for _ in range(args.repeats)]
    anim, coded, _ = runs[-1]
    med = {key: np.median([r[2][key] for r in runs]) for key in runs[0][2]}
    print(f"\ntime (median of {args.repeats}): train {med['train']:.1f} s, render "
          f"{med['render']:.1f} s, encode {med['encode']:.2f} s, total {med['total']:.1f} s "
          f"({'under' if med['total'] < 30 else 'OVER'} the 30 s target)")

    t, h, w, c = anim.frames.shape
    with tempfile.TemporaryDirectory() as tmp:
        coded_, meta = chaos.encode(anim)
        path = dct.save(os.path.join(tmp, "a.npz"), coded_, meta)
        size = os.path.getsize(path)
    ratio = dct.compression_ratio(coded)
    print(f"\ncompression: {t} frames, coefficients {coded.nbytes / 1024:.0f} KiB "
          f"(.npz with labels {size / 1024:.0f} KiB)")
    print(f"  vs 8-bit frames at {w}x{h} (computed):  {ratio:.1f}x")
    print(f"  vs 8-bit frames at 256x256 (played):   {ratio * 256 * 256 / (w * h):.1f}x")

    dec = dct.decode(coded)
    per_frame = [dct.psnr(a, b) for a, b in zip(anim.frames, dec)]
    print(f"\nPSNR vs the computed {w}x{h} frames: {dct.psnr(anim.frames, dec):.2f} dB "
          f"(per frame min {min(per_frame):.1f}, median {np.median(per_frame):.1f})")
    sample = list(range(0, t, 20))
    true = render_at(cfg, sample, 256)
    lo, hi = anim.lo, anim.hi
    true = np.clip((true - lo) / (hi - lo), 0, 1).reshape(len(sample), 256, 256, 3)
    big = dct.decode(coded, size=(256, 256), frames=sample)
    print(f"PSNR of frames decoded at 256x256 vs the net rendered at 256x256 (frames "
          f"{sample[0]}, {sample[1]}, ... {sample[-1]}): {dct.psnr(true, big):.2f} dB")

    ctx = gl.headless_context()
    print("\ninverse DCT, frames per second (median of 3):")
    decode = {}
    for side in (256, 512):
        g = np.median([gpu_fps(ctx, coded, (side, side)) for _ in range(3)])
        cpu = np.median([cpu_fps(coded, (side, side)) for _ in range(3)])
        decode[side] = g, g / cpu
        print(f"  {side}x{side}: GPU {g:7.1f}   CPU {cpu:6.1f}   GPU/CPU {g / cpu:5.1f}x")
    print(f"  renderer: {ctx.info['GL_RENDERER']}")

    print(f"\nPSNR against K (the default animation, {w}x{h} frames):")
    print("      K   block dB   ratio     largest dB   ratio")
    for k in (8, 16, 24, 32, 48, 64):
        cb = dct.encode(anim.frames, k=k)
        cl = dct.encode(anim.frames, k=k, mode="largest")
        print(f"  {k:5d}   {dct.psnr(anim.frames, dct.decode(cb)):8.2f}   "
              f"{dct.compression_ratio(cb):5.1f}x    {dct.psnr(anim.frames, dct.decode(cl)):8.2f}"
              f"   {dct.compression_ratio(cl):5.1f}x")

    print("\nPSNR (dB) of the initial frame with K = 32 at 128x128, median of 4 seeds:")
    print("  sigma_w sigma_b  chi_1   half-width 0.05   0.07    0.1     0.15    0.2")
    for sw, sb, chi, row in sigma_table():
        print(f"  {sw:6.2f}  {sb:6.2f}  {chi:5.2f}             "
              + "  ".join(f"{p:5.1f} " for p in row))
    cli.summary(total_s=med["total"], ratio=ratio, psnr=dct.psnr(anim.frames, dec),
                psnr_256=dct.psnr(true, big), gpu_fps_256=decode[256][0],
                gpu_cpu_256=decode[256][1], gpu_fps_512=decode[512][0])


if __name__ == "__main__":
    main()
