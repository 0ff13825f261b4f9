"""Tutorial 16: looking inside while it learns: unfolded layers, the path through the loss
landscape, and dead neurons.

    python examples/16_why_it_learns.py [--out DIR]

Three views of why a net learns the spiral, each checked over five starts (seeds 0-4).

The layers unfold the data. No straight line splits the spiral's two arms in the plane; each
hidden layer maps the plane somewhere else, and by the last one a straight line (the output
neuron is one) does split them. Measured here: how well the best straight line (least
squares) separates the arms, in the plane and in each hidden layer's activations.

The path is nearly flat. Training moves through a space of hundreds of weights, yet most of
the path lies in a plane: its top two principal directions hold nearly all of its variance.
On that plane the cost can be drawn as a map (Li et al., NeurIPS 2018), with the path on it.

Too high a rate kills relus. A relu neuron whose input is negative for every training point
outputs 0 and gets no gradient: it never comes back. Large steps push many there.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli, insight
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("16_why_it_learns", __doc__)
ds = make("spiral", n_train=400, noise=0.05, seed=0)
t = ds.targets(1)
SEEDS = range(5)


def separable(features, labels):
    """The accuracy of the best straight cut (least squares on the features and a 1)."""
    a = np.hstack([features, np.ones((len(features), 1))])
    w, *_ = np.linalg.lstsq(a, labels * 2.0 - 1, rcond=None)
    return float(((a @ w > 0) == labels).mean())

# %% [markdown]
# 1 and 2. A 2-16-16-1 tanh net from five starts, with a snapshot of its weights every few
# steps (insight.History keeps at most 256, spread over the whole run).

# %%
cuts, shares, costs = [], [], []
for seed in SEEDS:
    net = nn.MLP([2, 16, 16, 1], act="tanh", out_act="sigmoid", seed=seed)
    history = insight.History(size=256, every=5)
    history.add(0, net)
    for s in nn.train(net, ds.x, t, opt=nn.Adam(0.01), epochs=300, batch_size=32, seed=seed):
        history.add(s.step + 1, net)
    layers = net.forward(ds.x, trace=True)[:-1]                  # the plane, h1, h2
    cuts.append([separable(a, ds.labels) for a in layers])
    d1, d2, share = insight.pca_directions(history.trajectory())
    shares.append(share.sum())
    costs.append(net.cost(ds.x, t))
    print(f"seed {seed}: cost {costs[-1]:.4f}; a straight cut separates {cuts[-1][0]:.2f} in "
          f"the plane, {cuts[-1][1]:.2f} in layer 1, {cuts[-1][2]:.2f} in layer 2; the "
          f"path's plane holds {shares[-1]:.1%} of its variance")
    if seed == 0:
        shown = (net, history, d1, d2, share)
cuts, shares, costs = np.array(cuts), np.array(shares), np.array(costs)
solved = costs < 0.01
print(f"over five starts: straight-cut accuracy {cuts.mean(0).round(3)} +- "
      f"{cuts.std(0).round(3)} (plane, layer 1, layer 2); {int(solved.sum())} solved, and "
      f"in those layer 2 is cut at {cuts[solved, 2].min():.3f} or better; the path's plane "
      f"holds {shares.mean():.1%} +- {shares.std():.1%}")

# %% [markdown]
# 3. Relu nets at two rates, five starts each: the share of hidden neurons dead at the end.

# %%
dead = {}
for lr in (0.01, 0.1):
    shares_dead = []
    for seed in SEEDS:
        net = nn.MLP([2, 16, 16, 1], act="relu", out_act="sigmoid", seed=seed)
        nn.fit(net, ds.x, t, opt=nn.Adam(lr), epochs=200, batch_size=32, seed=seed)
        shares_dead.append(insight.fractions(insight.health(net, ds.x)[0]))
    dead[lr] = np.array(shares_dead)
    print(f"relu, lr {lr}: {dead[lr].mean():.1%} +- {dead[lr].std():.1%} of the hidden "
          f"neurons dead")

# %% [markdown]
# The pictures (seed 0): the cost on the plane of the path's principal directions, with the
# path from the start to the end (the dot); the plane as layer 2 sees it, in its top two
# principal components, grid lines and points; layer 2's neurons over the plane.

# %%
net, history, d1, d2, share = shown
trajectory = history.trajectory()
centre = insight.flatten(net)
span = 1.2 * float(np.abs(insight.project(trajectory, centre, d1, d2)).max())
scape = insight.Landscape(net, ds.x, t, "mse", d1, d2, span=span, res=31)
scape.advance(rows=31)
centre_diff = abs(scape.costs[15, 15] - net.cost(ds.x, t))
pictures.save(out / "inside.png", [
    pictures.landscape(scape, scape.coords(trajectory), axes=("pc1", "pc2"),
                       title=f"cost on the path's plane ({share.sum():.0%} of its variance)"),
    pictures.unfolded(net, 2, ds.x, ds.labels, title="the plane as layer 2 sees it"),
    pictures.layer_maps(net, layer=2, title="layer 2's neurons over the plane")],
    size=(1500, 520))
print(f"wrote {out / 'inside.png'}")
cli.summary(cut_plane=cuts[:, 0].mean(), cut_h1=cuts[:, 1].mean(), cut_h2=cuts[:, 2].mean(),
            cut_h2_solved=cuts[solved, 2].min(), solved=int(solved.sum()),
            path_share=shares.mean(), path_share_std=shares.std(), centre_diff=centre_diff,
            dead_slow=dead[0.01].mean(), dead_slow_std=dead[0.01].std(),
            dead_fast=dead[0.1].mean(), dead_fast_std=dead[0.1].std())
