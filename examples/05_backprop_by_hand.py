"""Tutorial 5: backprop by hand for a tiny net, checked with nn.finite_diff.

    python examples/05_backprop_by_hand.py [--out DIR]

Backprop is the chain rule applied layer by layer from the cost back to the inputs. For
z1 = x W1 + b1, a1 = tanh(z1), z2 = a1 W2 + b2, y = sigmoid(z2) and the mse cost
C = mean_n sum (y - t)^2, each step multiplies the incoming gradient by one local derivative;
a weight's gradient is (its layer's input)^T @ (the gradient at its layer's output).
finite_diff nudges every parameter by +-eps and measures the cost: slow, but independent.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("05_backprop_by_hand", __doc__)

# %% [markdown]
# float64: finite differences need the precision (in float32 they drown in rounding).

# %%
net = nn.MLP([2, 3, 1], act="tanh", out_act="sigmoid", seed=0, dtype=np.float64)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (8, 2))
t = (x[:, :1] * x[:, 1:] > 0).astype(np.float64)           # (8, 1): 1 where the signs agree
n = len(x)
W1, b1, W2, b2 = net.ws[0], net.bs[0], net.ws[1], net.bs[1]

# %% [markdown]
# Forward, keeping what the backward pass needs.

# %%
z1 = x @ W1 + b1                                           # (8, 2) @ (2, 3) -> (8, 3)
a1 = np.tanh(z1)
z2 = a1 @ W2 + b2                                          # (8, 3) @ (3, 1) -> (8, 1)
y = 1 / (1 + np.exp(-z2))
cost = np.mean(np.sum((y - t) ** 2, axis=1))

# %% [markdown]
# Backward. dC/dy of the mean of squares; sigmoid' = y (1 - y); tanh' = 1 - a^2.

# %%
dy = 2 * (y - t) / n                                       # (8, 1)
dz2 = dy * y * (1 - y)
dW2, db2 = a1.T @ dz2, dz2.sum(0)                          # (3, 8) @ (8, 1) -> (3, 1)
da1 = dz2 @ W2.T                                           # (8, 1) @ (1, 3) -> (8, 3)
dz1 = da1 * (1 - a1 ** 2)
dW1, db1 = x.T @ dz1, dz1.sum(0)                           # (2, 8) @ (8, 3) -> (2, 3)
hand = [dW1, dW2, db1, db2]

gws, gbs = net.backprop(x, t, "mse")
fws, fbs = nn.finite_diff(net, x, t, "mse", eps=1e-6)


def rel(a, b):
    return max(float(np.abs(p - q).max() / (np.abs(q).max() + 1e-12)) for p, q in zip(a, b))


vs_backprop = rel(hand, list(gws) + list(gbs))
vs_finite = rel(hand, fws + fbs)
print(f"cost {cost:.6f} (net.cost {net.cost(x, t):.6f})")
print(f"dW1 by hand:\n{dW1.round(5)}\nnet.backprop:\n{gws[0].round(5)}")
print(f"largest relative difference: hand vs backprop {vs_backprop:.1e}, "
      f"hand vs finite_diff {vs_finite:.1e}")

# %% [markdown]
# One step down the gradient lowers the cost, by about lr * |gradient|^2 for a small lr.

# %%
lr = 0.1
g2 = sum(float((g ** 2).sum()) for g in hand)
step = net.copy()
step.ws = [w - lr * g for w, g in zip(step.ws, [dW1, dW2])]
step.bs = [b - lr * g for b, g in zip(step.bs, [db1, db2])]
print(f"one step of lr {lr}: cost {cost:.6f} -> {step.cost(x, t):.6f} (predicted "
      f"{cost - lr * g2:.6f})")

# %% [markdown]
# Pictures: the net for the first sample (neurons coloured by their activations, edges by
# the weights), and the same net with each edge showing its weight's gradient over the batch
# (orange: raising that weight raises the cost, purple: lowers it; width: how much).

# %%
pictures.save(out / "backprop.png", [
    pictures.network(net, x[0], title="weights (red +, blue -), activations for x[0]"),
    pictures.network(net, x[0], grads=[dW1, dW2], title="dC/dW: each weight's gradient")],
    size=(880, 380))
print(f"wrote {out / 'backprop.png'}")
cli.summary(vs_backprop=vs_backprop, vs_finite_diff=vs_finite, cost=cost,
            cost_after_step=step.cost(x, t))
