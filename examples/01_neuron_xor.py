"""Tutorial 1: a neuron, and why XOR needs two layers.

    python examples/01_neuron_xor.py [--out DIR]

One sigmoid neuron computes sigmoid(x @ w + b): it cuts the plane with one straight line and
is near 1 on one side of it. XOR wants 1 at two opposite corners of a square and 0 at the other
two, which no single line can separate. Add a hidden layer of two neurons: each draws its own
line, and the output neuron combines the two half-planes into the band between them.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("01_neuron_xor", __doc__)
SEEDS = range(5)

# %% [markdown]
# The four XOR cases, with inputs as -1/+1 so that they sit at the corners of the pictures
# (the maps show the square [-1, 1]^2). The target is 1 when exactly one input is +1.

# %%
x = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], np.float32)
t = np.array([[0], [1], [1], [0]], np.float32)
labels = t[:, 0].astype(int)


def fit(arch, seed):
    """A sigmoid net trained on XOR: (net, its cost per epoch, how many cases it gets right)."""
    net = nn.MLP(arch, act="sigmoid", out_act="sigmoid", seed=seed)
    cost = nn.fit(net, x, t, loss="mse", opt=nn.Adam(0.1), epochs=2000)["cost"]
    return net, cost, int(((net.forward(x) > 0.5) == (t > 0.5)).sum())


# %% [markdown]
# One layer: arch [2, 1] is 2 inputs straight into 1 sigmoid output, 3 parameters. Training
# from five different starts, every one ends at mse 0.25 (mse: the mean of (y - t)^2): it
# hedges at 0.5 on all four corners. Is that the training's fault? A search over a grid of
# lines (w1, w2, b in [-6, 6]) finds none better: whatever a line favours, it pays for at the
# opposite corner.

# %%
ones = [fit([2, 1], seed) for seed in SEEDS]
one_costs = np.array([cost[-1] for _, cost, _ in ones])
print(f"one layer, seeds 0-4: cost {one_costs.mean():.4f} +- {one_costs.std():.4f}")
g = np.linspace(-6, 6, 61)
w1, w2, b = (a[..., None] for a in np.meshgrid(g, g, g, indexing="ij"))
grid = 1 / (1 + np.exp(-(w1 * x[:, 0] + w2 * x[:, 1] + b)))        # every line's 4 outputs
grid_best = float(((grid - t[:, 0]) ** 2).mean(-1).min())
print(f"the best of {grid[..., 0].size:,} lines on a grid: cost {grid_best:.4f}")

# %% [markdown]
# Two layers: 2 inputs -> 2 hidden sigmoid neurons -> 1 sigmoid output (9 parameters). Most
# starts solve XOR; some get stuck with a corner wrong (a local minimum: two hidden lines are
# just enough, and a bad start can place them badly). Four hidden neurons leave room to spare,
# and every start solves it.

# %%
twos = [fit([2, 2, 1], seed) for seed in SEEDS]
wides = [fit([2, 4, 1], seed) for seed in SEEDS]
two_costs = np.array([cost[-1] for _, cost, _ in twos])
two_solved = sum(right == 4 for _, _, right in twos)
wide_solved = sum(right == 4 for _, _, right in wides)
print(f"two layers 2-2-1, seeds 0-4: costs {np.round(two_costs, 5)}, "
      f"{two_solved} of 5 get all four right")
print(f"two layers 2-4-1, seeds 0-4: {wide_solved} of 5 get all four right")

# %% [markdown]
# Each hidden neuron is a line of its own: where w1 x1 + w2 x2 + b = 0 (seed 1's net).

# %%
one, h1, _ = ones[1]
two, h2, two_right = twos[1]
for k in range(2):
    (a1, a2), c = two.ws[0][:, k], two.bs[0][k]
    print(f"hidden neuron {k + 1}: {a1:+.2f} x1 {a2:+.2f} x2 {c:+.2f} = 0")

# %% [markdown]
# Pictures: the one-layer output (0.5 everywhere: the map is one flat colour), the two-layer
# output (a band), what each hidden neuron computes over the plane, and the net coloured by
# its activations for the input (-1, +1). The four cases are the discs, filled with their
# target's colour (ringed white: training points).

# %%
pictures.save(out / "xor.png", [
    pictures.output_map(one, points=(x, labels), title="one layer: 0.5 on every corner"),
    pictures.output_map(two, points=(x, labels), title="two layers: two lines"),
    pictures.layer_maps(two, title="the two hidden neurons"),
    pictures.network(two, x[1], title="the 2-2-1 net for (-1, +1)")], cols=4, size=(1280, 360))
pictures.save(out / "cost.png", [pictures.curves({"one layer": h1, "two layers": h2},
                                                 title="cost per epoch (seed 1)", log=True)],
              size=(640, 320))
print(f"wrote {out / 'xor.png'} and {out / 'cost.png'}")
cli.summary(one_layer_cost=one_costs.mean(), one_layer_cost_std=one_costs.std(),
            grid_best=grid_best, two_layer_cost=float(np.median(two_costs)),
            two_layer_right=two_right, two_layer_solved=two_solved, wide_solved=wide_solved)
