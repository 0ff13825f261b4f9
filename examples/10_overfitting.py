"""Tutorial 10: overfitting; train, validation and test; weight decay, dropout and early stopping.

    python examples/10_overfitting.py [--out DIR]

40 noisy training points and a net with 4,400 weights: given long enough, the net bends its
boundary around every noisy point. The training cost falls towards 0 while the cost on
held-out points rises again: the net has learned the noise. Three remedies: weight decay (an
L2 pull of every weight towards 0, here through Adam's weight_decay), dropout (each hidden
neuron dropped with probability p on every step, so no neuron can rely on another) and early
stopping (keep the weights from the epoch where the held-out cost was lowest).

Each remedy has a setting to choose (the decay, p, the epoch), and choosing it by the test
points would make their score a flattering guess. So the points are split three ways:
training (40, the only ones the net learns from), validation (40, to choose the settings)
and test (80, looked at once, at the end). Every comparison is over five draws of the data
and five starts (seeds 0-4), paired: each remedy against the plain net on the same draw.
"""

# %%
import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("10_overfitting", __doc__)
SEEDS, EPOCHS, SHOWN = range(5), 1500, 2     # the pictures are of draw SHOWN
DECAYS, DROPOUTS = (1e-3, 3e-3, 1e-2, 3e-2), (0.1, 0.3, 0.5)


def split(seed):
    """(train, validation, test), each (x, t, labels), from one draw of the moons."""
    ds = make("moons", n_train=80, noise=0.25, test_frac=0.5, seed=seed)
    t = ds.targets(1)
    return ((ds.x[:40], t[:40], ds.labels[:40]), (ds.x[40:], t[40:], ds.labels[40:]),
            (ds.x_test, ds.targets(1, test=True), ds.labels_test))


def train(seed, data, decay=0.0, dropout=0.0, stop_early=False, patience=100):
    """A 2-64-64-1 net trained on data's training part; stop_early: stopped once the
    validation cost has not improved for `patience` epochs, with the best epoch's weights."""
    (x, t, _), (xv, tv, _), _ = data
    net = nn.MLP([2, 64, 64, 1], act="tanh", out_act="sigmoid", seed=seed, dropout=dropout)
    best = {"cost": np.inf, "net": net, "epoch": 0}

    def keep_best(epoch, hist):
        if hist["val_cost"][-1] < best["cost"]:
            best.update(cost=hist["val_cost"][-1], net=net.copy(), epoch=epoch)
        return not stop_early or epoch - best["epoch"] < patience

    hist = nn.fit(net, x, t, loss="mse", opt=nn.Adam(0.01, weight_decay=decay), epochs=EPOCHS,
                  seed=seed, x_val=xv, t_val=tv, callback=keep_best)
    return (best["net"] if stop_early else net), hist, best["epoch"]


def chosen(seed, data, name, values):
    """The setting among values whose net has the lowest validation cost, and that net."""
    nets = {v: train(seed, data, **{name: v})[0] for v in values}
    v = min(values, key=lambda v: nets[v].cost(data[1][0], data[1][1]))
    return v, nets[v]

# %% [markdown]
# For each draw: the plain net, the decay and the dropout chosen by validation cost, and
# early stopping. Only then are the test points scored.

# %%
names = ("plain", "weight decay", "dropout", "early stopping")
scores = {k: [] for k in names}                       # (test cost, test accuracy) per draw
for seed in SEEDS:
    data = split(seed)
    plain, plain_hist, val_best = train(seed, data)
    decay, decayed = chosen(seed, data, "decay", DECAYS)
    p, dropped = chosen(seed, data, "dropout", DROPOUTS)
    stopped, _, stop_epoch = train(seed, data, stop_early=True)
    xt, tt, _ = data[2]
    for name, net in zip(names, (plain, decayed, dropped, stopped)):
        scores[name].append((net.cost(xt, tt), net.accuracy(xt, tt)))
    print(f"draw {seed}: plain train cost {plain.cost(*data[0][:2]):.4f}; validation picks "
          f"decay {decay}, dropout {p}, stops at epoch {stop_epoch}")
    if seed == SHOWN:
        shown = {"plain": plain, f"weight decay {decay}": decayed, f"dropout {p}": dropped,
                 f"stopped at epoch {stop_epoch}": stopped}
        first = (data, plain_hist, val_best, plain.cost(*data[0][:2]))

scores = {k: np.array(v) for k, v in scores.items()}
gains = {}
for name in names:
    cost, acc = scores[name].T
    d_cost = scores["plain"][:, 0] - cost                  # > 0: lower test cost than plain
    d_acc = acc - scores["plain"][:, 1]
    gains[name] = (d_cost, d_acc)
    print(f"{name:15s} test cost {cost.mean():.4f} +- {cost.std():.4f}, accuracy "
          f"{acc.mean():.3f} +- {acc.std():.3f}; against plain: cost lower by "
          f"{d_cost.mean():+.4f} +- {d_cost.std():.4f} (on {int((d_cost > 0).sum())} of 5 "
          f"draws), accuracy {d_acc.mean():+.3f} +- {d_acc.std():.3f}")

# %% [markdown]
# What holds over the five draws: weight decay and early stopping lower the test cost on
# every draw, early stopping the most and at a fraction of the training; dropout's effect
# is smaller than its spread. The accuracy barely moves for any of them: with this much
# noise the boundary's place is set by the 40 points, and the remedies mostly stop the net
# from being sure of its wrong answers near it.
#
# The pictures are of draw 2: the plain net's training cost keeps falling, its validation
# cost has its lowest point early and rises after it; the four nets' maps.

# %%
(train_part, val_part, test_part), hist, val_best, _ = first
pictures.save(out / "curves.png", [pictures.curves(
    {"train": hist["cost"], "validation": hist["val_cost"]}, log=True,
    title=f"plain net, draw {SHOWN}: validation lowest at epoch {val_best}")], size=(720, 340))
pictures.save(out / "maps.png", [
    pictures.output_map(net, points=(train_part[0], train_part[2]),
                        test=(test_part[0], test_part[2]), title=name)
    for name, net in shown.items()], size=(1440, 420))
print(f"wrote {out / 'curves.png'} and {out / 'maps.png'}")
keys = {"plain": "plain", "weight decay": "decay", "dropout": "dropout",
        "early stopping": "early"}
cli.summary(plain_train=first[3], **{
    f"{keys[n]}_{what}": v for n in names for what, v in (
        ("test", scores[n][:, 0].mean()), ("acc", scores[n][:, 1].mean()),
        ("gain", gains[n][0].mean()), ("gain_std", gains[n][0].std()),
        ("wins", int((gains[n][0] > 0).sum())), ("acc_gain", gains[n][1].mean()),
        ("acc_gain_std", gains[n][1].std()))})
