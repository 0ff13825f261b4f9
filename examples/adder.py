"""The n-bit adder, nn.h's second demo: 2n input bits -> 4n hidden -> n+1 output bits,
checked on every pair of n-bit numbers.

    python examples/adder.py [--bits N]
"""

import sys

import numpy as np
import tutorial

import nn
from viz.data import adder

_, args = tutorial.options("adder", __doc__, bits=(int, 3, "bits per number, 1..8"))
bits = args.bits
if not 1 <= bits <= 8:
    print(f"python examples/adder.py: error: --bits must be in 1..8, got {bits}", file=sys.stderr)
    sys.exit(2)
n = 1 << bits
a, b = np.divmod(np.arange(n * n), n)      # every pair (a, b), in the order adder() lists them
x, t = adder(bits)                         # (n*n, 2*bits) bits of a then b, (n*n, bits+1) of a+b

net = nn.MLP([2 * bits, 4 * bits, bits + 1], act="sigmoid", out_act="sigmoid", seed=0)
print(net)
nn.fit(net, x, t, opt=nn.Adam(0.05), epochs=6000, verbose=False,
       callback=lambda e, h: print(f"epoch {e:5d}  cost {h['cost'][-1]:.5f}") if e % 1000 == 0
       else None)

y = (net.forward(x) > 0.5) @ (1 << np.arange(bits + 1))        # decode the output bits
wrong = np.flatnonzero(y != a + b)
for i in wrong[:10]:
    print(f"{a[i]} + {b[i]} = {y[i]}  (should be {a[i] + b[i]})")
print(f"{n * n - len(wrong)}/{n * n} sums right")
sys.exit(1 if len(wrong) else 0)
