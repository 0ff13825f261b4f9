"""Every numbered tutorial runs as a learner runs it (a subprocess, its pictures into --out),
prints the numbers it explains in its summary line, and those numbers say what it teaches."""

import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT, summary
from PIL import Image

TUTORIALS = sorted(p.name for p in (ROOT / "examples").glob("[0-9][0-9]_*.py"))


def claims_01(s):
    """One layer: 0.25 from every start, and no line on a fine grid does better; two layers
    solve XOR from most starts (median cost tiny), four hidden neurons from all five."""
    assert abs(s["one_layer_cost"] - 0.25) < 1e-3 and s["one_layer_cost_std"] < 1e-3
    assert s["grid_best"] > 0.2499
    assert s["two_layer_cost"] < 1e-3 and s["two_layer_right"] == 4
    assert s["two_layer_solved"] >= 3 and s["wide_solved"] == 5


def claims_02(s):
    assert s["hidden_diff"] < 1e-6 and s["output_diff"] < 1e-6


def claims_03(s):
    assert s["mse"] == pytest.approx(s["mse_net"], rel=1e-3)
    assert s["ce"] == pytest.approx(s["ce_net"], rel=1e-3)
    assert s["mse_acc"] > 0.95 and s["ce_acc"] > 0.95


def claims_04(s):
    """The nudged slope closes in on f'(3) = 2; the chain rule's gradients equal nudging's,
    a's being the sum of its two paths; one neuron's equal backprop's."""
    assert s["slope_error"] < 1e-5 and s["slope_error_h1"] == pytest.approx(1.0)
    assert s["graph_diff"] < 1e-6 and s["dL_da"] == s["via_e"] + s["via_g"] == -32
    assert s["neuron_diff"] < 1e-12


def claims_05(s):
    assert s["vs_backprop"] < 1e-10 and s["vs_finite_diff"] < 1e-6
    assert s["cost_after_step"] < s["cost"]


def claims_06(s):
    """Over five starts all four end near perfect, and relu is faster than tanh, tanh than
    sigmoid, by more than the spreads."""
    for act in ("sigmoid", "tanh", "relu", "sin"):
        assert s[f"{act}_acc"] > 0.95
    for fast, slow in (("relu", "tanh"), ("tanh", "sigmoid")):
        assert s[f"{slow}_epochs"] - s[f"{fast}_epochs"] > 2 * (s[f"{slow}_epochs_std"]
                                                                + s[f"{fast}_epochs_std"])


def claims_07(s):
    assert s["acc"] > 0.98 and s["test_acc"] > 0.95


def claims_08(s):
    """Over five starts: Adam solves all, momentum most, SGD none at its rate and at most one at
    momentum's step length; the mean final costs are in that order."""
    assert s["adam_solved"] == 5 and s["momentum_solved"] >= 3
    assert s["sgd_solved"] == 0 and s["sgd_x10_solved"] <= 1
    assert s["adam"] < s["momentum"] < s["sgd"] and s["momentum"] < s["sgd_x10"]


def claims_09(s):
    """Over five starts: the sweep's best rate is good, a rate 1000x smaller is still far from
    it, 10x larger is stuck; a linear output diverges at lr 1 from every start; a batch's
    gradient error follows the 1/sqrt(B) law; per epoch batch 1 gets further than the full
    batch, per update the full batch further than batch 1, by more than their spreads."""
    assert s["best_lr"] >= 1 and s["best_cost"] < 0.01
    assert s["slow_cost"] > 0.1 and s["stuck_cost"] - s["stuck_std"] > 0.2
    assert s["linear_diverged"] == 5 and s["noise_fit"] < 0.1
    assert s["epochs_b200"] - s["epochs_b1"] > s["epochs_b200_std"] + s["epochs_b1_std"]
    assert s["updates_b1"] - s["updates_b200"] > s["updates_b1_std"] + s["updates_b200_std"]
    assert s["updates_b200"] < s["updates_b20"] < s["updates_b1"]


def claims_10(s):
    """Over five draws, paired with the plain net: weight decay and early stopping lower the
    test cost on every draw (early stopping the most), dropout by less than its spread; no
    remedy moves the test accuracy by more than its spread."""
    assert s["plain_train"] < 1e-3
    for k in ("decay", "early"):
        assert s[f"{k}_wins"] == 5 and s[f"{k}_gain"] > s[f"{k}_gain_std"]
    assert s["early_gain"] > s["decay_gain"] and s["dropout_gain"] < s["dropout_gain_std"]
    for k in ("decay", "dropout", "early"):
        assert abs(s[f"{k}_acc_gain"]) <= s[f"{k}_acc_gain_std"]


def claims_11(s):
    """A constant start keeps the hidden neurons identical, a random one does not; over five
    starts the deep sigmoid net and the too-small relu stay at 0.25 while tanh / Xavier and
    relu / He train, and sigmoid's first layer gets a vanishing share of the gradient; the
    mean-field numbers match the research table."""
    assert s["spread_constant"] < 1e-6 < 0.1 < s["spread_random"]
    for stuck in ("sigmoid", "relu_small"):
        assert s[f"{stuck}_cost"] - s[f"{stuck}_cost_std"] > 0.24
    for good in ("tanh", "relu"):
        assert s[f"{good}_cost"] + s[f"{good}_cost_std"] < 0.02
    assert s["sigmoid_ratio"] < 1e-4 < 0.1 < min(s["tanh_ratio"], s["relu_ratio"])
    assert s["worst_critical_diff"] < 5e-3
    for key, want in (("xi_1", 3.6), ("xi_1_5", 15.8), ("xi_2", 25.2), ("xi_4", 7.0)):
        assert s[key] == pytest.approx(want, abs=0.1)
    assert s["corr_order"] > 0.99 and s["corr_chaos"] < 0.6


def claims_12(s):
    assert s["test_acc"] > 0.9 and s["digits_test_acc"] > 0.95 and s["other_program_acc"] > 0.9
    # normalising wins on another program's drawings by far more than the seeds' spread
    gap = s["normalised_mean"] - s["unnormalised_mean"]
    assert gap > 0.3 and gap > 5 * (s["normalised_std"] + s["unnormalised_std"])


def claims_13(s):
    assert s["cost"] < 0.01 and s["surface_error"] < 0.1


def claims_14(s):
    """Over five splits: the chosen net scores above 0.95 on the test images, within the
    paired spread of scikit-learn's MLPClassifier and of the linear baseline; early stopping
    stopped it; the mistakes shown are the ones the confusion matrix counts."""
    assert s["test_acc"] > 0.95 and s["test_acc_std"] < 0.02
    assert abs(s["vs_sklearn"]) <= 2 * s["vs_sklearn_std"] + 0.005
    assert abs(s["test_acc"] - s["linear_acc"]) <= 2 * (s["test_acc_std"] + s["linear_acc_std"])
    assert s["stop_epoch"] < 400 - 20 and s["wrong_shown"] == s["wrong_counted"] > 0


def claims_15(s):
    """The saved and bridged nets compute the loaded net's outputs: exactly from the files, to
    float32 rounding through the other libraries' kernels (torch's, whose float32 sums may be
    ordered otherwise on a loaded machine, within 1e-4)."""
    assert set(s) == {f"{k}_diff" for k in ("npz", "safetensors", "torch", "sklearn", "onnx")}
    assert s["npz_diff"] == s["safetensors_diff"] == 0
    assert max(s["sklearn_diff"], s["onnx_diff"]) < 1e-5 and s["torch_diff"] < 1e-4


def claims_16(s):
    """Over five starts: no straight cut splits the spiral in the plane, layer 1 does better,
    and every start that solved it is cut cleanly in layer 2; the path lies nearly in a
    plane, through which the landscape's centre is the net's own cost; ten times the rate
    kills many more relus than the spread between starts."""
    assert s["cut_plane"] < 0.7 < s["cut_h1"] and s["solved"] >= 3
    assert s["cut_h2_solved"] > 0.99 and s["cut_h2"] > s["cut_h1"]
    assert s["path_share"] - 2 * s["path_share_std"] > 0.85 and s["centre_diff"] < 1e-6
    assert s["dead_fast"] - s["dead_slow"] > 2 * (s["dead_fast_std"] + s["dead_slow_std"])


def test_every_tutorial_has_its_claims_and_a_docstring():
    assert len(TUTORIALS) >= 14
    for name in TUTORIALS:
        text = (ROOT / "examples" / name).read_text()
        assert f"python examples/{name}" in text and len(text.splitlines()) < 200, name
        assert f"claims_{name[:2]}" in globals(), name


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial(name, tmp_path):
    out = tmp_path / "pictures"
    run = subprocess.run([sys.executable, str(ROOT / "examples" / name), "--out", str(out)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert f"pictures go to {out}/" in run.stdout
    values = {k: float(v) for k, v in summary(run.stdout).items()}
    globals()[f"claims_{name[:2]}"](values)
    pngs = sorted(out.glob("*.png"))
    assert pngs, f"{name} wrote no picture"
    for png in pngs:
        rgb = np.asarray(Image.open(png).convert("RGB"))
        assert min(rgb.shape[:2]) >= 300, png.name
        colours = len(np.unique(rgb.reshape(-1, 3), axis=0))
        assert rgb.std() > 10 and colours > 100, f"{png.name} is nearly flat ({colours})"


def run_example(name, *args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "examples" / name), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_the_demos_write_into_out_and_nowhere_else(tmp_path):
    """adder checks every sum it learned; march writes its three pictures and the net into
    --out; the working folder stays empty."""
    r = run_example("adder.py", "--bits", "2", "--out", str(tmp_path / "a"), cwd=tmp_path)
    assert r.returncode == 0 and "16/16 sums right" in r.stdout
    r = run_example("march.py", "--out", str(tmp_path / "m"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (tmp_path / "m").iterdir()} == {
        "march_shape.png", "march_0.png", "march_1.png", "torus.npz"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "m"]


@pytest.mark.parametrize("name,args,words", [
    ("adder.py", ["3"], "unrecognized arguments: 3"),
    ("adder.py", ["--bits", "9"], "--bits must be in 1..8, got 9"),
    ("adder.py", ["--bits", "x"], "argument --bits: invalid int value: 'x'"),
    ("march.py", ["out"], "unrecognized arguments: out"),
    ("chaos_rgb.py", ["--frames", "3"], "unrecognized arguments: --frames 3"),
    ("01_neuron_xor.py", ["--out"], "argument --out: expected one argument"),
])
def test_a_bad_argument_is_one_line_and_exit_2(name, args, words, tmp_path):
    r = run_example(name, *args, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and words in r.stderr, r.stderr
