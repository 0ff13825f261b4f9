"""Tutorial 11: initialisation and depth: why deep nets need the right start.

    python examples/11_init_depth.py [--out DIR]

Before the first step, every weight needs a value, and two things can go wrong.

Symmetry: if every hidden neuron starts with the same weights, every one gets the same
gradient and takes the same step, forever: eight neurons act as one. Random starting weights
break the tie.

Scale: each layer multiplies the signal by its weights. Too large, and tanh and sigmoid
neurons saturate (their slope is 0 at the ends); too small, and the signal and the gradient
shrink layer by layer until the first layers get nothing. Xavier's start (Glorot and Bengio
2010: variance 2 / (fan_in + fan_out)) keeps a tanh layer's output about as spread as its
input; He's (He et al. 2015: variance 2 / fan_in) does so for relu, which zeroes half its
inputs. Sigmoid has no good scale: its slope is at most 1/4, so a gradient shrinks by 4 or
more per layer, which is why deep nets moved to tanh and relu.

Last, for the curious: mean-field theory (Poole et al. 2016, Schoenholz et al. 2017, "Deep
Information Propagation") makes the scale question exact for a deep tanh net with
W ~ N(0, sigma_w^2 / fan_in), b ~ N(0, sigma_b^2): a small difference between two inputs
shrinks by chi_1 per layer when chi_1 < 1 (order: deep down every input looks alike) and
grows when chi_1 > 1 (chaos); a signal survives about xi_c = -1 / ln(chi_c) layers, and nets
train when their depth is under about 6 xi_c. Its numbers are computed here by Gauss-Hermite
quadrature and checked against real nets.
"""

# %%
import math

import numpy as np
import tutorial
from numpy.polynomial.hermite_e import hermegauss

import nn
from viz import cli
from viz.chaos import model as chaos
from viz.data import make
from viz.widgets import pictures

out = tutorial.out_dir("11_init_depth", __doc__)
ds = make("moons", n_train=200, noise=0.1, seed=0)
t = ds.targets(1)

# %% [markdown]
# 1. Symmetry. A 2-8-1 net started with every weight and bias 0.1 (init="uniform" from 0.1
# to 0.1), against the default random start, both trained alike.

# %%
spread = {}
for name, kw in (("all 0.1", dict(init="uniform", low=0.1, high=0.1)), ("random", {})):
    net = nn.MLP([2, 8, 1], act="tanh", out_act="sigmoid", seed=0, **kw)
    nn.fit(net, ds.x, t, loss="mse", opt=nn.Adam(0.01), epochs=300, batch_size=20, seed=0)
    spread[name] = float(np.ptp(net.ws[0], axis=1).max())  # largest gap between neurons
    print(f"start {name:7s}: after training, the 8 hidden neurons' weights differ by at "
          f"most {spread[name]:.2e}; cost {net.cost(ds.x, t):.4f}")

# %% [markdown]
# 2. Depth. Ten hidden layers of 32, from five starts each, trained with SGD for 100 epochs,
# and, before training, the size of the cost's gradient at each layer's weights.

# %%
starts = {"sigmoid, Xavier": dict(act="sigmoid"), "tanh, Xavier": dict(act="tanh"),
          "relu, He": dict(act="relu"),
          "relu, too small": dict(act="relu", init="normal", sigma_w=0.5, sigma_b=0.0)}
deep, layer_grads = {}, {}
for name, kw in starts.items():
    ends, ratios = [], []
    for seed in range(5):
        net = nn.MLP([2] + [32] * 10 + [1], out_act="sigmoid", seed=seed, **kw)
        gws, _ = net.backprop(ds.x, t, "mse")
        norms = [float(np.linalg.norm(g)) for g in gws]
        ratios.append(norms[0] / norms[-2])           # first hidden layer / last hidden layer
        if seed == 0:
            layer_grads[name] = norms[:-1]
        nn.fit(net, ds.x, t, loss="mse", opt=nn.SGD(0.5), epochs=100, batch_size=20,
               seed=seed)
        ends.append(net.cost(ds.x, t))
    deep[name] = (np.array(ends), np.array(ratios))
    print(f"{name:16s} final cost {np.mean(ends):.4f} +- {np.std(ends):.4f}; gradient at "
          f"layer 1 / layer 10: {np.median(ratios):.1e} (median)")

# %% [markdown]
# Sigmoid's gradient reaches the first layer about a million times weaker than the last,
# and the net never leaves 0.25 (one answer everywhere). Too small a start does it to relu
# differently: its signal halves at every layer (sigma_w^2 = 0.25 against He's 2), so every
# point looks alike at the top and every layer's gradient is a thousand times too small.
# tanh with Xavier's start and relu with He's train from every start.
#
# 3. Mean-field theory.

# %%
z, w = hermegauss(201)
w = w / w.sum()                    # E[f(z)] for z ~ N(0, 1) is sum(w * f(z))
Z1, Z2, W2 = z[:, None], z[None, :], w[:, None] * w[None, :]
sech2 = lambda u: 1 / np.cosh(u) ** 2                               # noqa: E731


def c_star_and_chi_c(sw2, sb2):
    """The fixed point c* of the correlation map and its slope there, chi_c."""
    q = chaos.q_star(math.sqrt(sw2), math.sqrt(sb2))
    u1, c = math.sqrt(q) * Z1, 0.5
    for _ in range(300):
        u2 = math.sqrt(q) * (c * Z1 + math.sqrt(max(1 - c * c, 0)) * Z2)
        c = (sw2 * np.sum(W2 * np.tanh(u1) * np.tanh(u2)) + sb2) / q
    u2 = math.sqrt(q) * (c * Z1 + math.sqrt(max(1 - c * c, 0)) * Z2)
    return q, c, sw2 * float(np.sum(W2 * sech2(u1) * sech2(u2)))


def critical_sw2(sb2):
    """sigma_w^2 where chi_1 = 1, by bisection (chi_1 grows with sigma_w)."""
    lo, hi = 0.5, 6.0
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if chaos.chi_1(math.sqrt(mid), math.sqrt(sb2)) < 1 else (lo, mid)
    return (lo + hi) / 2

# %% [markdown]
# 3a. The order/chaos boundary. With sigma_b = 0, q* = 0 and chi_1 = sigma_w^2: the boundary is 1.

# %%
table = {0.01: 1.424, 0.05: 1.761, 0.09: 1.948, 0.5: 2.843, 1.0: 3.443}
worst = 0.0
for sb2, want in table.items():
    got = critical_sw2(sb2)
    worst = max(worst, abs(got - want))
    print(f"sigma_b^2 = {sb2:4}: critical sigma_w^2 = {got:.3f} (research table {want})")

# %% [markdown]
# 3b. At sigma_b^2 = 0.05, four starts: q*, chi_1 and the depth scale xi_c.

# %%
starts = {1.0: (0.194, 0.759, 3.6), 1.5: (0.418, 0.939, 15.8), 2.0: (0.722, 1.048, 25.2),
          4.0: (2.196, 1.342, 7.0)}
xis = {}
for sw2, (q_t, chi_t, xi_t) in starts.items():
    q, c, chi_c = c_star_and_chi_c(sw2, 0.05)
    chi = chaos.chi_1(math.sqrt(sw2), math.sqrt(0.05))
    xis[sw2] = -1 / math.log(chi_c) if chi_c < 1 else math.inf
    print(f"sigma_w^2 = {sw2}: q* {q:.3f} ({q_t}), chi_1 {chi:.3f} ({chi_t}), c* {c:.3f}, "
          f"xi_c {xis[sw2]:.1f} ({xi_t}): {'chaos' if chi > 1 else 'order'}")

# %% [markdown]
# 3c. Real nets, depth 30, width 256: the correlation of two nearby inputs, layer by layer, and
# the size of the cost's gradient at each layer's weights (backprop of a random target).

# %%
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 2)).astype(np.float32)
x2 = np.float32([[0.3, -0.2], [0.32, -0.2]])
corr, grads, maps = {}, {}, []
for sw2 in (1.0, 1.761, 4.0):
    net = nn.MLP([2] + [256] * 30 + [1], act="tanh", init="normal", sigma_w=math.sqrt(sw2),
                 sigma_b=math.sqrt(0.05), seed=0)
    hs = chaos.preactivations(net, x2)
    corr[f"sw2={sw2}"] = [float(np.corrcoef(h[0], h[1])[0, 1]) for h in hs]
    gws, _ = net.backprop(x, rng.normal(size=(64, 1)), "mse")
    grads[f"sw2={sw2}"] = [float(np.linalg.norm(g)) for g in gws[1:-1]]
    print(f"sigma_w^2 = {sw2}: correlation layer 1 {corr[f'sw2={sw2}'][0]:.4f} -> layer 30 "
          f"{corr[f'sw2={sw2}'][-1]:.4f}; |dC/dW| layer 2 {grads[f'sw2={sw2}'][0]:.2e}, "
          f"layer 30 {grads[f'sw2={sw2}'][-1]:.2e}")
    shallow = nn.MLP([2] + [64] * 12 + [1], act="tanh", init="normal", seed=1,
                     sigma_w=math.sqrt(sw2), sigma_b=math.sqrt(0.05))
    maps.append(pictures.output_map(shallow, title=f"depth-12 net, sigma_w^2 = {sw2}"))

pictures.save(out / "start.png", [pictures.curves(
    layer_grads, log=True, steps=np.arange(1, 11), x_name="layer",
    title="|dC/dW| per layer before training, depth 10, seed 0")], size=(720, 340))
pictures.save(out / "depth.png", [
    pictures.curves(corr, steps=np.arange(1, len(corr["sw2=1.0"]) + 1), x_name="layer",
                    title="correlation of two nearby inputs"),
    pictures.curves(grads, log=True, steps=np.arange(2, len(grads["sw2=1.0"]) + 2),
                    x_name="layer", title="|dC/dW| per layer")],
    size=(1000, 340))
pictures.save(out / "maps.png", maps, size=(1080, 380))
print(f"wrote {out / 'start.png'}, {out / 'depth.png'} and {out / 'maps.png'}")
keys = {"sigmoid, Xavier": "sigmoid", "tanh, Xavier": "tanh", "relu, He": "relu",
        "relu, too small": "relu_small"}
cli.summary(spread_constant=spread["all 0.1"], spread_random=spread["random"],
            **{f"{keys[k]}_cost": e.mean() for k, (e, _) in deep.items()},
            **{f"{keys[k]}_cost_std": e.std() for k, (e, _) in deep.items()},
            **{f"{keys[k]}_ratio": float(np.median(r)) for k, (_, r) in deep.items()},
            worst_critical_diff=worst, xi_1=xis[1.0], xi_1_5=xis[1.5], xi_2=xis[2.0],
            xi_4=xis[4.0], corr_order=corr["sw2=1.0"][-1], corr_chaos=corr["sw2=4.0"][-1])
