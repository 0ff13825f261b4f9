"""nn.py against independent references: finite differences, closed forms, published rules."""

import os
import pickle
import re
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn


def adder(bits):
    """Every pair of `bits`-bit numbers (little-endian bits, a then b) and the bits of a + b."""
    a, b = np.divmod(np.arange(1 << 2 * bits), 1 << bits)
    to_bits = lambda v, k: (v[:, None] >> np.arange(k)) & 1      # noqa: E731
    x = np.concatenate([to_bits(b, bits), to_bits(a, bits)], 1).astype(np.float32)
    return x, to_bits(a + b, bits + 1).astype(np.float32)

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "sin", "linear"]
OUT_LOSS = [("linear", "mse"), ("sigmoid", "mse"), ("tanh", "mse"), ("sin", "mse"),
            ("relu", "mse"), ("softmax", "mse"), ("softmax", "ce"), ("sigmoid", "ce")]


def flat(gws, gbs):
    return np.concatenate([g.ravel() for g in list(gws) + list(gbs)])


def rel_err(a, b):
    return np.abs(a - b).max() / max(np.abs(b).max(), 1e-12)


def random_problem(arch, act, out_act, seed, scale=1.5):
    rng = np.random.default_rng(seed)
    net = nn.MLP(arch, act=act, out_act=out_act, dtype=np.float64, seed=seed)
    for b in net.bs:            # non-zero biases keep relu's kink away from exact zeros
        b[...] = rng.normal(0, 0.5, b.shape)
    x = rng.normal(0, scale, (6, arch[0]))
    t = rng.random((6, arch[-1]))
    if out_act == "softmax":
        t /= t.sum(1, keepdims=True)
    return net, x, t


# --- gradients ---------------------------------------------------------------------------------


@pytest.mark.parametrize("act", HIDDEN)
@pytest.mark.parametrize("out_act,loss", OUT_LOSS)
def test_backprop_matches_finite_differences(act, out_act, loss):
    seed = HIDDEN.index(act) * 10 + OUT_LOSS.index((out_act, loss))
    net, x, t = random_problem([3, 5, 4, 3], act, out_act, seed=seed)
    gws, gbs = net.backprop(x, t, loss)
    fws, fbs = nn.finite_diff(net, x, t, loss, eps=1e-6)
    assert rel_err(flat(gws, gbs), flat(fws, fbs)) < 1e-6


def test_sin_derivative_is_right_past_half_pi():
    # nn.h's cos(asin(y)) is wrong where |z| > pi/2; here z reaches several radians
    net = nn.MLP([1, 1], act="tanh", out_act="sin", dtype=np.float64)
    net.ws[0] = [[1.0]]
    x = np.linspace(-6, 6, 25)[:, None]
    j = net.input_grad(x)[:, 0, 0]
    np.testing.assert_allclose(j, np.cos(x[:, 0]), atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(arch=st.lists(st.integers(1, 6), min_size=2, max_size=5),
       act=st.sampled_from(HIDDEN), out=st.sampled_from(OUT_LOSS), seed=st.integers(0, 10**6))
def test_backprop_property_random_shapes(arch, act, out, seed):
    out_act, loss = out
    if out_act == "softmax" and arch[-1] < 2:
        arch[-1] = 2
    net, x, t = random_problem(arch, act, out_act, seed)
    gws, gbs = net.backprop(x, t, loss)
    for g, w in zip(list(gws) + list(gbs), list(net.ws) + list(net.bs), strict=True):
        assert g.shape == w.shape and g.dtype == np.float64
    fws, fbs = nn.finite_diff(net, x, t, loss, eps=1e-6)
    assert np.allclose(flat(gws, gbs), flat(fws, fbs), rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("out_act", ["linear", "tanh", "softmax", "sigmoid"])
def test_input_grad_matches_finite_differences(out_act):
    net, x, _ = random_problem([4, 7, 5, 3], "sin", out_act, seed=3)
    jac = net.input_grad(x)
    assert jac.shape == (6, 3, 4)
    eps = 1e-6
    num = np.stack([(net.forward(x + eps * e) - net.forward(x - eps * e)) / (2 * eps)
                    for e in np.eye(4)], axis=-1)
    assert rel_err(jac, num) < 1e-7
    assert net.input_grad(x[0]).shape == (3, 4)


def test_cost_closed_forms():
    net, x, t = random_problem([3, 4, 3], "tanh", "softmax", seed=5)
    y = net.forward(x)
    assert net.cost(x, t, "mse") == pytest.approx(np.mean(np.sum((y - t) ** 2, axis=1)))
    assert net.cost(x, t, "ce") == pytest.approx(np.mean(-np.sum(t * np.log(y), axis=1)))


def test_ce_of_a_sigmoid_output_is_binary_cross_entropy_per_output():
    """loss "ce" on sigmoid outputs: -t log y - (1 - t) log (1 - y), summed over outputs and
    averaged over samples; its gradient at the logits is (y - t) / n, so a point the net is
    sure of and wrong about still pulls hard (mse's y (1 - y) factor vanishes there)."""
    net, x, t = random_problem([3, 4, 2], "tanh", "sigmoid", seed=6)
    y = net.forward(x)
    bce = np.mean(np.sum(-t * np.log(y) - (1 - t) * np.log(1 - y), axis=1))
    assert net.cost(x, t, "ce") == pytest.approx(bce, rel=1e-12)
    assert net.evaluate(x, t, "ce")[1] == np.mean(y.argmax(1) == t.argmax(1))
    sure = nn.MLP([1, 1], out_act="sigmoid", dtype=np.float64)
    sure.ws[0] = [[-30.0]]                                   # y = sigmoid(-30), target 1
    for loss, pull in (("ce", 1.0), ("mse", 1e-12)):
        gw = sure.backprop([[1.0]], [[1.0]], loss)[0][0][0, 0]
        assert abs(gw) == pytest.approx(pull, rel=0.01) if loss == "ce" else abs(gw) < pull
    assert sure.cost([[1.0]], [[1.0]], "ce") == pytest.approx(30.0, rel=1e-9)
    sure.ws[0] = [[-1000.0]]                                 # no overflow: log1p(exp(-|z|))
    assert sure.cost([[1.0]], [[1.0]], "ce") == pytest.approx(1000.0)
    with pytest.raises(ValueError, match=r"t must hold probabilities in \[0, 1\] for loss 'ce' "
                                         r"with a sigmoid output, got t\[0, 0\] = 2.0"):
        sure.cost([[1.0]], [[2.0]], "ce")


def test_binary_ce_of_a_sure_and_right_float32_net_is_its_small_positive_cost():
    """A float32 net sure of 400 points and right about them (logits 15..40 of the targets'
    sign): its ce is the mean of log(1 + exp(-|z|)) (about 1e-8 per point) to float32
    precision, and above zero. Sums of max(z, 0) and of z t taken apart cancel to far more
    than that, of either sign."""
    for seed in range(5):
        rng = np.random.default_rng(seed)
        z = (rng.uniform(15, 40, (400, 1)) * rng.choice([-1, 1], (400, 1))).astype(np.float32)
        net = nn.MLP([1, 1], out_act="sigmoid", dtype=np.float32)
        net.ws[0], net.bs[0] = [[1.0]], [0.0]
        t = (z > 0).astype(np.float32)
        want = np.log1p(np.exp(-np.abs(z.astype(np.float64)))).mean()
        got = net.cost(z, t, "ce")
        assert got > 0 and got == pytest.approx(want, rel=1e-4), (seed, got, want)


def test_ce_is_stable_for_huge_logits():
    net = nn.MLP([1, 2], out_act="softmax", dtype=np.float64)
    net.ws[0] = [[1000.0, -1000.0]]
    c = net.cost([[1.0]], [[0.0, 1.0]], "ce")
    assert c == pytest.approx(2000.0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_activations_are_looked_up_when_called(monkeypatch):
    # an activation registered after import, as a pair (f, df): forward, backprop and
    # input_grad must use it, with its derivative right
    swish = (lambda z: z * sigmoid(z),
             lambda z, y: sigmoid(z) * (1 + z * (1 - sigmoid(z))))
    monkeypatch.setitem(nn.ACTIVATIONS, "swish", swish)
    net, x, t = random_problem([3, 5, 2], "swish", "swish", seed=2)
    h = swish[0](x @ net.ws[0] + net.bs[0])
    np.testing.assert_allclose(net.forward(x), swish[0](h @ net.ws[1] + net.bs[1]), rtol=1e-12)
    gws, gbs = net.backprop(x, t)
    assert rel_err(flat(gws, gbs), flat(*nn.finite_diff(net, x, t))) < 1e-6
    # an entry replaced after the net was built takes effect at the next call
    before = net.forward(x)
    monkeypatch.setitem(nn.ACTIVATIONS, "swish", (np.tanh, lambda z, y: 1 - y * y, False))
    after = net.forward(x)
    np.testing.assert_allclose(after, np.tanh(np.tanh(x @ net.ws[0] + net.bs[0]) @ net.ws[1]
                                              + net.bs[1]), rtol=1e-12)
    assert not np.allclose(before, after)


# --- forward --------------------------------------------------------------------------------


def test_forward_shapes_trace_and_hand_computed_values():
    net = nn.MLP.from_arrays([np.array([[1.0, -2.0]]), np.array([[3.0], [0.5]])],
                             [np.array([0.5, 0.0]), np.array([-1.0])], act="relu")
    x = np.array([[2.0], [-1.0]])
    acts = net.forward(x, trace=True)
    np.testing.assert_allclose(acts[1], [[2.5, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(acts[2], [[6.5], [0.0]])
    assert net.forward(np.array([2.0])).shape == (1,)
    assert [a.shape for a in net.forward(np.array([2.0]), trace=True)] == [(1,), (2,), (1,)]
    assert net.forward(x).dtype == np.float64           # from_arrays keeps float64 weights
    assert nn.MLP([1, 2, 1]).forward(x).dtype == np.float32


def test_ws_are_views_and_assignment_copies_into_place():
    net = nn.MLP([2, 3, 1], seed=0)
    w = np.arange(6, dtype=np.float32).reshape(2, 3)
    net.ws[0] = w
    assert np.shares_memory(net.ws[0], net._flat)
    np.testing.assert_array_equal(net.ws[0], w)
    with pytest.raises(ValueError, match=r"ws\[0\] must have shape \(2, 3\), got \(3, 2\)"):
        net.ws[0] = w.T


def test_inits_follow_their_formulas():
    net = nn.MLP([400, 300, 300], act="tanh", init="normal", sigma_w=2.5, sigma_b=0.3, seed=0)
    assert np.std(net.ws[0]) == pytest.approx(2.5 / np.sqrt(400), rel=0.02)
    assert np.std(net.bs[0]) == pytest.approx(0.3, rel=0.15)
    he = nn.MLP([500, 400], act="relu", out_act="relu", seed=1)
    assert np.std(he.ws[0]) == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    xa = nn.MLP([500, 300], seed=1)
    assert np.std(xa.ws[0]) == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    un = nn.MLP([50, 60], init="uniform", low=-0.5, high=0.25, seed=2)
    assert un.ws[0].min() >= -0.5 and un.ws[0].max() <= 0.25
    assert np.mean(un.ws[0]) == pytest.approx(-0.125, abs=0.01)
    a, b = nn.MLP([3, 4, 2], seed=7), nn.MLP([3, 4, 2], seed=7)
    np.testing.assert_array_equal(a._flat, b._flat)


# --- optimizers, weight decay, dropout -------------------------------------------------------


def test_sgd_momentum_and_weight_decay_follow_the_formula():
    net, x, t = random_problem([3, 4, 2], "tanh", "linear", seed=9)
    lr, mu, wd = 0.1, 0.9, 0.01
    opt = nn.SGD(lr, momentum=mu, weight_decay=wd)
    w0, b0 = net.ws[0].copy(), net.bs[0].copy()
    gws, gbs = net.backprop(x, t)
    opt.step(net, gws, gbs)
    v_w, v_b = gws[0] + wd * w0, gbs[0]
    np.testing.assert_allclose(net.ws[0], w0 - lr * v_w, rtol=1e-12)
    np.testing.assert_allclose(net.bs[0], b0 - lr * v_b, rtol=1e-12)      # no decay on biases
    w1, b1 = net.ws[0].copy(), net.bs[0].copy()
    gws, gbs = net.backprop(x, t)
    opt.step(net, gws, gbs)
    v_w, v_b = mu * v_w + gws[0] + wd * w1, mu * v_b + gbs[0]
    np.testing.assert_allclose(net.ws[0], w1 - lr * v_w, rtol=1e-12)
    np.testing.assert_allclose(net.bs[0], b1 - lr * v_b, rtol=1e-12)


def test_adam_first_steps_follow_the_published_rule():
    net, x, t = random_problem([2, 3, 1], "tanh", "linear", seed=4)
    lr, (b1, b2), eps, wd = 0.05, (0.8, 0.95), 1e-8, 0.1
    opt = nn.Adam(lr, betas=(b1, b2), eps=eps, weight_decay=wd)
    p = flat(net.ws, net.bs).copy()
    nw = sum(w.size for w in net.ws)
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for k in range(1, 4):
        g = flat(*net.backprop(x, t))
        opt.step(net, *net.backprop(x, t))
        g[:nw] += wd * p[:nw]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat, vhat = m / (1 - b1 ** k), v / (1 - b2 ** k)
        p = p - lr * mhat / (np.sqrt(vhat) + eps)
        np.testing.assert_allclose(flat(net.ws, net.bs), p, rtol=1e-10, atol=1e-12)


def test_adam_follows_the_rule_when_its_betas_change():
    net, x, t = random_problem([3, 4, 2], "tanh", "linear", seed=5)
    opt = nn.Adam(0.01)
    p, m, v = flat(net.ws, net.bs).copy(), 0.0, 0.0
    for k in range(1, 7):
        if k == 4:
            opt.betas = (0.5, 0.9)
        b1, b2 = opt.betas
        g = flat(*net.backprop(x, t))
        opt.step(net, *net.backprop(x, t))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - 0.01 * (m / (1 - b1 ** k)) / (np.sqrt(v / (1 - b2 ** k)) + 1e-8)
        np.testing.assert_allclose(flat(net.ws, net.bs), p, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: nn.SGD(0.1, momentum=0.5, l1=0.3),
                                  lambda: nn.Adam(0.1, l1=0.3)])
def test_l1_shrinks_the_weights_after_the_update_and_stops_them_at_zero(make):
    """L1's proximal step: after the optimizer's own update, every weight moves lr * l1 towards
    0 and one that would cross it is 0; the biases take the plain update. Compared with the same
    optimizer without l1 followed by the soft threshold, step by step."""
    net, x, t = random_problem([3, 5, 2], "tanh", "linear", seed=3)
    plain, opt, ref = net.copy(), make(), make()
    ref.l1 = 0.0
    nw = sum(w.size for w in net.ws)
    for _ in range(4):
        opt.step(net, *net.backprop(x, t))
        ref.step(plain, *plain.backprop(x, t))
        w = plain._flat[:nw]
        w[...] = np.sign(w) * np.maximum(np.abs(w) - 0.1 * 0.3, 0.0)
        np.testing.assert_allclose(net._flat, plain._flat, rtol=1e-10, atol=1e-12)
    zeros = np.count_nonzero(net._flat[:nw] == 0)
    assert zeros > 0 and np.count_nonzero(net._flat[nw:] == 0) == 0


def test_l1_refuses_a_negative_rate():
    with pytest.raises(ValueError, match="l1 must be"):
        nn.SGD(0.1, l1=-1.0)
    opt = nn.Adam()
    with pytest.raises(ValueError, match="l1 must be"):
        opt.l1 = float("nan")


def test_optimizer_accepts_plain_gradient_lists():
    net, x, t = random_problem([2, 3, 1], "tanh", "linear", seed=4)
    other = net.copy()
    gws, gbs = net.backprop(x, t)
    nn.SGD(0.1).step(net, gws, gbs)
    nn.SGD(0.1).step(other, [g.copy() for g in gws], [g.copy() for g in gbs])
    np.testing.assert_array_equal(net._flat, other._flat)
    with pytest.raises(ValueError, match=r"gws\[0\] must have shape \(2, 3\)"):
        nn.SGD(0.1).step(net, [np.zeros((3, 2)), gws[1]], gbs)


def test_dropout_gradient_matches_fixed_mask_reference():
    p = 0.4
    net, x, t = random_problem([3, 6, 5, 2], "tanh", "linear", seed=11)
    net.dropout = p
    gws, gbs = net.backprop(x, t, "mse", rng=np.random.default_rng(42))
    rng = np.random.default_rng(42)           # the masks the net drew, in the same order
    masks = [(rng.random((6, n)) >= p) / (1 - p) for n in (6, 5)]

    def cost(params):
        w0, w1, w2, b0, b1, b2 = params
        a = np.tanh(x @ w0 + b0) * masks[0]
        a = np.tanh(a @ w1 + b1) * masks[1]
        y = a @ w2 + b2
        return np.mean(np.sum((y - t) ** 2, axis=1))

    params = [w.copy() for w in net.ws] + [b.copy() for b in net.bs]
    num = []
    for q in params:
        g = np.zeros_like(q)
        for i in np.ndindex(q.shape):
            old = q[i]
            q[i] = old + 1e-6
            cp = cost(params)
            q[i] = old - 1e-6
            cm = cost(params)
            q[i] = old
            g[i] = (cp - cm) / 2e-6
        num.append(g)
    assert rel_err(flat(gws, gbs), flat(num[:3], num[3:])) < 1e-6
    np.testing.assert_array_equal(net.forward(x), net.forward(x))   # inference never drops


def test_inverted_dropout_keeps_the_expected_output():
    """A linear net's output bias gradient is 2 * mean(y - t): with inverted dropout the mean
    over a large batch equals the no-dropout one (without the 1 / (1 - p) scale it would be 30%
    lower), and each dropped pass really differs."""
    net = nn.MLP([1, 64, 1], act="linear", out_act="linear", dropout=0.3, seed=2,
                 dtype=np.float64)
    net.bs[0][:] = 1.0
    x, t = np.ones((20_000, 1)), np.zeros((20_000, 1))
    plain = net.copy()
    plain.dropout = 0.0
    want = plain.backprop(x, t, "mse")[1][-1]
    got = np.mean([net.backprop(x, t, "mse", rng=np.random.default_rng(k))[1][-1]
                   for k in range(8)], axis=0)               # 8 x 20000 masks: 1% noise
    assert got == pytest.approx(want, rel=0.04)
    a = net.backprop(x[:8], t[:8], "mse", rng=np.random.default_rng(1))[0][0]
    b = net.backprop(x[:8], t[:8], "mse", rng=np.random.default_rng(2))[0][0]
    assert not np.allclose(a, b)


def test_backprop_writes_into_out_and_only_there():
    """Without out every call gives new arrays (a held result stays as it was); with out=g the
    gradients land in g's own arrays, equal to a fresh call's, and g is what is returned."""
    net = nn.MLP([2, 3, 1], seed=0)
    rng = np.random.default_rng(0)
    batches = [(rng.normal(size=(4, 2)).astype(np.float32),
                rng.normal(size=(4, 1)).astype(np.float32)) for _ in range(3)]
    held = net.backprop(*batches[0])
    want = flat(*held).copy()
    g = net.backprop(*batches[1])
    assert not np.shares_memory(g[0].flat, held[0].flat)
    arrays = [*g[0], *g[1]]
    for xb, tb in batches * 2:
        got = net.backprop(xb, tb, out=g)
        assert got is g and all(a is b for a, b in zip([*got[0], *got[1]], arrays))
        fresh = nn.MLP([2, 3, 1], seed=0).backprop(xb.astype(np.float64), tb.tolist())
        assert np.array_equal(flat(*got), flat(*fresh).astype(np.float32))
    assert np.array_equal(flat(*held), want)
    mine = ([np.zeros_like(w) for w in net.ws], [np.zeros_like(b) for b in net.bs])
    net.backprop(*batches[2], out=mine)
    assert np.array_equal(flat(*mine), flat(*net.backprop(*batches[2])))


@pytest.mark.parametrize("out,words", [
    ("g", "out must be a pair"),
    ((["a"], []), "out's gws must be a list of 2 arrays, got 1 items"),
    (([np.zeros((2, 3))], None), "out's gws must be a list of 2 arrays"),
    (("f64", None), "out's gws[0] must be a writable C-contiguous float32 array of shape (2, 3), "
                    "got float64 (2, 3)"),
    (("own", None), "out's gws[0] must not be the net's own parameters"),
])
def test_backprop_refuses_an_out_it_cannot_fill(out, words):
    net = nn.MLP([2, 3, 1], seed=0)
    x, t = np.zeros((4, 2), np.float32), np.zeros((4, 1), np.float32)
    if out[0] == "f64":
        out = ([w.astype(np.float64) for w in net.ws], [b.copy() for b in net.bs])
    elif out[0] == "own":
        out = (net.ws, net.bs)
    with pytest.raises((TypeError, ValueError), match=re.escape(words)):
        net.backprop(x, t, out=out)


def test_large_batches_give_the_gradients_of_their_parts():
    """A batch large enough for training's blocked bias add (with rows left over) has the
    sample-weighted mean of the gradients of its two halves, which are added row by row."""
    net = nn.MLP([3, 50, 40, 2], dtype=np.float64, seed=3)
    for b in net.bs:
        b[...] = np.linspace(-1, 1, b.size)
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(1003, 3)), rng.normal(size=(1003, 2))
    whole = flat(*net.backprop(x, t))
    parts = [flat(*net.backprop(x[s], t[s])) * len(x[s]) for s in (slice(0, 501),
                                                                      slice(501, None))]
    np.testing.assert_allclose(whole, sum(parts) / len(x), rtol=1e-10, atol=1e-13)
    step = next(nn.train(net.copy(), x, t, opt=nn.SGD(0.1), shuffle=False))
    assert step.cost == pytest.approx(net.cost(x, t), rel=1e-12)


def test_backprop_of_ready_arrays_is_checked_like_any_input():
    """C-contiguous arrays of the net's dtype skip the conversions, not the checks."""
    net = nn.MLP([2, 3, 1], seed=0)
    soft = nn.MLP([2, 3, 2], out_act="softmax", seed=0)
    x, t = np.zeros((4, 2), np.float32), np.zeros((4, 1), np.float32)

    def with_(a, i, v):
        a = a.copy()
        a[i] = v
        return a

    for bad, name, i in [(with_(x, (2, 1), np.nan), "x", r"\(2, 1\)"),
                         (with_(x, (0, 0), -np.inf), "x", r"\(0, 0\)"),
                         (with_(t, (3, 0), np.inf), "t", r"\(3, 0\)")]:
        args = (bad, t) if name == "x" else (x, bad)
        with pytest.raises(ValueError, match=rf"{name} holds NaN or inf \(first at index {i}"):
            net.backprop(*args)
    big = np.full((4, 2), 1e30, np.float32)          # its sum of squares overflows: still fine
    assert all(np.isfinite(g).all() for g in net.backprop(big, t)[1])
    onehot = np.eye(2, dtype=np.float32)[[0, 1, 1, 0]]
    with pytest.raises(ValueError, match=r"t must hold probabilities.*row 0 summing to 2"):
        soft.backprop(x, 2 * onehot, "ce")
    with pytest.raises(ValueError, match=r"t holds NaN"):
        soft.backprop(x, with_(onehot, (1, 1), np.nan), "ce")
    with pytest.raises(ValueError, match=r"loss 'ce' needs out_act='softmax'"):
        net.backprop(x, t, "ce")


# --- training ---------------------------------------------------------------------------------

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
XOR_T = np.array([[0], [1], [1], [0]], np.float32)


def test_xor_learns_to_small_cost():
    net = nn.MLP([2, 2, 1], act="sigmoid", out_act="sigmoid", seed=1)
    hist = nn.fit(net, XOR_X, XOR_T, opt=nn.Adam(0.1), epochs=3000)
    assert net.cost(XOR_X, XOR_T) < 1e-3
    assert len(hist["cost"]) == 3000 and hist["cost"][-1] < hist["cost"][0]


def test_adder_is_exact_on_every_input():
    bits = 2
    x, t = adder(bits)
    a = x[:, :bits] @ (1 << np.arange(bits))
    b = x[:, bits:] @ (1 << np.arange(bits))
    np.testing.assert_array_equal(t @ (1 << np.arange(bits + 1)), a + b)
    net = nn.MLP([2 * bits, 4 * bits, bits + 1], act="sigmoid", out_act="sigmoid", seed=0)
    nn.fit(net, x, t, opt=nn.Adam(0.05), epochs=4000)
    np.testing.assert_array_equal(net.forward(x) > 0.5, t > 0.5)


def spiral(n, seed=0):
    rng = np.random.default_rng(seed)
    r = np.sqrt(rng.random(n)) * 3.0
    k = rng.integers(0, 2, n)
    th = r * 2.2 + np.pi * k
    x = np.stack([r * np.cos(th), r * np.sin(th)], 1) + rng.normal(0, 0.05, (n, 2))
    return x.astype(np.float32), np.eye(2, dtype=np.float32)[k]


def test_spiral_reaches_high_accuracy():
    x, t = spiral(600)
    xv, tv = spiral(400, seed=1)
    net = nn.MLP([2, 32, 32, 2], act="tanh", out_act="softmax", seed=0)
    hist = nn.fit(net, x, t, loss="ce", opt=nn.Adam(0.01), epochs=300, batch_size=64, seed=0,
                  x_val=xv, t_val=tv)
    assert hist["acc"][-1] > 0.95 and hist["val_acc"][-1] > 0.95
    assert hist["val_acc"][-1] == pytest.approx(net.accuracy(xv, tv))


def test_train_yields_every_step_and_fit_history_adds_up():
    x, t = spiral(100)
    net = nn.MLP([2, 8, 2], out_act="softmax", seed=0)
    steps = list(nn.train(net.copy(), x, t, "ce", nn.SGD(0.1), epochs=3, batch_size=32, seed=1))
    assert [s.step for s in steps] == list(range(12))
    assert [s.epoch for s in steps] == [0] * 4 + [1] * 4 + [2] * 4
    seen = []
    hist = nn.fit(net, x, t, "ce", nn.SGD(0.1), epochs=3, batch_size=32, seed=1,
                  callback=lambda e, h: seen.append(e))
    sizes = np.array([32, 32, 32, 4])
    np.testing.assert_allclose(hist["cost"][0], (sizes * [s.cost for s in steps[:4]]).sum() / 100,
                               rtol=1e-6)
    assert seen == [1, 2, 3]
    stopped = nn.fit(net, x, t, "ce", epochs=10, callback=lambda e, h: e < 2)
    assert len(stopped["cost"]) == 2


def test_divergence_stops_and_keeps_last_finite_weights():
    x = np.linspace(-1, 1, 16, dtype=np.float32)[:, None]
    net = nn.MLP([1, 8, 1], act="linear", seed=0)
    seen = [net._flat.copy()]
    with pytest.raises(nn.DivergedError, match="diverged"), np.errstate(all="ignore"):
        for _ in nn.train(net, x, 3 * x, opt=nn.SGD(50.0), epochs=1000):
            seen.append(net._flat.copy())
    # the weights in place are those that gave the last finite cost (before its update)
    np.testing.assert_array_equal(net._flat, seen[-2])
    assert np.isfinite(net.cost(x, 3 * x))


def test_verbose_prints_one_line_per_epoch(capsys):
    net = nn.MLP([2, 2, 1], seed=0)
    nn.fit(net, XOR_X, XOR_T, epochs=3, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("epoch 3/3  cost ")


# --- save / load --------------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    net = nn.MLP([3, 5, 4, 2], act=["relu", "sin"], out_act="softmax", dtype=np.float64, seed=3,
                 dropout=0.25)
    path = tmp_path / "m.npz"
    net.save(path)
    back = nn.MLP.load(path)
    assert back.arch == net.arch and back.acts == net.acts and back.dtype == np.float64
    assert back.dropout == 0.25
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(back.forward(x), net.forward(x))
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_bad_files_are_rejected_clearly(tmp_path):
    good = tmp_path / "good.npz"
    nn.MLP([2, 3, 1], seed=0).save(good)
    raw = good.read_bytes()
    cases = {"truncated.npz": raw[: len(raw) // 2], "garbage.npz": b"not a zip at all" * 10,
             "pickled.npz": pickle.dumps({"arch": [2, 3, 1]})}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    np.savez(tmp_path / "foreign.npz", a=np.zeros(3))
    np.savez(tmp_path / "objects.npz", format=np.array(["nn.MLP/1", None], dtype=object))
    w = dict(np.load(good))
    w["w0"] = w["w0"].T.copy()
    np.savez(tmp_path / "shape.npz", **w)
    w = dict(np.load(good))
    w["b1"] = np.array([np.nan], np.float32)
    np.savez(tmp_path / "nan.npz", **w)
    w = dict(np.load(good))
    w["acts"] = np.array(["tanh", "swish"])
    np.savez(tmp_path / "act.npz", **w)
    for name in list(cases) + ["foreign.npz", "objects.npz", "shape.npz", "nan.npz", "act.npz"]:
        with pytest.raises(ValueError, match=name):
            nn.MLP.load(tmp_path / name)


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    old = nn.MLP([2, 3, 1], seed=0)
    old.save(path)
    before = path.read_bytes()

    def broken(f, **arrays):
        f.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        nn.MLP([2, 3, 1], seed=1).save(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]
    monkeypatch.undo()
    assert zipfile.is_zipfile(path)


# --- bad input: one clear error naming the argument, expectation and value ------------------------

BAD_NETS = [
    (dict(arch=[]), ValueError, r"arch needs at least 2 sizes"),
    (dict(arch=[2]), ValueError, r"arch needs at least 2 sizes.*\[2\]"),
    (dict(arch=[2, 0, 1]), ValueError, r"arch\[1\] must be >= 1, got 0"),
    (dict(arch=[2, -3, 1]), ValueError, r"arch\[1\] must be >= 1, got -3"),
    (dict(arch=[2, 2.5, 1]), TypeError, r"arch\[1\] must be an int, got float 2.5"),
    (dict(arch="2,3,1"), TypeError, r"arch must be a sequence"),
    (dict(arch=5), TypeError, r"arch must be a sequence"),
    (dict(arch=[2, 3, 1], act="swish"), ValueError, r"act must be one of .*got 'swish'"),
    (dict(arch=[2, 3, 1], out_act="gelu"), ValueError, r"out_act must be one of .*got 'gelu'"),
    (dict(arch=[2, 3, 1], act="softmax"), ValueError, r"softmax is only allowed as out_act"),
    (dict(arch=[2, 3, 3, 1], act=["tanh"]), ValueError, r"act has 1 names, the net has 2 hidden"),
    (dict(arch=[2, 3, 1], act=3), TypeError, r"act must be a name or a list"),
    (dict(arch=[2, 3, 1], init="zeros"), ValueError, r"init must be one of .*got 'zeros'"),
    (dict(arch=[2, 3, 1], init="he", sigma_w=2.0), ValueError, r"sigma_w and sigma_b apply"),
    (dict(arch=[2, 3, 1], dtype=np.int32), ValueError, r"dtype must be np.float32 or np.float64"),
    (dict(arch=[2, 3, 1], dropout=1.0), ValueError, r"dropout must be a number in \[0, 1\)"),
]


@pytest.mark.parametrize("kwargs,exc,msg", BAD_NETS)
def test_bad_constructor_arguments(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        nn.MLP(**kwargs)


def test_bad_data_arguments():
    net = nn.MLP([2, 3, 1], seed=0)
    soft = nn.MLP([2, 3, 2], out_act="softmax", seed=0)
    x, t = np.zeros((4, 2)), np.zeros((4, 1))
    checks = [
        (lambda: net.forward(np.zeros((4, 3))), ValueError, r"x has 3 columns, the net takes 2"),
        (lambda: net.forward(np.zeros((4, 2, 1))), ValueError, r"x must have shape \(n, 2\)"),
        (lambda: net.forward(np.zeros((0, 2))), ValueError, r"x has no samples"),
        (lambda: net.forward([[0, np.nan]]), ValueError, r"x holds NaN or inf .*index \(0, 1\)"),
        (lambda: net.forward([[0, np.inf]]), ValueError, r"x holds NaN or inf"),
        (lambda: net.forward("ab"), TypeError, r"x must be a numeric array, got str"),
        (lambda: net.forward([["a", "b"]]), TypeError, r"x must hold numbers, got dtype <U1"),
        (lambda: net.forward([[1, 2], [3]]), ValueError, r"x must be a rectangular"),
        (lambda: net.cost(x, np.zeros((4, 2))), ValueError, r"t must have shape \(n, 1\).*"
                                                            r"got \(4, 2\)"),
        (lambda: net.cost(x, np.zeros((3, 1))), ValueError, r"x has 4 samples but t has 3"),
        (lambda: net.cost(x, t, "hinge"), ValueError, r"loss must be one of .*got 'hinge'"),
        (lambda: net.cost(x, t, "ce"), ValueError, r"loss 'ce' needs out_act='softmax'.*"
                                                   r"'linear'"),
        (lambda: soft.backprop(x, [[np.nan, 0]] * 4, "ce"), ValueError, r"t holds NaN"),
        (lambda: nn.SGD(0), ValueError, r"lr must be a finite number > 0, got 0"),
        (lambda: nn.SGD(-1.0), ValueError, r"lr must be a finite number > 0, got -1.0"),
        (lambda: nn.SGD(0.1, momentum=-1), ValueError, r"momentum must be a finite number >= 0"),
        (lambda: nn.Adam(betas=(0.9, 1.0)), ValueError, r"betas must be two numbers in \[0, 1\)"),
        (lambda: nn.fit(net, x, t, epochs=0), ValueError, r"epochs must be an integer >= 1, got 0"),
        (lambda: nn.fit(net, x, t, batch_size=0), ValueError, r"batch_size must be an integer"),
        (lambda: nn.fit(net, x, t, opt="adam"), TypeError, r"opt must be an optimizer.*str"),
        (lambda: nn.fit(net, x, t, x_val=x), ValueError, r"x_val and t_val must be given "
                                                         r"together"),
        (lambda: nn.fit(net, x, t, x_val=x, t_val=np.zeros((4, 3))), ValueError,
         r"t_val must have shape \(n, 1\)"),
        (lambda: nn.MLP.from_arrays([np.zeros((2, 3))], [np.zeros(4)]), ValueError,
         r"bs\[0\] must have shape \(3,\), got \(4,\)"),
        (lambda: nn.MLP.from_arrays([np.zeros((2, 3)), np.zeros((4, 1))],
                                    [np.zeros(3), np.zeros(1)]),
         ValueError, r"ws\[1\] has 4 rows, layer 1 has 3"),
        (lambda: nn.MLP.from_arrays(np.zeros((2, 3)), [np.zeros(3)]), TypeError,
         r"ws and bs must be lists of arrays"),
    ]
    for fn, exc, msg in checks:
        with pytest.raises(exc, match=msg):
            fn()


def test_load_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        nn.MLP.load(tmp_path / "nope.npz")


def test_a_negative_zero_scale_is_zero():
    """-0.0 passes the >= 0 check, and numpy's normal() refuses it as a scale: nn takes it as 0."""
    net = nn.MLP([2, 3, 1], init="normal", sigma_w=1.0, sigma_b=-0.0, seed=0)
    np.testing.assert_array_equal(net.bs[0], np.zeros(3))
    flat = nn.MLP([2, 3, 1], init="normal", sigma_w=-0.0, seed=0)
    assert not flat.ws[0].any()
    assert nn.SGD(0.1, weight_decay=-0.0).weight_decay == 0.0


def test_fit_calls_a_step_set_on_the_optimizer_or_its_subclass():
    """fit's loop skips step()'s argument checks for nn's own optimizers, but a step set on
    the instance or a subclass's own step is what it calls, once per batch."""
    x = np.zeros((8, 2), np.float32)
    t = np.ones((8, 1), np.float32)
    calls = []

    class Counted(nn.SGD):
        def step(self, net, gws, gbs):
            calls.append("subclass")
            super().step(net, gws, gbs)

    opt = nn.SGD(0.1)
    plain = opt.step
    opt.step = lambda net, gws, gbs: (calls.append("instance"), plain(net, gws, gbs))
    for o in (opt, Counted(0.1)):
        nn.fit(nn.MLP([2, 3, 1], seed=0), x, t, opt=o, epochs=2, batch_size=4)
    assert calls == ["instance"] * 4 + ["subclass"] * 4


def test_the_sigmoid_of_the_table_takes_lists_and_both_dtypes():
    f, df, _ = nn.ACTIVATIONS["sigmoid"]
    z = np.array([-3.0, 0.0, 2.0])
    expect = 1.0 / (1.0 + np.exp(-z))
    np.testing.assert_allclose(f(list(z)), expect, rtol=1e-12)
    np.testing.assert_allclose(f(z.astype(np.float32)), expect, rtol=1e-6)
    assert f(z.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(df(None, list(expect)), expect * (1 - expect), rtol=1e-12)


# --- the training loop's reports and its last step ---------------------------------------------


@pytest.mark.parametrize("run,said", [
    (lambda net, x, t, opt: nn.fit(net, x, t, opt=opt, epochs=1), "its last update made the "
                                                                  "cost inf at step 0"),
    (lambda net, x, t, opt: list(nn.train(net, x, t, opt=opt, epochs=1)), "its last update"),
    (lambda net, x, t, opt: list(nn.train(net, x, t, opt=opt, epochs=2, batch_size=4)),
     "cost became inf at step 1"),
])
def test_a_last_update_that_makes_the_cost_infinite_raises_with_the_last_finite_weights(run,
                                                                                        said):
    """SGD at 1e37 leaves weights near 2.5e37, finite in float32, whose cost is inf: the last
    update is checked by the cost it leaves, as every other is by the next step's; no numpy
    warning on the way, and the caller's numpy settings are as they were."""
    import warnings

    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(8, 2)).astype(np.float32), np.ones((8, 1), np.float32)
    net = nn.MLP([2, 3, 1], seed=0)
    settings = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nn.DivergedError, match=said):
            run(net, x, t, nn.SGD(1e37))
    assert np.geterr() == settings
    assert np.isfinite(net.cost(x, t)) and np.abs(net._flat).max() < 1e3


def test_a_finite_run_still_trains_its_last_step():
    net, x, t = random_problem([2, 3, 1], "tanh", "linear", seed=1)
    ref = net.copy()
    nn.fit(net, x, t, opt=nn.SGD(0.1), epochs=3, shuffle=False)
    opt = nn.SGD(0.1)
    for _ in range(3):
        opt.step(ref, *ref.backprop(x, t))
    np.testing.assert_allclose(net._flat, ref._flat, rtol=1e-12)


@pytest.mark.parametrize("out_act,loss", [("softmax", "ce"), ("sigmoid", "ce"), ("tanh", "mse"),
                                          ("linear", "mse")])
def test_the_cost_a_step_reports_is_net_cost_on_its_weights_and_batch(out_act, loss):
    """Each Step's cost is the batch's cost before the update, as net.cost computes it
    (an independent path: the softmax's cost from the logits' max shift, say)."""
    rng = np.random.default_rng(3)
    x = rng.normal(0, 3, (12, 3)).astype(np.float32)
    t = rng.random((12, 4)).astype(np.float32)
    if out_act == "softmax":
        t = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 12)]
    elif loss == "ce":
        t = (t > 0.5).astype(np.float32)
    net = nn.MLP([3, 8, 4], act="tanh", out_act=out_act, seed=3, sigma_w=3.0, sigma_b=1.0,
                 init="normal")
    steps = nn.train(net, x, t, loss, nn.Adam(0.05), epochs=None, batch_size=5, shuffle=False)
    for k in range(12):
        before = net.copy()
        s = next(steps)
        i = (k % 3) * 5
        assert s.cost == pytest.approx(before.cost(x[i:i + 5], t[i:i + 5], loss), rel=1e-5)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_takes_a_new_learning_rate_at_the_next_step(momentum):
    net, x, t = random_problem([2, 3, 2], "tanh", "linear", seed=6)
    opt = nn.SGD(0.1, momentum=momentum)
    v = np.zeros_like(net._flat)
    for lr in (0.1, 0.02, 0.5):
        opt.lr = lr
        p, g = net._flat.copy(), flat(*net.backprop(x, t))
        opt.step(net, *net.backprop(x, t))
        v = momentum * v + g
        np.testing.assert_allclose(net._flat, p - lr * v, rtol=1e-12)


def test_softmax_needs_two_outputs():
    with pytest.raises(ValueError, match=r"out_act softmax needs at least 2 outputs .* got arch "
                                         r"\[2, 3, 1\]"):
        nn.MLP([2, 3, 1], out_act="softmax")
    with pytest.raises(ValueError, match="softmax needs at least 2 outputs"):
        nn.MLP.from_arrays([np.zeros((2, 1))], [np.zeros(1)], out_act="softmax")
    assert nn.MLP([2, 3, 2], out_act="softmax").forward(np.zeros(2)).sum() == pytest.approx(1)
