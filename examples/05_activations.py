"""Tutorial 5: activations compared on one task: sigmoid, tanh, relu and sin.

    python examples/05_activations.py [--out DIR]

The activation is the only thing that bends a net: without it every layer is a matrix and the
whole net one linear map. Here four 2-16-16-1 nets, alike but for their hidden activation,
learn the same two-circle task with the same optimiser and the same seed. sigmoid (outputs
0..1, gradient at most 1/4) learns slowest; tanh (centred, gradient up to 1) is smooth;
relu's boundary is made of straight pieces; sin draws waves.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("05_activations", __doc__)
ds = make("circles", n_train=300, noise=0.08, seed=0)
t, t_test = ds.targets(1), ds.targets(1, test=True)

results, curves, panels = {}, {}, []
for act in ("sigmoid", "tanh", "relu", "sin"):
    net = nn.MLP([2, 16, 16, 1], act=act, out_act="sigmoid", seed=0)
    hist = nn.fit(net, ds.x, t, loss="mse", opt=nn.Adam(0.01), epochs=150, batch_size=32,
                  seed=0, x_val=ds.x_test, t_val=t_test)
    cost = np.array(hist["cost"])
    # speed: the first epoch whose training cost is under 0.05 (a clear boundary by then)
    fast = int(np.argmax(cost < 0.05)) + 1 if (cost < 0.05).any() else None
    acc = net.accuracy(ds.x_test, t_test)
    results[act] = (cost[-1], acc, fast)
    curves[act] = cost
    panels.append(pictures.output_map(net, points=(ds.x, ds.labels), title=f"{act}: test "
                                      f"acc {acc:.2f}"))
    print(f"{act:8s} final cost {cost[-1]:.4f}  test accuracy {acc:.3f}  cost < 0.05 from "
          f"epoch {fast}")

# %% [markdown]
# The activations themselves, over z in [-3, 3] (x axis: 100 (z + 3) / 6).

# %%
z = np.linspace(-3, 3, 121)
shapes = {a: nn.ACTIVATIONS[a][0](z.copy()) for a in ("sigmoid", "tanh", "relu", "sin")}
pictures.save(out / "boundaries.png", panels, cols=4, size=(1280, 360))
pictures.save(out / "curves.png", [
    pictures.curves(shapes, steps=z, x_name="z", title="f(z) for z in [-3, 3]"),
    pictures.curves(curves, log=True, title="training cost per epoch")], size=(1000, 340))
print(f"wrote {out / 'boundaries.png'} and {out / 'curves.png'}")
cli.summary(**{f"{a}_cost": r[0] for a, r in results.items()},
            **{f"{a}_acc": r[1] for a, r in results.items()},
            **{f"{a}_epochs": r[2] for a, r in results.items()})
