"""Benchmark: one training step of nn against the same net in torch (CPU, 2 threads), and nn
against scikit-learn's MLPClassifier on load_digits.

    pip install -e '.[bench]'
    python bench/bench_nn.py                 # everything: about 3 minutes of work on 2 idle cores
    python bench/bench_nn.py --cases C D     # some step cases only, no digits
    python bench/bench_nn.py --profile       # also where nn's step spends its time

A step is forward + backprop + optimizer update on one fixed batch of random float32 data
(one-hot targets for ce). nn's step is one iteration of nn.train (what nn.fit runs); the
"backprop+step" column is the public pair net.backprop(..., out=grads) + opt.step, which also
checks its inputs.
torch's step is zero_grad, forward, loss, backward, opt.step with torch.set_num_threads(2).
Every figure is the median over repeats of timing many steps, after a warm-up; each library
runs in its own subprocess (in one process their thread pools fight over the cores and timings
jump by milliseconds), `--rounds` times in turn, and each figure keeps its fastest round.
Other processes on the machine inflate timings, numpy's 2-thread BLAS most of all (10x and
more): before each timing the benchmark waits a little for idle cpus, and the "busy" column
says how many cores others used during the kept timings; rows with busy well above 0 are not
to be trusted. On a virtual machine a whole process can also run up to 2x slow with no other
process busy (shared physical cores): that is what the rounds are for.
Digits: sklearn's MLPClassifier (Adam 1e-3, batch 32, its own stopping rule) and nn.fit, both
over seeds 0-4 (--seeds); the target is sklearn's median final test accuracy, nn's time is
fit's until the test accuracy reaches it (checked after every epoch), with the settings sklearn
uses and with tuned ones (NN_DIGITS: 3x the lr, 4x the batch, Glorot init); medians over seeds.
"bare matmuls" times, in numpy alone, the matmuls one nn step does (forward a @ W per layer,
backward a.T @ delta per layer and delta @ W.T below the top layer); step/matmuls is nn's
step time over that.
"""

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from viz import cli  # noqa: E402

# name: (arch, hidden act, out act, loss, batch, optimizer, target torch/nn)
CASES = {
    "A": ((2, 2, 1), "sigmoid", "sigmoid", "mse", 4, "sgd", 10.0),
    "B": ((2, 16, 16, 1), "tanh", "linear", "mse", 256, "sgd", 5.0),
    "C": ((784, 128, 10), "relu", "softmax", "ce", 128, "adam", 1.3),
    "D": ((784, 256, 256, 10), "relu", "softmax", "ce", 512, "adam", 1.0),
    "E": ((2,) + (50,) * 20 + (1,), "tanh", "linear", "mse", 4096, "sgd", 1.0),
}
SGD_LR, ADAM_LR = 1e-3, 1e-3
MATMUL_TARGET = 1.2
DIGITS_EPOCH_TARGET, DIGITS_REACH_TARGET = 3.0, 10.0


def arch_name(arch):
    hidden = arch[1:-1]
    if len(hidden) > 3 and len(set(hidden)) == 1:
        return f"{arch[0]}-{len(hidden)}x{hidden[0]}-{arch[-1]}"
    return "-".join(map(str, arch))


def case_data(case, seed=0):
    """x (batch, in), t (batch, out) float32 and the class labels (batch,) for ce."""
    arch, _, out_act, loss, batch, _, _ = CASES[case]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, arch[0]), dtype=np.float32)
    labels = rng.integers(0, arch[-1], batch)
    if loss == "ce":
        t = np.eye(arch[-1], dtype=np.float32)[labels]
    elif out_act == "sigmoid":
        t = rng.random((batch, arch[-1]), dtype=np.float32)
    else:
        t = rng.standard_normal((batch, arch[-1]), dtype=np.float32)
    return x, t, labels


class Clock:
    """Times code on a machine others may be using. Before each timing it waits, out of a
    budget of `wait` seconds, for other processes to leave the cpus idle; `busy` keeps the most
    cores they used during a timing since it was last reset, which says how far to trust it."""

    def __init__(self, wait):
        self.wait, self.waited, self.busy = wait, 0.0, 0.0

    def once(self, fn):
        """Seconds one call of fn() takes."""
        return self._watched(lambda: self._runs(fn, 1, 1)[0])

    def per_call(self, fn, budget=0.12, repeats=7):
        """Median seconds per call of fn(): warm up while finding a call count that takes about
        `budget` seconds, then time `repeats` runs of that many calls."""
        def measure():
            n = 1
            while (dt := self._runs(fn, n, 1)[0]) < budget / 4:
                n *= 2
            n = max(1, round(n * budget / dt))
            return statistics.median(self._runs(fn, n, repeats)) / n
        return self._watched(measure)

    def _watched(self, measure):
        """measure(), after waiting for idle cpus, noting the cores others used meanwhile."""
        self.waited += wait_quiet(self.wait - self.waited)
        c0, t0 = cpu_seconds(), time.perf_counter()
        res = measure()
        wall = time.perf_counter() - t0
        if c0 is not None and wall > 0.2:    # /proc/stat counts in ticks of about 10 ms
            c1 = cpu_seconds()
            self.busy = max(self.busy, ((c1[0] - c0[0]) - (c1[1] - c0[1])) / wall)
        return res

    @staticmethod
    def _runs(fn, n, repeats):
        """Seconds each of `repeats` runs of n calls of fn() takes (garbage collector off)."""
        times = []
        gc.collect()
        gc.disable()
        try:
            for _ in range(repeats):
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                times.append(time.perf_counter() - t0)
        finally:
            gc.enable()
        return times


def cpu_seconds():
    """Busy CPU seconds of the whole machine and CPU seconds of this process (all its
    threads), or None where /proc/stat is missing."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return None
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK"), time.process_time()


def wait_quiet(max_wait, limit=0.15, sample=0.2):
    """Wait (at most max_wait seconds) until other processes use under `limit` cores;
    returns the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < max_wait:
        c0 = cpu_seconds()
        if c0 is None:
            break
        time.sleep(sample)
        c1 = cpu_seconds()
        if (c1[0] - c0[0]) - (c1[1] - c0[1]) < limit * sample:
            break
    return time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line
# ---------------------------------------------------------------------------------------------


def import_nn():
    sys.path.insert(0, str(ROOT))
    import nn
    return nn


def bare_matmuls(arch, batch, rng):
    """A function doing the matmuls of one nn step with these shapes, and nothing else."""
    shapes = list(zip(arch[:-1], arch[1:], strict=True))
    ins = [rng.standard_normal((batch, i), dtype=np.float32) for i, _ in shapes]
    deltas = [rng.standard_normal((batch, o), dtype=np.float32) for _, o in shapes]
    ws = [rng.standard_normal(s, dtype=np.float32) for s in shapes]
    gws = [np.empty_like(w) for w in ws]

    def run():
        for a, w in zip(ins, ws, strict=True):
            a @ w                                   # (n, in) @ (in, out) -> (n, out)
        for k in range(len(ws) - 1, -1, -1):
            np.matmul(ins[k].T, deltas[k], out=gws[k])  # (in, n) @ (n, out) -> (in, out)
            if k > 0:
                deltas[k] @ ws[k].T                 # (n, out) @ (out, in) -> (n, in)
    return run


def nn_case(clock, case, profile):
    nn = import_nn()
    arch, act, out_act, loss, batch, opt_name, _ = CASES[case]
    x, t, _ = case_data(case)

    def make():
        net = nn.MLP(arch, act=act, out_act=out_act, seed=0)
        opt = nn.SGD(SGD_LR) if opt_name == "sgd" else nn.Adam(ADAM_LR)
        return net, opt

    net, opt = make()
    steps = nn.train(net, x, t, loss, opt, epochs=None, batch_size=None, shuffle=False)
    res = {"train": clock.per_call(lambda: next(steps))}

    net, opt = make()

    grads = net.backprop(x, t, loss)

    def api_step():
        net.backprop(x, t, loss, out=grads)
        opt.step(net, *grads)

    res["api"] = clock.per_call(api_step)
    res["matmul"] = clock.per_call(bare_matmuls(arch, batch, np.random.default_rng(1)))
    if profile:
        net, opt = make()
        gws, gbs = net.backprop(x, t, loss)
        res["forward"] = clock.per_call(lambda: net.forward(x))
        res["backprop"] = clock.per_call(lambda: net.backprop(x, t, loss))
        res["opt"] = clock.per_call(lambda: opt.step(net, gws, gbs))
        res["isfinite"] = clock.per_call(lambda: (np.isfinite(x).all(), np.isfinite(t).all()))
    return res


def torch_case(clock, case):
    import torch
    torch.set_num_threads(2)
    arch, act, out_act, loss, batch, opt_name, _ = CASES[case]
    x, t, labels = case_data(case)
    acts = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}
    layers = []
    for k, (i, o) in enumerate(zip(arch[:-1], arch[1:], strict=True)):
        layers.append(torch.nn.Linear(i, o))
        name = act if k < len(arch) - 2 else out_act
        if name in acts:
            layers.append(acts[name]())
    # softmax is folded into cross_entropy, which takes logits
    model = torch.nn.Sequential(*layers)
    xt = torch.from_numpy(x)
    if loss == "ce":
        target = torch.from_numpy(labels)
        loss_fn = torch.nn.functional.cross_entropy
    else:
        target = torch.from_numpy(t)
        loss_fn = torch.nn.functional.mse_loss       # one output: the same as nn's mse
    if opt_name == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=SGD_LR)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=ADAM_LR)

    def step():
        opt.zero_grad()
        loss_fn(model(xt), target).backward()
        opt.step()

    return {"step": clock.per_call(step), "threads": torch.get_num_threads(),
            "version": torch.__version__}


def digits_data():
    """load_digits with a 25% test split, inputs standardised on the training part."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    x, y = load_digits(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(xtr)
    xtr = scaler.transform(xtr).astype(np.float32)
    xte = scaler.transform(xte).astype(np.float32)
    return xtr, xte, ytr, yte


def sklearn_digits(clock, seeds):
    """Per seed (random_state) the fit time, epochs and final test accuracy of MLPClassifier
    with its defaults but batch 32: Adam 1e-3, alpha 1e-4, stop after 10 epochs without
    improvement or at 200."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    xtr, xte, ytr, yte = digits_data()
    res = {"fit": [], "epochs": [], "acc": [], "n_train": len(xtr), "n_test": len(xte)}
    for seed in seeds:
        clf = MLPClassifier(hidden_layer_sizes=(64, 64), solver="adam", learning_rate_init=1e-3,
                            batch_size=32, max_iter=200, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res["fit"].append(clock.once(lambda clf=clf: clf.fit(xtr, ytr)))
        res["epochs"].append(clf.n_iter_)
        res["acc"].append(float(clf.score(xte, yte)))
    res["epoch"] = sum(res["fit"]) / sum(res["epochs"])
    return res


# nn's settings on digits: the ones sklearn uses (Adam 1e-3, batch 32; nn's own He init for
# relu), and tuned ones (a larger lr and batch, Glorot init as sklearn's)
#                 lr     batch  init
NN_DIGITS = {"same": (1e-3, 32, None), "tuned": (3e-3, 128, "xavier")}


def nn_digits(clock, target_acc, seeds, max_epochs=200, timing_epochs=20):
    """Per setting of NN_DIGITS: the time per epoch (seed 0) and, per seed, the time and epochs
    fit takes until the test accuracy reaches target_acc (time None: not within max_epochs)."""
    nn = import_nn()
    xtr, xte, ytr, yte = digits_data()
    ttr, tte = np.eye(10, dtype=np.float32)[ytr], np.eye(10, dtype=np.float32)[yte]
    res = {}
    for name, (lr, batch, init) in NN_DIGITS.items():
        def make(seed, init=init, lr=lr):
            net = nn.MLP([64, 64, 64, 10], act="relu", out_act="softmax", init=init, seed=seed)
            return net, nn.Adam(lr)

        def epochs_only(make=make, batch=batch):
            net, opt = make(0)
            nn.fit(net, xtr, ttr, "ce", opt, epochs=timing_epochs, batch_size=batch, seed=0)

        r = {"epoch": clock.per_call(epochs_only, budget=0.3, repeats=3) / timing_epochs,
             "reach": [], "epochs": [], "acc": []}
        for seed in seeds:
            net, opt = make(seed)
            hist = {}

            def until_target(net=net, opt=opt, seed=seed, batch=batch, hist=hist):
                hist.update(nn.fit(net, xtr, ttr, "ce", opt, epochs=max_epochs,
                                   batch_size=batch, seed=seed, x_val=xte, t_val=tte,
                                   callback=lambda e, h: h["val_acc"][-1] < target_acc))

            dt = clock.once(until_target)
            reached = hist["val_acc"][-1] >= target_acc
            r["reach"].append(dt if reached else None)
            r["epochs"].append(len(hist["val_acc"]))
            r["acc"].append(max(hist["val_acc"]))
        res[name] = r
    return res


def worker(kind, wait, args):
    """Run one kind of worker; its results and the seconds it waited for idle cpus."""
    clock = Clock(wait)

    def run(fn, *fargs):
        clock.busy = 0.0
        res = fn(clock, *fargs)
        res["busy"] = clock.busy
        return res

    if kind == "nn":
        res = {c: run(nn_case, c, args[0] == "profile") for c in args[1:]}
    elif kind == "torch":
        res = {c: run(torch_case, c) for c in args}
    elif kind == "sklearn":
        res = run(sklearn_digits, [int(v) for v in args])
    elif kind == "nn-digits":
        res = run(nn_digits, float(args[0]), [int(v) for v in args[1:]])
    else:
        raise ValueError(f"--worker must be nn, torch, sklearn or nn-digits, got {kind!r}")
    return {"result": res, "waited": clock.waited}


def run_worker(*args):
    """Run a worker in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args} failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fastest(runs, keys):
    """The first round's result with each timing in `keys` replaced by its smallest over the
    rounds (the least disturbed by other processes), and "busy" by the most among the rounds
    that gave one."""
    res, used = dict(runs[0]), []
    for k in keys:
        used.append(min(runs, key=lambda r: r[k]))
        res[k] = used[-1][k]
    res["busy"] = max(r["busy"] for r in used)
    return res


def fastest_digits(sk_runs, nd_runs):
    """The digits results with each time (per seed, per epoch) the smallest over the rounds;
    epochs and accuracies do not change between rounds (every run is seeded)."""
    sk = dict(sk_runs[0])
    sk["fit"] = [min(r["fit"][i] for r in sk_runs) for i in range(len(sk["fit"]))]
    sk["epoch"] = min(r["epoch"] for r in sk_runs)
    sk["busy"] = max(r["busy"] for r in sk_runs)
    nd = {}
    for name in NN_DIGITS:
        rs = [r[name] for r in nd_runs]
        best = dict(rs[0])
        best["epoch"] = min(r["epoch"] for r in rs)
        best["reach"] = [min((r["reach"][i] for r in rs if r["reach"][i] is not None),
                             default=None) for i in range(len(best["reach"]))]
        nd[name] = best
    return sk, nd, max(sk["busy"], *(r["busy"] for r in nd_runs))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def ms(s):
    return f"{s * 1e3:.3f}" if s < 0.1 else f"{s * 1e3:.1f}"


def step_table(cases, nn_res, torch_res):
    head = (f"{'case':4} {'net':24} {'batch':>5} {'opt':4} {'torch ms':>9} {'nn ms':>9} "
            f"{'torch/nn':>8} {'target':>6}   {'bp+step ms':>10} {'torch/bp+step':>13}   "
            f"{'matmuls ms':>10} {'step/matmuls':>12} {'busy':>5}")
    lines = [head, "-" * len(head)]
    for c in cases:
        arch, act, out_act, loss, batch, opt, target = CASES[c]
        n, tr = nn_res[c], torch_res[c]["step"]
        net = f"{arch_name(arch)} {act} {loss}"
        lines.append(
            f"{c:4} {net:24} {batch:5} {opt:4} {ms(tr):>9} {ms(n['train']):>9} "
            f"{tr / n['train']:7.2f}x {target:5.1f}x   {ms(n['api']):>10} "
            f"{tr / n['api']:12.2f}x {n['api'] / n['train']:11.2f}x   {ms(n['matmul']):>10} "
            f"{n['train'] / n['matmul']:11.2f}x "
            f"{max(n['busy'], torch_res[c]['busy']):5.2f}")
    lines.append(f"torch/nn > 1: nn is faster. bp+step/step target <= 1.10x (the public pair as "
                 f"fast as nn.train's step). step/matmuls target {MATMUL_TARGET}x (C, D). busy: "
                 "cores other processes used meanwhile.")
    return lines


def profile_table(cases, nn_res):
    head = (f"{'case':4} {'train step':>10} {'forward':>9} {'backprop':>9} {'bp-fwd':>9} "
            f"{'opt.step':>9} {'isfinite x,t':>12} {'matmuls':>9}   (ms; shares of train step)")
    lines = [head, "-" * len(head)]
    for c in cases:
        n = nn_res[c]
        tr = n["train"]
        cells = [n["forward"], n["backprop"], n["backprop"] - n["forward"], n["opt"]]
        pct = " ".join(f"{ms(v):>5}{v / tr:4.0%}" for v in cells)
        lines.append(f"{c:4} {ms(tr):>10} {pct} {ms(n['isfinite']):>12} {ms(n['matmul']):>9}")
    lines.append("bp-fwd: backprop minus forward (backward pass, cost, input checks).")
    return lines


def median_reach(times, epochs):
    """The median seed's (time, epochs) to a target, a seed that did not reach it (time None)
    counting as the slowest; time None when most seeds did not reach it."""
    runs = sorted(zip(times, epochs, strict=True),
                  key=lambda r: math.inf if r[0] is None else r[0])
    return runs[(len(runs) - 1) // 2]


def digits_table(sk, nd, seeds):
    target = statistics.median(sk["acc"])
    sk_fit, sk_ep = statistics.median(sk["fit"]), statistics.median(sk["epochs"])
    net = "64-64-64-10 relu (64 inputs, two hidden layers of 64), softmax ce, Adam"
    lines = [f"load_digits ({sk['n_train']} train / {sk['n_test']} test, standardised), {net}; "
             f"seeds {seeds[0]}-{seeds[-1]}",
             f"target: sklearn's median final test accuracy {target:.4f} (per seed: "
             + ", ".join(f"{v:.4f}" for v in sk["acc"]) + ")",
             f"{'':26} {'sklearn':>16} " + " ".join(
                 f"{f'nn {k} (lr {v[0]:g}, batch {v[1]})':>28}" for k, v in NN_DIGITS.items())
             + f" {'target':>7}"]
    cells = [f"{ms(sk['epoch'])} ms"]
    cells += [f"{ms(r['epoch'])} ms = {sk['epoch'] / r['epoch']:.2f}x" for r in nd.values()]
    lines.append(f"{'time per epoch':26} {cells[0]:>16} " + " ".join(f"{c:>28}"
                                                                    for c in cells[1:])
                 + f" {DIGITS_EPOCH_TARGET:6.1f}x")
    cells = [f"{sk_fit:.2f} s ({sk_ep:.0f} ep)"]
    for r in nd.values():
        reach, eps = median_reach(r["reach"], r["epochs"])
        ok = sum(v is not None for v in r["reach"])
        cells.append(f"{reach:.3f} s ({eps:.0f} ep, {ok}/{len(seeds)}) = {sk_fit / reach:.1f}x"
                     if reach is not None else f"not reached ({ok}/{len(seeds)} seeds)")
    lines.append(f"{f'time to test acc {target:.4f}':26} {cells[0]:>16} "
                 + " ".join(f"{c:>28}" for c in cells[1:]) + f" {DIGITS_REACH_TARGET:6.1f}x")
    lines.append("sklearn: median fit time to its own stop (10 epochs without improvement or "
                 "200) and epochs; nn: fit with a per-epoch test-accuracy callback until it "
                 "reaches the target, median over seeds (a seed that does not reach it within "
                 "200 epochs counts as slowest; n/m: seeds that reached it, ep: the median "
                 "seed's epochs); ratios sklearn/nn.")
    return lines


def main():
    p = argparse.ArgumentParser(description="nn against torch and scikit-learn: training-step "
                                "times and ratios (see the module docstring)")
    p.add_argument("--cases", nargs="*", default=None, choices=sorted(CASES),
                   help="step cases to run (default all, plus digits)")
    p.add_argument("--no-digits", action="store_true", help="skip the sklearn digits comparison")
    p.add_argument("--rounds", type=int, default=3,
                   help="run every worker this many times, alternating; each figure keeps its "
                        "fastest round (default 3)")
    p.add_argument("--wait", type=float, default=40.0,
                   help="seconds in all to spend waiting, before timings, for other processes "
                        "to leave the cpus idle (default 40)")
    p.add_argument("--seeds", type=int, default=5,
                   help="digits: seeds 0 .. N-1 for both libraries (default 5)")
    p.add_argument("--profile", action="store_true", help="break nn's step down")
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker:
        print(json.dumps(worker(a.worker[0], float(a.worker[1]), a.worker[2:])))
        return
    cases = a.cases or sorted(CASES)
    seeds = list(range(a.seeds))
    digits = a.cases is None and not a.no_digits
    t0 = time.perf_counter()
    nn_runs, torch_runs, sk_runs, nd_runs = [], [], [], []
    waited = 0.0

    def run(kind, *args):
        nonlocal waited
        res = run_worker(kind, max(0.0, a.wait - waited), *args)
        waited += res["waited"]
        return res["result"]

    for _ in range(a.rounds):
        nn_runs.append(run("nn", "profile" if a.profile else "-", *cases))
        torch_runs.append(run("torch", *cases))
        if digits:
            sk_runs.append(run("sklearn", *seeds))
            nd_runs.append(run("nn-digits", statistics.median(sk_runs[-1]["acc"]), *seeds))
    nn_keys = ["train", "api", "matmul"]
    nn_keys += ["forward", "backprop", "opt", "isfinite"] if a.profile else []
    nn_res = {c: fastest([r[c] for r in nn_runs], nn_keys) for c in cases}
    torch_res = {c: fastest([r[c] for r in torch_runs], ["step"]) for c in cases}
    tr = torch_res[cases[0]]
    out = [f"numpy {np.__version__}, torch {tr['version']} ({tr['threads']} threads), "
           f"{os.cpu_count()} cpus, float32; each time the fastest of {a.rounds} rounds, "
           "each a median of repeats", ""]
    out += step_table(cases, nn_res, torch_res)
    if a.profile:
        out += [""] + profile_table(cases, nn_res)
    busy = [r["busy"] for r in list(nn_res.values()) + list(torch_res.values())]
    if digits:
        sk, nd, digits_busy = fastest_digits(sk_runs, nd_runs)
        out += [""] + digits_table(sk, nd, seeds)
        busy.append(digits_busy)
    busy = max(busy)
    out.append(f"\nother processes kept up to {busy:.2f} cores busy during the kept runs"
               + (": the figures are inflated, rerun on a quiet machine" if busy > 0.2 else ""))
    out.append(f"(total {time.perf_counter() - t0:.0f} s, {waited:.0f} s of it waiting for idle "
               "cpus)")
    print("\n".join(out))
    ratios = {}
    for c in cases:
        tr = torch_res[c]["step"]
        ratios[c], ratios[f"{c}_api"] = tr / nn_res[c]["train"], tr / nn_res[c]["api"]
    if digits:
        sk_fit = statistics.median(sk["fit"])
        for name, r in nd.items():
            reach = median_reach(r["reach"], r["epochs"])[0]
            ratios[f"digits_epoch_{name}"] = sk["epoch"] / r["epoch"]
            ratios[f"digits_reach_{name}"] = None if reach is None else sk_fit / reach
    cli.summary(**ratios, busy=busy)


if __name__ == "__main__":
    main()
