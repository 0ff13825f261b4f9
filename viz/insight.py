"""Why a net learns, as numbers: the health of each hidden layer (dead and saturated neurons),
the gradient's flow through the layers, the cost on a plane through weight space (the loss
landscape of Li et al., NeurIPS 2018), the plane as a hidden layer sees it (the unfolded
data), and snapshots of the weights along training. numpy only; the gym's views draw them.

    dead, saturated = health(net, x)                     # per hidden layer, bool per neuron
    norms = grad_norms(net, x, t, "mse")                 # |dC/dW| per layer
    scape = Landscape(net, x, t, "mse", *filter_normalized(net, rng))
    scape.advance(rows=8)                                # a few rows per frame, until done
    xy = unfold(net, 2, points)                          # layer 2's view of the points, 2-D
    history.add(step, net); history.restore(net, k)

A relu neuron is dead when it is never active on the training data; a tanh or sigmoid neuron
is saturated when its output is in the flat ends (|a| > 0.97 for tanh, a < 0.03 or a > 0.97
for sigmoid) on at least SATURATED_SHARE of the training points.
"""

import numpy as np

SATURATION = {"tanh": (-0.97, 0.97), "sigmoid": (0.03, 0.97)}
SATURATED_SHARE = 0.9
DEAD_ACTS = ("relu",)


def flatten(net):
    """All parameters in one float64 vector: every weight matrix (row-major), then biases."""
    return np.concatenate([np.ravel(w) for w in net.ws] + [np.ravel(b) for b in net.bs]
                          ).astype(np.float64)


def assign(net, theta):
    """Write a vector from flatten() back into net's weights and biases."""
    at = 0
    for params in (net.ws, net.bs):
        for p in params:
            p[...] = np.reshape(theta[at:at + p.size], p.shape)
            at += p.size


def health(net, x):
    """(dead, saturated): per hidden layer a bool per neuron, over the inputs x."""
    acts = net.forward(x, trace=True)[1:-1]
    dead, saturated = [], []
    for name, a in zip(net.acts[:-1], acts):
        dead.append((a <= 0).all(0) if name in DEAD_ACTS else np.zeros(a.shape[1], bool))
        if name in SATURATION:
            lo, hi = SATURATION[name]
            saturated.append(((a < lo) | (a > hi)).mean(0) >= SATURATED_SHARE)
        else:
            saturated.append(np.zeros(a.shape[1], bool))
    return dead, saturated


def fractions(flags):
    """The share of all hidden neurons flagged (0 for a net with no hidden layer)."""
    n = sum(len(f) for f in flags)
    return float(sum(int(f.sum()) for f in flags) / n) if n else 0.0


def grad_norms(net, x, t, loss):
    """The norm of the cost's gradient at each layer's weights, over (x, t)."""
    gws, _ = net.backprop(x, t, loss)
    return np.array([float(np.linalg.norm(g)) for g in gws])


def grad_ratio(norms):
    """The first hidden layer's gradient norm over the last hidden layer's (layers 0 and
    L - 2 of the weights): far below 1, the gradient vanishes on its way back."""
    return float(norms[0] / norms[-2]) if len(norms) > 1 and norms[-2] > 0 else float("nan")


def update_ratios(before, after):
    """Per layer, |W_after - W_before| / |W_before|: how far a step (or a frame's steps)
    moved each layer's weights, relative to their size."""
    return np.array([float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-12))
                     for b, a in zip(before, after)])


# -- the loss landscape --------------------------------------------------------------------

def filter_normalized(net, rng):
    """Two random directions in weight space (vectors like flatten's), each neuron's incoming
    weights scaled to the norm of that neuron's weights in net, biases 0 (Li et al. 2018)."""
    out = []
    for _ in range(2):
        parts = []
        for w in net.ws:
            d = rng.normal(size=w.shape)
            d *= np.linalg.norm(w, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-12)
            parts.append(d.ravel())
        parts += [np.zeros(b.size) for b in net.bs]
        out.append(np.concatenate(parts))
    return out


def pca_directions(trajectory):
    """The top two principal directions (unit, orthogonal) of a trajectory of weight vectors
    (k, n) taken about its last point, and the share of its variance each explains."""
    m = np.asarray(trajectory, np.float64)
    m = m - m[-1]
    _, s, vt = np.linalg.svd(m - m.mean(0), full_matrices=False)
    share = s ** 2 / max(float((s ** 2).sum()), 1e-300)
    if len(vt) < 2:                               # one point: no plane, any two axes
        vt = np.eye(m.shape[1])[:2]
        share = np.array([1.0, 0.0])
    return vt[0], vt[1], share[:2]


def project(thetas, centre, d1, d2):
    """Coordinates (k, 2) of weight vectors on the plane centre + a d1 + b d2 (least squares:
    the directions need not be orthogonal)."""
    basis = np.stack([d1, d2], 1)                                 # (n, 2)
    coords, *_ = np.linalg.lstsq(basis, (np.asarray(thetas) - centre).T, rcond=None)
    return coords.T


class Landscape:
    """The cost of (x, t) over the plane centre + a d1 + b d2, a and b in [-span, span] on a
    res x res grid, computed a few rows at a time (advance) on a copy of the net."""

    def __init__(self, net, x, t, loss, d1, d2, span=1.0, res=25):
        self.scratch = net.copy()
        self.x, self.t, self.loss = x, t, loss
        self.centre = flatten(net)
        self.d1, self.d2 = np.asarray(d1, np.float64), np.asarray(d2, np.float64)
        self.axis = np.linspace(-span, span, res)
        self.costs = np.full((res, res), np.nan)                 # [row: b, column: a]
        self.row = 0

    @property
    def done(self):
        return self.row >= len(self.axis)

    def cost_at(self, a, b):
        """The cost at centre + a d1 + b d2."""
        assign(self.scratch, self.centre + a * self.d1 + b * self.d2)
        return self.scratch.cost(self.x, self.t, self.loss)

    def advance(self, rows=1):
        """Compute the next `rows` rows of the grid; returns True when the grid is complete."""
        with np.errstate(all="ignore"):
            for _ in range(rows):
                if self.done:
                    break
                b = self.axis[self.row]
                self.costs[self.row] = [self.cost_at(a, b) for a in self.axis]
                self.row += 1
        return self.done

    def coords(self, thetas):
        """Where weight vectors (k, n) lie on the plane (k, 2)."""
        return project(thetas, self.centre, self.d1, self.d2)


# -- the unfolded plane --------------------------------------------------------------------

def grid_lines(n=11, res=64, lo=-1.0, hi=1.0):
    """The input square's grid as polylines: n vertical and n horizontal, res points each."""
    ticks, along = np.linspace(lo, hi, n), np.linspace(lo, hi, res)
    lines = [np.stack([np.full(res, c), along], 1) for c in ticks]
    lines += [np.stack([along, np.full(res, c)], 1) for c in ticks]
    return np.asarray(lines, np.float32)                       # (2n, res, 2)


def layer_output(net, layer, x):
    """Layer `layer`'s activations (1 = the first hidden layer) for inputs x."""
    return net.forward(np.asarray(x, net.dtype), trace=True)[layer]


def pca_basis(values):
    """The mean and top two principal axes (2, k) of activations (n, k)."""
    values = np.asarray(values, np.float64)
    mean = values.mean(0)
    _, _, vt = np.linalg.svd(values - mean, full_matrices=False)
    if len(vt) < 2:
        vt = np.vstack([vt, np.zeros_like(vt)])
    return mean, vt[:2]


def unfold(net, layer, x, neurons=None, basis=None):
    """Inputs x (..., in) as layer `layer` sees them, in 2-D (..., 2): the activations of two
    chosen neurons (i, j), or their coordinates in basis = (mean, axes) (pca_basis)."""
    x = np.asarray(x)
    a = layer_output(net, layer, x.reshape(-1, x.shape[-1])).astype(np.float64)
    if neurons is not None:
        xy = a[:, list(neurons)]
    else:
        mean, axes = basis if basis is not None else pca_basis(a)
        xy = (a - mean) @ axes.T
    return xy.reshape(*x.shape[:-1], 2)


def unfold_plane(net, layer, lines, points, neurons=None):
    """lines (..., in) and points (n, in) as layer `layer` sees them, both in one 2-D frame:
    two chosen neurons, or the top two principal components of the points' activations."""
    basis = None if neurons is not None else pca_basis(layer_output(net, layer, points))
    return (unfold(net, layer, lines, neurons, basis),
            unfold(net, layer, points, neurons, basis))


# -- history -------------------------------------------------------------------------------

class History:
    """Snapshots of a net's parameters along training, at most `size` of them: when full,
    every other one is dropped and the spacing doubles, so they always span the whole run."""

    def __init__(self, size=128, every=10):
        self.size, self.every = int(size), int(every)
        self.steps, self.thetas = [], []

    def __len__(self):
        return len(self.steps)

    def add(self, step, net):
        """Keep a snapshot when step is a multiple of the current spacing."""
        if step % self.every or (self.steps and step <= self.steps[-1]):
            return False
        self.steps.append(int(step))
        self.thetas.append(flatten(net).astype(net.dtype))
        while len(self.steps) > self.size:          # thin to the doubled spacing
            self.every *= 2
            keep = [k for k, s in enumerate(self.steps) if s % self.every == 0]
            self.steps = [self.steps[k] for k in keep]
            self.thetas = [self.thetas[k] for k in keep]
        return True

    def restore(self, net, k):
        """Write snapshot k's parameters into net; returns its step."""
        assign(net, self.thetas[k])
        return self.steps[k]

    def truncate(self, k):
        """Keep snapshots 0..k (training went back to snapshot k)."""
        self.steps, self.thetas = self.steps[:k + 1], self.thetas[:k + 1]

    def trajectory(self):
        return np.asarray(self.thetas)
