"""Tutorial 1: a neuron, and why XOR needs two layers.

    python examples/01_neuron_xor.py [--out DIR]

One sigmoid neuron computes sigmoid(x @ w + b): it cuts the plane with one straight line and
is near 1 on one side of it. XOR wants 1 at two opposite corners of a square and 0 at the other
two, which no single line can separate. Add a hidden layer of two neurons: each draws its own
line, and the output neuron combines the two half-planes into the band between them.
"""

import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("01_neuron_xor", __doc__)

# The four XOR cases, with inputs as -1/+1 so that they sit at the corners of the pictures
# (the maps show the square [-1, 1]^2). The target is 1 when exactly one input is +1.
x = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], np.float32)
t = np.array([[0], [1], [1], [0]], np.float32)
labels = t[:, 0].astype(int)

# One layer: arch [2, 1] is 2 inputs straight into 1 sigmoid output, 3 parameters.
# A line can at best set one corner apart and say 2/3 for the other three (mse, the mean of
# (y - t)^2, of 1/6), or hedge at 0.5 everywhere (1/4); it never gets all four right.
one = nn.MLP([2, 1], out_act="sigmoid", seed=0)
h1 = nn.fit(one, x, t, loss="mse", opt=nn.Adam(0.1), epochs=2000)
print(f"one layer  {one}: cost {h1['cost'][-1]:.4f}, outputs {one.forward(x)[:, 0].round(3)}")

# Two layers: 2 inputs -> 2 hidden sigmoid neurons -> 1 sigmoid output (9 parameters).
two = nn.MLP([2, 2, 1], act="sigmoid", out_act="sigmoid", seed=1)
h2 = nn.fit(two, x, t, loss="mse", opt=nn.Adam(0.1), epochs=2000)
print(f"two layers {two}: cost {h2['cost'][-1]:.2e}, outputs {two.forward(x)[:, 0].round(3)}")

# Each hidden neuron is a line of its own: where w1 x1 + w2 x2 + b = 0.
for k in range(2):
    (w1, w2), b = two.ws[0][:, k], two.bs[0][k]
    print(f"hidden neuron {k + 1}: {w1:+.2f} x1 {w2:+.2f} x2 {b:+.2f} = 0")

# Pictures: the one-layer output (one straight boundary), the two-layer output (a band), what
# each hidden neuron computes over the plane, and the net coloured by its activations for
# the input (-1, +1). White rings are the four cases, filled with their target's colour.
pictures.save(out / "xor.png", [
    pictures.output_map(one, points=(x, labels), title="one layer: one line"),
    pictures.output_map(two, points=(x, labels), title="two layers: two lines"),
    pictures.layer_maps(two, title="the two hidden neurons"),
    pictures.network(two, x[1], title="the 2-2-1 net for (-1, +1)")], cols=4, size=(1280, 360))
pictures.save(out / "cost.png", [pictures.curves({"one layer": h1["cost"],
                                                  "two layers": h2["cost"]},
                                                 title="cost per epoch", log=True)],
              size=(640, 320))
print(f"wrote {out / 'xor.png'} and {out / 'cost.png'}")
cli.summary(one_layer_cost=h1["cost"][-1], two_layer_cost=h2["cost"][-1],
            two_layer_right=int(((two.forward(x) > 0.5) == (t > 0.5)).sum()))
