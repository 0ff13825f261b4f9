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
    model = net.to_torch(); net = nn.MLP.from_torch(model)   # also from_sklearn, to_onnx

Conventions
    Row vectors: a_l = act_l(a_{l-1} @ W_l + b_l), W_l of shape (fan_in, fan_out), b_l (fan_out,).
    Hidden layers use `act` (one name, or a list with one name per hidden layer), the last layer
    `out_act`. float32 by default, float64 on request (`dtype=np.float64`, for gradient checks).
    mse = mean over samples of sum over outputs of (y - t)**2        (nn.h's cost)
    ce  = mean over samples of -sum(t * log softmax(z_L))            (needs out_act="softmax")

Contents, in reading order, as nn.h reads
    activations   ACTIVATIONS: name -> (f(z, out), df(z, y), df_needs_z), value and derivative
                  side by side; looked up at every call, so an entry added later works.
                  BRIDGES: each activation's name in torch, ONNX and scikit-learn
    the net       MLP: __init__, arch / dtype / ws / bs / dropout, from_arrays, copy; forward,
                  cost, accuracy, evaluate and the one forward pass they share (_layers);
                  backprop (into new arrays, or into out=), input_grad; save, load (.npz;
                  .safetensors and torch .pt through the bridges); the bridges' entry points:
                  from_torch, state_dict, to_torch, from_sklearn, to_sklearn, to_onnx, from_onnx
    checks        finite_diff
    optimizers    SGD, Adam: step(net, gws, gbs), state kept per net; weight decay (L2) and
                  l1 on weights only
    training      train (a generator: one Step per optimizer step), fit (the loop, with history),
                  and the loop they share (_steps)
    files         the format (np.savez members), load's checks of members and .npy headers
                  before any data is read, save's atomic write (temporary file, mode, SIGTERM)
    arguments     the checks: one clear ValueError / TypeError naming the argument, the
                  expectation and the value

The bridges to torch, scikit-learn, safetensors and ONNX are in nn_bridges.py beside this file,
imported by the calls that need them; without it the rest works.

Why so long: one file by design, to be copied whole, and most of its lines are the checks that
give every bad argument one clear message.

All parameters of a net live in one flat array (weights first, then biases); `net.ws[l]` and
`net.bs[l]` are views into it, so optimizers update every layer in a few numpy calls.
Assigning `net.ws[l] = array` copies the array into place (its shape must match).
"""

import contextlib
import contextvars
import math
import os
import secrets
import signal
import stat
import threading
import time
import weakref
import zipfile
from collections import namedtuple

import numpy as np

__all__ = [
    "ACTIVATIONS", "MLP", "finite_diff", "SGD", "Adam", "Step", "train", "fit",
    "DivergedError", "BRIDGES",
]

# ---------------------------------------------------------------------------------------------
# Activations: value f(z, out) and derivative df(z, y) = dy/dz, with y = f(z), defined together.
# f writes into `out` when given (out may be z itself). df uses z or y, whichever is exact
# everywhere (sin needs z: cos(asin(y)) is wrong past pi/2; the others use y), and may overwrite
# that argument: backprop hands it arrays it no longer needs. softmax is output-only: its
# Jacobian is applied in backprop, so it has no elementwise df. An entry may also be a pair
# (f(z), df(z, y)): it is then called out of place, with z kept for df.
# ---------------------------------------------------------------------------------------------

LEAKY_SLOPE = 0.01


def _one(z, y):
    return 1.0


def _softmax(z, out=None):
    out = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=-1, keepdims=True)
    return out


# 1/2 and 1/4 as 0-d arrays of each dtype: numpy takes them faster than a Python float,
# which it must first convert (it shows on small arrays; bench/bench_nn.py case A).
_HALF = {np.dtype(d): np.array(0.5, d) for d in (np.float32, np.float64)}
_QUARTER = {np.dtype(d): np.array(0.25, d) for d in (np.float32, np.float64)}


def _sigmoid(z, out=None):
    try:
        half = _HALF[z.dtype]
    except (AttributeError, KeyError):                   # a list, or another dtype
        half = 0.5
    y = np.multiply(z, half, out=out)
    np.tanh(y, out=y)       # sigmoid(z) = (1 + tanh(z / 2)) / 2: no overflow for any z
    y *= half
    y += half
    return y


def _dsigmoid(z, y):
    dtype = getattr(y, "dtype", None)
    d = np.subtract(y, _HALF.get(dtype, 0.5), out=y if dtype else None)   # y (1 - y) =
    np.square(d, out=d)                                   # 1/4 - (y - 1/2)^2, in y's memory
    return np.subtract(_QUARTER.get(dtype, 0.25), d, out=d)


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

# each activation in the other libraries the bridges (nn_bridges.py) speak to
#   nn name       torch.nn module  ONNX op       scikit-learn   (None: that side has none)
BRIDGES = {
    "sigmoid":    ("Sigmoid",      "Sigmoid",    "logistic"),
    "tanh":       ("Tanh",         "Tanh",       "tanh"),
    "relu":       ("ReLU",         "Relu",       "relu"),
    "leaky_relu": ("LeakyReLU",    "LeakyRelu",  None),
    "sin":        (None,           "Sin",        None),
    "linear":     ("Identity",     "Identity",   "identity"),
    "softmax":    ("Softmax",      "Softmax",    "softmax"),
}


_LOOKED_UP = {}     # name -> (its ACTIVATIONS entry, what _activation made of it)


def _activation(name):
    """(f, df, df_needs_z) for an activation name, looked up in ACTIVATIONS at the call. An
    entry registered as a pair (f(z), df(z, y)) is called out of place, keeping z for df."""
    entry = ACTIVATIONS.get(name)
    hit = _LOOKED_UP.get(name)
    if hit is not None and hit[0] is entry:
        return hit[1]
    made = _make_activation(name)
    if type(entry) is tuple:               # a list entry could change in place: not kept
        _LOOKED_UP[name] = (entry, made)
    return made


def _make_activation(name):
    try:
        f, df, *needs_z = ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"activation {name!r} is not in nn.ACTIVATIONS "
                         f"({sorted(ACTIVATIONS)})") from None
    except (TypeError, ValueError):
        raise TypeError(f"nn.ACTIVATIONS[{name!r}] must be (f, df) or (f, df, df_needs_z), got "
                        f"{ACTIVATIONS[name]!r}") from None
    if needs_z:
        return f, df, needs_z[0]
    return (lambda z, out=None: _linear(f(z), out)), df, True


INITS = ("xavier", "he", "uniform", "normal")
LOSSES = ("mse", "ce")
CE_OUTPUTS = ("softmax", "sigmoid")      # loss "ce": categorical, or binary per output


_Work = namedtuple("_Work", "n z h d ones tiles one_over_n two_over_n")

_TILE = 1024      # elements of a bias repeated over rows, so adding it runs in long loops


def _add_rows(z, b, tile):
    """z += b on every row of z (n, m) C-contiguous, through `tile`, a buffer holding k copies
    of b: blocks of k rows are added as one row of k * m, one long inner loop per block instead
    of a short one per row (for m = 50, a third faster)."""
    k = tile.size // b.size
    full = len(z) - len(z) % k
    np.copyto(tile.reshape(k, b.size), b)
    blocks = z[:full].reshape(full // k, tile.size)      # (n / k, k * m), a view
    blocks += tile
    if full < len(z):
        z[full:] += b


def _binary_ce(z, t):
    """Sum over samples and outputs of -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)), from z
    without overflow: max(z, 0) - z t + log(1 + exp(-|z|)), each term >= 0 as it is summed (sums
    of max(z, 0) and z t apart cancel: a net that is sure and right would cost below zero)."""
    terms = np.maximum(z, 0)
    terms -= z * t
    terms += np.log1p(np.exp(-np.abs(z)))
    return terms.sum()


def _correct(y, t):
    """How many rows of outputs y match targets t: the 0.5 threshold for a single output,
    else the argmax."""
    if y.shape[1] == 1:
        return int(np.count_nonzero((y[:, 0] > 0.5) == (t[:, 0] > 0.5)))
    return int(np.count_nonzero(y.argmax(1) == t.argmax(1)))


class DivergedError(ValueError):
    """Training produced a non-finite cost; the net holds the last finite weights."""


# ---------------------------------------------------------------------------------------------
# The net
# ---------------------------------------------------------------------------------------------


class _Params(list):
    """A list of views into a net's flat parameter array; item assignment copies into place,
    after the same checks as any input (shape, real and finite in the net's dtype). `arch` says
    whose layout the views follow."""

    def __init__(self, views, flat, name, arch):
        super().__init__(views)
        self.flat, self.name, self.arch = flat, name, arch

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            raise TypeError(f"{self.name} takes one array at a time, got a slice")
        view = list.__getitem__(self, i)
        view[...] = self._checked(i, value)

    def _checked(self, i, value):
        view = list.__getitem__(self, i)
        value = _check_array(value, f"{self.name}[{i}]", dtype=view.dtype)
        if value.shape != view.shape:
            raise ValueError(f"{self.name}[{i}] must have shape {view.shape}, got {value.shape}")
        return value

    def assign(self, arrays):
        """Copy a whole list of arrays into place (all checked before any is copied)."""
        if isinstance(arrays, np.ndarray) or not isinstance(arrays, (list, tuple)):
            raise TypeError(f"{self.name} must be set to a list of {len(self)} arrays, got "
                            f"{type(arrays).__name__}")
        if len(arrays) != len(self):
            raise ValueError(f"{self.name} must be set to a list of {len(self)} arrays, got "
                             f"{len(arrays)}")
        checked = [self._checked(i, a) for i, a in enumerate(arrays)]
        for view, value in zip(self, checked, strict=True):
            view[...] = value


class MLP:
    """A fully connected net: arch = (inputs, hidden..., outputs)."""

    def __init__(self, arch, act="tanh", out_act="linear", init=None, sigma_w=None, sigma_b=None,
                 seed=None, dtype=np.float32, dropout=0.0, low=None, high=None):
        self._arch = _check_arch(arch)
        self._dtype = _check_dtype(dtype)
        self.acts = _check_acts(act, out_act, len(self._arch) - 1)
        if self.acts[-1] == "softmax" and self._arch[-1] < 2:
            raise ValueError(f"out_act softmax needs at least 2 outputs (its outputs always sum "
                             f"to 1; for one output use sigmoid), got arch {list(self._arch)}")
        self.dropout = dropout
        init, params = _check_init(init, sigma_w, sigma_b, low, high)
        rng = _check_seed(seed, "seed")
        _check_size(self._arch, self._dtype)
        self._alloc()
        with np.errstate(over="ignore"):
            for w, b, name in zip(self.ws, self.bs, self.acts, strict=True):
                _init_layer(w, b, init or ("he" if name in ("relu", "leaky_relu") else "xavier"),
                            rng, *params)
        if not np.isfinite(self._flat).all():
            given = ", ".join(f"{k}={v!r}" for k, v in zip(
                ("sigma_w", "sigma_b", "low", "high"), (sigma_w, sigma_b, low, high), strict=True)
                if v is not None)
            raise ValueError(f"{given} gives parameters beyond {np.dtype(self._dtype).name}'s "
                             f"range (|v| <= {np.finfo(self._dtype).max:.3g})")

    arch = property(lambda self: self._arch, doc="(inputs, hidden..., outputs), read-only")
    dtype = property(lambda self: self._dtype, doc="np.float32 or np.float64, read-only")

    @property
    def ws(self):
        """Weights per layer (fan_in, fan_out): views into the net's parameters. Assigning to
        ws[l] or to ws as a whole copies into place."""
        return self._ws

    @ws.setter
    def ws(self, arrays):
        self._ws.assign(arrays)

    @property
    def bs(self):
        """Biases per layer (fan_out,), views like ws."""
        return self._bs

    @bs.setter
    def bs(self, arrays):
        self._bs.assign(arrays)

    @property
    def dropout(self):
        """Inverted dropout on hidden layers while training, a probability in [0, 1)."""
        return self._dropout

    @dropout.setter
    def dropout(self, p):
        self._dropout = _check_dropout(p)

    def _alloc(self):
        """The flat parameter array and the per-layer views into it (weights, then biases)."""
        shapes = list(zip(self._arch[:-1], self._arch[1:], strict=True))
        n_w = sum(i * o for i, o in shapes)
        try:
            self._flat = np.zeros(n_w + sum(o for _, o in shapes), self._dtype)
        except MemoryError:
            raise ValueError(_size_message(self._arch, self._dtype, None)) from None
        self._n_weights, self._layout = n_w, None
        self._ws, self._bs = self._views(self._flat)
        self._works = {}

    def _views(self, flat):
        if self._layout is None:                 # per layer: weight slice and shape, bias slice
            self._layout, ow, ob = [], 0, self._n_weights
            for i, o in zip(self._arch[:-1], self._arch[1:], strict=True):
                self._layout.append((slice(ow, ow + i * o), (i, o), slice(ob, ob + o)))
                ow, ob = ow + i * o, ob + o
        return (_Params([flat[w].reshape(shape) for w, shape, _ in self._layout], flat, "ws",
                        self._arch),
                _Params([flat[b] for _, _, b in self._layout], flat, "bs", self._arch))

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
        for i, (w, b) in enumerate(zip(ws, bs, strict=True)):
            if w.shape[0] != arch[-1]:
                raise ValueError(f"ws[{i}] has {w.shape[0]} rows, layer {i} has {arch[-1]} "
                                 f"inputs")
            if b.shape != (w.shape[1],):
                raise ValueError(f"bs[{i}] must have shape ({w.shape[1]},), got {b.shape}")
            arch.append(w.shape[1])
        dtype = np.float64 if any(a.dtype == np.float64 for a in ws + bs) else np.float32
        net = cls(arch, act=act, out_act=out_act, dtype=dtype, dropout=dropout)
        for k in range(len(ws)):
            net.ws[k] = ws[k]
            net.bs[k] = bs[k]
        return net

    @property
    def n_params(self):
        return self._flat.size

    def copy(self):
        net = MLP.__new__(MLP)
        net._arch, net._dtype, net.acts = self._arch, self._dtype, list(self.acts)
        net.dropout = self.dropout
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
        hs = self._layers(x)[2]
        if trace:
            return [v[0] for v in [x] + hs] if single else [x] + hs
        return hs[-1][0] if single else hs[-1]

    def cost(self, x, t, loss="mse"):
        x, t, loss = self._check_xt(x, t, loss)
        return float(self._cost(x, t, loss)[0])

    def accuracy(self, x, t):
        """Fraction of samples whose predicted class matches t's: argmax over outputs, or
        the 0.5 threshold for a single output."""
        return self.evaluate(x, t, "mse")[1]

    def evaluate(self, x, t, loss="mse"):
        """(cost, accuracy) of the net on (x, t) from one forward pass."""
        x, t, loss = self._check_xt(x, t, loss)
        cost, y = self._cost(x, t, loss)
        return float(cost), _correct(y, t) / len(y)

    def _layers(self, x, work=None, rng=None, out_act=True, acts=None):
        """The forward pass, every layer kept: lists (ins, zs, hs, masks), with ins[l] the input
        of layer l, zs[l] = ins[l] @ W_l + b_l and hs[l] = act_l(zs[l]). hs[l] is zs[l] itself
        (computed in place) unless act_l's derivative needs z; out_act=False leaves the last
        activation out (hs[-1] is zs[-1]). With `work` (from _work) the arrays are written into
        it; with rng and dropout > 0, hidden outputs are dropped (masks[l], ins[l + 1] = hs[l] *
        masks[l]). The one forward pass: forward, cost, backprop and input_grad all use it."""
        acts = [_activation(a) for a in self.acts] if acts is None else acts
        p = self.dropout if rng is not None else 0.0
        last = len(self.ws) - 1
        ins, zs, hs, masks = [], [], [], []
        a = x
        for k, (w, b, (f, _, keep_z)) in enumerate(zip(self.ws, self.bs, acts, strict=True)):
            ins.append(a)
            z = np.dot(a, w, out=None if work is None else work.z[k])    # (n, in) @ (in, out)
            if work is None or work.tiles[k] is None:
                z += b
            else:
                _add_rows(z, b, work.tiles[k])
            if k == last and not out_act:
                h = z
            else:
                h = f(z, (None if work is None else work.h[k]) if keep_z else z)
            zs.append(z)
            hs.append(h)
            if p > 0 and k < last:
                m = (rng.random(h.shape) >= p).astype(self.dtype)
                m *= 1.0 / (1.0 - p)
                masks.append(m)
                a = h * m
            else:
                masks.append(None)
                a = h
        return ins, zs, hs, masks

    def _cost(self, x, t, loss):
        """The cost of (x, t) and the outputs y, from one forward pass (x, t checked)."""
        n = len(x)
        z = self._layers(x, out_act=False)[2][-1]
        if loss == "ce" and self.acts[-1] == "sigmoid":
            return _binary_ce(z, t) / n, _sigmoid(z)
        if loss == "ce":                       # stable: log softmax from z's max and sum
            logp = z - z.max(axis=1, keepdims=True)
            y = np.exp(logp)
            total = y.sum(axis=1, keepdims=True)
            y /= total
            logp -= np.log(total)
            return -np.vdot(t, logp) / n, y
        y = _activation(self.acts[-1])[0](z, z)
        d = y - t
        return np.vdot(d, d) / n, y

    # --- backprop ---------------------------------------------------------------------------

    def backprop(self, x, t, loss="mse", rng=None, out=None):
        """Gradients (gws, gbs) of cost(x, t, loss), shaped like (ws, bs). They are new arrays,
        or, with out=(gws, gbs) (a previous call's result, say), written into those and
        returned: a loop that passes its last gradients back allocates nothing (numpy's out=
        convention). With rng (a numpy Generator) and dropout > 0, dropout masks are drawn
        from it."""
        xt = self._plain_xt(x, t, loss)
        x, t, loss = self._check_xt(x, t, loss) if xt is None else (*xt, loss)
        rng = _check_rng(rng)
        grads = self._views(np.empty_like(self._flat)) if out is None else self._check_out(out)
        work = self._take_work(len(x))
        try:
            self._grads(x, t, loss, rng, grads, work)
        finally:
            self._give_work(work)
        return grads

    def _check_out(self, out):
        """backprop's out: a pair (gws, gbs) of lists of C-contiguous writable arrays in the
        net's shapes and dtype. A set backprop made for this arch and dtype passes at once."""
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"out must be a pair (gws, gbs) such as backprop returns, got "
                            f"{type(out).__name__}")
        gws, gbs = out
        flat = getattr(gws, "flat", None)
        if (flat is not None and flat is getattr(gbs, "flat", None) and gws.arch == self.arch
                and flat.dtype == self.dtype and flat is not self._flat):
            return out
        for name, gs, ps in (("gws", gws, self.ws), ("gbs", gbs, self.bs)):
            if not isinstance(gs, (tuple, list)) or len(gs) != len(ps):
                got = f"{len(gs)} items" if isinstance(gs, (tuple, list)) else type(gs).__name__
                raise ValueError(f"out's {name} must be a list of {len(ps)} arrays, got {got}")
            for k, (g, p) in enumerate(zip(gs, ps, strict=True)):
                if not (isinstance(g, np.ndarray) and g.shape == p.shape and g.dtype == p.dtype
                        and g.flags.c_contiguous and g.flags.writeable):
                    got = (f"{g.dtype} {g.shape}" if isinstance(g, np.ndarray)
                           else type(g).__name__)
                    raise ValueError(f"out's {name}[{k}] must be a writable C-contiguous "
                                     f"{p.dtype} array of shape {p.shape}, got {got}")
                if np.may_share_memory(g, self._flat):
                    raise ValueError(f"out's {name}[{k}] must not be the net's own parameters")
        return out

    def _take_work(self, n):
        """Work arrays for a batch of n samples: per layer the pre-activations z, the outputs h
        (where they cannot overwrite z) and the deltas d, all (n, fan_out), and a row of ones
        for the bias gradients, and 1/n, 2/n as 0-d arrays (see _HALF). The net keeps the sets
        of its last two batch sizes; a set is taken out while in use, so a concurrent call makes
        its own."""
        work = self._works.pop(n, None)
        if work is None:
            shapes = [(n, o) for o in self.arch[1:]]
            work = _Work(n, [np.empty(s, self.dtype) for s in shapes],
                         [np.empty(s, self.dtype) for s in shapes],
                         [np.empty(s, self.dtype) for s in shapes], np.ones((1, n), self.dtype),
                         [np.empty(_TILE // o * o, self.dtype) if n * o >= 32 * _TILE
                          and _TILE // o > 1 else None for o in self.arch[1:]],
                         np.array(1.0 / n, self.dtype), np.array(2.0 / n, self.dtype))
        return work

    def _give_work(self, work):
        self._works[work.n] = work
        while len(self._works) > 2:
            del self._works[next(iter(self._works))]

    def _grads(self, x, t, loss, rng, grads, work):
        """Write the gradients of one batch into grads = (gws, gbs); return (cost, y), y the
        outputs for loss "ce" (None for "mse"). One forward pass is kept, then one
        backward pass consumes it (derivatives overwrite the activations they come from)."""
        acts = [_activation(a) for a in self.acts]
        ins, zs, hs, masks = self._layers(x, work, rng, out_act=False, acts=acts)
        n, last = len(x), len(self.ws) - 1
        z, delta = zs[last], work.d[last]
        f, df, _ = acts[last]
        y = None
        if loss == "ce" and self.acts[last] == "sigmoid":    # per output: -t log y - ...
            cost = _binary_ce(z, t) / n
            y = _sigmoid(z, work.h[last])
            np.subtract(y, t, out=delta)                     # dC/dz = (y - t) / n
            delta *= work.one_over_n
        elif loss == "ce":                   # softmax output; cost from its max and sum
            zmax = z.max(axis=1, keepdims=True)
            y = np.subtract(z, zmax, out=work.h[last])
            np.exp(y, out=y)
            total = y.sum(axis=1, keepdims=True)
            y /= total
            tsum = t.sum(axis=1, keepdims=True)
            cost = (np.vdot(tsum, zmax + np.log(total)) - np.vdot(t, z)) / n
            np.multiply(y, tsum, out=delta)
            delta -= t
            delta *= work.one_over_n
        else:
            out = z if df is _one else f(z, work.h[last])
            np.subtract(out, t, out=delta)
            cost = np.vdot(delta, delta) / n
            delta *= work.two_over_n
            if self.acts[last] == "softmax":
                delta -= (delta * out).sum(axis=1, keepdims=True)
                delta *= out
            elif df is not _one:
                delta *= df(z, out)

        gws, gbs = grads
        for k in range(last, -1, -1):
            np.dot(ins[k].T, delta, out=gws[k])         # (in, n) @ (n, out) -> (in, out)
            if delta.shape[1] == 1:
                np.add.reduce(delta, axis=0, out=gbs[k])
            else:
                np.dot(work.ones, delta, out=gbs[k][None])   # (1, n) @ (n, out) -> (1, out)
            if k == 0:
                break
            delta = np.dot(delta, self.ws[k].T, out=work.d[k - 1])   # (n, out) @ (out, in)
            if masks[k - 1] is not None:
                delta *= masks[k - 1]
            df = acts[k - 1][1]
            if df is not _one:
                delta *= df(zs[k - 1], hs[k - 1])
        return cost, y

    def input_grad(self, x):
        """d outputs / d inputs for every sample: (n, out, in); a single sample gives (out, in)."""
        x, single = self._check_x(x)
        _, zs, hs, _ = self._layers(x)
        a = hs[-1]
        n, k = a.shape
        if self.acts[-1] == "softmax":           # J = diag(y) - y y^T
            jac = -a[:, :, None] * a[:, None, :]
            jac[:, np.arange(k), np.arange(k)] += a
        else:
            jac = np.zeros((n, k, k), self.dtype)
            jac[:, np.arange(k), np.arange(k)] = _activation(self.acts[-1])[1](zs[-1], a)
        for k in range(len(self.ws) - 1, -1, -1):
            jac = jac @ self.ws[k].T                    # (n, out, fo) @ (fo, fi) -> (n, out, fi)
            df = _activation(self.acts[k - 1])[1] if k > 0 else _one
            if df is not _one:
                jac *= df(zs[k - 1], hs[k - 1])[:, None, :]
        return jac[0] if single else jac

    # --- input checks -----------------------------------------------------------------------

    def _check_x(self, x, name="x"):
        """x as a C-contiguous (n, in) array of the net's dtype, and whether it was one sample."""
        x = _check_array(x, name, dtype=self._dtype)
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
        return (x if x.flags.c_contiguous else np.ascontiguousarray(x)), single

    def _plain_xt(self, x, t, loss):
        """(x, t) as given when they pass every check of _check_xt without a conversion:
        C-contiguous 2-D arrays of the net's dtype with the net's columns, the same rows,
        every value finite (a sum of squares is finite only then), ce targets probabilities;
        else None, and _check_xt checks (and converts, or raises) as for any input."""
        if (type(x) is not np.ndarray or type(t) is not np.ndarray
                or x.dtype.type is not self._dtype or t.dtype.type is not self._dtype
                or x.ndim != 2 or t.ndim != 2 or x.shape[1] != self._arch[0]
                or t.shape[1] != self._arch[-1] or len(x) != len(t) or len(x) == 0
                or not (x.flags.c_contiguous and t.flags.c_contiguous)
                or not (loss == "mse" or loss == "ce" and self.acts[-1] in CE_OUTPUTS)
                or not (math.isfinite(np.vdot(x, x)) and math.isfinite(np.vdot(t, t)))):
            return None
        if loss == "ce":
            _check_probabilities(t, "t", self.acts[-1])
        return x, t

    def _check_xt(self, x, t, loss, names=("x", "t")):
        if not isinstance(loss, str) or loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
        if loss == "ce" and self.acts[-1] not in CE_OUTPUTS:
            raise ValueError(f"loss 'ce' needs out_act='softmax' or 'sigmoid', the net's "
                             f"out_act is {self.acts[-1]!r}")
        x, _ = self._check_x(x, names[0])
        t = _check_array(t, names[1], dtype=self._dtype)
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
        if loss == "ce":
            _check_probabilities(t, names[1], self.acts[-1])
        return x, (t if t.flags.c_contiguous else np.ascontiguousarray(t)), loss

    # --- io ---------------------------------------------------------------------------------

    def save(self, path):
        """Write the net to `path` atomically: a temporary file beside it, renamed over it when
        complete, so a failed or killed save leaves an old file intact. An old file's mode is
        kept (a new file gets the umask's). Temporary files of the same path that dead
        processes left are removed first. A path ending in .safetensors is written through the
        safetensors package (see the bridges section), any other as .npz (np.savez)."""
        name = _path_name(path, files=False)
        for group, ps in (("ws", self.ws), ("bs", self.bs)):
            for k, p in enumerate(ps):
                if not np.isfinite(p).all():
                    raise ValueError(f"{group}[{k}] holds NaN or inf: a file load would refuse "
                                     f"is not written to {name}")
        if name.endswith(".safetensors"):
            _save_atomic(name, _bridges().safetensors_writer(self))
            return
        arrays = {"format": np.array(_FORMAT), "arch": np.array(self.arch, np.int64),
                  "acts": np.array(self.acts), "dropout": np.array(self.dropout)}
        for k, (w, b) in enumerate(zip(self.ws, self.bs, strict=True)):
            arrays[f"w{k}"], arrays[f"b{k}"] = w, b
        _save_atomic(name, lambda f: np.savez(f, **arrays))

    @classmethod
    def load(cls, path, act=None, out_act=None):
        """A net read from a file written by save (a path or a binary file object). Its member
        list and every array's declared dtype and shape are checked against its arch before
        any data is read; anything but a model file raises ValueError naming the file.
        A path ending in .safetensors is read through the safetensors package, one ending in
        .pt or .pth (a torch state_dict) through torch.load(weights_only=True); act and
        out_act name the activations of files that do not (see from_torch)."""
        name = _path_name(path)
        if name.endswith((".safetensors", ".pt", ".pth")) and not hasattr(path, "read"):
            return _bridges().load_foreign(cls, name, act, out_act)
        if act is not None or out_act is not None:
            raise ValueError(f"act and out_act apply to .safetensors and .pt files without "
                             f"activations; {name} names its own")
        arch, acts, dropout, ws, bs = _read_model(path if hasattr(path, "read") else name, name)
        try:
            return cls.from_arrays(ws, bs, act=acts[:-1] or "tanh", out_act=acts[-1],
                                   dropout=dropout)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name}: {e}") from None

    # --- other libraries: each imported inside the call that needs it ----------------------

    @classmethod
    def from_torch(cls, obj, act=None, out_act=None):
        """A net holding copies of a torch model's weights: a torch.nn.Sequential of Linear and
        activation modules (activations read from the modules; Dropout is skipped), or a
        state_dict ("0.weight" (out, in), "0.bias", "2.weight", ...: each "<name>.weight" a
        layer, in the dict's order), which needs act (out_act defaults to "linear").
        Tensors are read through .detach().cpu().numpy(); torch is not imported."""
        ws, bs, hidden, out = _bridges().torch_arrays(obj, act, out_act)
        return cls.from_arrays(ws, bs, act=hidden, out_act=out)

    def state_dict(self):
        """The parameters as numpy arrays under the names of the Sequential to_torch builds
        (layer k is module 2k): "0.weight" (out, in), "0.bias", "2.weight", ..., so
        model.load_state_dict({k: torch.from_numpy(v) for k, v in net.state_dict().items()})."""
        sd = {}
        for k, (w, b) in enumerate(zip(self.ws, self.bs, strict=True)):
            sd[f"{2 * k}.weight"] = np.ascontiguousarray(w.T)     # torch's Linear: (out, in)
            sd[f"{2 * k}.bias"] = b.copy()
        return sd

    def to_torch(self):
        """A torch.nn.Sequential computing forward: per layer a Linear, then the activation's
        module (Identity for a linear hidden layer, nothing after a linear output), in the
        net's dtype. ValueError for an activation torch has no module for (sin)."""
        return _bridges().to_torch(self)

    @classmethod
    def from_sklearn(cls, est):
        """A net from a fitted scikit-learn MLPClassifier or MLPRegressor: coefs_ (in, out),
        intercepts_, activation (identity, logistic, tanh, relu) and out_activation_
        (identity, logistic, softmax); a binary classifier has one sigmoid output, the
        probability of classes_[1]."""
        ws, bs, hidden, out = _bridges().sklearn_arrays(est)
        return cls.from_arrays(ws, bs, act=hidden, out_act=out)

    def to_sklearn(self, classes=None):
        """A fitted scikit-learn estimator computing forward: MLPRegressor for a linear output,
        MLPClassifier for sigmoid (one output: binary; more: multi-label) or softmax (a
        2-output softmax becomes scikit-learn's one logistic output) with `classes` as its
        classes_ (default 0, 1, ...). Hidden layers must share one of linear, sigmoid, tanh,
        relu. Its attributes are the ones fit sets (checked against scikit-learn 1.9)."""
        return _bridges().to_sklearn(self, classes)

    def to_onnx(self, path):
        """Write the net as an ONNX model (opset 17) to `path` atomically through the onnx
        package: input "x" (n, in), output "y" (n, out), per layer a Gemm and the activation's
        node; for onnxruntime, Netron and other runtimes."""
        name = _path_name(path, files=False)
        _save_atomic(name, _bridges().onnx_writer(self))

    @classmethod
    def from_onnx(cls, path):
        """A net read from an ONNX model that is a chain of Gemm (or MatMul + Add) and
        activation nodes over initializers, such as to_onnx writes."""
        name = _path_name(path, files=False)
        ws, bs, hidden, out = _bridges().onnx_arrays(name)
        try:
            return cls.from_arrays(ws, bs, act=hidden, out_act=out)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name}: {e}") from None


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def finite_diff(net, x, t, loss="mse", eps=1e-6):
    """Central-difference gradients of net.cost(x, t, loss), shaped like (ws, bs).
    Use a float64 net: in float32 the differences drown in rounding."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an nn.MLP, got {type(net).__name__}")
    x, t, loss = net._check_xt(x, t, loss)
    eps = _check_positive(eps, "eps")
    flat = net._flat
    g = np.empty(flat.shape, np.float64)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        cp = net._cost(x, t, loss)[0]
        flat[i] = saved - eps
        cm = net._cost(x, t, loss)[0]
        flat[i] = saved
        g[i] = (cp - cm) / (2 * eps)
    gws, gbs = net._views(g.astype(net.dtype))
    return list(gws), list(gbs)


# ---------------------------------------------------------------------------------------------
# Optimizers: step(net, gws, gbs) updates net in place. Weight decay adds wd * W to the
# weights' gradients (L2, as torch's SGD and Adam do); l1 then shrinks every weight towards 0
# by lr * l1 (L1's proximal step: a weight that would cross 0 stops at 0). Neither touches the
# biases. lr, weight_decay and l1 may be changed between steps.
# ---------------------------------------------------------------------------------------------


class _Optimizer:
    """step(net, gws, gbs) for any number of nets: each net has its own moments and buffers,
    kept as long as the net lives."""

    def __init__(self, lr, weight_decay, l1):
        self.lr = lr
        self.weight_decay = _check_nonneg(weight_decay, "weight_decay")
        self.l1 = l1
        self._state = weakref.WeakKeyDictionary()        # net -> its buffers and moments

    @property
    def lr(self):
        """The learning rate, settable (a positive finite number)."""
        return self._lr

    @lr.setter
    def lr(self, lr):
        self._lr = _check_positive(lr, "lr")

    @property
    def l1(self):
        """The L1 rate, settable (a finite number >= 0)."""
        return self._l1

    @l1.setter
    def l1(self, l1):
        self._l1 = _check_nonneg(l1, "l1")

    def step(self, net, gws, gbs):
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an nn.MLP, got {type(net).__name__}")
        self._step_flat(net, _flat_grads(net, gws, gbs))

    def _step_flat(self, net, g):
        """step() with the gradients as one flat array in the net's layout."""
        state = self._state.get(net)
        if state is None:
            state = self._state[net] = self._new_state(g)
        nw = net._n_weights
        if self.weight_decay:                    # g + wd * W, in a buffer of the net's state
            if "decayed" not in state:
                state["decayed"] = np.empty_like(g)
            d = state["decayed"]
            np.multiply(net._flat[:nw], self.weight_decay, out=d[:nw])
            d[:nw] += g[:nw]
            d[nw:] = g[nw:]
            g = d
        self._update(net._flat, g, state)
        if self.l1:                              # w = sign(w) max(|w| - lr l1, 0)
            w = net._flat[:nw]
            shrunk = np.abs(w, out=state["tmp"][:nw])
            shrunk -= self.lr * self.l1
            np.maximum(shrunk, 0, out=shrunk)
            np.copysign(shrunk, w, out=w)


class SGD(_Optimizer):
    """p -= lr * v, with v = momentum * v + g (plain gradient descent when momentum=0)."""

    def __init__(self, lr, momentum=0.0, weight_decay=0.0, l1=0.0):
        super().__init__(lr, weight_decay, l1)
        self.momentum = _check_nonneg(momentum, "momentum")

    def _new_state(self, g):
        return {"v": np.zeros_like(g), "tmp": np.empty_like(g)}

    def _update(self, p, g, state):
        if self.momentum:
            v = state["v"]
            v *= self.momentum
            v += g
            g = v
        if state.get("lr") != self.lr:                   # as a 0-d array: see _HALF
            state["lr"], state["lr_array"] = self.lr, np.array(self.lr, p.dtype)
        p -= np.multiply(g, state["lr_array"], out=state["tmp"])


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015), as the paper writes it: m = b1 m + (1 - b1) g,
    v = b2 v + (1 - b2) g^2, p -= lr * mhat / (sqrt(vhat) + eps) with mhat = m / (1 - b1^t),
    vhat = v / (1 - b2^t); t counts the net's steps."""

    def __init__(self, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, l1=0.0):
        super().__init__(lr, weight_decay, l1)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2 or not all(
                _is_real(b) and 0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        self.betas = tuple(float(b) for b in betas)
        self.eps = _check_positive(eps, "eps")

    def _new_state(self, g):
        return {"m": np.zeros_like(g), "v": np.zeros_like(g), "tmp": np.empty_like(g), "t": 0}

    def _update(self, p, g, state):
        b1, b2 = self.betas
        state["t"] += 1
        t, m, v, tmp = state["t"], state["m"], state["v"], state["tmp"]
        m *= b1                                          # m = b1 m + (1 - b1) g
        m += np.multiply(g, 1.0 - b1, out=tmp)
        v *= b2                                          # v = b2 v + (1 - b2) g^2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        v += tmp
        # lr mhat / (sqrt(vhat) + eps) = lr c / (1 - b1^t) * m / (sqrt(v) + eps c), with
        # c = sqrt(1 - b2^t): the same number, one pass fewer over the parameters
        c = math.sqrt(1.0 - b2 ** t)
        den = np.sqrt(v, out=tmp)
        den += self.eps * c
        step = np.divide(m, den, out=den)
        step *= self.lr * c / (1.0 - b1 ** t)
        p -= step


def _flat_grads(net, gws, gbs):
    """The gradients as one flat array in the net's layout: no copy when backprop made them
    for a net of this arch and dtype, else checked array by array against the net's shapes."""
    flat = getattr(gws, "flat", None)
    if (flat is not None and flat is getattr(gbs, "flat", None) and gws.arch == net.arch
            and flat.dtype == net.dtype):
        return flat
    for name, gs, ps in (("gws", gws, net.ws), ("gbs", gbs, net.bs)):
        if isinstance(gs, np.ndarray) or not isinstance(gs, (list, tuple)):
            raise TypeError(f"{name} must be a list of {len(ps)} arrays, got "
                            f"{type(gs).__name__}")
        if len(gs) != len(ps):
            raise ValueError(f"gws/gbs must hold {len(net.ws)} arrays each, got {len(gws)} and "
                             f"{len(gbs)}")
        for k, (g, p) in enumerate(zip(gs, ps, strict=True)):
            if np.shape(g) != p.shape:
                raise ValueError(f"{name}[{k}] must have shape {p.shape}, got {np.shape(g)}")
    arrays = [_check_array(g, f"{name}[{k}]", dtype=net.dtype)
              for name, gs in (("gws", gws), ("gbs", gbs)) for k, g in enumerate(gs)]
    return np.concatenate([a.ravel() for a in arrays])


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------

Step = namedtuple("Step", "step epoch cost")


def train(net, x, t, loss="mse", opt=None, epochs=1, batch_size=None, shuffle=True, seed=None):
    """The training loop as a generator: yields Step(step, epoch, cost) after every optimizer
    step (cost is that batch's cost before the update). batch_size=None: the full batch,
    epochs=None: no end. A non-finite cost raises DivergedError after restoring the last finite
    weights. The arguments are checked at the call, before the first step."""
    _, run = _steps(net, x, t, loss, opt, epochs, batch_size, shuffle, seed)
    return (s for s, _ in run)


def fit(net, x, t, loss="mse", opt=None, epochs=1, batch_size=None, shuffle=True, seed=None,
        x_val=None, t_val=None, callback=None, verbose=False):
    """Train net on (x, t). Returns the history: per epoch "cost" (mean batch cost), "val_cost"
    (with x_val, t_val), and for loss="ce" "acc" / "val_acc". callback(epoch, history) runs after
    every epoch; returning False stops training."""
    if (x_val is None) != (t_val is None):
        raise ValueError("x_val and t_val must be given together, got only "
                         f"{'x_val' if t_val is None else 't_val'}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable as callback(epoch, history), got "
                        f"{type(callback).__name__} {callback!r}")
    if x_val is not None:
        x_val, t_val, _ = net._check_xt(x_val, t_val, loss, names=("x_val", "t_val"))
    epochs = _check_count(epochs, "epochs")
    n, run = _steps(net, x, t, loss, opt, epochs, batch_size, shuffle, seed)
    hist = {"cost": [], "val_cost": []}
    if loss == "ce":
        hist["acc"], hist["val_acc"] = [], []
    tally = [0, 0.0, 0]        # samples, cost * samples, correct
    start = time.perf_counter()
    for s, (tb, y) in run:
        tally[0] += len(tb)
        tally[1] += s.cost * len(tb)
        if y is not None:
            tally[2] += _correct(y, tb)
        if tally[0] < n:
            continue
        _record_epoch(hist, net, tally, x_val, t_val, loss)
        tally[:] = [0, 0.0, 0]
        if verbose:
            print(_epoch_line(hist, s.epoch + 1, epochs, start), flush=True)
        if callback is not None and callback(s.epoch + 1, hist) is False:
            break
    return hist


def _steps(net, x, t, loss, opt, epochs, batch_size, shuffle, seed):
    """Check the arguments of train / fit; return the number of samples and the loop, a
    generator of (Step, (tb, y)) with tb the batch's targets and y its outputs for loss "ce"."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an nn.MLP, got {type(net).__name__}")
    x, t, loss = net._check_xt(x, t, loss)
    opt = Adam() if opt is None else opt
    if isinstance(opt, type):
        raise TypeError(f"opt must be an optimizer object such as nn.Adam(1e-3), got the class "
                        f"{opt.__name__}")
    if not callable(getattr(opt, "step", None)):
        raise TypeError(f"opt must be an optimizer such as nn.SGD or nn.Adam, got "
                        f"{type(opt).__name__}")
    epochs = _check_count(epochs, "epochs", allow_none=True)
    n = len(x)
    bs = n if batch_size is None else min(_check_count(batch_size, "batch_size"), n)
    rng = _check_seed(seed, "seed")
    return n, _loop(net, x, t, loss, opt, epochs, bs, shuffle, rng)


class _Stepper:
    """One optimizer step at a time for _loop, with the last finite weights kept to go back to.
    Its numpy work runs in a context of its own with overflow and invalid values quiet (a
    divergence is found and raised as DivergedError, which says it all); the caller's numpy
    settings stay as they are between steps."""

    def __init__(self, net, loss, opt, dropout_rng):
        self.net, self.loss, self.opt, self.dropout_rng = net, loss, opt, dropout_rng
        self.last_good = net._flat.copy()
        self.grads = net._views(np.empty_like(net._flat))   # reused: each step overwrites it
        plain = (getattr(type(opt), "step", None) is _Optimizer.step
                 and "step" not in getattr(opt, "__dict__", ()))
        self.flat_step = opt._step_flat if plain else None
        self.quiet = contextvars.copy_context()
        self.quiet.run(np.seterr, over="ignore", invalid="ignore")

    def step(self, xb, tb, work, step, epoch, last):
        """(cost, y) of the batch before the update; `last`: the loop's last step, whose
        update is checked by the cost it leaves."""
        return self.quiet.run(self._step, xb, tb, work, step, epoch, last)

    def _step(self, xb, tb, work, step, epoch, last):
        net = self.net
        cost, y = net._grads(xb, tb, self.loss, self.dropout_rng, self.grads, work)
        if not math.isfinite(cost):
            self._diverged(f"cost became {cost}", step, epoch)
        self.last_good[...] = net._flat
        if self.flat_step is None:
            self.opt.step(net, *self.grads)
        else:
            self.flat_step(net, self.grads[0].flat)
        if not (math.isfinite(np.add.reduce(net._flat))                  # in float64 when
                or math.isfinite(net._flat.sum(dtype=np.float64))):       # float32's overflows
            self._diverged("its update made weights non-finite", step, epoch)
        if last:
            after = net._cost(xb, tb, self.loss)[0]
            if not math.isfinite(after):
                self._diverged(f"its last update made the cost {after}", step, epoch)
        return cost, y

    def _diverged(self, what, step, epoch):
        self.net._flat[...] = self.last_good
        raise _diverged(what, step, epoch, self.opt)


def _loop(net, x, t, loss, opt, epochs, bs, shuffle, rng):
    n = len(x)
    stepper = _Stepper(net, loss, opt, rng if net.dropout > 0 else None)
    step, epoch, work = 0, 0, None
    try:
        while epochs is None or epoch < epochs:
            if shuffle and bs < n:
                perm = rng.permutation(n)
                xe, te = x[perm], t[perm]
            else:
                xe, te = x, t
            for i in range(0, n, bs):
                xb, tb = (xe, te) if bs >= n else (xe[i:i + bs], te[i:i + bs])
                if work is None or work.n != len(xb):
                    if work is not None:
                        net._give_work(work)
                    work = net._take_work(len(xb))        # held while the loop runs on this size
                last = epochs is not None and epoch == epochs - 1 and i + bs >= n
                cost, y = stepper.step(xb, tb, work, step, epoch, last)
                yield Step(step, epoch, float(cost)), (tb, y)
                step += 1
            epoch += 1
    finally:
        if work is not None:
            net._give_work(work)


def _diverged(what, step, epoch, opt):
    return DivergedError(
        f"training diverged: {what} at step {step} (epoch {epoch}); the net holds the weights "
        f"of the last finite step, try a smaller lr (opt.lr = {getattr(opt, 'lr', '?')})")


def _record_epoch(hist, net, tally, x_val, t_val, loss):
    hist["cost"].append(tally[1] / tally[0])
    if loss == "ce":
        hist["acc"].append(tally[2] / tally[0])
    if x_val is not None:
        cost, acc = net.evaluate(x_val, t_val, loss)
        hist["val_cost"].append(cost)
        if loss == "ce":
            hist["val_acc"].append(acc)


def _epoch_line(hist, epoch, epochs, start):
    line = f"epoch {epoch}/{epochs}  cost {hist['cost'][-1]:.6g}"
    for key in ("acc", "val_cost", "val_acc"):
        if hist.get(key):
            line += f"  {key} {hist[key][-1]:.4g}"
    return f"{line}  ({time.perf_counter() - start:.2f} s)"


# ---------------------------------------------------------------------------------------------
# Files: the model format (np.savez members), reading it checked, writing it atomically
# ---------------------------------------------------------------------------------------------

_FORMAT = "nn.MLP/1"
_META = ("format", "arch", "acts", "dropout")
_TMP_SUFFIX = ".nn-tmp"


def _path_name(path, files=True):
    """path as a str for opening and messages; a file object's name when files=True."""
    if isinstance(path, (str, bytes, os.PathLike)):
        return os.fsdecode(os.fspath(path))
    if files and hasattr(path, "read") and hasattr(path, "seek"):
        return str(getattr(path, "name", repr(path)))
    what = "a file path (str or os.PathLike)" + (" or a binary file object" if files else "")
    raise TypeError(f"path must be {what}, got {type(path).__name__} {path!r}")


def _read_model(src, name):
    """(arch, acts, dropout, ws, bs) of a model file, every member checked before it is read."""
    try:
        zf = zipfile.ZipFile(src)
    except FileNotFoundError:
        raise
    except zipfile.BadZipFile:
        raise ValueError(f"{name}: not an nn model file ({_not_zip(src)})") from None
    except OSError as e:
        raise ValueError(f"{name}: not a readable nn model file ({e})") from None
    with zf:
        members = _members(zf, name)
        arch, acts, dropout = _read_meta(zf, members, name)
        layers = [f"{g}{k}" for k in range(len(arch) - 1) for g in "wb"]
        extra = sorted(set(members) - set(_META) - set(layers))
        missing = [k for k in layers if k not in members]
        if extra or missing:
            raise ValueError(f"{name}: a {len(arch) - 1}-layer model holds {list(_META)} and "
                             f"w0, b0, ... b{len(arch) - 2}; this file has "
                             + "; ".join(([f"unexpected {extra}"] if extra else [])
                                         + ([f"no {missing}"] if missing else [])))
        try:
            _check_size(arch, np.float32)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
        ws, bs = [], []
        for k, (i, o) in enumerate(zip(arch[:-1], arch[1:], strict=True)):
            ws.append(_read_member(zf, members[f"w{k}"], name, "f", (i, o)))
            bs.append(_read_member(zf, members[f"b{k}"], name, "f", (o,)))
        return arch, acts, dropout, ws, bs


def _members(zf, name):
    """The archive's members by key ("w0" for "w0.npy"); every one must be a .npy array, but
    for .json members, which nn leaves alone (the gym keeps its settings in one)."""
    members = {}
    for info in zf.infolist():
        if info.filename.endswith(".json"):
            continue
        if not info.filename.endswith(".npy") or info.filename[:-4] in members:
            raise ValueError(f"{name}: not an nn model file (member {info.filename!r} is not "
                             f"one .npy array as np.savez writes)")
        members[info.filename[:-4]] = info
    missing = [k for k in _META if k not in members]
    if missing:
        raise ValueError(f"{name}: not an nn model file (no {', '.join(missing)}; it holds "
                         f"{sorted(members)[:8]})")
    return members


def _not_zip(src):
    """What a file that is no zip archive looks like."""
    try:
        if hasattr(src, "read"):
            src.seek(0)
            head = src.read(6)
        else:
            with open(src, "rb") as f:
                head = f.read(6)
    except OSError:
        return "not a zip archive"
    if head == b"\x93NUMPY":
        return "a single .npy array, not the .npz archive MLP.save writes"
    return "not a zip archive" + (" (a pickle?)" if head[:1] == b"\x80" else "")


def _read_meta(zf, members, name):
    fmt = _read_member(zf, members["format"], name, "U", ())
    if str(fmt) != _FORMAT:
        raise ValueError(f"{name}: not an nn model file (expected format {_FORMAT!r}, got "
                         f"{str(fmt)!r})")
    arch = _read_member(zf, members["arch"], name, "iu", None, max_items=4096)
    if arch.ndim != 1:
        raise ValueError(f"{name}: arch must be 1-D, got shape {arch.shape}")
    try:
        arch = _check_arch([int(v) for v in arch])
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: {e}") from None
    acts = _read_member(zf, members["acts"], name, "U", (len(arch) - 1,))
    dropout = _read_member(zf, members["dropout"], name, "f", ())
    return arch, [str(a) for a in acts], float(dropout)


def _read_member(zf, info, name, kinds, shape, max_items=None):
    """One .npy member: its header checked (dtype kind, shape, the size its data must have)
    before the data is read."""
    key = info.filename[:-4]
    with zf.open(info) as f:
        got, fortran, dtype = _npy_header(f, name, key)
        if dtype.kind not in kinds or dtype.hasobject or (kinds == "f"
                                                          and dtype.itemsize not in (4, 8)):
            want = {"f": "float32/float64", "U": "a string", "iu": "integers"}[kinds]
            raise ValueError(f"{name}: {key} must hold {want}, got dtype {dtype}")
        if shape is not None and tuple(got) != tuple(shape):
            raise ValueError(f"{name}: {key} must have shape {tuple(shape)}, got {tuple(got)}")
        count = math.prod(got)
        if max_items is not None and count > max_items:
            raise ValueError(f"{name}: {key} declares {count} values, at most {max_items} fit")
        size, have = count * dtype.itemsize, info.file_size - f.tell()
        if size != have:
            raise ValueError(f"{name}: {key} declares {count} values of {dtype} ({size} bytes) "
                             f"but holds {have} bytes")
        data = f.read(size)
    if len(data) != size:
        raise ValueError(f"{name}: {key} is truncated ({len(data)} of {size} bytes)")
    a = np.frombuffer(data, dtype).reshape(got, order="F" if fortran else "C")
    a = a.astype(dtype.newbyteorder("="))
    if kinds == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name}: {key} holds NaN or inf")
    return a


def _npy_header(f, name, key):
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(f)
        if version == (2, 0):
            return np.lib.format.read_array_header_2_0(f)
        raise ValueError(f".npy format version {version} is not supported")
    except ValueError as e:
        raise ValueError(f"{name}: {key} is not a readable .npy array ({e})") from None


def _save_atomic(path, write):
    """write(f) into a temporary file renamed over path when complete."""
    folder, base = os.path.split(os.path.abspath(path))
    _remove_stale_temps(folder, base)
    tmp = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None                              # a new file: the umask decides
    restore = _sigterm_raises()
    try:
        try:
            _write_replace(tmp, path, write, mode)
        finally:
            if restore is not None:
                signal.signal(signal.SIGTERM, restore)
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)      # end as the SIGTERM would have
        raise SystemExit(128 + signal.SIGTERM) from None


def _write_replace(tmp, path, write, mode):
    try:                        # the open too: a signal may be handled as soon as it returns
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        with os.fdopen(fd, "wb") as f:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_stale_temps(folder, base):
    """Remove .{base}.{pid}.{token}.nn-tmp files whose writing process is dead (POSIX only:
    elsewhere a pid cannot be probed safely)."""
    if os.name != "posix":
        return
    prefix = f".{base}."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for entry in names:
        if not (entry.startswith(prefix) and entry.endswith(_TMP_SUFFIX)):
            continue
        parts = entry[len(prefix):-len(_TMP_SUFFIX)].split(".")
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 8:
            continue
        pid = int(parts[0])
        if pid != os.getpid() and not _alive(pid):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True                              # e.g. another user's process
    return True


class _Terminated(BaseException):
    """SIGTERM during a save (see _sigterm_raises)."""


def _raise_terminated(signum, frame):
    raise _Terminated()


def _sigterm_raises():
    """While a save runs in the main thread and SIGTERM has its default action, a SIGTERM
    raises _Terminated, so the temporary file is removed before the process ends by that same
    signal. Returns the handler to put back, or None where nothing was changed (another thread,
    a handler of the program's own)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    try:
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
            return None
        signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError, AttributeError):
        return None
    return signal.SIG_DFL


def _bridges():
    """nn_bridges.py, nn's other file: the torch / scikit-learn / safetensors / ONNX bridges."""
    try:
        import nn_bridges
    except ModuleNotFoundError as e:
        if e.name != "nn_bridges":
            raise
        raise ModuleNotFoundError("the bridges to torch, scikit-learn, safetensors and ONNX are "
                                  "in nn_bridges.py: put it beside nn.py (pip install installs "
                                  "both)") from None
    return nn_bridges


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
    try:
        kind = np.dtype(dtype).type
    except (TypeError, ValueError):
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}") from None
    if kind not in (np.float32, np.float64):
        raise ValueError(f"dtype must be np.float32 or np.float64, got {np.dtype(kind).name}")
    return kind


def _check_init(init, sigma_w, sigma_b, low, high):
    """The init name (None: by activation) and its (sigma_w, sigma_b, low, high)."""
    if init is None and (sigma_w is not None or sigma_b is not None):
        init = "normal"
    if init is None and (low is not None or high is not None):
        init = "uniform"
    if init is not None and (not isinstance(init, str) or init not in INITS):
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    if init != "normal" and (sigma_w is not None or sigma_b is not None):
        raise ValueError(f"sigma_w and sigma_b apply to init='normal', got init={init!r}")
    if init != "uniform" and (low is not None or high is not None):
        raise ValueError(f"low and high apply to init='uniform', got init={init!r}")
    sw = 1.0 if sigma_w is None else _check_nonneg(sigma_w, "sigma_w")
    sb = 0.0 if sigma_b is None else _check_nonneg(sigma_b, "sigma_b")
    lo = 0.0 if low is None else _check_real(low, "low")
    hi = 1.0 if high is None else _check_real(high, "high")
    if lo > hi:
        raise ValueError(f"low must be <= high, got low={low!r}, high={high!r}")
    return init, (sw, sb, lo, hi)


def _init_layer(w, b, kind, rng, sigma_w, sigma_b, low, high):
    fan_in, fan_out = w.shape
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
        w[...] = rng.normal(0.0, sigma_w / math.sqrt(fan_in), w.shape)
        b[...] = rng.normal(0.0, sigma_b, b.shape)


def _check_seed(seed, name):
    """A numpy Generator from seed: None, an integer >= 0, or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, (bool, np.bool_))
                             or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"{name} must be None, an integer >= 0 or a numpy Generator, got "
                         f"{type(seed).__name__} {seed!r}")
    return np.random.default_rng(seed)


def _check_rng(rng):
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be None or a numpy Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__} {rng!r}")
    return rng


def _check_size(arch, dtype):
    """Refuse a net whose parameters (plus init's float64 temporary for its largest layer) do
    not fit in the memory available, before asking numpy for it."""
    sizes = [i * o for i, o in zip(arch[:-1], arch[1:], strict=True)]
    need = (sum(sizes) + sum(arch[1:])) * np.dtype(dtype).itemsize + 8 * max(sizes)
    avail = memory_available()
    if avail is not None and need > avail:
        raise ValueError(_size_message(arch, dtype, avail))


def _size_message(arch, dtype, avail):
    n = sum(i * o + o for i, o in zip(arch[:-1], arch[1:], strict=True))
    have = "" if avail is None else f", {size_text(avail)} are available"
    return (f"arch {list(arch)} has {n} parameters ({size_text(n * np.dtype(dtype).itemsize)} as "
            f"{np.dtype(dtype).name}): more memory than this machine can give{have}")


def size_text(n):
    """A byte count for people: '512 bytes', '3.2 MiB'."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024


def memory_available():
    """Bytes of memory available (MemAvailable in /proc/meminfo), or None where unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _check_acts(act, out_act, n_layers):
    if isinstance(act, str) and act not in ACTIVATIONS:       # checked with no hidden layer too
        raise ValueError(f"act must be one of {sorted(ACTIVATIONS)}, got {act!r}")
    if act == "softmax":
        raise ValueError("act: softmax is only allowed as out_act")
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


def _check_array(a, name, ndim=None, dtype=None):
    """a as an array of real numbers (cast to dtype when given) with every value finite, also
    after the cast: 1e39 does not fit a float32."""
    if type(a) is np.ndarray:
        arr = a
    elif isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name} must be a numeric array, got {type(a).__name__}")
    else:
        try:
            arr = np.asarray(a)
        except (ValueError, TypeError) as e:
            raise ValueError(f"{name} must be a rectangular numeric array ({e})") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    out = arr
    if dtype is not None and arr.dtype != dtype:
        with np.errstate(over="ignore", invalid="ignore"):
            out = arr.astype(dtype)
    if out.dtype.kind == "f" and not np.isfinite(out).all():
        i = tuple(int(k) for k in np.argwhere(~np.isfinite(out))[0])
        if np.isfinite(arr[i]):
            raise ValueError(f"{name}[{', '.join(map(str, i))}] = {arr[i].item()!r} is beyond "
                             f"{out.dtype.name}'s range (|v| <= {np.finfo(out.dtype).max:.3g})")
        raise ValueError(f"{name} holds NaN or inf (first at index {i})")
    return out


def _check_probabilities(t, name, out_act):
    """ce targets: for softmax every row non-negative and summing to 1 (within float32
    rounding); for sigmoid every value in [0, 1]."""
    if out_act == "sigmoid":
        bad = np.argwhere((t < 0) | (t > 1))
        if len(bad):
            i, j = (int(k) for k in bad[0])
            raise ValueError(f"{name} must hold probabilities in [0, 1] for loss 'ce' with a "
                             f"sigmoid output, got {name}[{i}, {j}] = {t[i, j].item()!r}")
        return
    if t.min() < 0:
        i, j = (int(k) for k in np.argwhere(t < 0)[0])
        raise ValueError(f"{name} must hold probabilities for loss 'ce' (rows >= 0 summing to "
                         f"1), got {name}[{i}, {j}] = {t[i, j].item()!r}")
    sums = t.sum(axis=1, dtype=np.float64)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-3)
    if len(bad):
        raise ValueError(f"{name} must hold probabilities for loss 'ce' (rows >= 0 summing to "
                         f"1), got row {bad[0]} summing to {sums[bad[0]]:.6g}")


def _is_real(v):
    return (not isinstance(v, (bool, np.bool_))
            and isinstance(v, (int, float, np.integer, np.floating)) and math.isfinite(v))


def _check_real(v, name):
    if not _is_real(v):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    return float(v)


def _check_positive(v, name):
    if not _is_real(v) or not v > 0:
        raise ValueError(f"{name} must be a finite number > 0, got {v!r}")
    return float(v)


def _check_nonneg(v, name):
    if not _is_real(v) or not v >= 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    return abs(float(v))                    # -0.0 is 0 (numpy refuses a scale of -0.0)


def _check_count(v, name, allow_none=False):
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    return int(v)
