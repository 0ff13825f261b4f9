"""XOR with a 2-2-1 sigmoid net, nn.h's first demo.

    python examples/xor.py
"""

import numpy as np

import nn

x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
t = np.array([[0], [1], [1], [0]], np.float32)

net = nn.MLP([2, 2, 1], act="sigmoid", out_act="sigmoid", seed=1)
print(net)
print(f"cost before: {net.cost(x, t):.4f}")
hist = nn.fit(net, x, t, loss="mse", opt=nn.Adam(0.1), epochs=3000)
print(f"cost after:  {hist['cost'][-1]:.2e}")
for xi, yi in zip(x, net.forward(x)):
    print(f"{int(xi[0])} ^ {int(xi[1])} = {yi[0]:.3f}")
