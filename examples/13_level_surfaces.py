"""Tutorial 13: level surfaces of a 3-input net (the march, headless).

    python examples/13_level_surfaces.py [--out DIR]

A net with 3 inputs and 1 output is a function f(x, y, z) on space; its level surfaces
f = c are what a 2-D output map's contour lines are one dimension up. Here a 3-16-16-1 tanh net
learns the signed distance to a torus from 4096 points (negative inside, positive outside), so
its level surface f = 0 should be the torus itself. nn-gym march raymarches the exact net;
here it runs headless: first its shape view (f = 0 alone, lit, with points of the true
torus as dots, so the fit shows where they leave the surface), then its level view, every
surface f = level + k for integers k, nested shells around the torus one unit of distance
apart, at two levels.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli, gl
from viz.march import shapes
from viz.march.model import MarchModel
from viz.march.view import MarchView
from viz.widgets import pictures

out = tutorial.out_dir("13_level_surfaces", __doc__)

x, t = shapes.target_data("torus", n=4096)          # points in a sphere of radius 5, distances
net = nn.MLP([3, 16, 16, 1], act="tanh", seed=0)
hist = nn.fit(net, x, t, opt=nn.Adam(0.01), epochs=150, batch_size=256, seed=0)
print(f"{net}: cost {hist['cost'][0]:.3f} -> {hist['cost'][-1]:.4f}")

# %% [markdown]
# How well does f = 0 match the torus? Points on the true surface should give f close to 0.

# %%
probe = x[np.abs(t[:, 0]) < 0.05]                     # training points near the surface
near = float(np.abs(net.forward(probe)).mean())
print(f"mean |f| on {len(probe)} points within 0.05 of the torus: {near:.3f}")
net.save(out / "torus.npz")                          # nn-gym march --load this file

model = MarchModel(net, train="torus")                # the shape view knows the target
model.training = False                                 # and keeps the weights as fitted
gl.run(MarchView(model, mode="shape"), 900, 560, headless=True, frames=2,
       screenshot=str(out / "torus.png"))
pictures.show(out / "torus.png")
print(f"the shape view, f = 0: wrote {out / 'torus.png'}")

# %% [markdown]
# The level view: the shells f = level + k. Moving the level moves every shell outwards
# together (in the window, the wheel or the level slider does it).

# %%
for i, level in enumerate((0.0, 0.5)):
    view = MarchView(MarchModel(net, level=level))
    gl.run(view, 900, 560, headless=True, frames=1, screenshot=str(out / f"level_{i}.png"))
    pictures.show(out / f"level_{i}.png")
    print(f"level {level:.2f}: wrote {out / f'level_{i}.png'}")
print(f"in a window: nn-gym march --load {out / 'torus.npz'}")
cli.summary(cost=hist["cost"][-1], surface_error=near)
