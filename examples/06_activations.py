"""Tutorial 6: activations compared on one task: sigmoid, tanh, relu and sin.

    python examples/06_activations.py [--out DIR]

The activation is the only thing that bends a net: without it every layer is a matrix and the
whole net one linear map. Here four 2-16-16-1 nets, alike but for their hidden activation,
learn the same two-circle task with the same optimiser, each from the same five starts (seeds
0-4). sigmoid (outputs 0..1, gradient at most 1/4) learns slowest; tanh (centred, gradient up
to 1) is smooth; relu (gradient 1 wherever it is active) is fastest here, and its boundary is
made of straight pieces; sin draws waves. All four end near perfect: the activation changes
how fast and in what shapes a net learns more than whether it can.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("06_activations", __doc__)
ds = make("circles", n_train=300, noise=0.08, seed=0)
t, t_test = ds.targets(1), ds.targets(1, test=True)

results, curves, panels = {}, {}, []
for act in ("sigmoid", "tanh", "relu", "sin"):
    epochs, accs = [], []
    for seed in range(5):
        net = nn.MLP([2, 16, 16, 1], act=act, out_act="sigmoid", seed=seed)
        hist = nn.fit(net, ds.x, t, loss="mse", opt=nn.Adam(0.01), epochs=150, batch_size=32,
                      seed=seed)
        cost = np.array(hist["cost"])
        # speed: the first epoch whose training cost is under 0.05 (a clear boundary by then)
        epochs.append(int(np.argmax(cost < 0.05)) + 1 if (cost < 0.05).any() else np.inf)
        accs.append(net.accuracy(ds.x_test, t_test))
        if seed == 0:
            curves[act] = cost
            panels.append(pictures.output_map(net, points=(ds.x, ds.labels),
                                              test=(ds.x_test, ds.labels_test),
                                              title=f"{act}, seed 0: test acc {accs[0]:.2f}"))
    results[act] = (np.array(epochs), np.array(accs))
    print(f"{act:8s} cost < 0.05 from epoch {np.mean(epochs):5.1f} +- {np.std(epochs):4.1f}, "
          f"test accuracy {np.mean(accs):.3f} +- {np.std(accs):.3f} (five starts)")

# %% [markdown]
# The activations themselves, over z in [-3, 3].

# %%
z = np.linspace(-3, 3, 121)
shapes = {a: nn.ACTIVATIONS[a][0](z.copy()) for a in ("sigmoid", "tanh", "relu", "sin")}
pictures.save(out / "boundaries.png", panels, cols=4, size=(1280, 360))
pictures.save(out / "curves.png", [
    pictures.curves(shapes, steps=z, x_name="z", lo=-1.0, hi=3.0, title="f(z)"),
    pictures.curves(curves, log=True, title="training cost per epoch, seed 0")], size=(1000, 340))
print(f"wrote {out / 'boundaries.png'} and {out / 'curves.png'}")
cli.summary(**{f"{a}_epochs": r[0].mean() for a, r in results.items()},
            **{f"{a}_epochs_std": r[0].std() for a, r in results.items()},
            **{f"{a}_acc": r[1].mean() for a, r in results.items()},
            **{f"{a}_acc_std": r[1].std() for a, r in results.items()})
