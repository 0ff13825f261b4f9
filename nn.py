"""nn.py: a multilayer perceptron in one file, numpy only.

Copy this file next to your code (or `pip install` the project) and:

    import numpy as np, nn

    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    t = np.array([[0], [1], [1], [0]], np.float32)
    net = nn.MLP([2, 2, 1], act="sigmoid", out_act="sigmoid", seed=1)
    hist = nn.fit(net, x, t, loss="mse", opt=nn.Adam(0.1), epochs=2000)
    print(net.forward(x))                   # (4, 1), close to t
    gws, gbs = net.backprop(x, t, "mse")    # gradients, shaped like net.ws / net.bs
    net.save("xor.npz"); net = nn.MLP.load("xor.npz")

Conventions
    Row vectors: a_l = act_l(a_{l-1} @ W_l + b_l), W_l of shape (fan_in, fan_out), b_l (fan_out,).
    Hidden layers use `act` (one name, or a list with one name per hidden layer), the last layer
    `out_act`. float32 by default, float64 on request (`dtype=np.float64`, for gradient checks).
    mse = mean over samples of sum over outputs of (y - t)**2        (nn.h's cost)
    ce  = mean over samples of -sum(t * log softmax(z_L))            (needs out_act="softmax")

Contents, in reading order
    activations   ACTIVATIONS: name -> (f(z), df(z, y)), value and derivative side by side
    the net       MLP: __init__, from_arrays, forward, cost, backprop, input_grad, copy
    checks        finite_diff
    optimizers    SGD, Adam: step(net, gws, gbs); weight decay acts on weights only
    training      train (a generator: one yield per step), fit (the loop, with history)
    io            MLP.save (atomic), MLP.load (validated, no pickle)

All parameters of a net live in one flat array (weights first, then biases); `net.ws[l]` and
`net.bs[l]` are views into it, so optimizers update every layer in a few numpy calls.
Assigning `net.ws[l] = array` copies the array into place (its shape must match).
"""

import math
import os
import tempfile
import time
import zipfile
from collections import namedtuple

import numpy as np

__all__ = [
    "ACTIVATIONS", "MLP", "finite_diff", "SGD", "Adam", "Step", "train", "fit",
    "DivergedError",
]

# ---------------------------------------------------------------------------------------------
# Activations: value f(z, out) and derivative df(z, y) = dy/dz, with y = f(z), defined together.
# f writes into `out` when given (out may be z itself). df uses z or y, whichever is exact
# everywhere (sin needs z: cos(asin(y)) is wrong past pi/2; the others use y), and may overwrite
# that argument: backprop hands it arrays it no longer needs. softmax is output-only: its
# Jacobian is applied in backprop, so it has no elementwise df.
# ---------------------------------------------------------------------------------------------

LEAKY_SLOPE = 0.01


def _one(z, y):
    return 1.0


def _softmax(z, out=None):
    out = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


def _sigmoid(z, out=None):
    y = np.multiply(z, 0.5, out=out)
    np.tanh(y, out=y)       # sigmoid(z) = (1 + tanh(z / 2)) / 2: no overflow for any z
    y *= 0.5
    y += 0.5
    return y


def _dsigmoid(z, y):
    d = np.subtract(y, 0.5, out=y)       # y (1 - y) = 1/4 - (y - 1/2)^2, in y's memory
    np.square(d, out=d)
    return np.subtract(0.25, d, out=d)


def _dtanh(z, y):
    d = np.square(y, out=y)              # 1 - y^2, in y's memory
    return np.subtract(1.0, d, out=d)


def _leaky_relu(z, out=None):
    return np.multiply(z, np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype), out=out)


def _linear(z, out=None):
    if out is None or out is z:
        return z
    out[...] = z
    return out


#   name          f(z, out)        df(z, y)                                          df needs z
ACTIVATIONS = {
    "sigmoid":    (_sigmoid,       _dsigmoid,                                        False),
    "tanh":       (np.tanh,        _dtanh,                                           False),
    "relu":       (lambda z, out=None: np.maximum(z, 0, out=out),
                   lambda z, y: y > 0,                                               False),
    "leaky_relu": (_leaky_relu,
                   lambda z, y: np.where(y > 0, 1.0, LEAKY_SLOPE).astype(y.dtype),   False),
    "sin":        (np.sin,         lambda z, y: np.cos(z, out=z),                    True),
    "linear":     (_linear,        _one,                                             False),
    "softmax":    (_softmax,       None,                                             False),
}
INITS = ("xavier", "he", "uniform", "normal")
LOSSES = ("mse", "ce")


class DivergedError(ValueError):
    """Training produced a non-finite cost; the net holds the last finite weights."""


# ---------------------------------------------------------------------------------------------
# The net
# ---------------------------------------------------------------------------------------------


class _Params(list):
    """A list of views into a net's flat parameter array; item assignment copies into place."""

    def __init__(self, views, flat, name):
        super().__init__(views)
        self.flat = flat
        self.name = name

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            raise TypeError(f"{self.name} takes one array at a time, got a slice")
        view = list.__getitem__(self, i)
        value = np.asarray(value)
        if value.shape != view.shape:
            raise ValueError(f"{self.name}[{i}] must have shape {view.shape}, got {value.shape}")
        view[...] = value


class MLP:
    """A fully connected net: arch = (inputs, hidden..., outputs)."""

    def __init__(self, arch, act="tanh", out_act="linear", init=None, sigma_w=None, sigma_b=None,
                 seed=None, dtype=np.float32, dropout=0.0, low=0.0, high=1.0):
        self.arch = _check_arch(arch)
        self.dtype = _check_dtype(dtype)
        self.acts = _check_acts(act, out_act, len(self.arch) - 1)
        self.dropout = _check_dropout(dropout)
        self._alloc()
        rng = np.random.default_rng(seed)
        if init is None and (sigma_w is not None or sigma_b is not None):
            init = "normal"
        if init is not None and init not in INITS:
            raise ValueError(f"init must be one of {INITS}, got {init!r}")
        if init != "normal" and (sigma_w is not None or sigma_b is not None):
            raise ValueError(f"sigma_w and sigma_b apply to init='normal', got init={init!r}")
        for w, b, name in zip(self.ws, self.bs, self.acts):
            fan_in, fan_out = w.shape
            kind = init or ("he" if name in ("relu", "leaky_relu") else "xavier")
            if kind == "xavier":
                w[...] = rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), w.shape)
                b[...] = 0.0
            elif kind == "he":
                w[...] = rng.normal(0.0, math.sqrt(2.0 / fan_in), w.shape)
                b[...] = 0.0
            elif kind == "uniform":
                w[...] = rng.uniform(low, high, w.shape)
                b[...] = rng.uniform(low, high, b.shape)
            else:
                sw = 1.0 if sigma_w is None else float(sigma_w)
                sb = 0.0 if sigma_b is None else float(sigma_b)
                w[...] = rng.normal(0.0, sw / math.sqrt(fan_in), w.shape)
                b[...] = rng.normal(0.0, sb, b.shape)

    def _alloc(self):
        """The flat parameter array and the per-layer views into it (weights, then biases)."""
        shapes = list(zip(self.arch[:-1], self.arch[1:]))
        n_w = sum(i * o for i, o in shapes)
        self._flat = np.zeros(n_w + sum(o for _, o in shapes), self.dtype)
        self._n_weights = n_w
        self.ws, self.bs = self._views(self._flat)
        self._fs = [ACTIVATIONS[a][0] for a in self.acts]
        self._dfs = [ACTIVATIONS[a][1] for a in self.acts]
        self._keep_z = [ACTIVATIONS[a][2] for a in self.acts]

    def _views(self, flat):
        ws, bs, ow, ob = [], [], 0, self._n_weights
        for i, o in zip(self.arch[:-1], self.arch[1:]):
            ws.append(flat[ow:ow + i * o].reshape(i, o))
            bs.append(flat[ob:ob + o])
            ow, ob = ow + i * o, ob + o
        return _Params(ws, flat, "ws"), _Params(bs, flat, "bs")

    @classmethod
    def from_arrays(cls, ws, bs, act="tanh", out_act="linear", dropout=0.0):
        """A net holding copies of the given weights (fan_in, fan_out) and biases (fan_out,)."""
        if not isinstance(ws, (list, tuple)) or not isinstance(bs, (list, tuple)):
            raise TypeError(f"ws and bs must be lists of arrays, got {type(ws).__name__} "
                            f"and {type(bs).__name__}")
        if len(ws) == 0 or len(ws) != len(bs):
            raise ValueError(f"ws and bs must be non-empty and of equal length, got "
                             f"{len(ws)} weight and {len(bs)} bias arrays")
        ws = [_check_array(w, f"ws[{i}]", ndim=2) for i, w in enumerate(ws)]
        bs = [_check_array(b, f"bs[{i}]", ndim=1) for i, b in enumerate(bs)]
        arch = [ws[0].shape[0]]
        for i, (w, b) in enumerate(zip(ws, bs)):
            if w.shape[0] != arch[-1]:
                raise ValueError(f"ws[{i}] has {w.shape[0]} rows, layer {i} has {arch[-1]} "
                                 f"inputs")
            if b.shape != (w.shape[1],):
                raise ValueError(f"bs[{i}] must have shape ({w.shape[1]},), got {b.shape}")
            arch.append(w.shape[1])
        dtype = np.float64 if any(a.dtype == np.float64 for a in ws + bs) else np.float32
        net = cls(arch, act=act, out_act=out_act, dtype=dtype, dropout=dropout)
        for l in range(len(ws)):
            net.ws[l] = ws[l]
            net.bs[l] = bs[l]
        return net

    @property
    def n_params(self):
        return self._flat.size

    def copy(self):
        net = MLP.__new__(MLP)
        net.arch, net.dtype, net.acts, net.dropout = self.arch, self.dtype, self.acts, self.dropout
        net._alloc()
        net._flat[...] = self._flat
        return net

    def __repr__(self):
        arch = "-".join(map(str, self.arch))
        hidden = ",".join(dict.fromkeys(self.acts[:-1])) or "-"
        return (f"MLP({arch}, act={hidden}, out_act={self.acts[-1]}, "
                f"{np.dtype(self.dtype).name}, {self.n_params} params)")

    # --- forward ----------------------------------------------------------------------------

    def forward(self, x, trace=False):
        """Outputs (n, out) for x (n, in); a single sample (in,) gives (out,).
        trace=True returns [x, a_1, ..., a_L], every layer's post-activations."""
        x, single = self._check_x(x)
        a, acts = x, [x]
        for w, b, f in zip(self.ws, self.bs, self._fs):
            z = a @ w           # (n, in) @ (in, out) -> (n, out)
            z += b
            a = f(z)
            if trace:
                acts.append(a)
        if single:
            return [v[0] for v in acts] if trace else a[0]
        return acts if trace else a

    def cost(self, x, t, loss="mse"):
        x, t, _ = self._check_xt(x, t, loss)
        z = self._pre_out(x)
        return float(self._cost(z, self._fs[-1](z), t, loss))

    def accuracy(self, x, t):
        """Fraction of samples whose predicted class matches t's: argmax over outputs, or
        the 0.5 threshold for a single output."""
        return self.evaluate(x, t, "mse")[1]

    def evaluate(self, x, t, loss="mse"):
        """(cost, accuracy) of the net on (x, t) from one forward pass."""
        x, t, loss = self._check_xt(x, t, loss)
        z = self._pre_out(x)
        y = self._fs[-1](z)
        cost = float(self._cost(z, y, t, loss))
        if y.shape[1] == 1:
            return cost, float(np.mean((y[:, 0] > 0.5) == (t[:, 0] > 0.5)))
        return cost, float(np.mean(y.argmax(1) == t.argmax(1)))

    def _pre_out(self, x):
        """The last layer's pre-activation z_L."""
        a = x
        for w, b, f in zip(self.ws[:-1], self.bs[:-1], self._fs[:-1]):
            z = a @ w           # (n, in) @ (in, out) -> (n, out)
            z += b
            a = f(z)
        z = a @ self.ws[-1]     # (n, in) @ (in, out) -> (n, out)
        z += self.bs[-1]
        return z

    @staticmethod
    def _cost(z, y, t, loss):
        n = len(z)
        if loss == "mse":
            d = y - t
            return np.vdot(d, d) / n
        zmax = z.max(axis=1, keepdims=True)
        logp = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
        return -np.vdot(t, logp) / n

    # --- backprop ---------------------------------------------------------------------------

    def backprop(self, x, t, loss="mse", rng=None):
        """Gradients (gws, gbs) of cost(x, t, loss), shaped like (ws, bs).
        With rng (a numpy Generator) and dropout > 0, dropout masks are drawn from it."""
        x, t, _ = self._check_xt(x, t, loss)
        grads = self._views(np.empty_like(self._flat))
        self._grads(x, t, loss, rng, grads, self._buffers(len(x)))
        return grads

    def _buffers(self, n):
        """Work arrays for batches of n samples: per layer the pre-activations, the outputs
        and the deltas (n, fan_out), and a row of ones for the bias gradients."""
        return ([np.empty((n, o), self.dtype) for o in self.arch[1:]],
                [np.empty((n, o), self.dtype) for o in self.arch[1:]],
                [np.empty((n, o), self.dtype) for o in self.arch[1:]],
                np.ones((1, n), self.dtype))

    def _grads(self, x, t, loss, rng, grads, buffers):
        """Write the gradients of one batch into grads = (gws, gbs), using buffers from
        _buffers(len(x)); return (cost, outputs). One forward pass is kept, then one backward
        pass that consumes it (derivatives overwrite the activations they come from)."""
        zs, hs, ds, ones = buffers
        n, last = len(x), len(self.ws) - 1
        p = self.dropout if rng is not None else 0.0
        ins, outs, masks = [], [], []
        a = x
        for l in range(last):
            ins.append(a)
            z = np.matmul(a, self.ws[l], out=zs[l])     # (n, in) @ (in, out) -> (n, out)
            z += self.bs[l]
            h = self._fs[l](z, hs[l] if self._keep_z[l] else z)
            outs.append(h)
            if p > 0:
                m = (rng.random(h.shape) >= p).astype(self.dtype)
                m *= 1.0 / (1.0 - p)
                masks.append(m)
                a = h * m
            else:
                masks.append(None)
                a = h
        ins.append(a)
        z = np.matmul(a, self.ws[last], out=zs[last])   # (n, in) @ (in, out) -> (n, out)
        z += self.bs[last]
        delta = ds[last]
        if loss == "ce":                     # softmax output; cost from its max and sum
            zmax = z.max(axis=1, keepdims=True)
            y = np.subtract(z, zmax, out=hs[last])
            np.exp(y, out=y)
            total = y.sum(axis=1, keepdims=True)
            y /= total
            tsum = t.sum(axis=1, keepdims=True)
            cost = (np.vdot(tsum, zmax + np.log(total)) - np.vdot(t, z)) / n
            np.multiply(y, tsum, out=delta)
            delta -= t
            delta *= 1.0 / n
        else:
            y = z if self.acts[last] == "linear" else self._fs[last](z, hs[last])
            np.subtract(y, t, out=delta)
            cost = np.vdot(delta, delta) / n
            delta *= 2.0 / n
            if self.acts[last] == "softmax":
                delta -= (delta * y).sum(axis=1, keepdims=True)
                delta *= y
            elif self._dfs[last] is not _one:
                delta *= self._dfs[last](z, y.copy())

        gws, gbs = grads
        for l in range(last, -1, -1):
            np.matmul(ins[l].T, delta, out=gws[l])      # (in, n) @ (n, out) -> (in, out)
            if delta.shape[1] == 1:
                np.add.reduce(delta, axis=0, out=gbs[l])
            else:
                np.matmul(ones, delta, out=gbs[l][None])   # (1, n) @ (n, out) -> (1, out)
            if l == 0:
                break
            delta = np.matmul(delta, self.ws[l].T, out=ds[l - 1])   # (n, out) @ (out, in)
            if masks[l - 1] is not None:
                delta *= masks[l - 1]
            if self._dfs[l - 1] is not _one:
                delta *= self._dfs[l - 1](zs[l - 1], outs[l - 1])
        return cost, y

    def input_grad(self, x):
        """d outputs / d inputs for every sample: (n, out, in); a single sample gives (out, in)."""
        x, single = self._check_x(x)
        zs, hs, a = [], [], x
        for w, b, f in zip(self.ws, self.bs, self._fs):
            z = a @ w           # (n, in) @ (in, out) -> (n, out)
            z += b
            a = f(z)
            zs.append(z)
            hs.append(a)
        n, k = a.shape
        if self.acts[-1] == "softmax":           # J = diag(y) - y y^T
            jac = -a[:, :, None] * a[:, None, :]
            jac[:, np.arange(k), np.arange(k)] += a
        else:
            jac = np.zeros((n, k, k), self.dtype)
            jac[:, np.arange(k), np.arange(k)] = self._dfs[-1](zs[-1], a)
        for l in range(len(self.ws) - 1, -1, -1):
            jac = jac @ self.ws[l].T                    # (n, out, fo) @ (fo, fi) -> (n, out, fi)
            if l > 0 and self._dfs[l - 1] is not _one:
                jac *= self._dfs[l - 1](zs[l - 1], hs[l - 1])[:, None, :]
        return jac[0] if single else jac

    # --- input checks -----------------------------------------------------------------------

    def _check_x(self, x, name="x"):
        """x as a C-contiguous (n, in) array of the net's dtype, and whether it was one sample."""
        x = _check_array(x, name)
        single = x.ndim == 1
        if single:
            x = x[None, :]
        if x.ndim != 2:
            raise ValueError(f"{name} must have shape (n, {self.arch[0]}) or ({self.arch[0]},), "
                             f"got {x.shape}")
        if x.shape[1] != self.arch[0]:
            raise ValueError(f"{name} has {x.shape[1]} columns, the net takes {self.arch[0]} "
                             f"inputs (shape {x.shape})")
        if x.shape[0] == 0:
            raise ValueError(f"{name} has no samples (shape {x.shape})")
        return np.ascontiguousarray(x, self.dtype), single

    def _check_xt(self, x, t, loss, names=("x", "t")):
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
        if loss == "ce" and self.acts[-1] != "softmax":
            raise ValueError(f"loss 'ce' needs out_act='softmax', the net's out_act is "
                             f"{self.acts[-1]!r}")
        x, _ = self._check_x(x, names[0])
        t = _check_array(t, names[1])
        out = self.arch[-1]
        if t.ndim == 1 and len(x) == 1 and t.shape[0] == out:
            t = t[None, :]
        if t.ndim == 1 and out == 1:
            t = t[:, None]
        if t.ndim != 2 or t.shape[1] != out:
            raise ValueError(f"{names[1]} must have shape (n, {out}) to match the net's {out} "
                             f"outputs, got {t.shape}")
        if len(t) != len(x):
            raise ValueError(f"{names[0]} has {len(x)} samples but {names[1]} has {len(t)}")
        return x, np.ascontiguousarray(t, self.dtype), loss

    # --- io ---------------------------------------------------------------------------------

    def save(self, path):
        """Write the net to `path` (.npz) atomically: a failed save leaves an old file intact."""
        path = os.fspath(path)
        arrays = {"format": np.array(_FORMAT), "arch": np.array(self.arch, np.int64),
                  "acts": np.array(self.acts), "dropout": np.array(self.dropout)}
        for l, (w, b) in enumerate(zip(self.ws, self.bs)):
            arrays[f"w{l}"], arrays[f"b{l}"] = w, b
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix=".nn-", suffix=".npz.tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    @classmethod
    def load(cls, path):
        """A net read from a file written by save; anything else raises ValueError."""
        try:
            with np.load(path, allow_pickle=False) as f:
                data = {k: f[k] for k in f.files}
        except FileNotFoundError:
            raise
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
            raise ValueError(f"{path}: not a readable nn model file ({e})") from None
        if "format" not in data or data["format"].shape != () or str(data["format"]) != _FORMAT:
            raise ValueError(f"{path}: not an nn model file (expected format {_FORMAT!r}, got "
                             f"{data.get('format')!r})")
        for key in ("arch", "acts", "dropout"):
            if key not in data:
                raise ValueError(f"{path}: missing {key!r}")
        arch, acts = data["arch"], data["acts"]
        if arch.ndim != 1 or arch.dtype.kind not in "iu" or len(arch) < 2:
            raise ValueError(f"{path}: arch must be a 1-D integer array of length >= 2, got "
                             f"{arch!r}")
        if acts.dtype.kind != "U" or acts.shape != (len(arch) - 1,):
            raise ValueError(f"{path}: acts must be {len(arch) - 1} names, got {acts!r}")
        ws, bs = [], []
        for l, (i, o) in enumerate(zip(arch[:-1], arch[1:])):
            for key, shape, out in ((f"w{l}", (i, o), ws), (f"b{l}", (o,), bs)):
                if key not in data:
                    raise ValueError(f"{path}: missing array {key!r}")
                a = data[key]
                if a.dtype not in (np.float32, np.float64) or a.shape != tuple(shape):
                    raise ValueError(f"{path}: {key} must be float32/float64 of shape "
                                     f"{tuple(int(s) for s in shape)}, got {a.dtype} {a.shape}")
                if not np.isfinite(a).all():
                    raise ValueError(f"{path}: {key} holds NaN or inf")
                out.append(a)
        acts = [str(a) for a in acts]
        try:
            return cls.from_arrays(ws, bs, act=acts[:-1] or "tanh", out_act=acts[-1],
                                   dropout=float(data["dropout"]))
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: {e}") from None


_FORMAT = "nn.MLP/1"


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def finite_diff(net, x, t, loss="mse", eps=1e-6):
    """Central-difference gradients of net.cost(x, t, loss), shaped like (ws, bs).
    Use a float64 net: in float32 the differences drown in rounding."""
    x, t, loss = net._check_xt(x, t, loss)
    flat = net._flat
    g = np.empty(flat.shape, np.float64)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        cp = net._cost(z := net._pre_out(x), net._fs[-1](z), t, loss)
        flat[i] = saved - eps
        cm = net._cost(z := net._pre_out(x), net._fs[-1](z), t, loss)
        flat[i] = saved
        g[i] = (cp - cm) / (2 * eps)
    gws, gbs = net._views(g.astype(net.dtype))
    return list(gws), list(gbs)


# ---------------------------------------------------------------------------------------------
# Optimizers: step(net, gws, gbs) updates net in place. Weight decay adds wd * W to the
# weights' gradients (L2, as torch's SGD and Adam do), never to the biases.
# ---------------------------------------------------------------------------------------------


class _Optimizer:
    def __init__(self, lr, weight_decay):
        self.lr = _check_positive(lr, "lr")
        self.weight_decay = _check_nonneg(weight_decay, "weight_decay")
        self._owner = None

    def step(self, net, gws, gbs):
        g = _flat_grads(net, gws, gbs)
        if self._owner is not net._flat:
            self._owner = net._flat
            self._decayed = np.empty_like(g) if self.weight_decay else None
            self._reset(g)
        if self.weight_decay:                    # g + wd * W, in a buffer of the optimizer's
            nw = net._n_weights
            np.copyto(self._decayed, g)
            g = self._decayed
            g[:nw] += self.weight_decay * net._flat[:nw]
        self._update(net._flat, g)


class SGD(_Optimizer):
    """p -= lr * v, with v = momentum * v + g (plain gradient descent when momentum=0)."""

    def __init__(self, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        self.momentum = _check_nonneg(momentum, "momentum")

    def _reset(self, g):
        self._v = np.zeros_like(g) if self.momentum else None
        self._tmp = np.empty_like(g)

    def _update(self, p, g):
        if self.momentum:
            self._v *= self.momentum
            self._v += g
            g = self._v
        p -= np.multiply(g, self.lr, out=self._tmp)


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015) with bias correction."""

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        self.betas = tuple(float(b) for b in betas)
        self.eps = _check_positive(eps, "eps")

    def _reset(self, g):
        # moments kept scaled: m' = m / (1 - b1), v' = v / (1 - b2), so each update is
        # m' = b1 m' + g, v' = b2 v' + g^2 and every constant folds into two scalars
        self._m, self._v, self._tmp = np.zeros_like(g), np.zeros_like(g), np.empty_like(g)
        self._t = 0

    def _update(self, p, g):
        b1, b2 = self.betas
        self._t += 1
        m, v, tmp = self._m, self._v, self._tmp
        m *= b1
        m += g
        v *= b2
        v += np.multiply(g, g, out=tmp)
        # lr * mhat / (sqrt(vhat) + eps) = scale * m' / (sqrt(v') + eps / c)
        c = math.sqrt((1.0 - b2) / (1.0 - b2 ** self._t))
        scale = self.lr * (1.0 - b1) / ((1.0 - b1 ** self._t) * c)
        den = np.sqrt(v, out=tmp)
        den += self.eps / c
        np.divide(m, den, out=den)
        den *= scale
        p -= den


def _flat_grads(net, gws, gbs):
    """The gradients as one flat array in the net's layout (no copy when backprop made them)."""
    flat = getattr(gws, "flat", None)
    if flat is not None and flat is getattr(gbs, "flat", None) and flat.shape == net._flat.shape:
        return flat
    if len(gws) != len(net.ws) or len(gbs) != len(net.bs):
        raise ValueError(f"gws/gbs must hold {len(net.ws)} arrays each, got {len(gws)} and "
                         f"{len(gbs)}")
    for name, gs, ps in (("gws", gws, net.ws), ("gbs", gbs, net.bs)):
        for l, (g, p) in enumerate(zip(gs, ps)):
            if np.shape(g) != p.shape:
                raise ValueError(f"{name}[{l}] must have shape {p.shape}, got {np.shape(g)}")
    return np.concatenate([np.ravel(g) for g in list(gws) + list(gbs)]).astype(net.dtype)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------

Step = namedtuple("Step", "step epoch cost")


def train(net, x, t, loss="mse", opt=None, epochs=1, batch_size=None, shuffle=True, seed=None,
          _stats=None):
    """The training loop as a generator: yields Step(step, epoch, cost) after every optimizer
    step (cost is that batch's cost before the update). batch_size=None: the full batch.
    A non-finite cost raises DivergedError after restoring the last finite weights."""
    x, t, loss = net._check_xt(x, t, loss)
    opt = Adam() if opt is None else opt
    if not hasattr(opt, "step"):
        raise TypeError(f"opt must be an optimizer such as nn.SGD or nn.Adam, got "
                        f"{type(opt).__name__}")
    epochs = _check_count(epochs, "epochs", allow_none=True)
    n = len(x)
    bs = n if batch_size is None else min(_check_count(batch_size, "batch_size"), n)
    rng = np.random.default_rng(seed)
    dropout_rng = rng if net.dropout > 0 else None
    last_good = net._flat.copy()
    grads = net._views(np.empty_like(net._flat))       # reused: each step overwrites it
    buffers = {}                                       # batch size -> work arrays (at most 2)
    step, epoch = 0, 0
    while epochs is None or epoch < epochs:
        if shuffle and bs < n:
            perm = rng.permutation(n)
            xe, te = x[perm], t[perm]
        else:
            xe, te = x, t
        for i in range(0, n, bs):
            xb, tb = xe[i:i + bs], te[i:i + bs]
            if len(xb) not in buffers:
                buffers[len(xb)] = net._buffers(len(xb))
            cost, y = net._grads(xb, tb, loss, dropout_rng, grads, buffers[len(xb)])
            if not math.isfinite(cost):
                net._flat[...] = last_good
                raise DivergedError(
                    f"training diverged: cost became {cost} at step {step} (epoch {epoch}); "
                    f"the net holds the weights of the last finite step, try a smaller lr "
                    f"(opt.lr = {getattr(opt, 'lr', '?')})")
            last_good[...] = net._flat
            opt.step(net, *grads)
            if _stats is not None:
                _stats(len(xb), cost, y, tb)
            yield Step(step, epoch, float(cost))
            step += 1
        epoch += 1


def fit(net, x, t, loss="mse", opt=None, epochs=1, batch_size=None, shuffle=True, seed=None,
        x_val=None, t_val=None, callback=None, verbose=False):
    """Train net on (x, t). Returns the history: per epoch "cost" (mean batch cost), "val_cost"
    (with x_val, t_val), and for loss="ce" "acc" / "val_acc". callback(epoch, history) runs after
    every epoch; returning False stops training."""
    if (x_val is None) != (t_val is None):
        raise ValueError("x_val and t_val must be given together, got only "
                         f"{'x_val' if t_val is None else 't_val'}")
    if x_val is not None:
        x_val, t_val, _ = net._check_xt(x_val, t_val, loss, names=("x_val", "t_val"))
    epochs = _check_count(epochs, "epochs")
    hist = {"cost": [], "val_cost": []}
    if loss == "ce":
        hist["acc"], hist["val_acc"] = [], []
    tally = [0, 0.0, 0]        # samples, cost * samples, correct

    def stats(nb, cost, y, tb):
        tally[0] += nb
        tally[1] += cost * nb
        if loss == "ce":
            tally[2] += int(np.count_nonzero(y.argmax(1) == tb.argmax(1)))

    start = time.perf_counter()
    epoch = 0
    for s in train(net, x, t, loss, opt, epochs, batch_size, shuffle, seed, _stats=stats):
        if tally[0] < len(x):
            continue
        epoch = s.epoch + 1
        hist["cost"].append(tally[1] / tally[0])
        if loss == "ce":
            hist["acc"].append(tally[2] / tally[0])
        if x_val is not None:
            cost, acc = net.evaluate(x_val, t_val, loss)
            hist["val_cost"].append(cost)
            if loss == "ce":
                hist["val_acc"].append(acc)
        tally[:] = [0, 0.0, 0]
        if verbose:
            line = f"epoch {epoch}/{epochs}  cost {hist['cost'][-1]:.6g}"
            for key in ("acc", "val_cost", "val_acc"):
                if hist.get(key):
                    line += f"  {key} {hist[key][-1]:.4g}"
            print(f"{line}  ({time.perf_counter() - start:.2f} s)", flush=True)
        if callback is not None and callback(epoch, hist) is False:
            break
    return hist


# ---------------------------------------------------------------------------------------------
# Argument checks: one clear message naming the argument, the expectation and the value
# ---------------------------------------------------------------------------------------------


def _check_arch(arch):
    if isinstance(arch, (str, bytes)) or not hasattr(arch, "__len__"):
        raise TypeError(f"arch must be a sequence of layer sizes like [2, 16, 1], got "
                        f"{type(arch).__name__} {arch!r}")
    if len(arch) < 2:
        raise ValueError(f"arch needs at least 2 sizes (inputs and outputs), got {list(arch)!r}")
    for i, s in enumerate(arch):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"arch[{i}] must be an int, got {type(s).__name__} {s!r}")
        if s < 1:
            raise ValueError(f"arch[{i}] must be >= 1, got {s} in {list(arch)!r}")
    return tuple(int(s) for s in arch)


def _check_dtype(dtype):
    dtype = np.dtype(dtype).type
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be np.float32 or np.float64, got {np.dtype(dtype).name}")
    return dtype


def _check_acts(act, out_act, n_layers):
    hidden = [act] * (n_layers - 1) if isinstance(act, str) else act
    if not isinstance(hidden, (list, tuple)):
        raise TypeError(f"act must be a name or a list of names, got {type(act).__name__}")
    if len(hidden) != n_layers - 1:
        raise ValueError(f"act has {len(hidden)} names, the net has {n_layers - 1} hidden layers")
    for i, a in enumerate(list(hidden) + [out_act]):
        what = "out_act" if i == n_layers - 1 else ("act" if isinstance(act, str) else f"act[{i}]")
        if not isinstance(a, str):
            raise TypeError(f"{what} must be a name, got {type(a).__name__} {a!r}")
        if a not in ACTIVATIONS:
            raise ValueError(f"{what} must be one of {sorted(ACTIVATIONS)}, got {a!r}")
        if a == "softmax" and i < n_layers - 1:
            raise ValueError(f"{what}: softmax is only allowed as out_act")
    return list(hidden) + [out_act]


def _check_dropout(p):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p < 1:
        raise ValueError(f"dropout must be a number in [0, 1), got {p!r}")
    return float(p)


def _check_array(a, name, ndim=None):
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array, got {type(a).__name__}")
    try:
        arr = np.asarray(a)
    except ValueError as e:
        raise ValueError(f"{name} must be a rectangular numeric array ({e})") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(f"{name} holds NaN or inf (first at index {tuple(int(i) for i in bad)})")
    return arr


def _check_positive(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not v > 0 \
            or not math.isfinite(v):
        raise ValueError(f"{name} must be a positive number, got {v!r}")
    return float(v)


def _check_nonneg(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not v >= 0 \
            or not math.isfinite(v):
        raise ValueError(f"{name} must be a number >= 0, got {v!r}")
    return float(v)


def _check_count(v, name, allow_none=False):
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    return int(v)
