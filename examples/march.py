"""Level surfaces of a 3-input net, from a script: fit a 3-16-16-1 tanh net to the signed
distance of a torus with nn.fit, then render its level surfaces f = level + k (headless) at
three levels, and check one pixel's ray against the numpy reference of the same march.

    python examples/march.py [OUT_DIR]        # writes march_0.png .. march_2.png

In a window, the same net is `nn-gym march --load torus.npz` (this script saves it too).
"""

import sys
from pathlib import Path

import nn
from viz import gl, march, shapes
from viz.march_model import MarchModel
from viz.march_view import MarchView

out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
out.mkdir(parents=True, exist_ok=True)

x, t = shapes.target_data("torus", n=4096)        # points in the sphere, signed distance there
net = nn.MLP([3, 16, 16, 1], act="tanh", seed=0)
hist = nn.fit(net, x, t, opt=nn.Adam(0.01), epochs=300, batch_size=256, seed=0)
print(f"{net}: cost {hist['cost'][0]:.3f} -> {hist['cost'][-1]:.4f}")
net.save(out / "torus.npz")

# The model holds the net and the level (level=... starts it paused there); the view draws
# surfaces, sparks and the weight diagram.
for i, level in enumerate((0.0, 0.33, 0.66)):
    view = MarchView(MarchModel(net, level=level))
    gl.run(view, 1000, 620, headless=True, frames=1, screenshot=out / f"march_{i}.png")
    print(f"level {level:.2f}: f on the grid in [{view.marcher.lo:.2f}, {view.marcher.hi:.2f}],"
          f" wrote {out / f'march_{i}.png'}")

# The shader's hit depth for the centre pixel vs the numpy march of the exact net.
cam = march.Camera()
data = view.marcher.data(cam, 64, 64, 0.66)
hit, t_ref, k_ref = march.march_reference(net, cam.eye, cam.rays(64, 64)[32, 32][None], 0.66)
print(f"centre ray: shader t = {data['t'][32, 32]:.4f}, numpy t = {t_ref[0]:.4f}, "
      f"surface f = 0.66 + {k_ref[0]:.0f}")
