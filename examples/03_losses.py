"""Tutorial 3: losses, mean squared error and softmax cross-entropy.

    python examples/03_losses.py [--out DIR]

A loss turns the net's outputs y and the targets t into one number to make small.
mse = mean over samples of sum over outputs of (y - t)^2: for a sigmoid output that says 0/1.
ce  = mean over samples of -sum(t * log softmax(z)): for k outputs read as probabilities; it
punishes a confident wrong answer without bound, and its gradient by z is simply (y - t) / n.
Both are computed by hand here, checked against net.cost, then used to train the same task.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("03_losses", __doc__)
ds = make("moons", n_train=300, noise=0.12, seed=0)

# %% [markdown]
# A sigmoid net with mse: one output, the target is the label as 0 or 1.

# %%
mse_net = nn.MLP([2, 16, 1], act="tanh", out_act="sigmoid", seed=0)
t1 = ds.targets(1)                                         # (n, 1)
y1 = mse_net.forward(ds.x)
mse, mse_lib = float(np.mean(np.sum((y1 - t1) ** 2, axis=1))), mse_net.cost(ds.x, t1, "mse")
print(f"mse by hand {mse:.6f}, net.cost {mse_lib:.6f}")

# %% [markdown]
# A softmax net with ce: two outputs, the target is one-hot ([1, 0] or [0, 1]).

# %%
ce_net = nn.MLP([2, 16, 2], act="tanh", out_act="softmax", seed=0)
t2 = ds.targets(2)                                         # (n, 2)
y2 = ce_net.forward(ds.x)
ce, ce_lib = float(np.mean(-np.sum(t2 * np.log(y2), axis=1))), ce_net.cost(ds.x, t2, "ce")
print(f"ce  by hand {ce:.6f}, net.cost {ce_lib:.6f}")

# %% [markdown]
# The gradient of ce by the last pre-activation z is (y - t) / n: check it through backprop's
# bias gradient, which is that gradient summed over samples.

# %%
gbs = ce_net.backprop(ds.x, t2, "ce")[1]
print(f"ce gradient of the output bias: backprop {gbs[-1].round(6)}, (y - t) summed / n "
      f"{((y2 - t2).sum(0) / len(t2)).round(6)}")

# %% [markdown]
# How much each loss charges for one sample with target 1, as the predicted p goes from
# confident and wrong (p = 0.01) to right (p = 0.99): mse stays under 1, ce grows like -log p.

# %%
for p in (0.01, 0.1, 0.5, 0.9, 0.99):
    print(f"p = {p:4}: mse (1 - p)^2 = {(1 - p) ** 2:.4f}   ce -log p = {-np.log(p):.4f}")

# %% [markdown]
# Train both the same way and compare.

# %%
h1 = nn.fit(mse_net, ds.x, t1, loss="mse", opt=nn.Adam(0.02), epochs=300, batch_size=32, seed=0)
h2 = nn.fit(ce_net, ds.x, t2, loss="ce", opt=nn.Adam(0.02), epochs=300, batch_size=32, seed=0)
acc1 = mse_net.accuracy(ds.x_test, ds.targets(1, test=True))
acc2 = ce_net.accuracy(ds.x_test, ds.targets(2, test=True))
print(f"test accuracy: sigmoid + mse {acc1:.3f}, softmax + ce {acc2:.3f}")

ps = np.linspace(0.01, 0.99, 99)
pictures.save(out / "losses.png", [
    pictures.curves({"mse": (1 - ps) ** 2, "ce": -np.log(ps)}, steps=ps, x_name="p",
                    title="loss for target 1 vs predicted p"),
    pictures.curves({"mse": h1["cost"], "ce": h2["cost"]}, log=True, title="training cost"),
    pictures.output_map(mse_net, points=(ds.x, ds.labels), title="sigmoid + mse"),
    pictures.output_map(ce_net, points=(ds.x, ds.labels), title="softmax + ce")],
    cols=2, size=(900, 760))
print(f"wrote {out / 'losses.png'}")
cli.summary(mse=mse, mse_net=mse_lib, ce=ce, ce_net=ce_lib, mse_acc=acc1, ce_acc=acc2)
