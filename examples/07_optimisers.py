"""Tutorial 7: optimisers compared: SGD, momentum and Adam, cost curves side by side.

    python examples/07_optimisers.py [--out DIR]

All three start from the same weights (net.copy()) and see the same mini-batches (seed=0).
SGD steps by -lr * gradient. Momentum keeps a running sum v = 0.9 v + g and steps by -lr * v:
it keeps going along directions the gradients agree on. Adam divides each parameter's step by
the running size of its own gradients, so every parameter moves at about lr per step whatever
the scale of its gradient.
"""

# %%
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("07_optimisers", __doc__)
ds = make("spiral", n_train=400, noise=0.05, seed=0)
t = ds.targets(1)
start = nn.MLP([2, 32, 32, 1], act="tanh", out_act="sigmoid", seed=0)

# %% [markdown]
# The same learning rate for SGD with and without momentum; Adam's lr is a step size per
# parameter, so its good values are smaller.

# %%
optimisers = {"sgd": nn.SGD(0.3), "momentum": nn.SGD(0.3, momentum=0.9), "adam": nn.Adam(0.02)}
costs, nets = {}, {}
for name, opt in optimisers.items():
    net = start.copy()
    hist = nn.fit(net, ds.x, t, loss="mse", opt=opt, epochs=300, batch_size=32, seed=0)
    costs[name], nets[name] = hist["cost"], net
    acc = net.accuracy(ds.x_test, ds.targets(1, test=True))
    print(f"{name:9s} cost after 20 epochs {hist['cost'][19]:.4f}, after 100 "
          f"{hist['cost'][99]:.4f}, after 300 {hist['cost'][-1]:.2e}, test accuracy {acc:.3f}")

pictures.save(out / "costs.png", [pictures.curves(costs, log=True, title="cost per epoch")],
              size=(720, 360))
pictures.save(out / "maps.png", [pictures.output_map(nets[k], points=(ds.x, ds.labels),
                                                     title=k) for k in optimisers],
              size=(1080, 380))
print(f"wrote {out / 'costs.png'} and {out / 'maps.png'}")
# SGD is still on the plateau where the net hedges at 0.5 (cost about 0.23); momentum leaves
# it within 100 epochs; Adam, which rescales the tiny gradients of the plateau, soonest.
cli.summary(**{name: c[-1] for name, c in costs.items()})
