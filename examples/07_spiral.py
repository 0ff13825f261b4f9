"""Tutorial 7: a multiclass classifier on the spiral, with its decision map.

    python examples/07_spiral.py [--out DIR]

Three spiral arms, one class each (the data set of cs231n and nnfs): no straight line
separates any two. A softmax output gives one probability per class; cross-entropy against
one-hot targets trains it; the predicted class is the most probable one. The decision map
colours every point of the plane by the net's class probabilities blended.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("07_spiral", __doc__)
K = 3


def spiral(n_per_class, rng):
    """n points per arm: radius 0..1, angle growing with radius, plus noise."""
    r = np.tile(np.linspace(0.05, 0.95, n_per_class), K)
    labels = np.repeat(np.arange(K), n_per_class)
    a = labels * 2 * np.pi / K + r * 4.0 + rng.normal(0, 0.2, len(r))
    return np.stack([r * np.cos(a), r * np.sin(a)], 1).astype(np.float32), labels


rng = np.random.default_rng(0)
x, labels = spiral(200, rng)
x_test, labels_test = spiral(60, rng)
t, t_test = np.eye(K, dtype=np.float32)[labels], np.eye(K, dtype=np.float32)[labels_test]

net = nn.MLP([2, 64, 64, K], act="tanh", out_act="softmax", seed=0)
print(net)
hist = nn.fit(net, x, t, loss="ce", opt=nn.Adam(0.01), epochs=250, batch_size=64, seed=0,
              x_val=x_test, t_val=t_test,
              callback=lambda e, h: e % 50 or print(f"epoch {e:3d}  cost {h['cost'][-1]:.4f}  "
                                                    f"train acc {h['acc'][-1]:.3f}  test acc "
                                                    f"{h['val_acc'][-1]:.3f}"))

# %% [markdown]
# The confusion matrix: row = true class, column = predicted class.

# %%
pred = net.forward(x_test).argmax(1)
confusion = np.zeros((K, K), int)
np.add.at(confusion, (labels_test, pred), 1)
print(f"confusion matrix (rows: true arm, columns: predicted):\n{confusion}")
acc, test_acc = hist["acc"][-1], hist["val_acc"][-1]

pictures.save(out / "spiral.png", [
    pictures.output_map(net, points=(x, labels), test=(x_test, labels_test),
                        title="decision map"),
    pictures.curves({"train acc": hist["acc"], "test acc": hist["val_acc"]},
                    title="accuracy per epoch", lo=0.0, hi=1.0)], size=(960, 460))
print(f"wrote {out / 'spiral.png'}")
cli.summary(cost=hist["cost"][-1], acc=acc, test_acc=test_acc)
