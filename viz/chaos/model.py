"""The chaos animation: three neurons of a deep tanh net, started in the chaotic regime, as RGB.

    import viz.chaos.model as chaos
    cfg = chaos.Config()                        # the defaults below
    anim = chaos.animation(cfg)                 # train, render, normalise: anim.frames (T, H, W, 3)
    chaos.q_star(2.5, 0.3), chaos.chi_1(2.5, 0.3)   # 4.08, 1.59: chaotic (chi_1 > 1)

The net: `nn.MLP([2] + [50] * 20 + [1], act="tanh", init="normal", sigma_w, sigma_b)`, so
W ~ N(0, sigma_w^2 / fan_in), b ~ N(0, sigma_b^2) (Poole et al. 2016, arXiv 1606.05340).
Mean-field theory of such a net: the pre-activation length q^l = mean_i (h_i^l)^2 follows the
length map q -> sigma_w^2 E[tanh(sqrt(q) z)^2] + sigma_b^2 (z ~ N(0, 1)) to a fixed point q*;
the correlation c of two inputs' pre-activations follows the correlation map, whose slope at
c = 1 is chi_1 = sigma_w^2 E[tanh'(sqrt(q*) z)^2]. chi_1 > 1 is the chaotic phase: nearby inputs
decorrelate, 1 - c growing by chi_1 per layer, so deep neurons vary on ever finer input scales.
`q_star`, `chi_1`, `mean_field_correlation` integrate these with Gauss-Hermite quadrature
(scipy.special.roots_hermitenorm); `empirical_correlation` measures the same through real nets.

Target: a seeded random combination of products He_i(u) He_j(v) of probabilists' Hermite
polynomials with i + j <= degree, orthonormal under the standard Gaussian, normalised to unit
variance. (u, v) = (x - center) / (extent / 2): the training inputs are Gaussian in (u, v), so
the basis is orthonormal under the very distribution the net is trained on, and the picture's
square [center - extent, center + extent]^2 spans u, v in [-2, 2].

Training: full-batch gradient descent with weight decay (`nn.SGD(lr, weight_decay=...)` driven
by `nn.train`), one frame per step, frame 0 the initialisation. The loop back to the start is
a straight line in weight space from the trained weights to the initial ones, interpolated
(not retraced) over `loop` frames with equal steps, so the frame after the last is frame 0 and
the wrap is one more step of that line.

Frames: pixel (row r, column c) of a res x res frame is the input point
center + extent * (2 * (c + 0.5) / res - 1, 1 - 2 * (r + 0.5) / res) (input 0 to the right,
input 1 up); its R, G, B are the post-activations of `neurons` in hidden layer `layer`,
normalised per neuron over the whole animation ((a - min) / (max - min) with the min and max of
that neuron over all frames), so a colour means the same activation in every frame. Only the
first `layer` layers are evaluated, in float32, in chunks of at most `chunk` pixels.
`layer_animation` is the other view: one frame per layer 1..depth of the same slice (normalised per
frame, since layers differ in range), a signal seen propagating through depth.

Choosing the defaults together (PSNR and sizes, the same on any machine; bench/bench_chaos.py).
Layer 15 of this net at sigma_w = 2.5, sigma_b = 0.3 (chi_1 = 1.59) over [-1, 1]^2 keeps only
18 dB with a 32 x 32 DCT block: its features are far finer than 32 modes. The feature size
shrinks like chi_1^(-layer / 2), so sigma_w, the extent and K trade against each other:

    sigma_w, sigma_b   chi_1   PSNR (dB) of the initial frame, 32 x 32 block, median of 4 seeds,
                               against the slice's half-width
                               0.05    0.07    0.1     0.15    0.2
    2.0, 0.1           1.36    51.6    47.7    41.2    36.7    34.4
    2.25, 0.2          1.47    43.2    37.8    33.5    29.8    28.1
    2.5, 0.3           1.59    40.0    34.6    28.4    24.1    22.9

The defaults keep the original animation's sigma_w = 2.5, sigma_b = 0.3 (clearly chaotic,
chi_1 = 1.59) and zoom in to a half-width of 0.07, where the whole animation keeps 32.6 dB
with K = 32 (its roughest frames, the first ones, 29.6 dB; K = 24 would keep 28.4 dB, K = 48
39.5 dB), while a frame still holds a dozen or so coloured structures.
Frames are computed at 128 x 128, a quarter of the work of 256 x 256: the cosine series decodes
at any size, and decoded at 256 x 256 it matches the net rendered at 256 x 256 to 32.7 dB, the
same as at 128 x 128 (32 modes a side are the limit, not the 128 samples). So the coefficients
are 8x smaller than the computed 8-bit frames and 32x smaller than the 256 x 256 ones shown.
200 steps + 20 back to the start, rendered to layer 15 only, frames split over 2 threads with
BLAS on one thread each (`nn-gym chaos` prints how long it took; bench/bench_chaos.py times
each part).
lr = 1e-4 keeps neighbouring frames alike (median RMS change 0.07 of the colour range, at most
0.18 in the first steps, where the gradients of a chaotic net are largest; 0.034 on the way
back, and 0.038 across the wrap from the last frame to the first); the weight decay of
5 shrinks the weights by 10% over the run (lr * decay * steps = 0.1), which smooths the picture
as training goes on.
"""

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from math import factorial

import numpy as np
import scipy.special
from numpy.polynomial import hermite_e
from threadpoolctl import threadpool_limits

import nn
from viz.chaos import dct
from viz.cli import require_memory

# ---------------------------------------------------------------------------------------------
# mean-field theory of a deep tanh net (Poole et al. 2016)

# Gauss-Hermite nodes. tanh(sqrt(q) z) has poles pi / (2 sqrt(q)) off the real axis, which
# slows convergence: at q* = 4.08, 121 nodes err by 2e-6, 241 by 2e-9, 401 below 1e-12.
_GH = 401


def _gauss_nodes():
    z, w = scipy.special.roots_hermitenorm(_GH)
    return z, w / w.sum()          # E[f(z)], z ~ N(0, 1)  =  sum(w * f(z))


_Z, _W = _gauss_nodes()


def _dtanh(u):
    return 1.0 / np.cosh(u) ** 2


def length_map(q, sigma_w, sigma_b):
    """The next layer's pre-activation length: sigma_w^2 E[tanh(sqrt(q) z)^2] + sigma_b^2."""
    return sigma_w**2 * np.sum(_W * np.tanh(math.sqrt(q) * _Z) ** 2) + sigma_b**2


def q_star(sigma_w, sigma_b, q0=1.0, tol=1e-12, max_iter=10_000):
    """The stable fixed point of the length map, iterated from q0."""
    q = float(q0)
    for _ in range(max_iter):
        q_next = length_map(q, sigma_w, sigma_b)
        if abs(q_next - q) <= tol * max(1.0, q):
            return q_next
        q = q_next
    raise ValueError(f"length map did not converge for sigma_w={sigma_w}, sigma_b={sigma_b} "
                     f"in {max_iter} iterations (last q={q})")


def chi_1(sigma_w, sigma_b):
    """Slope of the correlation map at c = 1: sigma_w^2 E[tanh'(sqrt(q*) z)^2]; > 1 is chaotic."""
    q = q_star(sigma_w, sigma_b)
    return float(sigma_w**2 * np.sum(_W * _dtanh(math.sqrt(q) * _Z) ** 2))


def _pair_expect(q1, q2, c):
    """E[tanh(u1) tanh(u2)] for (u1, u2) Gaussian with variances q1, q2 and correlation c."""
    c = min(max(c, -1.0), 1.0)
    z1, z2 = _Z[:, None], _Z[None, :]
    u1 = math.sqrt(q1) * z1
    u2 = math.sqrt(q2) * (c * z1 + math.sqrt(1.0 - c * c) * z2)
    return float(np.sum(_W[:, None] * _W[None, :] * np.tanh(u1) * np.tanh(u2)))


def mean_field_correlation(x1, x2, sigma_w, sigma_b, depth):
    """Mean-field correlation c^l of the pre-activations of inputs x1, x2, layers 1..depth."""
    x1, x2 = np.asarray(x1, np.float64), np.asarray(x2, np.float64)
    n = x1.size
    q1 = sigma_w**2 * (x1 @ x1) / n + sigma_b**2
    q2 = sigma_w**2 * (x2 @ x2) / n + sigma_b**2
    q12 = sigma_w**2 * (x1 @ x2) / n + sigma_b**2
    cs = [q12 / math.sqrt(q1 * q2)]
    for _ in range(depth - 1):
        q12 = sigma_w**2 * _pair_expect(q1, q2, cs[-1]) + sigma_b**2
        q1, q2 = length_map(q1, sigma_w, sigma_b), length_map(q2, sigma_w, sigma_b)
        cs.append(q12 / math.sqrt(q1 * q2))
    return np.array(cs)


def preactivations(net, x):
    """Hidden layers' pre-activations [h_1, ..., h_{L-1}] of x (n, in), each (n, width)."""
    acts = net.forward(x, trace=True)
    return [acts[l] @ net.ws[l] + net.bs[l] for l in range(len(net.ws) - 1)]  # (n, in) @ (in, w)


def empirical_correlation(nets, x1, x2):
    """Correlation of x1's and x2's pre-activations per hidden layer, through each net.

    Returns (mean, stderr) over the nets, each (depth,): per net and layer the mean-field
    quantity q12 / sqrt(q11 q22) with q = mean over neurons of h h'.
    """
    per_net = []
    for net in nets:
        hs = preactivations(net, np.stack([x1, x2]).astype(net.dtype))
        per_net.append([h[0] @ h[1] / math.sqrt((h[0] @ h[0]) * (h[1] @ h[1])) for h in hs])
    per_net = np.array(per_net, np.float64)                      # (nets, depth)
    stderr = per_net.std(axis=0, ddof=1) / math.sqrt(len(per_net)) if len(per_net) > 1 else None
    return per_net.mean(axis=0), stderr


# ---------------------------------------------------------------------------------------------
# the target: Hermite polynomials


def hermite_terms(degree):
    """The (i, j) with i + j <= degree, in a fixed order."""
    return [(i, j) for i in range(degree + 1) for j in range(degree + 1 - i)]


def hermite_target(degree=5, seed=1):
    """Coefficients c (degree+1, degree+1) of f(u, v) = sum c_ij He_i(u) He_j(v) with E[f^2] = 1
    under u, v ~ N(0, 1): c_ij = a_ij / sqrt(i! j!) with a ~ N(0, 1) over i + j <= degree,
    a scaled to unit norm (He_i He_j / sqrt(i! j!) are orthonormal)."""
    if not (isinstance(degree, (int, np.integer)) and degree >= 0):
        raise ValueError(f"degree must be a non-negative integer, got {degree!r}")
    rng = np.random.default_rng(seed)
    terms = hermite_terms(degree)
    a = rng.normal(size=len(terms))
    a /= np.linalg.norm(a)
    c = np.zeros((degree + 1, degree + 1))
    for (i, j), ai in zip(terms, a):
        c[i, j] = ai / math.sqrt(factorial(i) * factorial(j))
    return c


def hermite_eval(c, u):
    """f(u) for points u (n, 2) of the target with coefficients c: (n,)."""
    u = np.asarray(u, np.float64)
    return hermite_e.hermeval2d(u[:, 0], u[:, 1], c)


# ---------------------------------------------------------------------------------------------
# configuration

MAX_DEGREE = 30      # the Hermite target's highest degree: (d + 1)(d + 2) / 2 terms
MAX_SIGMA = 100.0    # sigma_w and sigma_b


@dataclass
class Config:
    depth: int = 20
    width: int = 50
    sigma_w: float = 2.5
    sigma_b: float = 0.3
    seed: int = 0
    layer: int = 15
    neurons: tuple = (0, 1, 2)
    center: tuple = (0.0, 0.0)
    extent: float = 0.07
    res: int = 128
    degree: int = 5
    target_seed: int = 1
    n_train: int = 1024
    steps: int = 200
    lr: float = 1e-4
    weight_decay: float = 5.0
    loop: int = 20
    k: int = 32
    mode: str = "block"
    chunk: int = 1 << 16
    workers: int = 2

    def check(self, layers=False):
        """Raise ValueError naming the first bad field, or saying how much memory the animation
        (one frame per layer with `layers`) would need when that is more than half of what is
        available."""
        ints = {"depth": 1, "width": 1, "layer": 1, "res": 2, "degree": 0, "n_train": 1,
                "steps": 1, "loop": 1, "k": 1, "chunk": 1, "workers": 1, "seed": 0,
                "target_seed": 0}
        for name, low in ints.items():
            v = getattr(self, name)
            if not (isinstance(v, (int, np.integer)) and v >= low):
                raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
        if self.degree > MAX_DEGREE:
            raise ValueError(f"degree must be at most {MAX_DEGREE}, got {self.degree}")
        if self.k > self.res:
            raise ValueError(f"k must be <= res={self.res}, got {self.k}")
        if self.mode not in dct.MODES:
            raise ValueError(f"mode must be one of {dct.MODES}, got {self.mode!r}")
        if self.layer > self.depth:
            raise ValueError(f"layer must be in 1..depth={self.depth}, got {self.layer}")
        if len(self.neurons) != 3 or not all(0 <= n < self.width for n in self.neurons):
            raise ValueError(f"neurons must be 3 indices in 0..{self.width - 1}, "
                             f"got {self.neurons!r}")
        self._check_numbers()
        if len(self.center) != 2 or not all(math.isfinite(c) for c in self.center):
            raise ValueError(f"center must be 2 finite numbers, got {self.center!r}")
        require_memory(self.memory_need(layers), f"res={self.res} with "
                       f"{self.depth if layers else self.steps + self.loop} frames of a "
                       f"{self.width}-wide, {self.depth}-deep net")
        return self

    def _check_numbers(self):
        for name, low in (("sigma_w", None), ("extent", None), ("lr", None), ("sigma_b", 0),
                          ("weight_decay", 0)):
            v = getattr(self, name)
            ok = isinstance(v, (int, float)) and math.isfinite(v) and (
                v > 0 if low is None else v >= low)
            if not ok:
                kind = "a positive number" if low is None else f"a number >= {low}"
                raise ValueError(f"{name} must be {kind}, got {v!r}")
            setattr(self, name, v + 0.0)                  # -0.0 is 0.0 (numpy refuses -0 scales)
        for name in ("sigma_w", "sigma_b"):
            if getattr(self, name) > MAX_SIGMA:
                raise ValueError(f"{name} must be at most {MAX_SIGMA:g} (tanh saturates long "
                                 f"before), got {getattr(self, name)!r}")

    def memory_need(self, layers=False):
        """Bytes the animation takes at its peak, roughly: its frames several times over
        (activations, scaled frames, the decoded copy, the DCT's and the PSNR's work),
        the weights of every training step kept for the frames, and the net."""
        frames = self.depth if layers else self.steps + self.loop
        w, kept = self.width, self.depth if layers else self.layer
        params = 2 * w + w + (kept - 1) * (w * w + w)          # the layers a frame needs
        net = 2 * w + (self.depth - 1) * w * w + w + self.depth * w + 1
        snapshots = 1 if layers else self.steps + self.loop
        return (frames * self.res ** 2 * 3 * 24 + snapshots * params * 4 + net * 12
                + 2 * self.workers * self.chunk * w * 4)


# ---------------------------------------------------------------------------------------------
# net, data, training path


def make_net(cfg):
    arch = [2] + [cfg.width] * cfg.depth + [1]
    return nn.MLP(arch, act="tanh", init="normal", sigma_w=cfg.sigma_w, sigma_b=cfg.sigma_b,
                  seed=cfg.seed)


def training_data(cfg):
    """x (n_train, 2) float32 Gaussian in (u, v), t (n_train, 1) float32 the target there."""
    rng = np.random.default_rng(cfg.target_seed + 1_000_003)
    u = rng.normal(size=(cfg.n_train, 2))
    x = np.asarray(cfg.center) + u * (cfg.extent / 2)
    t = hermite_eval(hermite_target(cfg.degree, cfg.target_seed), u)[:, None]
    return x.astype(np.float32), t.astype(np.float32)


def snapshot(net, layers):
    """Copies of the weights and biases of the first `layers` layers."""
    return [w.copy() for w in net.ws[:layers]], [b.copy() for b in net.bs[:layers]]


def train_path(net, x, t, steps, lr, weight_decay, layers=None, progress=None):
    """Train net in place; returns (snapshots, costs): the weights of the first `layers` layers
    before every step and after the last (steps + 1 snapshots), and each step's cost."""
    layers = len(net.ws) if layers is None else layers
    opt = nn.SGD(lr, weight_decay=weight_decay)
    snaps, costs = [snapshot(net, layers)], []
    for s in nn.train(net, x, t, loss="mse", opt=opt, epochs=steps, shuffle=False):
        costs.append(s.cost)
        snaps.append(snapshot(net, layers))
        if progress is not None:
            progress("train", s.step + 1, steps)
    return snaps, costs


def loop_back(snaps, n):
    """n - 1 snapshots on the straight line from snaps[-1] back to snaps[0], in equal steps
    (j / n of the way for j = 1..n-1), so that the next one after them is snaps[0]."""
    (w_end, b_end), (w_0, b_0) = snaps[-1], snaps[0]
    out = []
    for j in range(1, n):
        s = j / n
        out.append(([(1 - s) * we + s * w0 for we, w0 in zip(w_end, w_0)],
                    [(1 - s) * be + s * b0 for be, b0 in zip(b_end, b_0)]))
    return out


# ---------------------------------------------------------------------------------------------
# rendering


def slice_grid(center, extent, res):
    """Pixel-centre input points (res * res, 2) float32, row-major, row 0 at the top."""
    g = (np.arange(res) + 0.5) / res * 2.0 - 1.0
    xs = center[0] + extent * g
    ys = center[1] - extent * g
    xx, yy = np.meshgrid(xs, ys)
    return np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)


def render(snapshot, grid, layer, neurons, chunk=1 << 16):
    """Post-activations (n, len(neurons)) float32 of `neurons` in hidden layer `layer`."""
    ws, bs = snapshot
    cols = list(neurons)
    out = np.empty((len(grid), len(cols)), np.float32)
    for i in range(0, len(grid), chunk):
        a = grid[i:i + chunk]
        for l in range(layer - 1):
            a = a @ ws[l]               # (n, in) @ (in, width) -> (n, width)
            a += bs[l]
            np.tanh(a, out=a)
        z = a @ ws[layer - 1][:, cols]  # (n, width) @ (width, 3) -> (n, 3)
        out[i:i + chunk] = np.tanh(z + bs[layer - 1][cols])
    return out


def render_all(snaps, grid, layer, neurons, chunk=1 << 16, workers=2, progress=None):
    """render() of every snapshot: (T, n, len(neurons)) float32, frames spread over threads."""
    out = np.empty((len(snaps), len(grid), len(neurons)), np.float32)

    def one(i):
        out[i] = render(snaps[i], grid, layer, neurons, chunk)

    with ThreadPoolExecutor(workers) as pool:
        for done, _ in enumerate(pool.map(one, range(len(snaps))), 1):
            if progress is not None:
                progress("render", done, len(snaps))
    return out


def normalise(acts, axes):
    """(a - min) / (max - min) with min and max over `axes`; returns (scaled, lo, hi)."""
    lo = acts.min(axis=axes, keepdims=True)
    hi = acts.max(axis=axes, keepdims=True)
    return (acts - lo) / np.maximum(hi - lo, 1e-12), lo, hi


# ---------------------------------------------------------------------------------------------
# the animations


def one_blas_thread():
    """BLAS on one thread: these matmuls are small ((1024, 50) @ (50, 50)); OpenBLAS's own
    threads made training 20x and rendering 2x slower on 2 busy cores (measured); the frames
    are spread over `workers` threads instead."""
    return threadpool_limits(1, user_api="blas")


@dataclass
class Animation:
    frames: np.ndarray                  # (T, res, res, 3) float32 in [0, 1]
    labels: list                        # per frame: a short caption
    lo: np.ndarray                      # (3,) activation mapped to 0, per neuron
    hi: np.ndarray                      # (3,) activation mapped to 1
    costs: list = field(default_factory=list)
    config: dict = field(default_factory=dict)


def animation(cfg=None, progress=None):
    """Train, loop back, render, normalise: the whole animation at cfg (default Config())."""
    cfg = (cfg or Config()).check()
    net = make_net(cfg)
    x, t = training_data(cfg)
    with one_blas_thread():
        snaps, costs = train_path(net, x, t, cfg.steps, cfg.lr, cfg.weight_decay, cfg.layer,
                                  progress)
        back = loop_back(snaps, cfg.loop)
        grid = slice_grid(cfg.center, cfg.extent, cfg.res)
        acts = render_all(snaps + back, grid, cfg.layer, cfg.neurons, cfg.chunk, cfg.workers,
                          progress)
    scaled, lo, hi = normalise(acts, axes=(0, 1))
    frames = scaled.reshape(len(acts), cfg.res, cfg.res, 3)
    labels = [f"step {i}/{cfg.steps}" + (f"  cost {costs[i]:.3f}" if i < len(costs) else "")
              for i in range(len(snaps))]
    labels += [f"back to init {j}/{cfg.loop}" for j in range(1, cfg.loop)]
    return Animation(frames, labels, lo.ravel(), hi.ravel(), costs, asdict(cfg))


def layer_animation(cfg=None, progress=None):
    """One frame per hidden layer 1..depth of the untrained net over the slice, each frame
    normalised on its own (layers differ in range): frames (depth, res, res, 3)."""
    cfg = (cfg or Config()).check(layers=True)
    net = make_net(cfg)
    grid = slice_grid(cfg.center, cfg.extent, cfg.res)
    snap = snapshot(net, cfg.depth)
    frames, los, his = [], [], []
    for layer in range(1, cfg.depth + 1):
        with one_blas_thread():
            acts = render(snap, grid, layer, cfg.neurons, cfg.chunk)
        scaled, lo, hi = normalise(acts, axes=0)
        frames.append(scaled.reshape(cfg.res, cfg.res, 3))
        los.append(lo.ravel())
        his.append(hi.ravel())
        if progress is not None:
            progress("render", layer, cfg.depth)
    labels = [layer_label(layer, cfg) for layer in range(1, cfg.depth + 1)]
    return Animation(np.array(frames), labels, np.array(los), np.array(his), [], asdict(cfg))


def layer_label(layer, cfg):
    """What chi_1 predicts for a layer: nearby inputs decorrelate by chi_1 per layer, so the
    detail of layer l is chi_1^(l/2) times finer (or, ordered, coarser) than the input's."""
    scale = chi_1(cfg.sigma_w, cfg.sigma_b) ** (layer / 2)
    words = f"{scale:.3g}x finer" if scale >= 1 else f"{1 / scale:.3g}x coarser"
    return f"layer {layer}/{cfg.depth}: chi_1^(l/2) predicts detail {words} than the input's"


def describe(cfg, layers=False):
    """Title and legend lines for a player showing this animation."""
    what = f"layers 1-{cfg.depth}" if layers else f"layer {cfg.layer}"
    title = f"{what}, neurons {' '.join(map(str, cfg.neurons))} = R G B"
    chi = chi_1(cfg.sigma_w, cfg.sigma_b)
    (x0, y0), e = cfg.center, cfg.extent
    scale = "each frame" if layers else "the animation"
    legend = (f"tanh 2-{cfg.width}x{cfg.depth}-1, sigma_w {cfg.sigma_w:g}, sigma_b "
              f"{cfg.sigma_b:g}: chi_1 {chi:.2f}, {'chaotic' if chi > 1 else 'ordered'}\n"
              f"x: input 0 in {x0 - e:g}..{x0 + e:g}, y: input 1 in {y0 - e:g}..{y0 + e:g}\n"
              f"colour 0..1: neuron's min..max over {scale}")
    return title, legend


def encode(anim, layers=False):
    """DCT-code an Animation with its config's k and mode: (coded, meta) for dct.save."""
    cfg = Config(**anim.config)
    coded = dct.encode(anim.frames, k=cfg.k, mode=cfg.mode)
    title, legend = describe(cfg, layers)
    meta = {
        "kind": "chaos-layers" if layers else "chaos",
        "title": title, "legend": legend, "labels": anim.labels,
        "config": anim.config, "lo": np.asarray(anim.lo).tolist(),
        "hi": np.asarray(anim.hi).tolist(), "costs": list(anim.costs),
        "q_star": q_star(cfg.sigma_w, cfg.sigma_b), "chi_1": chi_1(cfg.sigma_w, cfg.sigma_b),
        "psnr": dct.psnr(anim.frames, dct.decode(coded)),
    }
    return coded, meta
