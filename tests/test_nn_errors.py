"""nn.py on bad input: one clear ValueError / TypeError naming the argument, or the right answer.
One row per case of the bad-input issue; a property test over random calls of the public API."""

import io
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def net23():
    return nn.MLP([2, 3, 1], seed=0)


def soft():
    return nn.MLP([2, 3, 2], out_act="softmax", seed=0)


X = np.array([[0.5, -1.0], [1.0, 0.25], [0.0, 2.0], [-0.5, 0.5]])
T = np.array([[1.0], [0.0], [1.0], [0.0]])
ONEHOT = np.eye(2)[[0, 1, 1, 0]]


def _set_ws(net, value):
    net.ws[0] = value


def _two_nets_same_count():
    a = nn.MLP([2, 3, 1], seed=0)            # 6 + 3 weights, 3 + 1 biases: 13
    b = nn.MLP([1, 4, 1], seed=1)            # 4 + 4 weights, 4 + 1 biases: 13
    assert a.n_params == b.n_params and a.arch != b.arch
    return a, b


def _step_with_other_gradients():
    a, b = _two_nets_same_count()
    nn.SGD(0.1).step(a, *b.backprop(np.ones((4, 1)), np.zeros((4, 1))))


# --- the library: what was silently wrong ------------------------------------------------------

SILENT = [
    ("forward 1e39 on float32", lambda: net23().forward(np.array([[1e39, 0.0]])),
     ValueError, r"x\[0, 0\] = 1e\+39 is beyond float32's range"),
    ("cost t 1e39 on float32", lambda: net23().cost(X[:1], [[1e39]]),
     ValueError, r"t\[0, 0\] = 1e\+39 is beyond float32's range"),
    ("ce targets negative", lambda: soft().cost(X, -ONEHOT, "ce"),
     ValueError, r"t must hold probabilities for loss 'ce'.*t\[0, 0\] = -1\.0"),
    ("ce targets not summing to 1", lambda: soft().cost(X, 2 * ONEHOT, "ce"),
     ValueError, r"t must hold probabilities.*row 0 summing to 2"),
    ("fit ce targets negative", lambda: nn.fit(soft(), X, -ONEHOT, "ce"),
     ValueError, r"t must hold probabilities"),
    ("ws[0] = NaN", lambda: _set_ws(net23(), np.full((2, 3), np.nan)),
     ValueError, r"ws\[0\] holds NaN or inf"),
    ("ws[0] = complex", lambda: _set_ws(net23(), np.ones((2, 3)) * 1j),
     TypeError, r"ws\[0\] must hold real numbers, got dtype complex128"),
    ("ws[0] = 1e39 on float32", lambda: _set_ws(net23(), np.full((2, 3), 1e39)),
     ValueError, r"ws\[0\]\[0, 0\] = 1e\+39 is beyond float32's range"),
    ("ws = list of wrong length", lambda: setattr(net23(), "ws", [np.zeros((2, 3))]),
     ValueError, r"ws must be set to a list of 2 arrays, got 1"),
    ("bs = an array", lambda: setattr(net23(), "bs", np.zeros(3)),
     TypeError, r"bs must be set to a list of 2 arrays, got ndarray"),
    ("sigma_w nan", lambda: nn.MLP([2, 3, 1], sigma_w=np.nan),
     ValueError, r"sigma_w must be a finite number >= 0, got nan"),
    ("sigma_w inf", lambda: nn.MLP([2, 3, 1], sigma_w=np.inf),
     ValueError, r"sigma_w must be a finite number >= 0, got inf"),
    ("sigma_w 1e40", lambda: nn.MLP([2, 3, 1], sigma_w=1e40),
     ValueError, r"sigma_w=1e\+40 gives parameters beyond float32's range"),
    ("sigma_b inf", lambda: nn.MLP([2, 3, 1], sigma_b=np.inf),
     ValueError, r"sigma_b must be a finite number >= 0, got inf"),
    ("finite_diff eps=0", lambda: nn.finite_diff(net23(), X, T, eps=0),
     ValueError, r"eps must be a finite number > 0, got 0"),
    ("finite_diff eps<0", lambda: nn.finite_diff(net23(), X, T, eps=-1e-6),
     ValueError, r"eps must be a finite number > 0, got -1e-06"),
    ("step with another net's gradients", _step_with_other_gradients,
     ValueError, r"gws\[0\] must have shape \(2, 3\), got \(1, 4\)"),
    ("fit SGD(1e37) one epoch", lambda: nn.fit(net23(), X, 100 * T + 1, opt=nn.SGD(1e37),
                                               epochs=1),
     nn.DivergedError, r"update made weights non-finite at step 0"),
]

# --- the library: tracebacks and unclear messages ---------------------------------------------

UNCLEAR = [
    ("MLP 10**12 wide", lambda: nn.MLP([2, 10**12, 1]),
     ValueError, r"arch \[2, 1000000000000, 1\] has 4000000000001 parameters \(14\.6 TiB"),
    ("backprop rng=42", lambda: net23().backprop(X, T, rng=42),
     TypeError, r"rng must be None or a numpy Generator.*got int 42"),
    ("uniform low=nan", lambda: nn.MLP([2, 3, 1], init="uniform", low=np.nan),
     ValueError, r"low must be a finite number, got nan"),
    ("uniform high=inf", lambda: nn.MLP([2, 3, 1], init="uniform", high=np.inf),
     ValueError, r"high must be a finite number, got inf"),
    ("Adam betas=0.9", lambda: nn.Adam(betas=0.9),
     ValueError, r"betas must be two numbers in \[0, 1\), got 0\.9"),
    ("Adam betas=(0.9, nan)", lambda: nn.Adam(betas=(0.9, np.nan)),
     ValueError, r"betas must be two numbers in \[0, 1\)"),
    ("dtype foo", lambda: nn.MLP([2, 3, 1], dtype="foo"),
     TypeError, r"dtype must be np.float32 or np.float64, got 'foo'"),
    ("opt is the class", lambda: nn.fit(net23(), X, T, opt=nn.Adam),
     TypeError, r"opt must be an optimizer object such as nn.Adam\(1e-3\), got the class Adam"),
    ("train opt is the class, at the call", lambda: nn.train(net23(), X, T, opt=nn.SGD),
     TypeError, r"opt must be an optimizer object"),
    ("MLP seed=-1", lambda: nn.MLP([2, 3, 1], seed=-1),
     ValueError, r"seed must be None, an integer >= 0 or a numpy Generator, got int -1"),
    ("MLP seed=1.5", lambda: nn.MLP([2, 3, 1], seed=1.5),
     ValueError, r"seed must be None, an integer >= 0 .*got float 1\.5"),
    ("fit seed=-1", lambda: nn.fit(net23(), X, T, seed=-1),
     ValueError, r"seed must be None, an integer >= 0"),
    ("sigma_w=-1", lambda: nn.MLP([2, 3, 1], sigma_w=-1),
     ValueError, r"sigma_w must be a finite number >= 0, got -1"),
    ("low > high", lambda: nn.MLP([2, 3, 1], init="uniform", low=1.0, high=-1.0),
     ValueError, r"low must be <= high, got low=1\.0, high=-1\.0"),
    ("low with init=he", lambda: nn.MLP([2, 3, 1], init="he", low=-1.0),
     ValueError, r"low and high apply to init='uniform', got init='he'"),
    ("callback=5", lambda: nn.fit(net23(), X, T, callback=5),
     TypeError, r"callback must be callable as callback\(epoch, history\), got int 5"),
    ("lr set to -1", lambda: setattr(nn.SGD(0.1), "lr", -1.0),
     ValueError, r"lr must be a finite number > 0, got -1\.0"),
    ("lr complex", lambda: nn.SGD(1j),
     ValueError, r"lr must be a finite number > 0, got 1j"),
    ("dropout set to 1", lambda: setattr(net23(), "dropout", 1.0),
     ValueError, r"dropout must be a number in \[0, 1\), got 1\.0"),
    ("step on a non-net", lambda: nn.SGD(0.1).step("net", [], []),
     TypeError, r"net must be an nn.MLP, got str"),
    ("step gws None", lambda: nn.SGD(0.1).step(net23(), None, None),
     TypeError, r"gws must be a list of 2 arrays, got NoneType"),
    ("finite_diff on a non-net", lambda: nn.finite_diff("net", X, T),
     TypeError, r"net must be an nn.MLP, got str"),
]


@pytest.mark.parametrize("what,fn,exc,msg", SILENT + UNCLEAR, ids=[r[0] for r in SILENT + UNCLEAR])
def test_bad_library_calls(what, fn, exc, msg):
    with np.errstate(all="ignore"), pytest.raises(exc, match=msg):
        fn()


def test_ws_assignment_copies_into_place_and_training_moves_the_weights():
    net = net23()
    net.ws = [w.copy() + 1 for w in net.ws]
    net.bs = [b.copy() for b in net.bs]
    assert all(np.shares_memory(w, net._flat) for w in list(net.ws) + list(net.bs))
    before = [w.copy() for w in net.ws]
    nn.fit(net, X, T, opt=nn.SGD(0.1), epochs=3)
    assert all((w != b).any() for w, b in zip(net.ws, before, strict=True))


def test_one_adam_for_two_nets_keeps_each_nets_moments():
    a, b = nn.MLP([2, 3, 1], seed=0), nn.MLP([2, 3, 1], seed=1)
    ra, rb = a.copy(), b.copy()
    shared, oa, ob = nn.Adam(0.05), nn.Adam(0.05), nn.Adam(0.05)
    for _ in range(5):
        shared.step(a, *a.backprop(X, T))
        shared.step(b, *b.backprop(X, T))
        oa.step(ra, *ra.backprop(X, T))
        ob.step(rb, *rb.backprop(X, T))
    np.testing.assert_array_equal(a._flat, ra._flat)
    np.testing.assert_array_equal(b._flat, rb._flat)


def test_divergence_after_the_last_step_restores_finite_weights():
    net = net23()
    before = net._flat.copy()
    with np.errstate(all="ignore"), pytest.raises(nn.DivergedError):
        nn.fit(net, X, 100 * T + 1, opt=nn.SGD(1e37), epochs=1)
    np.testing.assert_array_equal(net._flat, before)


def test_float32_rounding_of_ce_targets_is_accepted():
    t = np.full((4, 2), 0.5, np.float32) + np.float32(1e-7)
    assert np.isfinite(soft().cost(X, t, "ce"))


def test_training_is_bitwise_reproducible_for_a_seed():
    rng = np.random.default_rng(3)
    x, t = rng.normal(size=(50, 2)), rng.random((50, 1))
    runs = []
    for _ in range(2):
        net = nn.MLP([2, 8, 1], seed=4, dropout=0.2)
        nn.fit(net, x, t, opt=nn.Adam(0.01), epochs=3, batch_size=16, seed=5)
        runs.append(net._flat.copy())
    np.testing.assert_array_equal(*runs)


# --- files ------------------------------------------------------------------------------------


def npy_bytes(shape, descr="<f4", data=b""):
    f = io.BytesIO()
    np.lib.format.write_array_header_1_0(f, {"descr": descr, "fortran_order": False,
                                             "shape": shape})
    return f.getvalue() + data


def model_members(tmp_path):
    good = tmp_path / "good.npz"
    nn.MLP([2, 3, 1], seed=0).save(good)
    with zipfile.ZipFile(good) as z:
        return {n: z.read(n) for n in z.namelist()}


def write_zip(path, members, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def bad_file(tmp_path, case):
    m = model_members(tmp_path)
    path = tmp_path / f"{case}.npz"
    if case == "no_npy_suffix":
        m["readme.txt"] = b"hello"
    elif case == "huge_header":
        m["w0.npy"] = npy_bytes((10**6, 10**6), data=b"\0" * 24)
    elif case == "huge_arch":
        m["arch.npy"] = npy_bytes((3,), "<i8", np.array([10**6, 10**6, 1]).tobytes())
        m["w0.npy"] = npy_bytes((10**6, 10**6), data=b"\0" * 24)
        m["b0.npy"] = npy_bytes((10**6,), data=b"\0" * 24)
        m["w1.npy"] = npy_bytes((10**6, 1), data=b"\0" * 24)
    elif case == "short_data":
        m["w0.npy"] = npy_bytes((2, 3), data=b"\0" * 8)
    elif case == "object_arch":
        m["arch.npy"] = npy_bytes((3,), "|O", b"\0" * 24)
    elif case == "missing_layer":
        del m["b1.npy"]
    elif case == "npy_named_npz":
        np.save(tmp_path / "a.npy", np.zeros(3))
        os.replace(tmp_path / "a.npy", path)
        return path
    return write_zip(path, m)


BAD_FILES = [
    ("no_npy_suffix", r"member 'readme.txt' is not one .npy array"),
    ("huge_header", r"w0 must have shape \(2, 3\), got \(1000000, 1000000\)"),
    ("huge_arch", r"arch \[1000000, 1000000, 1\] has 1000002000001 parameters"),
    ("short_data", r"w0 declares 6 values of float32 \(24 bytes\) but holds 8 bytes"),
    ("object_arch", r"arch must hold integers, got dtype object"),
    ("missing_layer", r"this file has no \['b1'\]"),
    ("npy_named_npz", r"a single .npy array, not the .npz archive"),
]


@pytest.mark.parametrize("case,msg", BAD_FILES, ids=[c for c, _ in BAD_FILES])
def test_bad_files(tmp_path, case, msg):
    path = bad_file(tmp_path, case)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ": .*" + msg):
        nn.MLP.load(path)


def test_extra_big_member_is_refused_before_any_data_is_read(tmp_path):
    m = model_members(tmp_path)
    m["junk.npy"] = npy_bytes((2**24,), "<f4", bytes(4 * 2**24))       # 64 MiB of zeros
    path = write_zip(tmp_path / "junk.npz", m, zipfile.ZIP_DEFLATED)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"unexpected \['junk'\]"):
            nn.MLP.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20


@pytest.mark.parametrize("path,msg", [(None, "got NoneType None"), (123, "got int 123"),
                                      (4.5, "got float 4.5")])
def test_load_and_save_take_paths(path, msg):
    with pytest.raises(TypeError, match=r"path must be a file path .*" + msg):
        nn.MLP.load(path)
    with pytest.raises(TypeError, match=r"path must be a file path .*" + msg):
        net23().save(path)


def test_load_from_a_file_object_round_trips(tmp_path):
    net = nn.MLP([3, 4, 2], act="sin", dtype=np.float64, seed=2)
    net.save(tmp_path / "m.npz")
    with open(tmp_path / "m.npz", "rb") as f:
        back = nn.MLP.load(f)
    np.testing.assert_array_equal(back._flat, net._flat)


def test_save_refuses_non_finite_weights(tmp_path):
    net = net23()
    net.ws[0][0, 0] = np.nan                  # through the view: nothing checks this write
    with pytest.raises(ValueError, match=r"ws\[0\] holds NaN or inf"):
        net.save(tmp_path / "m.npz")
    assert list(tmp_path.iterdir()) == []


def test_save_keeps_the_old_mode_and_uses_the_umask_for_a_new_file(tmp_path):
    path = tmp_path / "m.npz"
    old = os.umask(0o027)
    try:
        net23().save(path)
    finally:
        os.umask(old)
    assert os.stat(path).st_mode & 0o777 == 0o640
    os.chmod(path, 0o604)
    net23().save(path)
    assert os.stat(path).st_mode & 0o777 == 0o604


def dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temp_files_of_dead_processes_are_removed(tmp_path):
    path = tmp_path / "m.npz"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        names = {"dead": f".m.npz.{dead_pid()}.0123abcd.nn-tmp",
                 "live": f".m.npz.{live.pid}.0123abcd.nn-tmp",
                 "other target": f".m.npz.5.{dead_pid()}.0123abcd.nn-tmp",
                 "not ours": f".m.npz.{dead_pid()}.notatoken.tmp"}
        for name in names.values():
            (tmp_path / name).write_bytes(b"partial")
        net23().save(path)
        left = {p.name for p in tmp_path.iterdir()}
    finally:
        live.kill()
        live.wait()
    assert names["dead"] not in left
    assert {names["live"], names["other target"], names["not ours"], "m.npz"} <= left


SAVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import nn
    net = nn.MLP([64, 512, 512, 64], seed=0)
    print("ready", flush=True)
    while True:
        net.save({path!r})
""")


def test_sigterm_during_saves_leaves_no_temp_files_and_a_valid_file(tmp_path):
    path = str(tmp_path / "m.npz")
    nn.MLP([64, 512, 512, 64], seed=1).save(path)
    for delay in (0.05, 0.11, 0.17):
        p = subprocess.Popen([sys.executable, "-c", SAVER.format(root=ROOT, path=path)],
                             stdout=subprocess.PIPE)
        assert p.stdout.readline() == b"ready\n"
        time.sleep(delay)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=20) == -signal.SIGTERM
        assert sorted(os.listdir(tmp_path)) == ["m.npz"]
        assert nn.MLP.load(path).arch == (64, 512, 512, 64)


def test_two_concurrent_writers_leave_one_valid_file(tmp_path):
    path = str(tmp_path / "m.npz")
    code = SAVER.replace("while True:", "for _ in range(15):")
    procs = [subprocess.Popen([sys.executable, "-c", code.format(root=ROOT, path=path)],
                              stdout=subprocess.PIPE) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=60) == 0
    assert sorted(os.listdir(tmp_path)) == ["m.npz"]
    np.testing.assert_array_equal(nn.MLP.load(path)._flat, nn.MLP([64, 512, 512, 64], seed=0)._flat)


# --- property: any call either works (finite, shaped) or names a bad argument -----------------

ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "sin", "linear"]


def names_arg(message, name):
    return re.search(rf"(^|[\s(']){re.escape(name)}([\s\[=:,)']|$)", message) is not None


@st.composite
def api_calls(draw):  # noqa: C901 - one branch per public function it draws
    """(function, kwargs, bad argument names, check of the result)."""
    kind = draw(st.sampled_from(["MLP", "forward", "cost", "evaluate", "backprop", "input_grad",
                                 "finite_diff", "fit", "step"]))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    n_in, n_hidden = draw(st.integers(1, 3)), draw(st.integers(1, 4))
    n_out = draw(st.integers(1, 3))
    out_act = draw(st.sampled_from(ACTS + ["softmax"]))
    if out_act == "softmax" and n_out < 2:
        n_out = 2
    net = nn.MLP([n_in, n_hidden, n_out], act=draw(st.sampled_from(ACTS)), out_act=out_act,
                 dtype=dtype, seed=draw(st.integers(0, 100)))
    n = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 100)))
    loss = draw(st.sampled_from(["mse", "ce"] if out_act == "softmax" else ["mse"]))
    good_t = (np.eye(n_out)[rng.integers(0, n_out, n)] if loss == "ce"
              else rng.uniform(-1, 1, (n, n_out)))
    bad = []

    def pick(name, good, wrong):
        """A good value, or (sometimes) a wrong one, remembering which argument it was."""
        if wrong and draw(st.integers(0, 3)) == 0:
            bad.append(name)
            return draw(st.sampled_from(wrong))
        return draw(st.sampled_from(good))

    if kind == "MLP":
        kw = dict(arch=pick("arch", [[2, 3, 1], [1, 1]],
                            [[], [2], [2, 0, 1], [2, 2.5, 1], "2,3", 5, [2, 10**13, 1]]),
                  act=pick("act", ACTS, ["swish", 3, "softmax"]),
                  out_act=pick("out_act", ACTS, ["gelu", None, "softmax"]),   # 1 output
                  seed=pick("seed", [None, 0, 7], [-1, 1.5, "s"]),
                  dtype=pick("dtype", [np.float32, np.float64], ["foo", np.int32]),
                  dropout=pick("dropout", [0.0, 0.5], [1.0, -0.1, np.nan]))
        init = draw(st.sampled_from([None, "normal", "uniform"]))
        if init == "normal":
            kw.update(sigma_w=pick("sigma_w", [None, 1.5], [np.nan, -1.0, np.inf]))
        if init == "uniform":
            kw.update(init="uniform", low=pick("low", [-1.0], [np.nan, 2.0, "a"]))
        if draw(st.integers(0, 5)) == 0:
            kw["init"] = "zeros"
            bad.append("init")

        def check(res):
            assert np.isfinite(res._flat).all() and res.arch == tuple(kw["arch"])
        return nn.MLP, kw, bad, check
    huge = [np.full((n, n_in), 1e39)] if dtype == np.float32 else []
    x = pick("x", [rng.normal(0, 1, (n, n_in))],
             [rng.normal(0, 1, (n, n_in + 1)), np.full((n, n_in), np.nan), "x", None,
              np.zeros((0, n_in)), np.zeros((n, n_in, 1)), np.ones((n, n_in)) * 1j] + huge)
    if kind == "forward":
        return net.forward, dict(x=x), bad, lambda y: (y.shape == (n, n_out), np.isfinite(y).all())
    if kind == "input_grad":
        return (net.input_grad, dict(x=x), bad,
                lambda j: (j.shape == (n, n_out, n_in), np.isfinite(j).all()))
    t = pick("t", [good_t], [good_t[:, :1] if n_out > 1 else np.zeros((n, 2)), good_t[:-1] if
                             n > 1 else np.zeros((2, n_out)), np.full_like(good_t, np.nan)]
             + ([-good_t, 3 * good_t] if loss == "ce" else []))
    loss = pick("loss", [loss], ["hinge", 3, None]
                + ([] if out_act in nn.CE_OUTPUTS else ["ce"]))     # sigmoid: binary ce
    if kind in ("cost", "evaluate"):
        return (getattr(net, kind), dict(x=x, t=t, loss=loss), bad,
                lambda c: np.isfinite(c).all())
    shapes = [w.shape for w in net.ws] + [b.shape for b in net.bs]

    def grads_ok(g):
        gws, gbs = g
        return [a.shape for a in list(gws) + list(gbs)] == shapes and all(
            np.isfinite(a).all() for a in list(gws) + list(gbs))
    if kind == "backprop":
        return (net.backprop, dict(x=x, t=t, loss=loss, rng=pick(
            "rng", [None, np.random.default_rng(0)], [42, "a"])), bad, grads_ok)
    if kind == "finite_diff":
        return (lambda **kw: nn.finite_diff(net, **kw), dict(
            x=x, t=t, loss=loss, eps=pick("eps", [1e-3], [0, -1e-6, np.nan, np.inf, "a"])),
            bad, grads_ok)
    if kind == "fit":
        kw = dict(x=x, t=t, loss=loss,
                  opt=pick("opt", [None, nn.SGD(0.01), nn.Adam(0.01)], [nn.Adam, "adam", 5]),
                  epochs=pick("epochs", [1, 2], [0, -1, 1.5, None]),
                  batch_size=pick("batch_size", [None, 1, 3], [0, 2.5]),
                  seed=pick("seed", [None, 0], [-1, 1.5, "s"]),
                  callback=pick("callback", [None, lambda e, h: None], [5, "f"]))
        return (lambda **kw: nn.fit(net, **kw), kw, bad,
                lambda h: np.isfinite(net._flat).all() and len(h["cost"]) == kw["epochs"])
    other = nn.MLP([n_in, n_hidden + 1, n_out], dtype=dtype, seed=1)
    gws, gbs = net.backprop(rng.normal(0, 1, (n, n_in)), good_t, "mse")
    grads = pick("gws", [(gws, gbs), ([g.copy() for g in gws], [g.copy() for g in gbs])],
                 [other.backprop(np.zeros((1, n_in)), np.zeros((1, n_out))),
                  ([np.zeros((n_in + 1, n_hidden)), gws[1]], gbs), (None, gbs)])
    opt = draw(st.sampled_from([nn.SGD(0.01, momentum=0.5), nn.Adam(0.01, weight_decay=0.1)]))
    return (lambda **kw: opt.step(net, *kw["grads"]), dict(grads=grads),
            ["gws" if b == "gws" else b for b in bad if b == "gws"],
            lambda _: np.isfinite(net._flat).all())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api_calls())
def test_random_calls_work_or_name_a_bad_argument(call):
    fn, kwargs, bad, check = call
    try:
        with np.errstate(all="ignore"):
            res = fn(**kwargs)
    except (ValueError, TypeError) as e:
        assert bad, f"good arguments {kwargs} raised {e!r}"
        assert not isinstance(e, nn.DivergedError), e
        assert any(names_arg(str(e), name) for name in bad), (bad, str(e))
        return
    assert not bad, f"bad {bad} accepted: {kwargs}"
    ok = check(res)
    assert all(ok) if isinstance(ok, tuple) else ok is not False
