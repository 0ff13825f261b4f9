"""Tutorial 8: optimisers compared: SGD, momentum and Adam, over five starts.

    python examples/08_optimisers.py [--out DIR]

SGD steps by -lr * gradient. Momentum keeps a running sum v = 0.9 v + g and steps by -lr * v:
along a direction the gradients agree on, v grows to 10 times the gradient, so its step is
as long as SGD's at 10 times the rate, while directions that keep flipping cancel out. Adam
divides each parameter's step by the running size of its own gradients, so every parameter
moves at about lr per step whatever the scale of its gradient: the tiny gradients of a plateau
(where the net hedges at 0.5 everywhere) get full-sized steps.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("08_optimisers", __doc__)
ds = make("spiral", n_train=400, noise=0.05, seed=0)
t, t_test = ds.targets(1), ds.targets(1, test=True)
SEEDS = range(5)

# %% [markdown]
# Four settings, each from five starts (seeds 0-4: the initial weights and the order of the
# mini-batches; every setting gets the same five). "sgd x10" is plain SGD at the rate that
# gives it momentum's step length, to tell the momentum from the longer step. Adam's lr is a
# step size per parameter, so its good values are smaller. A start counts as solved when the
# cost ends under 0.001.

# %%
settings = {"sgd": lambda: nn.SGD(0.3), "sgd x10": lambda: nn.SGD(3.0),
            "momentum": lambda: nn.SGD(0.3, momentum=0.9), "adam": lambda: nn.Adam(0.02)}
final, curves, nets = {}, {}, {}
for name, make_opt in settings.items():
    ends = []
    for seed in SEEDS:
        net = nn.MLP([2, 32, 32, 1], act="tanh", out_act="sigmoid", seed=seed)
        hist = nn.fit(net, ds.x, t, loss="mse", opt=make_opt(), epochs=300, batch_size=32,
                      seed=seed)
        ends.append(hist["cost"][-1])
        if seed == 0:
            curves[name], nets[name] = hist["cost"], net
    final[name] = np.array(ends)
    e = final[name]
    print(f"{name:9s} final cost {e.mean():.4f} +- {e.std():.4f} (median {np.median(e):.4f}), "
          f"solved from {int((e < 1e-3).sum())} of 5 starts")

# %% [markdown]
# What holds over the five starts: Adam solves the spiral from every one; momentum from most;
# plain SGD from none at lr 0.3, where it is still leaving the plateau after 300 epochs, and
# from hardly any at the longer step: the step's length alone is not what momentum adds.
# The pictures are seed 0's: cost per epoch (log scale) and each net's output over the plane.

# %%
pictures.save(out / "costs.png", [pictures.curves(curves, log=True,
                                                  title="cost per epoch, seed 0")],
              size=(720, 360))
pictures.save(out / "maps.png", [pictures.output_map(nets[k], points=(ds.x, ds.labels),
                                                     title=f"{k}, seed 0") for k in settings],
              size=(1440, 380))
print(f"wrote {out / 'costs.png'} and {out / 'maps.png'}")
cli.summary(**{name.replace(" x10", "_x10"): e.mean() for name, e in final.items()},
            **{f"{name.replace(' x10', '_x10')}_std": e.std() for name, e in final.items()},
            **{f"{name.replace(' x10', '_x10')}_solved": int((e < 1e-3).sum())
               for name, e in final.items()})
