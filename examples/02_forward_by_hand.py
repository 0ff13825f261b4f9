"""Tutorial 2: the forward pass by hand with numpy, checked against net.forward.

    python examples/02_forward_by_hand.py [--out DIR]

A layer is one matrix product and one function: a_l = act(a_{l-1} @ W_l + b_l), with a row per
sample. W_l has shape (fan_in, fan_out), so a batch (n, fan_in) @ W_l gives (n, fan_out) and
the bias b_l (fan_out,) is added to every row. This script does it step by step for a 2-4-3
net (tanh hidden layer, softmax output) and checks every layer against net.forward(trace=True).
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.widgets import pictures

out = tutorial.out_dir("02_forward_by_hand", __doc__)

net = nn.MLP([2, 4, 3], act="tanh", out_act="softmax", seed=0)
rng = np.random.default_rng(0)
x = rng.uniform(-1, 1, (5, 2)).astype(np.float32)          # 5 samples, 2 inputs each
W1, b1 = net.ws[0], net.bs[0]                              # (2, 4), (4,)
W2, b2 = net.ws[1], net.bs[1]                              # (4, 3), (3,)
print(f"{net}\nW1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}")

# %% [markdown]
# Layer 1: pre-activations z1 = x @ W1 + b1, then tanh element by element.

# %%
z1 = x @ W1 + b1                                           # (5, 2) @ (2, 4) -> (5, 4)
a1 = np.tanh(z1)

# %% [markdown]
# Layer 2: the same product, then softmax across each row: exp(z) / sum(exp(z)). Subtracting
# the row's max first changes nothing (it cancels) but keeps exp from overflowing.

# %%
z2 = a1 @ W2 + b2                                          # (5, 4) @ (4, 3) -> (5, 3)
e = np.exp(z2 - z2.max(axis=1, keepdims=True))
y = e / e.sum(axis=1, keepdims=True)                       # rows sum to 1: probabilities

# %% [markdown]
# The library's forward pass keeps every layer with trace=True: [x, a1, y].

# %%
trace = net.forward(x, trace=True)
diff_a1 = float(np.abs(trace[1] - a1).max())
diff_y = float(np.abs(trace[2] - y).max())
print(f"hidden layer: max |by hand - net.forward| = {diff_a1:.2e}")
print(f"output layer: max |by hand - net.forward| = {diff_y:.2e}")
print(f"rows of y sum to {y.sum(axis=1).round(6)}")

# %% [markdown]
# One sample written out neuron by neuron: hidden neuron j is tanh(x0 W1[0, j] + x1 W1[1, j]
# + b1[j]); the loop over neurons is what the matrix product does all at once.

# %%
x0 = x[0]
by_neuron = [np.tanh(x0[0] * W1[0, j] + x0[1] * W1[1, j] + b1[j]) for j in range(4)]
print("sample 0, hidden layer neuron by neuron:", np.round(by_neuron, 4), "  net:",
      np.round(trace[1][0], 4))

# %% [markdown]
# Pictures: the net coloured by its activations for sample 0 (inputs, the four tanh neurons,
# the three probabilities), each hidden neuron over the whole input square, the output's
# three class probabilities as colours, and the numbers above as text.

# %%
pictures.save(out / "forward.png", [
    pictures.network(net, x0, title=f"activations for x = ({x0[0]:+.2f}, {x0[1]:+.2f})"),
    pictures.layer_maps(net, title="hidden neurons over the plane"),
    pictures.output_map(net, points=(x, y.argmax(1)), title="output: class colours"),
    pictures.text([f"z1 = x @ W1 + b1 = {np.round(z1[0], 2)}", f"a1 = tanh(z1) = "
                   f"{np.round(a1[0], 2)}", f"z2 = a1 @ W2 + b2 = {np.round(z2[0], 2)}",
                   f"y = softmax(z2) = {np.round(y[0], 3)}", f"max diff vs net: {diff_y:.1e}"],
                  title="sample 0 by hand")], cols=2, size=(880, 760))
print(f"wrote {out / 'forward.png'}")
cli.summary(hidden_diff=diff_a1, output_diff=diff_y)
