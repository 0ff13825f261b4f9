"""Level surfaces of a 3-input net, from a script: fit a 3-16-16-1 tanh net to the signed
distance of a torus with nn.fit, then render (headless) the torus it learned, its zero level
f = 0 alone with the torus's own surface points over it, and its level surfaces f = level + k
at two levels; measure the fit; and check one pixel's ray against the numpy reference march.

    python examples/march.py [--out DIR]      # writes march_shape.png, march_0.png, march_1.png

In a window, the same net is `nn-gym march --load torus.npz --view shape` (this script saves
it too); `nn-gym march --train torus` fits one live.
"""

import tutorial

import nn
from viz import gl
from viz.march import raymarch as march
from viz.march import shapes
from viz.march.model import MarchModel, fit_error, new_net
from viz.march.view import MarchView

out = tutorial.out_dir("march", __doc__)

x, t = shapes.target_data("torus")                 # points in the sphere, signed distance there
net = new_net(train=True)                          # 3-16-16-1 tanh, weights uniform in [-1, 1]
hist = nn.fit(net, x, t, opt=nn.Adam(0.01), epochs=100, batch_size=256, seed=0)
surface = shapes.surface_points("torus")           # points of the true torus
print(f"{net}: cost {hist['cost'][0]:.3f} -> {hist['cost'][-1]:.4f}, mean distance of the "
      f"torus from f = 0: {fit_error(net, surface, 5.0):.3f} of the sphere's radius")
net.save(out / "torus.npz")

# The shape view: f = 0 alone, lit, with the target's surface points (a model with a target
# knows them; training=False keeps the weights as fitted).
model = MarchModel(net, train="torus")
model.training = False
gl.run(MarchView(model, mode="shape"), 1000, 620, headless=True, frames=2,
       screenshot=out / "march_shape.png")
print(f"wrote {out / 'march_shape.png'}")

# The level surfaces f = level + k: shells of the torus one unit apart.
for i, level in enumerate((0.0, 0.5)):
    view = MarchView(MarchModel(net, level=level))
    gl.run(view, 1000, 620, headless=True, frames=1, screenshot=out / f"march_{i}.png")
    print(f"level {level:.2f}: f on the grid in [{view.marcher.lo:.2f}, {view.marcher.hi:.2f}],"
          f" wrote {out / f'march_{i}.png'}")

# The shader's hit depth for the centre pixel vs the numpy march of the exact net.
cam = march.Camera()
data = view.marcher.data(cam, 64, 64, 0.5)
hit, t_ref, k_ref = march.march_reference(net, cam.eye, cam.rays(64, 64)[32, 32][None], 0.5)
print(f"centre ray: shader t = {data['t'][32, 32]:.4f}, numpy t = {t_ref[0]:.4f}, "
      f"surface f = 0.5 + {k_ref[0]:.0f}")
