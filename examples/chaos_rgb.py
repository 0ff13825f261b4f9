"""Three neurons of a chaotic deep net as RGB while it learns, DCT-coded and played on the GPU.

    python examples/chaos_rgb.py [--out DIR]     # writes chaos.npz, chaos_rgb.gif, chaos_rgb.png

A depth-20, width-50 tanh net starts in the chaotic phase (chi_1 > 1, Poole et al. 2016) and
trains for 200 gradient steps on a random Hermite-polynomial target, then its weights go back
to the start in a straight line so the animation loops. Each pixel is a point of a small square
of input space; its R, G, B are neurons 0, 1, 2 of layer 15. Every frame keeps 32 x 32 DCT
modes per channel; the player inverts the DCT in two shader passes. The same from the command
line: `nn-gym chaos --out chaos.npz`, then `nn-gym play chaos.npz`.
"""

import tutorial

from viz import gl
from viz.chaos import dct
from viz.chaos import model as chaos
from viz.chaos import view as player

out = tutorial.out_dir("chaos_rgb", __doc__)
cfg = chaos.Config()
q, chi = chaos.q_star(cfg.sigma_w, cfg.sigma_b), chaos.chi_1(cfg.sigma_w, cfg.sigma_b)
print(f"sigma_w={cfg.sigma_w}, sigma_b={cfg.sigma_b}: q* = {q:.2f}, chi_1 = {chi:.2f} "
      f"({'chaotic' if chi > 1 else 'ordered'})")

anim = chaos.animation(cfg)              # train, loop back, render layer 15, normalise
coded, meta = chaos.encode(anim)         # 32 x 32 float16 DCT modes per frame and channel
dct.save(out / "chaos.npz", coded, meta)
print(f"{len(anim.frames)} frames, cost {anim.costs[0]:.2f} -> {anim.costs[-1]:.2f}, "
      f"coefficients {dct.compression_ratio(coded):.0f}x smaller than the 8-bit frames, "
      f"PSNR {meta['psnr']:.1f} dB")

# one animation frame per recorded frame: speed (frames/s) = the recording's fps
view = player.Player(coded, meta, speed=30)
gl.run(view, 320, 420, headless=True, frames=len(anim.frames), fps=30,
       record=str(out / "chaos_rgb.gif"), screenshot=str(out / "chaos_rgb.png"))
print(f"wrote {out}/chaos_rgb.gif and {out}/chaos_rgb.png")
