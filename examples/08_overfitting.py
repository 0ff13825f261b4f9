"""Tutorial 8: overfitting, then weight decay and dropout: train vs test curves.

    python examples/08_overfitting.py [--out DIR]

40 noisy training points and a net with 4,400 weights: given long enough, the net bends its
boundary around every noisy point. The training cost keeps falling while the cost on 160
held-out points rises again: the net has learned the noise. Weight decay (an L2 pull of every
weight towards 0, here through Adam's weight_decay) and dropout (each hidden neuron dropped
with probability p on every step, so no neuron can rely on another) both keep the boundary
simpler and the test cost lower.
"""

# %%
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("08_overfitting", __doc__)
ds = make("moons", n_train=40, noise=0.25, test_frac=0.8, seed=1)
t, t_test = ds.targets(1), ds.targets(1, test=True)
print(f"{len(ds.x)} training points, {len(ds.x_test)} test points")

# %% [markdown]
# Three nets alike but for the regularisation, each trained for 1500 epochs, with the cost on
# the held-out points measured after every epoch (fit's x_val, t_val).

# %%
setups = {"plain": dict(), "weight decay": dict(weight_decay=3e-3), "dropout": dict(dropout=0.3)}
results, panels, maps = {}, [], []
for name, kw in setups.items():
    net = nn.MLP([2, 64, 64, 1], act="tanh", out_act="sigmoid", seed=0,
                 dropout=kw.get("dropout", 0.0))
    opt = nn.Adam(0.01, weight_decay=kw.get("weight_decay", 0.0))
    hist = nn.fit(net, ds.x, t, loss="mse", opt=opt, epochs=1500, seed=0,
                  x_val=ds.x_test, t_val=t_test)
    # fit's "cost" is measured while training (with dropout on); evaluate without it
    train_cost, test_cost = net.cost(ds.x, t), net.cost(ds.x_test, t_test)
    best = min(hist["val_cost"])
    acc = net.accuracy(ds.x_test, t_test)
    results[name] = (train_cost, test_cost, acc)
    print(f"{name:12s} train cost {train_cost:.4f}  test cost {test_cost:.4f} (lowest on the "
          f"way {best:.4f})  test accuracy {acc:.3f}")
    panels.append(pictures.curves({"train": hist["cost"], "test": hist["val_cost"]},
                                  log=True, title=f"{name}: cost per epoch"))
    maps.append(pictures.output_map(net, points=(ds.x, ds.labels),
                                    test=(ds.x_test, ds.labels_test), title=name))

# %% [markdown]
# The curves: train and test cost per epoch. The maps: each net's boundary, with the training
# points (white rings) and the test points (black rings) filled with their class's colour.

# %%
pictures.save(out / "curves.png", panels, size=(1200, 320))
pictures.save(out / "maps.png", maps, size=(1080, 380))
print(f"wrote {out / 'curves.png'} and {out / 'maps.png'}")
cli.summary(**{f"{k.replace(' ', '_')}_train": r[0] for k, r in results.items()},
            **{f"{k.replace(' ', '_')}_test": r[1] for k, r in results.items()},
            **{f"{k.replace(' ', '_')}_acc": r[2] for k, r in results.items()})
