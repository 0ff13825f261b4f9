"""Tutorial 4: the derivative as a nudge, and the chain rule on a small graph of numbers.

    python examples/04_chain_rule.py [--out DIR]

Training asks one question of every weight: if I nudge it up a little, does the cost go up or
down, and how fast? That rate is the derivative. Here it is first measured by nudging (the
slope of f(x) = x^2 - 4x at x = 3), then computed exactly on a graph of a few numbers, one
operation at a time, with the chain rule: the derivative of the end with respect to any node
is the product of the local derivatives along the path back from the end, and where a node
feeds two paths, the two products add. That is all backprop does (tutorial 5 does it for a
net's matrices). Every derivative here is checked by nudging.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("04_chain_rule", __doc__)

# %% [markdown]
# 1. The derivative as a nudge. For f(x) = x^2 - 4x at x = 3, the slope of the line through
# (x, f(x)) and (x + h, f(x + h)) approaches f'(3) = 2 * 3 - 4 = 2 as h shrinks.

# %%
def f(x):
    return x * x - 4 * x


slopes = {}
for h in (1.0, 0.1, 0.01, 0.001, 1e-6):
    slopes[h] = (f(3 + h) - f(3)) / h
    print(f"h = {h:<6}: (f(3 + h) - f(3)) / h = {slopes[h]:.6f}")

# %% [markdown]
# 2. A graph of numbers. a and b are the inputs; each line is one operation. a is used twice
# (in e and in g): two paths lead back from L to a.

# %%
a, b, c = 2.0, -3.0, 10.0
e = a * b              # -6
d = e + c              # 4
g = a + c              # 12
L = d * g              # 48


def graph(a, b, c):
    e = a * b
    d = e + c
    g = a + c
    return d * g


# %% [markdown]
# Backwards from L, one local derivative per operation. L = d g, so dL/dd = g and dL/dg = d.
# d = e + c passes its gradient on unchanged: dL/de = dL/dd. e = a b: dL/db = dL/de * a.
# a reaches L along two paths, a -> e -> d -> L and a -> g -> L: their products add.

# %%
dL_dd, dL_dg = g, d
dL_de = dL_dd * 1.0
dL_db = dL_de * a
via_e, via_g = dL_de * b, dL_dg * 1.0
dL_da = via_e + via_g
dL_dc = dL_dd * 1.0 + dL_dg * 1.0       # c also feeds two paths
print(f"L = {L}; dL/da = {via_e} (through e) + {via_g} (through g) = {dL_da}, "
      f"dL/db = {dL_db}, dL/dc = {dL_dc}")

eps = 1e-6
nudged = [(graph(a + eps, b, c) - graph(a - eps, b, c)) / (2 * eps),
          (graph(a, b + eps, c) - graph(a, b - eps, c)) / (2 * eps),
          (graph(a, b, c + eps) - graph(a, b, c - eps)) / (2 * eps)]
graph_diff = max(abs(p - q) for p, q in zip((dL_da, dL_db, dL_dc), nudged))
print(f"nudging each input by +-{eps}: {np.round(nudged, 6)}; largest difference "
      f"{graph_diff:.1e}")

# %% [markdown]
# 3. One neuron is such a graph: z = w1 x1 + w2 x2 + b, y = tanh(z), C = (y - t)^2. Its chain:
# dC/dy = 2 (y - t), dy/dz = 1 - y^2, dz/dw1 = x1. The library's backprop gives the same.

# %%
net = nn.MLP([2, 1], out_act="tanh", seed=0, dtype=np.float64)
x, t = np.array([[0.5, -1.0]]), np.array([[1.0]])
z = float(x[0] @ net.ws[0][:, 0] + net.bs[0][0])
y = np.tanh(z)
dC_dz = 2 * (y - t[0, 0]) * (1 - y * y)
hand = np.array([dC_dz * x[0, 0], dC_dz * x[0, 1], dC_dz])
gws, gbs = net.backprop(x, t, "mse")
neuron_diff = float(np.abs(hand - [gws[0][0, 0], gws[0][1, 0], gbs[0][0]]).max())
print(f"neuron: dC/dw1, dC/dw2, dC/db by the chain rule {hand.round(6)}, net.backprop "
      f"differs by {neuron_diff:.1e}")

# %% [markdown]
# Pictures: the graph with each node's value and gradient (the gradient is how much L moves
# per unit nudge of that node), and f with the nudged slopes closing in on the tangent.

# %%
nodes = {"a": (0, 0), "b": (0, 1), "c": (0, 2), "e = a*b": (1, 0.5), "g = a+c": (1, 2),
         "d = e+c": (2, 1), "L = d*g": (3, 1.5)}
values = {"a": (a, dL_da), "b": (b, dL_db), "c": (c, dL_dc), "e = a*b": (e, dL_de),
          "g = a+c": (g, dL_dg), "d = e+c": (d, dL_dd), "L = d*g": (L, 1.0)}
boxes = {k: (col, row, [k, f"value {values[k][0]:g}", f"grad {values[k][1]:g}"])
         for k, (col, row) in nodes.items()}
edges = [("a", "e = a*b"), ("b", "e = a*b"), ("a", "g = a+c"), ("c", "g = a+c"),
         ("c", "d = e+c"), ("e = a*b", "d = e+c"), ("d = e+c", "L = d*g"), ("g = a+c", "L = d*g")]
xs = np.linspace(1, 5, 81)
lines = {"f(x) = x^2 - 4x": f(xs)}
for h in (1.0, 0.1):
    lines[f"slope over h = {h}"] = f(3) + slopes[h] * (xs - 3)
lines["tangent, slope 2"] = f(3) + 2 * (xs - 3)
pictures.save(out / "chain_rule.png", [
    pictures.graph(boxes, edges, title="L and every node's gradient dL/dnode"),
    pictures.curves(lines, steps=xs, x_name="x", title="nudging x at 3")],
    size=(1200, 380))
print(f"wrote {out / 'chain_rule.png'}")
cli.summary(slope_error=abs(slopes[1e-6] - 2), slope_error_h1=abs(slopes[1.0] - 2),
            graph_diff=graph_diff, dL_da=dL_da, via_e=via_e, via_g=via_g,
            neuron_diff=neuron_diff)
