"""Tutorial 9: choosing the learning rate (a sweep) and the batch size.

    python examples/09_learning_rate.py [--out DIR]

The learning rate is the setting that matters most, and nothing tells you its value in
advance: it depends on the loss, the output, the data's scale. So sweep it on a log scale
(0.001, 0.01, 0.1, ...), a few epochs each, from several starts: too small and the net is still
on its first plateau when time runs out; too large and every step overshoots; take the
largest rate that is reliably good. A sigmoid output saturates when overshot (it gets stuck
saying one class); a linear output blows up, and nn.fit stops with DivergedError, keeping the
last finite weights.

The batch size says how many samples each step's gradient averages. A batch of B samples
estimates the full gradient with an error that shrinks like 1 / sqrt(B); the smaller the
batch, the more (noisier) steps per pass over the data. Both are measured here, over five
starts.
"""

# %%
import time

import numpy as np
import tutorial

import nn
from viz import cli
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("09_learning_rate", __doc__)
ds = make("moons", n_train=200, noise=0.1, seed=0)
t = ds.targets(1)
SEEDS = range(5)


def final_cost(out_act, opt, epochs, batch_size, seed):
    """The training cost after training a fresh 2-16-16-1 net (inf if it diverged)."""
    net = nn.MLP([2, 16, 16, 1], act="tanh", out_act=out_act, seed=seed)
    try:
        nn.fit(net, ds.x, t, loss="mse", opt=opt, epochs=epochs, batch_size=batch_size,
               seed=seed)
    except nn.DivergedError:
        return np.inf
    return net.cost(ds.x, t)

# %% [markdown]
# 1. The sweep: plain SGD, 200 epochs in batches of 20, five starts per rate.

# %%
RATES = (0.001, 0.01, 0.1, 1.0, 3.0, 10.0, 30.0)
sweep = {}
for lr in RATES:
    sweep[lr] = np.array([final_cost("sigmoid", nn.SGD(lr), 200, 20, s) for s in SEEDS])
    print(f"lr {lr:<6}: final cost {sweep[lr].mean():.4f} +- {sweep[lr].std():.4f}")
best = min(RATES, key=lambda lr: sweep[lr].mean())
print(f"best rate {best}; at 0.001 the nets are still learning, at 30 they are stuck")

diverged = [final_cost("linear", nn.SGD(1.0), 200, 20, s) for s in SEEDS]
print(f"a linear output at lr 1: {sum(np.isinf(diverged))} of 5 starts diverge "
      "(nn.DivergedError)")

# %% [markdown]
# 2. How noisy is a batch's gradient? For a batch of B samples drawn without replacement
# from N, the error of the mean against the full gradient has the size
# sqrt((N - B) / (B (N - 1))) times the per-sample spread: 1 / sqrt(B), and 0 at B = N.

# %%
net = nn.MLP([2, 16, 16, 1], act="tanh", out_act="sigmoid", seed=0, dtype=np.float64)
x64, t64, N = ds.x.astype(np.float64), t.astype(np.float64), len(ds.x)


def flat_grad(idx):
    gws, gbs = net.backprop(x64[idx], t64[idx], "mse")
    return np.concatenate([g.ravel() for g in list(gws) + list(gbs)])


full = flat_grad(np.arange(N))
per_sample = np.stack([flat_grad([i]) for i in range(N)])
spread = np.sqrt(np.mean(np.sum((per_sample - full) ** 2, 1)))
rng = np.random.default_rng(0)
noise, law = {}, {}
for B in (1, 4, 16, 64):
    errors = [np.linalg.norm(flat_grad(rng.choice(N, B, replace=False)) - full)
              for _ in range(400)]
    noise[B] = float(np.sqrt(np.mean(np.square(errors))))
    law[B] = float(spread * np.sqrt((N - B) / (B * (N - 1))))
    print(f"B = {B:3d}: gradient error {noise[B]:.4f}, the law says {law[B]:.4f}")
noise_fit = max(abs(noise[B] / law[B] - 1) for B in noise)

# %% [markdown]
# 3. Batch sizes 1, 20 and 200 (the full batch), with Adam at 0.003: first the same number
# of epochs (passes over the data), then the same number of updates (steps).

# %%
BATCHES = (1, 20, 200)
per_epoch, per_update, seconds = {}, {}, {}
for B in BATCHES:
    start = time.perf_counter()
    per_epoch[B] = np.array([final_cost("sigmoid", nn.Adam(0.003), 20, B, s) for s in SEEDS])
    seconds[B] = (time.perf_counter() - start) / (5 * 20)
    per_update[B] = np.array([final_cost("sigmoid", nn.Adam(0.003), 2000 * B // N, B, s)
                              for s in SEEDS])
    print(f"batch {B:3d}: {N // B:3d} updates per epoch; after 20 epochs cost "
          f"{per_epoch[B].mean():.4f} +- {per_epoch[B].std():.4f}; after 2000 updates "
          f"{per_update[B].mean():.4f} +- {per_update[B].std():.4f}; "
          f"{1000 * seconds[B]:.2f} ms per epoch")

# %% [markdown]
# Per epoch, small batches get further: 200 updates against one. Per update, the full batch
# does: every step follows the true gradient. On the clock, with 200 points, the full batch
# wins here, since numpy's cost is per call; with a million points one full-batch step costs
# a whole pass, and batches of 32 to 256 are the usual middle.

# %%
pictures.save(out / "learning_rate.png", [
    pictures.curves({"final cost (mean of 5)": [sweep[lr].mean() for lr in RATES]},
                    steps=np.log10(RATES), x_name="log10 lr", log=True,
                    title="200 epochs of SGD per rate"),
    pictures.curves({"measured": [noise[B] for B in noise], "law": [law[B] for B in law]},
                    steps=np.log2(list(noise)), x_name="log2 B", log=True,
                    title="a batch's gradient error")], size=(1000, 340))
print(f"wrote {out / 'learning_rate.png'}")
cli.summary(best_lr=best, best_cost=sweep[best].mean(), slow_cost=sweep[0.001].mean(),
            stuck_cost=sweep[30.0].mean(), stuck_std=sweep[30.0].std(),
            linear_diverged=int(np.sum(np.isinf(diverged))), noise_fit=noise_fit,
            **{f"epochs_b{B}": per_epoch[B].mean() for B in BATCHES},
            **{f"epochs_b{B}_std": per_epoch[B].std() for B in BATCHES},
            **{f"updates_b{B}": per_update[B].mean() for B in BATCHES},
            **{f"updates_b{B}_std": per_update[B].std() for B in BATCHES})
